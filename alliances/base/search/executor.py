"""Run a `SearchQuery` against the database: filters, full text, facets, sort, pages.

Semantics (documented in docs/base-search.md):
- values of one filter are alternatives (OR); different filters all apply (AND);
- a territory filter contains: a région finds the alliances of its départements, EPCI and
  communes; a commune finds its own alliances and, apart ("covering"), those of its EPCI,
  département, région and of the whole country;
- facet counts are disjunctive: the counts of one facet apply every OTHER active filter, so
  the alternatives of a facet in use keep their counts; a facet with no active filter is
  counted on the results themselves. Multi-valued fields count distinct alliances per value.

The id sets (the results, and one per facet filter in use) come from a few SQL statements
(SQLite: FTS5 into a TEMP table; PostgreSQL: one statement over MATERIALIZED CTEs, with the
total and the page); their facets are counted with the index's bitmaps (docs/adr/0092);
then the page's rows are read in 4 small queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections, router
from django.db.models import F, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _
from pyroaring import BitMap

from alliances.common.i18n import current_language
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.territories.models import Territory

from ..models import Alliance, Organisation, Partner
from . import fulltext
from .analysis import snippet
from .query import Notice, SearchQuery

FACETS = ("kind", "profile", "type", "domain", "sdg", "stage", "region", "light")
# Facets whose values are words (the others are ids of terms, goals or régions).
WORD_FACETS = ("kind", "light")
# Which filter a facet's counts leave out (disjunctive faceting).
FACET_FILTER = {
    "kind": "kind",
    "profile": "profile",
    "type": "type",
    "domain": "domain",
    "sdg": "sdg",
    "stage": "stage",
    "region": "territory",
    "light": "light",
}
TAXONOMY = {
    "profile": "actor_profiles",
    "type": "partnership_types",
    "domain": "domains",
    "stage": "partnering_cycle",
}
PUBLIC_STATUSES = (Alliance.Status.PUBLISHED,)
CURATOR_STATUSES = (
    Alliance.Status.PUBLISHED,
    Alliance.Status.REVIEW,
    Alliance.Status.DRAFT,
)
COVERING_LIMIT = 20
ALL_FACETS_SECONDS = 24 * 3600  # the key changes with the data; this only bounds memory
TEMP_IDS = "alliances_search_sets"  # SQLite: the id sets (and scores) of the current search


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    param: str = ""
    query: SearchQuery | None = field(default=None, repr=False, compare=False)

    @property
    def querystring(self) -> str:
        """The query with this value toggled (built on demand: a page shows few of them)."""
        if self.query is None:
            return ""
        return self.query.toggled(self.param, self.value).to_querystring()

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "count": self.count}


@dataclass
class Suggestion:
    param: str
    label: str
    count: int
    querystring: str


@dataclass
class Hit:
    """One result as the list shows it (built from plain rows: no model instances)."""

    id: int
    slug: str
    url: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    summary: str
    description: str
    start_year: int | None
    end_year: int | None
    territory: dict[str, Any] | None
    region: str | None
    stage: str | None
    stage_label: str
    light: str = ""
    light_label: str = ""
    types: list[tuple[str, str]] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)
    sdg_goals: list[int] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    snippet: str = ""
    title_html: str = ""

    @property
    def pk(self) -> int:
        return self.id

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "slug": self.slug,
            "url": self.url,
            "kind": self.kind,
            "title": self.title,
            "summary": self.summary,
            "snippet_html": self.snippet,
            "territory": self.territory,
            "region": self.region,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "stage": self.stage,
            "status_light": self.light or None,
            "types": [key for key, _label in self.types],
            "domains": [key for key, _label in self.domains],
            "sdg_goals": self.sdg_goals,
            "profiles": self.profiles,
            "partners": self.partners,
            "status": self.status,
        }


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
    covering: list[Alliance] = field(default_factory=list)
    covering_count: int = 0
    scores: dict[int, float] = field(default_factory=dict)


def _tables() -> dict[str, str]:
    def through(name: str) -> tuple[str, str, str]:
        model = Alliance._meta.get_field(name).remote_field.through
        fields = [f for f in model._meta.fields if f.is_relation]
        own = next(f for f in fields if f.related_model is Alliance)
        other = next(f for f in fields if f is not own)
        return model._meta.db_table, own.column, other.column

    t = {
        "alliance": Alliance._meta.db_table,
        "partner": Partner._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "territory": Territory._meta.db_table,
        "target": SdgTarget._meta.db_table,
        "goal": SdgGoal._meta.db_table,
    }
    for key, name in (
        ("types", "partnership_types"),
        ("domains", "domains"),
        ("goals", "sdg_goals"),
        ("targets", "sdg_targets"),
    ):
        table, own, other = through(name)
        t[key], t[f"{key}_a"], t[f"{key}_x"] = table, own, other
    return t


@dataclass
class _Cond:
    """One filter as SQL on the alliance row `a`, in two equivalent forms.

    `driver`: uncorrelated `a.id IN (SELECT ...)`, which lets the planner start from the
    filter's own index (no text). `probe`: correlated `EXISTS (...)` looked up per row, for
    when the full-text matches drive the query (a few index probes per match instead of
    materialising a large id list such as "every alliance with an association").
    """

    driver: str
    params: list
    probe: str = ""
    probe_params: list | None = None
    tags: list[str] | None = None  # SQLite: the same filter as "any of these tags"

    def form(self, probe: bool) -> tuple[str, list]:
        if probe and self.probe:
            return self.probe, list(self.probe_params if self.probe_params is not None else [])
        return self.driver, list(self.params)


class _Compiler:
    """Turns a query into SQL conditions on the alliance table (alias `a`)."""

    def __init__(self, query: SearchQuery, statuses: tuple[str, ...], using: str) -> None:
        self.query = query
        self.using = using
        self.vendor = connections[using].vendor
        self.t = _tables()
        self.notices: list[str] = []
        self.conditions: dict[str, _Cond] = {}
        self.labels: dict[tuple[str, str], str] = {}  # (param, value) -> label
        self.commune_ids: list[int] = []
        self.covering_ids: list[int] = []
        self.base = (
            "a.status IN (" + ", ".join(["%s"] * len(statuses)) + ")",
            [str(s) for s in statuses],
        )
        self._compile()

    # -- per filter ---------------------------------------------------------------------
    def _unknown(self, param: str, value: str) -> None:
        self.notices.append(
            _("Filtre « %(param)s » : valeur inconnue « %(value)s », ignorée.")
            % {"param": param, "value": value}
        )

    def _marks(self, values: list) -> str:
        return ", ".join(["%s"] * len(values))

    def _compile(self) -> None:
        q = self.query
        t = self.t
        if q.terms:
            sql, params = fulltext.text_condition(q.terms, "a.id", self.using)
            self.conditions["q"] = _Cond(sql, params)
        if q.kind:
            self.conditions["kind"] = _Cond(
                f"a.kind IN ({self._marks(q.kind)})",
                list(q.kind),
                tags=[fulltext.tag("k", k) for k in q.kind],
            )
        if q.light:
            self.conditions["light"] = _Cond(
                f"a.status_light IN ({self._marks(q.light)})",
                list(q.light),
                tags=[fulltext.tag("l", v) for v in q.light],
            )
        for param in ("profile", "type", "domain", "stage"):
            keys = getattr(q, param)
            if not keys:
                continue
            terms = {
                term.key: term
                for term in Term.objects.using(self.using).filter(
                    taxonomy__key=TAXONOMY[param], key__in=keys
                )
            }
            for key in keys:
                if key in terms:
                    self.labels[(param, key)] = terms[key].label
                else:
                    self._unknown(param, key)
            ids = [terms[k].pk for k in keys if k in terms]
            if not ids:
                continue
            marks = self._marks(ids)
            if param == "profile":
                tops = [terms[k].pk for k in keys if k in terms and terms[k].parent_id is None]
                subs = [terms[k].pk for k in keys if k in terms and terms[k].parent_id]
                parts = []
                params: list = []
                if tops:
                    parts.append(f"o.profile_id IN ({self._marks(tops)})")
                    params += tops
                if subs:
                    parts.append(f"o.subtype_id IN ({self._marks(subs)})")
                    params += subs
                match = "(" + " OR ".join(parts) + ")"
                join = f"{t['partner']} p JOIN {t['organisation']} o ON o.id = p.organisation_id"
                self.conditions[param] = _Cond(
                    f"a.id IN (SELECT p.alliance_id FROM {join} WHERE {match})",
                    params,
                    f"EXISTS (SELECT 1 FROM {join} WHERE p.alliance_id = a.id AND {match})",
                    params,
                    tags=[fulltext.tag("p", i) for i in tops]
                    + [fulltext.tag("s", i) for i in subs],
                )
            elif param == "stage":
                self.conditions[param] = _Cond(
                    f"a.stage_id IN ({marks})", ids, tags=[fulltext.tag("st", i) for i in ids]
                )
            else:
                key = "types" if param == "type" else "domains"
                table, col_a, col_x = t[key], t[f"{key}_a"], t[f"{key}_x"]
                self.conditions[param] = _Cond(
                    f"a.id IN (SELECT {col_a} FROM {table} WHERE {col_x} IN ({marks}))",
                    ids,
                    f"EXISTS (SELECT 1 FROM {table} x WHERE x.{col_a} = a.id "
                    f"AND x.{col_x} IN ({marks}))",
                    ids,
                    tags=[fulltext.tag("t" if param == "type" else "d", i) for i in ids],
                )
        if q.sdg:
            self._compile_sdg()
        if q.territory:
            self._compile_territory()
        if q.organisation:
            found = set(
                Organisation.objects.using(self.using)
                .filter(pk__in=[int(v) for v in q.organisation])
                .values_list("pk", flat=True)
            )
            for value in q.organisation:
                if int(value) not in found:
                    self._unknown("organisation", value)
            if found:
                ids = sorted(found)
                marks = self._marks(ids)
                self.conditions["organisation"] = _Cond(
                    f"a.id IN (SELECT alliance_id FROM {t['partner']} "
                    f"WHERE organisation_id IN ({marks}))",
                    ids,
                    f"EXISTS (SELECT 1 FROM {t['partner']} p WHERE p.alliance_id = a.id "
                    f"AND p.organisation_id IN ({marks}))",
                    ids,
                    tags=[fulltext.tag("o", i) for i in ids],
                )
        years = []
        params = []
        if q.year_min is not None:
            years.append("a.start_year >= %s")
            params.append(q.year_min)
        if q.year_max is not None:
            years.append("a.start_year <= %s")
            params.append(q.year_max)
        if years:
            self.conditions["years"] = _Cond(" AND ".join(years), params)

    def _compile_sdg(self) -> None:
        t = self.t
        goals_wanted = [v for v in self.query.sdg if "." not in v]
        targets_wanted = [v for v in self.query.sdg if "." in v]
        goals = {
            str(g.number): g
            for g in SdgGoal.objects.using(self.using).filter(
                number__in=[int(v) for v in goals_wanted]
            )
        }
        targets = {
            tg.code: tg
            for tg in SdgTarget.objects.using(self.using).filter(code__in=targets_wanted)
        }
        for value in self.query.sdg:
            obj = goals.get(value) or targets.get(value)
            if obj is None:
                self._unknown("sdg", value)
            else:
                self.labels[("sdg", value)] = str(obj) if isinstance(obj, SdgGoal) else obj.code
        drivers, probes, params, probe_params = [], [], [], []
        goal_ids = [g.pk for g in goals.values()]
        target_ids = [tg.pk for tg in targets.values()]
        if goal_ids:
            marks = self._marks(goal_ids)
            # A goal also finds the alliances tagged only with one of its targets.
            drivers.append(
                f"a.id IN (SELECT {t['goals_a']} FROM {t['goals']} WHERE {t['goals_x']} IN "
                f"({marks}) UNION SELECT x.{t['targets_a']} FROM {t['targets']} x JOIN "
                f"{t['target']} st ON st.id = x.{t['targets_x']} WHERE st.goal_id IN ({marks}))"
            )
            params += goal_ids + goal_ids
            probes.append(
                f"EXISTS (SELECT 1 FROM {t['goals']} g WHERE g.{t['goals_a']} = a.id AND "
                f"g.{t['goals_x']} IN ({marks})) OR EXISTS (SELECT 1 FROM {t['targets']} x "
                f"JOIN {t['target']} st ON st.id = x.{t['targets_x']} "
                f"WHERE x.{t['targets_a']} = a.id AND st.goal_id IN ({marks}))"
            )
            probe_params += goal_ids + goal_ids
        if target_ids:
            marks = self._marks(target_ids)
            drivers.append(
                f"a.id IN (SELECT {t['targets_a']} FROM {t['targets']} WHERE {t['targets_x']} "
                f"IN ({marks}))"
            )
            params += target_ids
            probes.append(
                f"EXISTS (SELECT 1 FROM {t['targets']} x WHERE x.{t['targets_a']} = a.id "
                f"AND x.{t['targets_x']} IN ({marks}))"
            )
            probe_params += target_ids
        if drivers:
            self.conditions["sdg"] = _Cond(
                "(" + " OR ".join(drivers) + ")",
                params,
                "(" + " OR ".join(probes) + ")",
                probe_params,
                tags=[fulltext.tag("g", i) for i in goal_ids]
                + [fulltext.tag("c", i) for i in target_ids],
            )

    def _find_territory(self, value: str) -> Territory | None:
        level, _sep, code = value.rpartition(":")
        # Only the fields the conditions use: no joins, no ordering (codes are unique per level).
        places = Territory.objects.using(self.using).only(
            "id", "level", "code", "name", "region_id", "departement_id", "epci_id"
        )
        if not level:
            # A bare code: its length tells the level (2-3 characters: a département; use
            # "region:NN" for a région).
            if code.upper() == "FR":
                level, code = "pays", "FR"
            else:
                level = {5: "commune", 9: "epci"}.get(len(code), "departement")
        return next(iter(places.filter(level=level, code=code).order_by()[:1]), None)

    def _compile_territory(self) -> None:
        t = self.t
        drivers, probes, params, probe_params = [], [], [], []
        tags: list[str] = []
        for value in self.query.territory:
            place = self._find_territory(value)
            if place is None:
                self._unknown("territory", value)
                continue
            self.labels[("territory", value)] = place.name
            prefix = {"pays": "f", "region": "r", "departement": "de", "epci": "e"}
            tags.append(
                fulltext.tag("f", "")
                if place.level == "pays"
                else fulltext.tag(prefix.get(place.level, "m"), place.pk)
            )
            if place.level == "pays":
                drivers.append("a.territory_id IS NOT NULL")
                probes.append("a.territory_id IS NOT NULL")
            elif place.level in ("region", "departement", "epci"):
                drivers.append(
                    f"a.territory_id IN (SELECT id FROM {t['territory']} "
                    f"WHERE {place.level}_id = %s)"
                )
                params.append(place.pk)
                probes.append(
                    f"EXISTS (SELECT 1 FROM {t['territory']} tr WHERE tr.id = a.territory_id "
                    f"AND tr.{place.level}_id = %s)"
                )
                probe_params.append(place.pk)
            else:
                drivers.append("a.territory_id = %s")
                params.append(place.pk)
                probes.append("a.territory_id = %s")
                probe_params.append(place.pk)
                self.commune_ids.append(place.pk)
                self.covering_ids += [
                    i for i in (place.epci_id, place.departement_id, place.region_id) if i
                ]
        if self.commune_ids:
            country = Territory.objects.using(self.using).filter(level="pays").first()
            if country:
                self.covering_ids.append(country.pk)
        if drivers:
            self.conditions["territory"] = _Cond(
                "(" + " OR ".join(drivers) + ")",
                params,
                "(" + " OR ".join(probes) + ")",
                probe_params,
                tags=tags,
            )

    # -- SQL of id sets -----------------------------------------------------------------
    def hits(
        self,
        exclude: set[str] | frozenset = frozenset(),
        extra: tuple[str, list] | None = None,
        score: bool = False,
    ) -> tuple[str, list]:
        """`SELECT a.id ...` of the alliances matching every condition but the excluded.

        On SQLite, the text and every filter but the years are one FTS5 MATCH (text columns
        and filter tags), so FTS5 intersects them; status and years are checked on the
        alliance rows found. On PostgreSQL, each filter is a condition the planner orders.
        """
        match = self.match(exclude)
        clauses = [self.base[0]]
        params = list(self.base[1])
        for name, cond in self.conditions.items():
            if name in exclude or (match and (name == "q" or cond.tags is not None)):
                continue
            sql, p = cond.form(probe="q" in self.conditions and "q" not in exclude)
            clauses.append(sql)
            params += p
        if extra:
            clauses.append(extra[0])
            params += extra[1]
        where = " AND ".join(clauses)
        if match:
            fts = fulltext.FTS_TABLE
            # `score` (SQLite): the bm25 of the text, as `fulltext.scored_ids_sql` gives it.
            scored = f", {fulltext.bm25_sql()} AS score" if score else ""
            return (
                f"SELECT a.id{scored} FROM {fts} CROSS JOIN {self.t['alliance']} a "
                f"ON a.id = {fts}.rowid WHERE {fts} MATCH %s AND {where}",
                [match, *params],
            )
        scored = ", NULL AS score" if score else ""
        return f"SELECT a.id{scored} FROM {self.t['alliance']} a WHERE {where}", params

    def match(self, exclude: set[str] | frozenset = frozenset()) -> str:
        """The FTS5 MATCH expression of the text and tag filters (SQLite; else "")."""
        if self.vendor != "sqlite":
            return ""
        parts = []
        if "q" in self.conditions and "q" not in exclude:
            parts.append(fulltext.text_expression(self.query.terms))
        for name, cond in self.conditions.items():
            if name != "q" and name not in exclude and cond.tags is not None:
                parts.append(fulltext.tags_expression(cond.tags))
        return " AND ".join(parts)


def _statement(
    comp: _Compiler,
    with_facets: bool,
    sort: str,
    offset: int,
    limit: int,
    disjunctive: bool = True,
) -> tuple[str, list, list[str]]:
    """PostgreSQL: WITH h (+ one id set per active facet filter) SELECT total, page, sets.

    Rows are (kind, int value, text value, number): ("_count", -, -, n), ("_page", id, -,
    position), and ("_set", id, facet or "", -) for the ids whose facets are counted with
    the bitmaps ("": the results, for the facets without an active filter). One round trip;
    the id sets are `MATERIALIZED` CTEs. Returns (statement, parameters, facets counted on
    the results).
    """
    t = comp.t
    ctes: list[str] = []
    params: list = []

    hits_sql, hits_params = comp.hits()
    ctes.append(f"h AS MATERIALIZED ({hits_sql})")
    params += hits_params
    selects = [
        "SELECT '_count', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), "
        "CAST(COUNT(*) AS DOUBLE PRECISION) FROM h"
    ]
    common: list[str] = []
    if with_facets:
        common = [n for n in FACETS if not (disjunctive and FACET_FILTER[n] in comp.conditions)]
        if common:
            selects.append("SELECT '_set', h.id, '', CAST(NULL AS DOUBLE PRECISION) FROM h")
        for name in FACETS:
            if name not in common:
                sql, p = comp.hits(exclude={FACET_FILTER[name]})
                ctes.append(f"h_{name} AS MATERIALIZED ({sql})")
                params += p
                selects.append(
                    f"SELECT '_set', s.id, '{name}', CAST(NULL AS DOUBLE PRECISION) FROM h_{name} s"
                )
    if sort == "relevance":
        source_sql, source_params, direction = fulltext.scored_ids_sql(
            comp.query.terms, "SELECT id FROM h", comp.using
        )
        order = f"r.score {direction}, r.id"
        inner = f"SELECT r.id, ROW_NUMBER() OVER (ORDER BY {order}) AS rn FROM ({source_sql}) r"
        page_params = source_params
    elif sort == "title":
        inner = (
            "SELECT h.id, ROW_NUMBER() OVER (ORDER BY COALESCE(k.title_key, ''), h.id) AS rn "
            f"FROM h LEFT JOIN {fulltext.key_table(comp.using)} k ON k.alliance_id = h.id"
        )
        page_params = []
    else:
        inner = (
            "SELECT a.id, ROW_NUMBER() OVER (ORDER BY CASE WHEN a.start_year IS NULL THEN 1 "
            "ELSE 0 END, a.start_year DESC, a.id) AS rn "
            f"FROM {t['alliance']} a WHERE a.id IN (SELECT id FROM h)"
        )
        page_params = []
    selects.append(
        "SELECT '_page', pg.id, CAST(NULL AS TEXT), CAST(pg.rn AS DOUBLE PRECISION) "
        f"FROM ({inner}) pg WHERE pg.rn > %s AND pg.rn <= %s"
    )
    params += [*page_params, offset, offset + limit]
    body = " UNION ALL ".join(f"SELECT * FROM ({sql}) s{i}" for i, sql in enumerate(selects))
    return "WITH " + ", ".join(ctes) + " " + body, params, common


def _rows(
    comp: _Compiler,
    with_facets: bool,
    sort: str,
    offset: int,
    limit: int,
    disjunctive: bool = True,
) -> list[tuple]:
    """(kind, int value, text value, number) rows of the total, the facets and the page."""
    if comp.vendor == "sqlite":
        return _sqlite_rows(comp, with_facets, sort, offset, limit, disjunctive)
    statement, params, common = _statement(comp, with_facets, sort, offset, limit, disjunctive)
    rows: list[tuple] = []
    sets: dict[str, list[int]] = {}
    for row in _fetch(comp.using, statement, params):
        if row[0] == "_set":
            sets.setdefault(row[2], []).append(int(row[1]))
        else:
            rows.append(row)
    if with_facets:
        bitmaps = fulltext.facet_bitmaps(comp.using)
        prefix = fulltext.FACET_PREFIX
        counted: dict[str, dict[str, int]] = {}
        if common and sets.get(""):
            counted.update(bitmaps.counts(BitMap(sets[""]), [prefix[n] for n in common]))
        for name in FACETS:
            if name not in common:
                counted.update(bitmaps.counts(BitMap(sets.get(name, [])), [prefix[name]]))
        rows += _facet_rows(counted)
    return rows


def _facet_rows(counted: dict[str, dict[str, int]]) -> list[tuple]:
    """The (facet, int value, text value, count) rows of counts by facet prefix."""
    of_prefix = {prefix: name for name, prefix in fulltext.FACET_PREFIX.items()}
    rows = []
    for prefix, values in counted.items():
        name = of_prefix[prefix]
        for value, n in values.items():
            if name in WORD_FACETS:
                rows.append((name, None, value, float(n)))
            else:
                rows.append((name, int(value), None, float(n)))
    return rows


def _sqlite_rows(
    comp: _Compiler,
    with_facets: bool,
    sort: str,
    offset: int,
    limit: int,
    disjunctive: bool = True,
) -> list[tuple]:
    """SQLite: the id sets written once to a TEMP table, then small separate statements.

    Measured on 100,000 alliances (docs/adr/0047): one compound SELECT over the same sets
    cost about 35 ms more than its parts run one by one, and counting facets through the
    partner, organisation and territory tables cost more than reading the facet table that
    the index keeps (one primary-key range per result, COUNT(*) since (alliance, facet,
    value) is unique). The relevance score (bm25) is computed by the same FTS5 query that
    finds the results, so the MATCH runs once for them.
    """
    t = comp.t
    temp = f"temp.{TEMP_IDS}"
    relevance = sort == "relevance"
    with connections[comp.using].cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {TEMP_IDS} (k INTEGER NOT NULL, "
            "id INTEGER NOT NULL, score REAL, PRIMARY KEY (k, id)) WITHOUT ROWID"
        )
        cursor.execute(f"DELETE FROM {temp}")
        sql, params = comp.hits(score=relevance)
        score = "score" if relevance else "NULL"
        cursor.execute(
            f"INSERT INTO {temp} (k, id, score) SELECT 0, id, {score} FROM ({sql})", params
        )
        rows: list[tuple] = []
        cursor.execute(f"SELECT COUNT(*) FROM {temp} WHERE k = 0")
        count = int(cursor.fetchone()[0])
        rows.append(("_count", None, None, float(count)))
        if with_facets:
            bitmaps = fulltext.facet_bitmaps(comp.using)
            # Facets without an active filter of their own: counted on the results.
            common = [
                fulltext.FACET_PREFIX[name]
                for name in FACETS
                if not (disjunctive and FACET_FILTER[name] in comp.conditions)
            ]
            counted: dict[str, dict[str, int]] = {}
            if common and count:
                cursor.execute(f"SELECT id FROM {temp} WHERE k = 0")
                counted.update(bitmaps.counts(_id_bitmap(cursor.fetchall()), common))
            # A facet in use is counted without its own filter, even when nothing matches
            # (its other values still count).
            for name in FACETS:
                if disjunctive and FACET_FILTER[name] in comp.conditions:
                    sql, params = comp.hits(exclude={FACET_FILTER[name]})
                    cursor.execute(sql, params)
                    prefix = fulltext.FACET_PREFIX[name]
                    counted.update(bitmaps.counts(_id_bitmap(cursor.fetchall()), [prefix]))
            rows += _facet_rows(counted)
        if count:
            if relevance:
                cursor.execute(
                    f"SELECT id FROM {temp} WHERE k = 0 ORDER BY score, id LIMIT %s OFFSET %s",
                    [limit, offset],
                )
            elif sort == "title":
                cursor.execute(
                    f"SELECT h.id FROM {temp} h LEFT JOIN {fulltext.key_table(comp.using)} k "
                    "ON k.alliance_id = h.id WHERE h.k = 0 "
                    "ORDER BY COALESCE(k.title_key, ''), h.id LIMIT %s OFFSET %s",
                    [limit, offset],
                )
            else:
                cursor.execute(
                    f"SELECT a.id FROM {t['alliance']} a WHERE a.id IN "
                    f"(SELECT id FROM {temp} WHERE k = 0) ORDER BY CASE WHEN a.start_year "
                    "IS NULL THEN 1 ELSE 0 END, a.start_year DESC, a.id LIMIT %s OFFSET %s",
                    [limit, offset],
                )
            for position, (pk,) in enumerate(cursor.fetchall(), start=offset + 1):
                rows.append(("_page", int(pk), None, float(position)))
    return rows


def _id_bitmap(rows: list[tuple]) -> BitMap:
    """The ids of `SELECT id ...` rows as a bitmap (its first column)."""
    return BitMap([row[0] for row in rows])


def _fetch(using: str, sql: str, params: list) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _labels(facets_raw: dict[str, dict], using: str) -> dict[str, dict[Any, tuple[str, str]]]:
    """(value, label) of every id counted, per facet (plain rows, no model instances)."""
    out: dict[str, dict[Any, tuple[str, str]]] = {}
    term_ids = set()
    for name in ("profile", "type", "domain", "stage"):
        term_ids |= set(facets_raw.get(name, {}))
    terms = {
        pk: (key, _label(fr, en))
        for pk, key, fr, en in Term.objects.using(using)
        .filter(pk__in=term_ids)
        .values_list("id", "key", "label_fr", "label_en")
    }
    for name in ("profile", "type", "domain", "stage"):
        out[name] = {pk: terms[pk] for pk in facets_raw.get(name, {}) if pk in terms}
    goals = SdgGoal.objects.using(using).filter(pk__in=list(facets_raw.get("sdg", {})))
    out["sdg"] = {
        pk: (str(number), f"{number}. {_label(fr, en)}")
        for pk, number, fr, en in goals.values_list("id", "number", "short_fr", "short_en")
    }
    regions = Territory.objects.using(using).filter(pk__in=list(facets_raw.get("region", {})))
    out["region"] = {
        pk: (f"region:{code}", name) for pk, code, name in regions.values_list("id", "code", "name")
    }
    out["kind"] = {k: (k, str(label)) for k, label in Alliance.Kind.choices}
    out["light"] = {k: (k, str(label)) for k, label in Alliance.StatusLight.choices}
    return out


def _sort_key(name: str, value: str, label: str, count: int, position: int) -> tuple:
    if name == "sdg":
        return (int(value),)
    if name == "light":
        return (Alliance.StatusLight.values.index(value),)
    return (-count, label.casefold())


def run_search(
    query: SearchQuery,
    *,
    include_drafts: bool = False,
    using: str | None = None,
    with_facets: bool = True,
    ids_only: bool = False,
    limit: int | None = None,
    disjunctive: bool = True,
) -> SearchResult:
    """Execute the query; `include_drafts` is for curators only (the caller checks).

    `disjunctive=False` counts every facet on the results themselves (cheaper; used by the
    benchmark to show the cost of disjunctive counts)."""
    alias = using or router.db_for_read(Alliance)
    fulltext.ensure_index(alias)
    statuses = CURATOR_STATUSES if include_drafts else PUBLIC_STATUSES
    comp = _Compiler(query, statuses, alias)
    notices = list(comp.notices)

    # One statement: the total, the facets and the page, over materialised id sets.
    page_size = query.page_size if limit is None else limit
    page = max(1, query.page) if limit is None else 1
    sort = query.effective_sort
    if sort == "relevance" and "q" not in comp.conditions:
        sort = "date"
    offset = (page - 1) * page_size
    if with_facets and not comp.conditions:
        # The whole base (the search page as first opened): its facet counts read every
        # facet row (4 s at 100,000 alliances) and change only with the index: cached under
        # the index's version, which every process reads from the database.
        key = f"search:all-facets:{alias}:{','.join(statuses)}:{fulltext.index_version(alias)}"
        facet_rows = cache.get(key)
        if facet_rows is None:
            everything = _rows(comp, True, sort, 0, 0, disjunctive)
            facet_rows = [r for r in everything if r[0] not in ("_count", "_page")]
            cache.set(key, facet_rows, ALL_FACETS_SECONDS)
        rows = _rows(comp, False, sort, offset, page_size, disjunctive) + facet_rows
    else:
        rows = _rows(comp, with_facets, sort, offset, page_size, disjunctive)
    count = 0
    raw: dict[str, dict] = {name: {} for name in FACETS}
    ranked: list[tuple[float, int]] = []
    for facet, int_value, text_value, n in rows:
        if facet == "_count":
            count = int(n)
        elif facet == "_page":
            ranked.append((float(n), int(int_value)))
        else:
            raw[facet][int_value if int_value is not None else text_value] = int(n)
    # A page past the end gives the last page.
    last_page = max(1, -(-count // page_size))
    if page > last_page:
        page = last_page
        ranked = [
            (float(n), int(i))
            for f, i, _t, n in _rows(comp, False, sort, (page - 1) * page_size, page_size)
            if f == "_page"
        ]
    ranked.sort()
    ids = [pk for _rn, pk in ranked]
    scores: dict[int, float] = {}

    if ids_only:
        return SearchResult(
            query=query,
            count=count,
            page=page,
            last_page=last_page,
            alliances=[],
            facets={},
            notices=notices,
            scores={pk: 0.0 for pk in ids},
        )
    alliances = load_hits(ids, query.terms, alias)

    facets: dict[str, list[FacetValue]] = {}
    if with_facets:
        labels = _labels(raw, alias)
        for name in FACETS:
            values = []
            param = FACET_FILTER[name]
            selected = set(getattr(query, param))
            for key, n in raw[name].items():
                if key not in labels[name]:
                    continue
                value, label = labels[name][key]
                values.append(
                    FacetValue(
                        value=value,
                        label=label,
                        count=n,
                        selected=value in selected,
                        param=param,
                        query=query,
                    )
                )
            values.sort(key=lambda v: _sort_key(name, v.value, v.label, v.count, 0))
            facets[name] = values

    result = SearchResult(
        query=query,
        count=count,
        page=page,
        last_page=last_page,
        alliances=alliances,
        facets=facets,
        notices=notices,
        scores=scores,
    )
    if count == 0 and comp.conditions:
        result.suggestions = _suggestions(comp, alias)
    if comp.covering_ids:
        _covering(result, comp, alias)
    return result


def filter_label(name: str) -> str:
    labels = {
        "q": _("le texte"),
        "kind": _("la nature"),
        "profile": _("le profil d'acteur"),
        "type": _("le type de partenariat"),
        "domain": _("le domaine"),
        "sdg": _("l'ODD"),
        "territory": _("le territoire"),
        "stage": _("l'étape"),
        "organisation": _("l'organisation"),
        "light": _("le voyant de suivi"),
        "years": _("les années"),
    }
    return labels.get(name, name)


def _suggestions(comp: _Compiler, using: str) -> list[Suggestion]:
    """For an empty result: the count obtained by dropping each active filter."""
    names = list(comp.conditions)
    if not names:
        return []
    parts, params = [], []
    for name in names:
        sql, p = comp.hits(exclude={name})
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) s_{len(parts)})")
        params += p
    row = _fetch(using, "SELECT " + ", ".join(parts), params)[0]
    out = []
    for name, n in zip(names, row, strict=True):
        if n:
            out.append(
                Suggestion(
                    param=name,
                    label=filter_label(name),
                    count=int(n),
                    querystring=comp.query.without(name).to_querystring(),
                )
            )
    out.sort(key=lambda s: -s.count)
    return out


def _covering(result: SearchResult, comp: _Compiler, using: str) -> None:
    """Alliances of the EPCI, département, région and country covering the commune(s)."""
    ids = sorted(set(comp.covering_ids))
    marks = ", ".join(["%s"] * len(ids))
    sql, params = comp.hits(exclude={"territory"}, extra=(f"a.territory_id IN ({marks})", ids))
    rows = _fetch(
        using,
        f"SELECT a.id FROM {comp.t['alliance']} a WHERE a.id IN ({sql}) ORDER BY "
        "CASE WHEN a.start_year IS NULL THEN 1 ELSE 0 END, a.start_year DESC, a.id",
        params,
    )
    result.covering_count = len(rows)
    result.covering = load_hits([int(r[0]) for r in rows[:COVERING_LIMIT]], comp.query.terms, using)


def _url_pattern() -> str:
    return reverse("base:alliance", kwargs={"slug": "slug-placeholder"})


def _label(label_fr: str, label_en: str) -> str:
    return label_en if label_en and current_language() == "en" else label_fr


def load_hits(ids: list[int], terms: list, using: str) -> list[Hit]:
    """The results of a page as `Hit`s, in the order of `ids`, in 4 small raw queries (the
    ORM's compilation of 8 queries cost more than running them, at 20 results a page)."""
    if not ids:
        return []
    t = _tables()
    marks = ", ".join(["%s"] * len(ids))
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.slug, a.title, a.kind, a.summary, a.description, a.status, "
            "a.start_year, a.end_year, a.territory_id, a.stage_id, a.status_light, "
            "tr.name, tr.level, tr.code, rg.code "
            f"FROM {t['alliance']} a LEFT JOIN {t['territory']} tr ON tr.id = a.territory_id "
            f"LEFT JOIN {t['territory']} rg ON rg.id = tr.region_id WHERE a.id IN ({marks})",
            ids,
        )
        rows = cursor.fetchall()
        by_id = {row[0]: row[:12] for row in rows}
        places = {row[9]: (row[12], row[13], row[14], row[15]) for row in rows if row[9]}
        cursor.execute(
            f"SELECT {t['types_a']}, {t['types_x']}, 't' FROM {t['types']} "
            f"WHERE {t['types_a']} IN ({marks}) UNION ALL "
            f"SELECT {t['domains_a']}, {t['domains_x']}, 'd' FROM {t['domains']} "
            f"WHERE {t['domains_a']} IN ({marks}) UNION ALL "
            f"SELECT x.{t['goals_a']}, g.number, 'g' FROM {t['goals']} x "
            f"JOIN {t['goal']} g ON g.id = x.{t['goals_x']} WHERE x.{t['goals_a']} IN ({marks})",
            [*ids, *ids, *ids],
        )
        tagged = cursor.fetchall()
        cursor.execute(
            f"SELECT p.alliance_id, o.name, o.profile_id FROM {t['partner']} p "
            f"JOIN {t['organisation']} o ON o.id = p.organisation_id "
            f"WHERE p.alliance_id IN ({marks}) ORDER BY p.alliance_id, p.position, p.id",
            ids,
        )
        partner_rows = cursor.fetchall()
    goals: dict[int, list[int]] = {}
    for alliance_id, number, which in tagged:
        if which == "g":
            goals.setdefault(alliance_id, []).append(number)
    tagged = [row for row in tagged if row[2] != "g"]
    partners: dict[int, list[tuple[str, int]]] = {}
    for alliance_id, name, profile_id in partner_rows:
        partners.setdefault(alliance_id, []).append((name, profile_id))
    term_ids = {row[10] for row in by_id.values() if row[10]}
    term_ids |= {x for _a, x, _k in tagged}
    term_ids |= {p for plist in partners.values() for _n, p in plist}
    labels = {
        pk: (key, _label(fr, en))
        for pk, key, fr, en in Term.objects.using(using)
        .filter(pk__in=term_ids)
        .values_list("id", "key", "label_fr", "label_en")
    }
    types: dict[int, list[tuple[str, str]]] = {}
    domains: dict[int, list[tuple[str, str]]] = {}
    for alliance_id, term_id, which in tagged:
        target = types if which == "t" else domains
        if term_id in labels:
            target.setdefault(alliance_id, []).append(labels[term_id])
    kinds = dict(Alliance.Kind.choices)
    statuses = dict(Alliance.Status.choices)
    lights = dict(Alliance.StatusLight.choices)
    pattern = _url_pattern()
    hits = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:
            continue
        _id, slug, title, kind, summary, description, status, start, end, tid, stage, light = row
        place = places.get(tid)
        stage_key, stage_label = labels.get(stage, (None, "")) if stage else (None, "")
        hits.append(
            Hit(
                id=pk,
                slug=slug,
                url=pattern.replace("slug-placeholder", slug),
                title=title,
                kind=kind,
                kind_label=str(kinds.get(kind, kind)),
                status=status,
                status_label=str(statuses.get(status, status)),
                summary=summary,
                description=description,
                start_year=start,
                end_year=end,
                territory=(
                    {"level": place[1], "code": place[2], "name": place[0]} if place else None
                ),
                region=place[3] if place else None,
                stage=stage_key,
                stage_label=stage_label,
                light=light,
                light_label=str(lights.get(light, "")),
                types=sorted(types.get(pk, [])),
                domains=sorted(domains.get(pk, [])),
                sdg_goals=sorted(goals.get(pk, [])),
                profiles=sorted({labels[p][0] for _n, p in partners.get(pk, []) if p in labels}),
                partners=[name for name, _p in partners.get(pk, [])],
                snippet=snippet(summary or description or "", terms),
                title_html=snippet(title, terms, length=400),
            )
        )
    return hits


