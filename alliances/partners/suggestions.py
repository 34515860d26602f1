"""Suggestions on the pages: read the candidates from the database, rank them with
`matching`, and say why in the reader's language.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliances.base.models import Organisation, Partner
from alliances.referentials.models import Term
from alliances.territories.models import Territory
from alliances.territories.points import point_of

from . import matching
from .kinds import KIND_LABELS, KIND_PROFILES
from .models import HiddenSuggestion, Listing, OrganisationProfile

LIMIT = 8
# Organisations read per ranking at most (nearest territories first): keeps a page fast.
MAX_ORGANISATIONS = 3000


def _code(territory: Territory | None, level: str) -> str:
    if territory is None:
        return ""
    if territory.level == level:
        return territory.code
    parent = getattr(territory, level, None) if level != "commune" else None
    return parent.code if parent is not None else ""


def place_of(territory: Territory | None) -> dict:
    if territory is None:
        return {}
    return {
        "commune": _code(territory, "commune"),
        "epci": _code(territory, "epci"),
        "departement": _code(territory, "departement"),
        "region": _code(territory, "region"),
        "point": point_of(territory.level, territory.code),
    }


def _experience(organisation_ids: list[int]) -> dict[int, tuple[int, frozenset[str]]]:
    counts: dict[int, int] = defaultdict(int)
    types: dict[int, set[str]] = defaultdict(set)
    partners = Partner.objects.filter(
        organisation_id__in=organisation_ids, alliance__status="published"
    )
    for org_id in partners.values_list("organisation_id", flat=True):
        counts[org_id] += 1
    rows = partners.values_list("organisation_id", "alliance__partnership_types__key")
    for org_id, key in rows:
        if key:
            types[org_id].add(key)
    return {k: (counts[k], frozenset(types[k])) for k in counts}


def _domains(organisation_ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    rows = OrganisationProfile.objects.filter(organisation_id__in=organisation_ids).values_list(
        "organisation_id", "domains__key"
    )
    for org_id, key in rows:
        if key:
            found[org_id].add(key)
    return {k: frozenset(v) for k, v in found.items()}


def organisation_actors(organisations: list[Organisation]) -> dict[int, matching.Actor]:
    ids = [o.pk for o in organisations]
    experience, domains = _experience(ids), _domains(ids)
    return {
        o.pk: matching.Actor(
            key=f"organisation:{o.pk}",
            profile=o.profile.key if o.profile_id else "",
            domains=domains.get(o.pk, frozenset()),
            alliance_count=experience.get(o.pk, (0, frozenset()))[0],
            alliance_types=experience.get(o.pk, (0, frozenset()))[1],
            **place_of(o.territory),
        )
        for o in organisations
    }


def _listing_domains(ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for listing_id, key in Listing.domains.through.objects.filter(listing_id__in=ids).values_list(
        "listing_id", "term__key"
    ):
        found[listing_id].add(key)
    return {k: frozenset(v) for k, v in found.items()}


def listing_actor(
    listing: Listing,
    owner: matching.Actor | None = None,
    domains: frozenset[str] | None = None,
) -> matching.Actor:
    place = place_of(listing.territory) or (
        {k: getattr(owner, k) for k in ("commune", "epci", "departement", "region", "point")}
        if owner
        else {}
    )
    return matching.Actor(
        key=f"listing:{listing.pk}",
        profile=owner.profile if owner else "",
        domains=(
            domains
            if domains is not None
            else frozenset(listing.domains.values_list("key", flat=True))
        ),
        alliance_count=owner.alliance_count if owner else 0,
        alliance_types=owner.alliance_types if owner else frozenset(),
        kind=listing.kind,
        reach=listing.reach,
        **place,
    )


def _nearby(subject: matching.Actor, exclude: int) -> list[Organisation]:
    """Organisations in the subject's département (its région for a wider reach)."""
    rows = Organisation.objects.select_related(
        "profile", "territory__epci", "territory__departement", "territory__region"
    ).exclude(pk=exclude)
    if subject.reach in ("region", "national") and subject.region:
        rows = rows.filter(
            Q(territory__region__code=subject.region)
            | Q(territory__level="region", territory__code=subject.region)
        )
    elif subject.departement:
        rows = rows.filter(
            Q(territory__departement__code=subject.departement)
            | Q(territory__level="departement", territory__code=subject.departement)
        )
    return list(rows.filter(synthetic=False)[:MAX_ORGANISATIONS])


