"""API of "Faire alliance": organisations, open needs and offers (public fields only), and
the suggestions for a need, an offer or an organisation (signed-in people or API keys)."""

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from alliances.apikit.auth import CuratorApiKey
from alliances.apikit.pagination import paginate
from alliances.base.models import Organisation

from . import search, suggestions
from .models import Decision, Listing

router = Router(tags=["partners"])
PAGE = Query(1, description="Page number from 1; past the end gives the last page.")
PAGE_SIZE = Query(50, ge=1, le=200, description="Rows per page, 1-200.")


class Place(Schema):
    level: str = Field(description="Level of the territory (commune, departement, region...).")
    code: str = Field(description="Official geographic code.")
    name: str


class OrganisationRef(Schema):
    id: int
    name: str
    url: str


class OrganisationOut(Schema):
    id: int
    name: str
    profile: str = Field(description="Actor profile key (taxonomy actor_profiles).")
    profile_label: str
    territory: Place | None
    website: str
    siren: str
    siret: str
    rna: str
    domains: list[str] = Field(description="Keys of its domains of action (taxonomy domains).")
    open_needs: int
    open_offers: int
    url: str


class OrganisationListOut(Schema):
    count: int
    results: list[OrganisationOut]


class ListingOut(Schema):
    id: int
    title: str
    kind: str = Field(description="Kind key (mecenat_competences, financement, benevoles...).")
    kind_label: str
    description: str
    domains: list[str]
    territory: Place | None
    reach: str = Field(description="local, departement, region or national.")
    starts_on: str | None
    ends_on: str | None
    published_at: str | None
    confirmed_at: str | None
    expires_at: str
    organisation: OrganisationRef
    url: str


class ListingFacetValueOut(Schema):
    value: str = Field(description="The value to pass to the filter's parameter.")
    label: str
    count: int


class ListingListOut(Schema):
    count: int
    results: list[ListingOut]
    ignored: list[str] = Field(
        default_factory=list, description="Filter values not understood, and ignored."
    )
    facets: dict[str, list[ListingFacetValueOut]] = Field(
        default_factory=dict,
        description="direction, kind, domain, region, reach: each value with the number of "
        "results it gives (the other filters applied).",
    )


class PartnerSuggestionOut(Schema):
    key: str = Field(description='"organisation:<id>" or "listing:<id>".')
    name: str
    score: float = Field(description="0 to 1: the weighted sum of the four grounds.")
    why: str = Field(description="The reasons in words, in the request's language.")
    url: str


def _place(territory: object) -> dict | None:
    if territory is None:
        return None
    return {"level": territory.level, "code": territory.code, "name": territory.name}


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None


def _public_organisations() -> object:
    """Organisations with a published alliance, a representative, or an open need or offer."""
    listed = Listing.objects.open().values("organisation_id")
    claimed = Organisation.objects.filter(claims__status=Decision.APPROVED).values("pk")
    return Organisation.objects.filter(
        Q(partnerships__alliance__status="published") | Q(pk__in=listed) | Q(pk__in=claimed)
    ).distinct()


def organisation_row(o: Organisation, counts: dict[tuple[int, str], int]) -> dict:
    profile = getattr(o, "partner_profile", None)
    return {
        "id": o.pk,
        "name": o.name,
        "profile": o.profile.key,
        "profile_label": o.profile.label,
        "territory": _place(o.territory),
        "website": o.website,
        "siren": o.siren,
        "siret": o.siret,
        "rna": o.rna,
        "domains": sorted(profile.domains.values_list("key", flat=True)) if profile else [],
        "open_needs": counts.get((o.pk, "need"), 0),
        "open_offers": counts.get((o.pk, "offer"), 0),
        "url": o.get_absolute_url(),
    }


