"""Run a `SearchQuery` in three steps and return a typed `SearchResult`.

1. compile (`compiler`): each filter of the table builds its condition; unknown values
   become notices;
2. run (the database's `dialect`): the total, the page of ids in the sort's order, and the
   id sets on which facets are counted (`facets.sets_to_count`);
3. load: facet counts from the index's bitmaps and their labels (`facets`), the page's rows
   (`hits`); for an empty result, which filter to drop; for a commune, the alliances of the
   places covering it.

Semantics (documented in docs/base-search.md): values of one filter are alternatives (OR);
different filters all apply (AND); a territory contains its sub-territories; facet counts are
disjunctive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db import router
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from alliances.territories.models import Territory

from ..models import Alliance
from . import bitmap_plan, facets, index, orderings, versions
from .compiler import CURATOR_STATUSES, PUBLIC_STATUSES, CompiledQuery, compile_query
from .dialects import RunOutput, RunPlan, fetch
from .facets import FacetValue
from .filters import Notice, filter_label, table
from .hits import Hit, load_hits
from .query import SearchQuery
from .tiers import PlaceChoice, label_covering, nearby_hits, place_chips, place_choices
from .understanding import Reading, without_place

COVERING_LIMIT = 20
EXPORT_CAP = 100_000
# The weight of the meaning's ranks in the fusion: lower while the text's words all match,
# equal to the words' when they do not (relaxed) (docs/adr/0131).
SEMANTIC_WEIGHT = 0.6
SEMANTIC_WEIGHT_RELAXED = 1.0
ALL_FACETS_SECONDS = 24 * 3600  # the key changes with the data; this only bounds memory

__all__ = [
    "CURATOR_STATUSES",
    "PUBLIC_STATUSES",
    "FacetValue",
    "Hit",
    "SearchResult",
    "notice_message",
    "run_search",
    "search_count",
    "search_ids",
    "search_queryset",
]


@dataclass
class Suggestion:
    param: str
    label: str
    count: int
    querystring: str


@dataclass
class Chip:
    """An active filter value as the page shows it, with the query that removes it."""

    label: str
    value: str
    remove: str


@dataclass
class SearchResult:
    query: SearchQuery
    count: int
    page: int
    last_page: int
    alliances: list[Hit]
    facets: dict[str, list[FacetValue]]
    notices: list[str]
    suggestions: list[Suggestion] = field(default_factory=list)
    covering: list[Hit] = field(default_factory=list)
    covering_count: int = 0
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    reading: Reading = field(default_factory=Reading)
    # Few results in a place: alliances of the nearest départements, closest first.
    nearby: list[Hit] = field(default_factory=list)

    @property
    def relaxed(self) -> bool:
        """No alliance contains every word: the results are the closest ones."""
        return self.reading.relaxed

    @property
    def corrections(self) -> list[dict[str, str]]:
        """Each corrected word, and the query that searches the words as typed."""
        exact = self.query.as_typed().to_querystring()
        return [
            {"typed": c.typed, "corrected": c.corrected, "as_typed": exact}
            for c in self.reading.corrections
        ]

    @property
    def place_choices(self) -> list[PlaceChoice]:
        """For a place name several territories share: each of them, as its own search."""
        return place_choices(self.query, self.reading)

    def chips(self) -> list[Chip]:
        """The active filters, each value with its label and a link that removes it; the
        places read in the text first ("Lieu : Gers (32)")."""
        chips = [Chip(*chip) for chip in place_chips(self.query, self.reading)]
        for search_filter in table().filters:
            if search_filter.name == "years":
                continue
            facet = search_filter.facet
            shown = {v.value: v.label for v in self.facets.get(facet.name, [])} if facet else {}
            for param in search_filter.params:
                for value in self.query.values(param):
                    label = shown.get(value) or self.labels.get((param, value), value)
                    remove = self.query.without(param, value).to_querystring()
                    chips.append(Chip(filter_label(search_filter.name), label, remove))
        low, high = self.query.year_min, self.query.year_max
        if low is not None or high is not None:
            value = f"{low or '…'} – {high or '…'}"
            remove = self.query.without("years").to_querystring()
            chips.append(Chip(filter_label("years"), value, remove))
        return chips


def _sort(query: SearchQuery, compiled: CompiledQuery) -> str:
    sort = query.effective_sort
    return "date" if sort == "relevance" and "q" not in compiled.conditions else sort


def _whole_base_key(compiled: CompiledQuery) -> str:
    statuses = ",".join(compiled.statuses)
    return f"search:all-facets:{compiled.using}:{statuses}:{index.index_version(compiled.using)}"


def _run(
    compiled: CompiledQuery, plan: RunPlan, with_facets: bool, disjunctive: bool
) -> tuple[RunOutput, facets.Counts]:
    """Step 2, with the facet counts. The whole base (the search page as first opened) has
    counts that change only with the index: they are cached under its version, which every
    process reads from the database. A date or title page is cut from the results' set by
    the ordering of the whole base (`orderings`), not sorted by the database."""
    by_order = plan.sort in orderings.SORTS and bool(plan.limit)
    asked = replace(plan, limit=0) if by_order else plan
    if not with_facets:
        fast = bitmap_plan.run(compiled, replace(plan, sets=()))
        if fast is not None:
            return fast, {}
        output = compiled.dialect.run(compiled, _with_results(asked, by_order))
        return _page_by_order(output, compiled, plan, by_order), {}
    key = _whole_base_key(compiled) if not compiled.conditions else ""
    counts = cache.get(key) if key else None
    if counts is not None:
        fast = bitmap_plan.run(compiled, replace(plan, sets=()))
        if fast is not None:
            return fast, counts
        output = compiled.dialect.run(compiled, _with_results(asked, by_order))
        return _page_by_order(output, compiled, plan, by_order), counts
    to_count = facets.sets_to_count(set(compiled.conditions), disjunctive)
    fast = bitmap_plan.run(compiled, replace(plan, sets=tuple(to_count)))
    if fast is not None:
        counts = facets.count(fast.sets, to_count, compiled.using)
        if key:
            cache.set(key, counts, ALL_FACETS_SECONDS)
        return fast, counts
    asked = _with_results(replace(asked, sets=tuple(to_count)), by_order)
    output = compiled.dialect.run(compiled, asked)
    counts = facets.count(output.sets, to_count, compiled.using)
    if key:
        cache.set(key, counts, ALL_FACETS_SECONDS)
    return _page_by_order(output, compiled, plan, by_order), counts


def _with_results(plan: RunPlan, by_order: bool) -> RunPlan:
    """The plan, asking for the results' id set ("") when the page is cut from it."""
    if not by_order or "" in plan.sets:
        return plan
    return replace(plan, sets=(*plan.sets, ""))