def _near_listings(subject: matching.Actor) -> object:
    """Open needs or offers in the subject's département or région, and national ones."""
    rows = Listing.objects.open()
    if subject.reach == "national" or not subject.region:
        return rows
    area = Q(territory__region__code=subject.region) | Q(
        territory__level="region", territory__code=subject.region
    )
    if subject.reach != "region" and subject.departement:
        area = Q(territory__departement__code=subject.departement) | Q(
            territory__level="departement", territory__code=subject.departement
        )
    return rows.filter(area | Q(reach=Listing.Reach.NATIONAL) | Q(territory__isnull=True))


def hidden_for(user: object, subject: str) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        HiddenSuggestion.objects.filter(user=user, subject=subject).values_list("target", flat=True)
    )


def hide(user: object, subject: str, target: str) -> None:
    if subject and target and len(subject) <= 40 and len(target) <= 40:
        HiddenSuggestion.objects.get_or_create(user=user, subject=subject, target=target)


def _labels() -> dict[str, str]:
    return {
        t.key: t.label
        for t in Term.objects.filter(
            taxonomy__key__in=("actor_profiles", "domains", "partnership_types")
        )
    }


def explain(reasons: list[tuple[str, dict]], labels: dict[str, str]) -> str:
    """ "Entreprise à 12 km, active en emploi et insertion, partenaire de 2 alliances…" """
    parts: list[str] = []
    for code, values in reasons:
        if code == "profile":
            parts.append(labels.get(values["profile"], values["profile"]))
        elif code == "same_commune":
            parts.append(_("dans la même commune"))
        elif code == "same_epci":
            parts.append(_("dans la même intercommunalité"))
        elif code == "same_departement":
            parts.append(_("dans le même département"))
        elif code == "distance":
            parts.append(_("à %(km)s km") % {"km": values["km"]})
        elif code == "domains":
            names = ", ".join(labels.get(d, d) for d in values["domains"])
            parts.append(_("active en %(domains)s") % {"domains": names})
        elif code == "alliances":
            types = ", ".join(labels.get(t, t) for t in values["types"])
            text = ngettext(
                "partenaire de %(n)s alliance", "partenaire de %(n)s alliances", values["n"]
            ) % {"n": values["n"]}
            parts.append(f"{text} ({types})" if types else text)
    if not parts:
        return ""
    first, *rest = parts
    return " ".join([first, *rest[:1]]) + "".join(f", {p}" for p in rest[1:])


def _present(found: list[matching.Suggestion], objects: dict[str, object]) -> list[dict]:
    labels = _labels()
    return [
        {
            "key": s.actor.key,
            "object": objects[s.actor.key],
            "is_listing": s.actor.key.startswith("listing:"),
            "score": s.score,
            "why": explain(s.reasons, labels),
        }
        for s in found
        if s.actor.key in objects
    ]


def for_listing(listing: Listing, user: object) -> list[dict]:
    """For a need: offers and organisations that could answer; for an offer: the needs."""
    owners = organisation_actors([listing.organisation])
    subject = listing_actor(listing, owners.get(listing.organisation_id))
    opposite = (
        Listing.Direction.OFFER
        if listing.direction == Listing.Direction.NEED
        else Listing.Direction.NEED
    )
    others = list(
        _near_listings(subject)
        .filter(direction=opposite)
        .exclude(organisation=listing.organisation)
        .select_related(
            "organisation__profile",
            "organisation__territory__epci",
            "organisation__territory__departement",
            "organisation__territory__region",
            "territory__epci",
            "territory__departement",
            "territory__region",
        )[:MAX_ORGANISATIONS]
    )
    objects: dict[str, object] = {f"listing:{x.pk}": x for x in others}
    org_actors = organisation_actors([x.organisation for x in others])
    domains = _listing_domains([x.pk for x in others])
    candidates = [
        listing_actor(x, org_actors.get(x.organisation_id), domains.get(x.pk, frozenset()))
        for x in others
    ]
    if listing.direction == Listing.Direction.NEED:
        nearby = _nearby(subject, exclude=listing.organisation_id)
        objects.update({f"organisation:{o.pk}": o for o in nearby})
        candidates += list(organisation_actors(nearby).values())
    found = matching.rank(
        subject,
        candidates,
        limit=LIMIT,
        hidden=hidden_for(user, subject.key),
        kind_profiles=KIND_PROFILES,
    )
    return _present(found, objects)


def for_organisation(organisation: Organisation, user: object) -> list[dict]:
    """Its "partenaires possibles": nearby organisations, best complement first."""
    subject = organisation_actors([organisation])[organisation.pk]
    nearby = _nearby(subject, exclude=organisation.pk)
    objects: dict[str, object] = {f"organisation:{o.pk}": o for o in nearby}
    found = matching.rank(
        subject,
        organisation_actors(nearby).values(),
        limit=LIMIT,
        hidden=hidden_for(user, subject.key),
    )
    return _present(found, objects)


def kind_label(key: str) -> str:
    return str(KIND_LABELS.get(key, key))