@router.get(
    "/organisations",
    response=OrganisationListOut,
    summary="Organisations",
    description="Organisations that are public: partners of a published alliance, or with a "
    "representative or an open need or offer. Filter by `profile` (actor profile key), "
    "`region` (official code) and `q` (words of the name). Public fields only: no person.",
)
def list_organisations(
    request: HttpRequest,
    profile: str = Query("", description="Actor profile key, e.g. association."),
    region: str = Query("", description="Official code of a région, e.g. 84."),
    q: str = Query("", max_length=200, description="Words of the name."),
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict:
    rows = _public_organisations()
    if profile:
        rows = rows.filter(profile__key=profile)
    if region:
        rows = rows.filter(
            Q(territory__region__code=region) | Q(territory__level="region", territory__code=region)
        )
    if q.strip():
        rows = rows.filter(name__icontains=q.strip())
    rows = rows.select_related("profile", "territory", "partner_profile").order_by("name", "pk")
    count, chunk = paginate(rows, page, page_size)
    counts = {
        (row["organisation_id"], row["direction"]): row["n"]
        for row in Listing.objects.open()
        .filter(organisation__in=[o.pk for o in chunk])
        .values("organisation_id", "direction")
        .annotate(n=Count("id"))
    }
    return {"count": count, "results": [organisation_row(o, counts) for o in chunk]}


def listing_row(x: Listing) -> dict:
    return {
        "id": x.pk,
        "title": x.title,
        "kind": x.kind,
        "kind_label": str(x.get_kind_display()),
        "description": x.description,
        "domains": sorted(d.key for d in x.domains.all()),
        "territory": _place(x.territory),
        "reach": x.reach,
        "starts_on": _iso(x.starts_on),
        "ends_on": _iso(x.ends_on),
        "published_at": _iso(x.published_at),
        "confirmed_at": _iso(x.confirmed_at),
        "expires_at": x.expires_at.isoformat(),
        "organisation": {
            "id": x.organisation_id,
            "name": x.organisation.name,
            "url": x.organisation.get_absolute_url(),
        },
        "url": x.get_absolute_url(),
    }


def _listings(request: HttpRequest, direction: str, page: int, page_size: int) -> dict:
    """The list's own search (`search`) on the request's parameters: the same query string
    finds the same needs and offers here as on /partenaires/."""
    query, notices = search.parse(request.GET)
    found = search.run(query, notices, direction=direction, limit=1)
    count, chunk = paginate(found.ids, page, page_size)
    return {
        "count": count,
        "results": [listing_row(x) for x in search.fetch(chunk)],
        "ignored": found.notices,
        "facets": found.facet_counts(),
    }


LISTING_FILTERS = (
    "The parameters of the list /partenaires/ (one search for the page, this API, the saved "
    "searches and the feed): `nature` (kind key), `domaine` (domain key), `lieu` (a place: name "
    "or level:code; everything inside it), `portee` (reach), each repeatable (any of the "
    "values), and `q` (words, accents and plurals ignored; a place named in it filters too, "
    "unless `exact=1`). Only published needs and offers that have not expired; no person is "
    "named. `facets` counts each filter's values with the other filters applied."
)
NATURE = Query(None, description="Kind key, e.g. mecenat_competences; repeatable.")
DOMAINE = Query(None, description="Domain key, e.g. emploi_insertion; repeatable.")
LIEU = Query(None, description="A place, e.g. Rhône or departement:69; repeatable.")
PORTEE = Query(None, description="Reach: local, departement, region, national; repeatable.")
Q_TEXT = Query("", max_length=200, description="Words of the title, description, organisation.")
EXACT = Query(False, description="Words as typed: no place read in them.")


@router.get(
    "/needs",
    response=ListingListOut,
    summary="Open needs",
    description="Needs (besoins) of organisations. " + LISTING_FILTERS,
)
def list_needs(
    request: HttpRequest,
    nature: list[str] | None = NATURE,
    domaine: list[str] | None = DOMAINE,
    lieu: list[str] | None = LIEU,
    portee: list[str] | None = PORTEE,
    q: str = Q_TEXT,
    exact: bool = EXACT,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict:
    return _listings(request, "besoins", page, page_size)


@router.get(
    "/offers",
    response=ListingListOut,
    summary="Open offers",
    description="Offers (propositions) of organisations. " + LISTING_FILTERS,
)
def list_offers(
    request: HttpRequest,
    nature: list[str] | None = NATURE,
    domaine: list[str] | None = DOMAINE,
    lieu: list[str] | None = LIEU,
    portee: list[str] | None = PORTEE,
    q: str = Q_TEXT,
    exact: bool = EXACT,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict:
    return _listings(request, "propositions", page, page_size)


def _suggestion_rows(found: list[dict]) -> list[dict]:
    return [
        {
            "key": s["key"],
            "name": s["object"].title if s["is_listing"] else s["object"].name,
            "score": s["score"],
            "why": s["why"],
            "url": s["object"].get_absolute_url(),
        }
        for s in found
    ]


@router.get(
    "/listings/{id}/suggestions",
    response=list[PartnerSuggestionOut],
    auth=[django_auth, CuratorApiKey()],
    summary="Suggestions for a need or an offer",
    description="For a need: the offers and organisations that could answer it; for an offer: "
    "the needs. Best first, each with its reasons in words. Signed-in session or API key.",
)
def listing_suggestions(request: HttpRequest, id: int) -> list[dict]:  # noqa: A002
    listing = Listing.objects.open().filter(pk=id).select_related("organisation").first()
    if listing is None:
        raise Http404("Besoin ou proposition introuvable")
    return _suggestion_rows(suggestions.for_listing(listing, request.user))


@router.get(
    "/organisations/{id}/suggestions",
    response=list[PartnerSuggestionOut],
    auth=[django_auth, CuratorApiKey()],
    summary="Possible partners of an organisation",
    description="Nearby organisations, best complement first, each with its reasons in words. "
    "Signed-in session or API key.",
)
def organisation_suggestions(request: HttpRequest, id: int) -> list[dict]:  # noqa: A002
    organisation = get_object_or_404(_public_organisations(), pk=id)
    return _suggestion_rows(suggestions.for_organisation(organisation, request.user))