def _page_by_order(
    output: RunOutput, compiled: CompiledQuery, plan: RunPlan, by_order: bool
) -> RunOutput:
    if not by_order:
        return output
    assert plan.limit is not None
    found = orderings.page(output.sets[""], plan.sort, plan.offset, plan.limit, compiled.using)
    # An alliance written since the ordering was read: the database sorts, as before.
    output.page = found if found is not None else compiled.dialect.run(compiled, plan).page
    return output


def run_search(
    query: SearchQuery,
    *,
    include_drafts: bool = False,
    using: str | None = None,
    with_facets: bool = True,
    limit: int | None = None,
    disjunctive: bool = True,
) -> SearchResult:
    """Execute the query; `include_drafts` is for curators only (the caller checks).

    `limit` takes the first `limit` results whatever the page (portals, widgets).
    `disjunctive=False` counts every facet on the results themselves (cheaper; used by the
    benchmark to show the cost of disjunctive counts)."""
    with versions.pinned():  # the index version read once for the whole search
        return _run_search(query, include_drafts, using, with_facets, limit, disjunctive)


def _run_search(
    query: SearchQuery,
    include_drafts: bool,
    using: str | None,
    with_facets: bool,
    limit: int | None,
    disjunctive: bool,
) -> SearchResult:
    alias = using or router.db_for_read(Alliance)
    statuses = CURATOR_STATUSES if include_drafts else PUBLIC_STATUSES
    compiled = compile_query(query, statuses, alias)
    page_size = query.page_size if limit is None else limit
    page = max(1, query.page) if limit is None else 1
    sort = _sort(query, compiled)
    plan = _plan(compiled, sort, (page - 1) * page_size, page_size)
    output, counts = _run(compiled, plan, with_facets, disjunctive)
    last_page = max(1, -(-output.total // page_size))
    if page > last_page:  # a page past the end gives the last page
        page = last_page
        output.page = compiled.dialect.run(
            compiled, _plan(compiled, sort, (page - 1) * page_size, page_size)
        ).page
    result = SearchResult(
        query=query,
        count=output.total,
        page=page,
        last_page=last_page,
        alliances=load_hits(output.page, compiled.terms, alias),
        facets=facets.labelled(counts, query, alias) if with_facets else {},
        notices=list(compiled.context.notices),
        labels=compiled.context.labels,
        reading=compiled.reading,
    )
    if output.total == 0 and compiled.conditions:
        result.suggestions = _suggestions(compiled)
    if compiled.context.covering_ids:
        _covering(result, compiled)
    shown = {h.id for h in result.alliances} | {h.id for h in result.covering}
    result.nearby = nearby_hits(compiled, result.count, shown)
    return result


def _plan(compiled: CompiledQuery, sort: str, offset: int, limit: int | None) -> RunPlan:
    weight = SEMANTIC_WEIGHT_RELAXED if compiled.reading.relaxed else SEMANTIC_WEIGHT
    return RunPlan(sort, offset, limit, semantic=tuple(compiled.semantic), semantic_weight=weight)


def search_ids(
    query: SearchQuery,
    *,
    include_drafts: bool = False,
    using: str | None = None,
    cap: int = EXPORT_CAP,
) -> list[int]:
    """Every id of the query's results in its order, up to `cap` (exports: one run, no
    facets)."""
    alias = using or router.db_for_read(Alliance)
    statuses = CURATOR_STATUSES if include_drafts else PUBLIC_STATUSES
    compiled = compile_query(query, statuses, alias)
    return compiled.dialect.run(compiled, _plan(compiled, _sort(query, compiled), 0, cap)).page


def search_count(query: SearchQuery, *, using: str | None = None) -> int:
    """How many published alliances the query finds (saved searches' lists)."""
    alias = using or router.db_for_read(Alliance)
    compiled = compile_query(query, PUBLIC_STATUSES, alias)
    return compiled.dialect.run(compiled, RunPlan("date", 0, 0)).total


def search_queryset(
    query: SearchQuery, *, include_drafts: bool = False, using: str | None = None
) -> QuerySet[Alliance]:
    """Every result of the query as a queryset to refine further (e.g. first published
    in a period), newest first or by title."""
    alias = using or router.db_for_read(Alliance)
    statuses = CURATOR_STATUSES if include_drafts else PUBLIC_STATUSES
    compiled = compile_query(query, statuses, alias)
    sql, params = compiled.ids_sql()
    queryset = Alliance.objects.using(alias).filter(pk__in=RawSQL(sql, params))
    if query.effective_sort == "title":
        return queryset.order_by("title", "pk")
    return queryset.order_by(F("start_year").desc(nulls_last=True), "pk")


def _suggestions(compiled: CompiledQuery) -> list[Suggestion]:
    """For an empty result: the count obtained by dropping each active filter."""
    names = list(compiled.conditions)
    parts, params = [], []
    for name in names:
        sql, p = compiled.ids_sql(exclude={name})
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) s_{len(parts)})")
        params += p
    row = fetch(compiled.using, "SELECT " + ", ".join(parts), params)[0]
    out = [
        Suggestion(
            param=name,
            label=filter_label(name),
            count=int(n),
            querystring=_without(compiled, name).to_querystring(),
        )
        for name, n in zip(names, row, strict=True)
        if n
    ]
    out.sort(key=lambda s: -s.count)
    return out