def _load(ids: list[int], using: str) -> list[Alliance]:
    """The alliances of a page with what a result shows, in the order of `ids`."""
    if not ids:
        return []
    objects = (
        Alliance.objects.using(using)
        .filter(pk__in=ids)
        .select_related("territory", "territory__region", "stage")
        .prefetch_related(
            "domains",
            "partnership_types",
            "sdg_goals",
            Prefetch(
                "partners",
                queryset=Partner.objects.select_related("organisation", "organisation__profile"),
            ),
        )
    )
    by_id = {a.pk: a for a in objects}
    return [by_id[i] for i in ids if i in by_id]


def all_ids(
    query: SearchQuery,
    *,
    include_drafts: bool = False,
    using: str | None = None,
    cap: int = 100_000,
) -> list[int]:
    """Every id of the query's results in its order (for exports), up to `cap`."""
    result = run_search(
        query,
        include_drafts=include_drafts,
        using=using,
        with_facets=False,
        ids_only=True,
        limit=cap,
    )
    return list(result.scores)


def search_queryset(
    query: SearchQuery, *, include_drafts: bool = False, using: str | None = None
) -> QuerySet[Alliance]:
    """Every result of the query as a queryset (exports), newest first or by title.

    Relevance needs the full-text rank, which an export does not: it uses the date order.
    """
    alias = using or router.db_for_read(Alliance)
    fulltext.ensure_index(alias)
    statuses = CURATOR_STATUSES if include_drafts else PUBLIC_STATUSES
    comp = _Compiler(query, statuses, alias)
    sql, params = comp.hits()
    queryset = Alliance.objects.using(alias).filter(pk__in=RawSQL(sql, params))
    if query.effective_sort == "title":
        return queryset.order_by("title", "pk")
    return queryset.order_by(F("start_year").desc(nulls_last=True), "pk")


def notice_message(notice: Notice) -> str:
    """The translated sentence of a parser notice: what was ignored, and where."""
    if notice.code == "invalid":
        return _("Paramètre « %(param)s » : valeur « %(value)s » non comprise, ignorée.") % {
            "param": notice.param,
            "value": notice.value,
        }
    if notice.code == "too_long":
        return _("Le texte cherché est trop long : seuls ses 1000 premiers caractères comptent.")
    if notice.code == "too_many_words":
        return _("Le texte cherché a trop de mots : seuls les %(n)s premiers comptent.") % {
            "n": notice.value
        }
    if notice.code == "too_many_values":
        return _("Filtre « %(param)s » : au plus %(n)s valeurs ; les suivantes sont ignorées.") % {
            "param": notice.param,
            "n": notice.value,
        }
    if notice.code == "swapped":
        return _("Les années minimale et maximale étaient inversées : elles ont été échangées.")
    return _("Paramètre « %(param)s » ignoré.") % {"param": notice.param}


def alliance_row(hit: Hit) -> dict[str, Any]:
    """A result as a plain dict (API, JSON twin)."""
    return hit.row()
