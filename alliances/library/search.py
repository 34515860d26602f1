"""Run a `ResourceQuery` on the database: filtered results, a page of them, facet counts.

Text search is a LIKE over `Resource.search_text`, a folded (no accents, no case) copy of the
title, publisher and summaries: each folded word of the query must start a word of it. The
same SQL runs on SQLite and PostgreSQL; at 70-1000 resources it answers in milliseconds.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal

from .models import MATURITY_LEVELS, Format, Kind, Resource
from .query import FILTERS, ResourceQuery, clamp_page, parse_query

LANGUAGE_LABELS = {"fr": _("français"), "en": _("anglais")}
PARAM_LABELS = {
    "kind": _("type"),
    "format": _("format"),
    "audience": _("public"),
    "level": _("niveau de maturité"),
    "domain": _("domaine"),
    "sdg": _("ODD"),
    "language": _("langue"),
    "year_min": _("année minimale"),
    "year_max": _("année maximale"),
    "sort": _("tri"),
    "page": _("page"),
    "page_size": _("taille de page"),
}
SORT_LABELS = {
    "title": _("titre"),
    "-year": _("plus récentes d'abord"),
    "year": _("plus anciennes d'abord"),
}
ORDERING = {
    "title": ["title", "pk"],
    "-year": ["-year", "title", "pk"],
    "year": ["year", "title", "pk"],
}
FACET_LABELS = {
    "kind": _("Type M.E.D.O.C."),
    "format": _("Format"),
    "audience": _("Public"),
    "level": _("Niveau de maturité"),
    "domain": _("Domaine"),
    "sdg": _("ODD"),
    "language": _("Langue"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: ResourceQuery
    count: int
    page: int
    last_page: int
    items: list[Resource]
    facets: dict[str, list[FacetValue]]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def _terms(taxonomy: str) -> list[Term]:
    return list(Term.objects.filter(taxonomy__key=taxonomy, obsolete=False).order_by("position"))


def choices() -> dict[str, list[tuple[str, str]]]:
    """(value, label) of every known value of every filter, in display order."""
    level_terms = {t.key: t.label for t in _terms("maturity_levels")}
    levels = []
    for n in MATURITY_LEVELS:
        name = level_terms.get(str(n))
        label = _("Niveau %(n)s") % {"n": n}
        levels.append((str(n), f"{label} — {name}" if name else str(label)))
    languages = sorted(
        set(Resource.objects.published().values_list("language", flat=True)) | {"fr", "en"}
    )
    return {
        "kind": [(k, str(label)) for k, label in Kind.choices],
        "format": [(k, str(label)) for k, label in Format.choices],
        "audience": [(t.key, t.label) for t in _terms("actor_profiles")],
        "level": levels,
        "domain": [(t.key, t.label) for t in _terms("domains")],
        "sdg": [(str(g.number), f"{g.number}. {g.short}") for g in SdgGoal.objects.all()],
        "language": [(code, str(LANGUAGE_LABELS.get(code, code))) for code in languages],
    }


def parse(params: object, default_page_size: int = 20) -> tuple[ResourceQuery, dict]:
    """Parse request GET parameters (a QueryDict or a mapping of lists) against the DB values."""
    known = choices()
    allowed = {name: [v for v, _label in values] for name, values in known.items()}
    getter = params.getlist if hasattr(params, "getlist") else params  # type: ignore[attr-defined]
    return parse_query(getter, allowed, default_page_size), known


def filtered(query: ResourceQuery) -> QuerySet[Resource]:
    """Published resources matching the text and every filter (OR within one filter)."""
    qs = Resource.objects.published()
    for word in query.words:
        # search_text is " folded words ": " word" matches a word start, never mid-word.
        qs = qs.filter(search_text__contains=f" {word}")
    if query.kind:
        qs = qs.filter(kind__in=query.kind)
    if query.format:
        qs = qs.filter(format__in=query.format)
    if query.language:
        qs = qs.filter(language__in=query.language)
    if query.level:
        any_level = Q()
        for n in query.level:
            any_level |= Q(**{f"level_{n}": True})
        qs = qs.filter(any_level)
    # Many-to-many filters go through a subquery so a resource is never counted twice.
    if query.audience:
        qs = qs.filter(
            pk__in=Resource.audience.through.objects.filter(
                term__key__in=query.audience, term__taxonomy__key="actor_profiles"
            ).values("resource_id")
        )
    if query.domain:
        qs = qs.filter(
            pk__in=Resource.domains.through.objects.filter(
                term__key__in=query.domain, term__taxonomy__key="domains"
            ).values("resource_id")
        )
    if query.sdg:
        qs = qs.filter(
            pk__in=Resource.sdg_goals.through.objects.filter(sdggoal__number__in=query.sdg).values(
                "resource_id"
            )
        )
    if query.year_min is not None:
        qs = qs.filter(year__gte=query.year_min)
    if query.year_max is not None:
        qs = qs.filter(year__lte=query.year_max)
    return qs


def facet_counts(
    qs: QuerySet[Resource], query: ResourceQuery, known: dict[str, list[tuple[str, str]]]
) -> dict[str, list[FacetValue]]:
    """Counts of every value of every filter among the current results."""
    counts: dict[str, Counter] = {name: Counter() for name in FILTERS}
    fields = ["kind", "format", "language"] + [f"level_{n}" for n in MATURITY_LEVELS]
    for row in qs.values_list(*fields):
        kind, fmt, language, *levels = row
        counts["kind"][kind] += 1
        counts["format"][fmt] += 1
        counts["language"][language] += 1
        for n, flag in zip(MATURITY_LEVELS, levels, strict=True):
            if flag:
                counts["level"][str(n)] += 1
    ids = qs.values("pk")
    # One row per (resource, term) pair in a many-to-many table: counting rows counts
    # resources, and a resource with two audiences adds one to each.
    counts["audience"].update(
        Resource.audience.through.objects.filter(resource_id__in=ids).values_list(
            "term__key", flat=True
        )
    )
    counts["domain"].update(
        Resource.domains.through.objects.filter(resource_id__in=ids).values_list(
            "term__key", flat=True
        )
    )
    counts["sdg"].update(
        str(n)
        for n in Resource.sdg_goals.through.objects.filter(resource_id__in=ids).values_list(
            "sdggoal__number", flat=True
        )
    )
    facets = {}
    for name in FILTERS:
        selected = {str(v) for v in query.values(name)}
        facets[name] = [
            FacetValue(value, label, counts[name].get(value, 0), value in selected)
            for value, label in known[name]
        ]
    return facets


def run(query: ResourceQuery, known: dict[str, list[tuple[str, str]]]) -> SearchResult:
    qs = filtered(query)
    count = qs.count()
    page, last_page = clamp_page(query.page, count, query.page_size)
    start = (page - 1) * query.page_size
    items = list(
        qs.order_by(*ORDERING[query.sort]).prefetch_related("audience", "domains", "sdg_goals")[
            start : start + query.page_size
        ]
    )
    return SearchResult(
        query=query.with_page(page),
        count=count,
        page=page,
        last_page=last_page,
        items=items,
        facets=facet_counts(qs, query, known),
    )


def problem_messages(query: ResourceQuery) -> list[str]:
    """Notices (French, translatable) for the values the query ignored."""
    reasons = {
        "unknown": _("la valeur « %(value)s » du filtre « %(param)s » est inconnue : ignorée."),
        "not_a_number": _(
            "la valeur « %(value)s » du filtre « %(param)s » n'est pas un nombre : ignorée."
        ),
        "range": _("la valeur « %(value)s » du filtre « %(param)s » est hors limites : ignorée."),
    }
    return [
        str(reasons[p.reason] % {"value": p.value, "param": PARAM_LABELS.get(p.param, p.param)})
        for p in query.problems
    ]


def _minutes(duration: timedelta | None) -> int | None:
    return None if duration is None else int(duration.total_seconds() // 60)


def resource_row(resource: Resource, request: object = None) -> dict:
    """A resource as a plain dict: the API results and the JSON/CSV twins."""
    url = resource.get_absolute_url()
    if request is not None:
        url = request.build_absolute_uri(url)  # type: ignore[attr-defined]
    return {
        "slug": resource.slug,
        "kind": resource.kind,
        "kind_label": str(resource.get_kind_display()),
        "title": resource.title,
        "summary": resource.summary,
        "publisher": resource.publisher,
        "year": resource.year,
        "format": resource.format,
        "format_label": str(resource.get_format_display()),
        "url": resource.url,
        "licence": resource.licence,
        "language": resource.language,
        "duration_minutes": _minutes(resource.duration),
        "audience": [t.key for t in resource.audience.all()],
        "maturity_levels": resource.maturity_levels,
        "domains": [t.key for t in resource.domains.all()],
        "sdg_goals": [g.number for g in resource.sdg_goals.all()],
        "source_url": resource.source_url,
        "page_url": url,
    }


ROW_COLUMNS = [
    "slug",
    "kind",
    "title",
    "summary",
    "publisher",
    "year",
    "format",
    "url",
    "licence",
    "language",
    "duration_minutes",
    "audience",
    "maturity_levels",
    "domains",
    "sdg_goals",
    "source_url",
    "page_url",
]