def _without(compiled: CompiledQuery, name: str) -> SearchQuery:
    """The query without a condition; "place" is the words that named the places."""
    if name != "place":
        return compiled.query.without(name)
    query = compiled.query
    for match in sorted(compiled.reading.places, key=lambda m: -m.start):
        query = without_place(query, match)
    return query


def _covering(result: SearchResult, compiled: CompiledQuery) -> None:
    """Alliances of the territories covering the places (EPCI, département, région, the
    whole country), apart from those located in them."""
    ids = sorted(set(compiled.context.covering_ids))
    fast = bitmap_plan.covering(compiled, ids, COVERING_LIMIT)
    if fast is not None:  # from the bitmaps: no second search (issue 13)
        result.covering_count, found = fast
        result.covering = load_hits(found, compiled.terms, compiled.using)
        label_covering(result.covering)
        return
    marks = ", ".join(["%s"] * len(ids))
    sql, params = compiled.ids_sql(
        exclude={"territory", "place"}, extra=(f"a.territory_id IN ({marks})", ids)
    )
    # The closest scale first (intercommunalité, département, région, nation), then newest;
    # counted apart, so that only the first ones are read.
    total = fetch(compiled.using, f"SELECT COUNT(*) FROM ({sql}) c", params)
    rows = fetch(
        compiled.using,
        f"SELECT a.id FROM {Alliance._meta.db_table} a JOIN {Territory._meta.db_table} tr "
        f"ON tr.id = a.territory_id WHERE a.id IN ({sql}) ORDER BY CASE tr.level "
        "WHEN 'epci' THEN 0 WHEN 'departement' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, "
        "CASE WHEN a.start_year IS NULL THEN 1 ELSE 0 END, a.start_year DESC, a.id "
        f"LIMIT {COVERING_LIMIT}",
        params,
    )
    result.covering_count = int(total[0][0])
    result.covering = load_hits([int(r[0]) for r in rows], compiled.terms, compiled.using)
    label_covering(result.covering)


