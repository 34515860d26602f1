"""API of the taxonomies of the field: every list with its terms, or one list.

Not under /referentials: that path belongs to the maturity referentials.
"""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from alliances.apikit.errors import ErrorOut
from alliances.apikit.pagination import paginate

from .models import Taxonomy, Term

router = Router(tags=["taxonomies"])


class TermOut(Schema):
    key: str = Field(description="Stable identifier, used by the other parts and the API.")
    label: str = Field(description="Label in the language of the request (Accept-Language).")
    label_fr: str
    label_en: str = Field(description="The project's English translation (may be empty).")
    parent: str | None = Field(description="Key of the parent term for a subtype, else null.")
    position: int = Field(description="Order in the list as published (subtypes after parent).")
    provisional: bool = Field(description="The source did not confirm this term.")
    extra: dict = Field(
        description="Attributes given by the source (horizon_years, activities, items) and "
        "their English translations by the project (activities_en, items_en)."
    )


class TaxonomyOut(Schema):
    key: str = Field(description="Key of the list, e.g. actor_profiles, domains.")
    name: str = Field(description="Name in the language of the request.")
    name_fr: str
    name_en: str
    provisional: bool = Field(
        description="The published list was not confirmed: curators may edit it."
    )
    page_url: str = Field(description="The list's page on this platform (/taxonomies/<key>/).")
    terms: list[TermOut] = Field(description="Live (non-obsolete) terms, in order.")


class TaxonomyListOut(Schema):
    count: int = Field(description="Number of lists.")
    results: list[TaxonomyOut]


def _term(term: Term) -> dict:
    return {
        "key": term.key,
        "label": term.label,
        "label_fr": term.label_fr,
        "label_en": term.label_en,
        "parent": term.parent.key if term.parent_id else None,  # type: ignore[union-attr]
        "position": term.position,
        "provisional": term.provisional,
        "extra": term.extra or {},
    }


def _taxonomy(taxonomy: Taxonomy, request: HttpRequest) -> dict:
    # `live_terms` is prefetched: non-obsolete, ordered, with their parent.
    return {
        "key": taxonomy.key,
        "name": taxonomy.name,
        "name_fr": taxonomy.name_fr,
        "name_en": taxonomy.name_en,
        "provisional": taxonomy.provisional,
        "page_url": request.build_absolute_uri(
            reverse("referentials:taxonomy", kwargs={"key": taxonomy.key})
        ),
        "terms": [_term(t) for t in taxonomy.live_terms],  # type: ignore[attr-defined]
    }


def _queryset() -> QuerySet[Taxonomy]:

    live = Term.objects.filter(obsolete=False).select_related("parent").order_by("position", "key")
    return Taxonomy.objects.prefetch_related(
        Prefetch("terms", queryset=live, to_attr="live_terms")
    ).order_by("position", "key")


@router.get("/taxonomies", response=TaxonomyListOut, summary="Every taxonomy with its terms")
def list_taxonomies(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict:
    count, items = paginate(_queryset(), page, page_size)
    return {"count": count, "results": [_taxonomy(t, request) for t in items]}


@router.get(
    "/taxonomies/{key}",
    response={200: TaxonomyOut, 404: ErrorOut},
    summary="One taxonomy with its terms",
)
def get_taxonomy(request: HttpRequest, key: str) -> dict:
    taxonomy = _queryset().filter(key=key).first()
    if taxonomy is None:
        raise HttpError(404, _("Il n'y a pas de liste « %(key)s ».") % {"key": key})
    return _taxonomy(taxonomy, request)