def notice_message(notice: Notice) -> str:
    """The translated sentence of a parser notice: what was ignored, and where."""
    messages = {
        "invalid": _("Paramètre « %(param)s » : valeur « %(value)s » non comprise, ignorée."),
        "too_long": _(
            "Le texte cherché est trop long : seuls ses 1000 premiers caractères comptent."
        ),
        "too_many_words": _("Le texte cherché a trop de mots : seuls les %(n)s premiers comptent."),
        "too_many_values": _(
            "Filtre « %(param)s » : au plus %(n)s valeurs ; les suivantes sont ignorées."
        ),
        "swapped": _(
            "Les années minimale et maximale étaient inversées : elles ont été échangées."
        ),
    }
    template = messages.get(notice.code, _("Paramètre « %(param)s » ignoré."))
    return template % {"param": notice.param, "value": notice.value, "n": notice.value}


def reading_notices(result: SearchResult) -> list[str]:
    """What the page says of how it read the text: corrections and relaxation."""
    notices = []
    reading = result.reading
    if reading.unsearchable == "no_word":
        notices.append(
            _("« %(text)s » ne contient ni lettre ni chiffre à chercher : voici tous les exemples.")
            % {"text": reading.typed[:80]}
        )
    elif reading.unsearchable == "common_words":
        notices.append(
            _("« %(text)s » ne contient que des mots trop courants pour être cherchés.")
            % {"text": reading.typed[:80]}
        )
    for correction in result.reading.corrections:
        notices.append(
            _("Résultats pour « %(corrected)s » (vous avez tapé « %(typed)s »).")
            % {"corrected": correction.corrected, "typed": correction.typed}
        )
    if result.reading.relaxed:
        notices.append(_("Aucun exemple ne contient tous les mots ; voici les plus proches."))
    return notices
