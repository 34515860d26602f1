"""The filters and facets of the search of alliances: one declarative table, `FILTERS`.

Each entry is a small class instance that says, for one filter:
- its URL parameter(s) and how one value is normalised (`parse`),
- its label for notices and chips, and its API field (type and description),
- how its condition is built on the alliance row `a` (`compile`), in SQL and as index tags,
- which tags the index stores for it (`index_tags`: what the facets count and SQLite matches),
- the facet it feeds (`facet`: its API name, index prefix, title, how values are labelled and
  ordered, and whether it is a sheet subject).

The parser (`query`), the compiler, the dialects, the facet counts, the labels, the API's
filter schema, the HTML facet groups, the index and the sheets all read this table: adding a
filter or a facet is one entry here plus its tests (see docs/architecture.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances.common.i18n import current_language
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.sdg.rules import BY_DEFINITION_GOAL, BY_DEFINITION_TARGET
from alliances.territories.models import Territory

from ..models import Alliance, Organisation, Partner
from .schema import marks, tables

if TYPE_CHECKING:
    from .references import TermRow

MAX_VALUES = 20
MIN_YEAR, MAX_YEAR = 1800, 2100
TERRITORY_LEVELS = ("pays", "region", "departement", "epci", "commune")

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_SDG = re.compile(r"^(?:[1-9]|1[0-7])(?:\.(?:[0-9]{1,2}|[a-z]))?$")
_CODE = re.compile(r"^[0-9A-Za-z]{1,12}$")
_INT = re.compile(r"^-?[0-9]{1,9}$")  # ASCII digits only ("²".isdigit() is True)

Values = Callable[[str], list[str]]  # every raw value of a URL parameter


def tag(prefix: str, value: object) -> str:
    """An index tag: letters and digits only, prefixed so that no tag meets a word of text."""
    return f"z{prefix}{value}"


def clean(value: str) -> str:
    return "".join(c for c in value if c.isprintable()).strip()


def as_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if _INT.match(value) else None


def label_of(label_fr: str, label_en: str) -> str:
    return label_en if label_en and current_language() == "en" else label_fr


@dataclass(frozen=True)
class Notice:
    """Something of the request that was ignored: `code` says why, for a translated message."""

    code: str  # "invalid" (malformed value), "too_many_values", "swapped", "too_long"...
    param: str
    value: str = ""


@dataclass
class Condition:
    """One filter as SQL on the alliance row `a`, in two equivalent forms, and as tags.

    `driver`: uncorrelated `a.id IN (SELECT ...)`, which lets the planner start from the
    filter's own index (no text). `probe`: correlated `EXISTS (...)` looked up per row, for
    when the full-text matches drive the query (a few index probes per match instead of
    materialising a large id list such as "every alliance with an association"). `tags`: the
    same filter as "any of these index tags" (SQLite intersects them with the text in one
    FTS5 MATCH); None when the filter has no tags (the years).
    """

    driver: str
    params: list
    probe: str = ""
    probe_params: list | None = None
    tags: list[str] | None = None
    text: str = ""  # the text's condition: the dialect's expression (FTS5 MATCH, tsquery)

    def form(self, probe: bool) -> tuple[str, list]:
        if probe and self.probe:
            return self.probe, list(self.probe_params if self.probe_params is not None else [])
        return self.driver, list(self.params)


@dataclass
class Context:
    """What compiling a query learns besides its conditions (filled by the filters)."""

    using: str
    notices: list[str] = field(default_factory=list)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (param, value) -> label
    commune_ids: list[int] = field(default_factory=list)
    covering_ids: list[int] = field(default_factory=list)
    # The places filtered on (territory values, "commune:59350"): where "nearby" starts.
    located: list[str] = field(default_factory=list)

    def unknown(self, param: str, value: str) -> None:
        self.notices.append(
            _("Filtre « %(param)s » : valeur inconnue « %(value)s », ignorée.")
            % {"param": param, "value": value}
        )


@dataclass(frozen=True)
class Facet:
    """A filter's facet: counted per value from the index's bitmaps of `prefix`."""

    name: str  # its key in the API's "facets" and in the sheets
    prefix: str  # the index tag prefix of its values
    title: Promise
    words: bool = False  # values are words (kinds, lights), else database ids
    sheet_subject: str = ""  # the kind of reference sheet whose subjects are its values


@dataclass(frozen=True)
class ApiField:
    param: str
    many: bool
    description: str


class SearchFilter:
    """One filter of the search (see the module's docstring). Subclasses set the class
    attributes and override what differs."""

    name = ""  # the condition's name; the URL parameter of a one-parameter filter
    params: tuple[str, ...] = ()  # the URL parameters, in the order of the query string
    label: Promise | str = ""  # "le domaine": notices, chips, suggestions
    api_description = ""
    facet: Facet | None = None

    # -- parsing ---------------------------------------------------------------------
    def normalise(self, param: str, value: str) -> str | None:
        """The canonical form of one value, or None when it is malformed."""
        raise NotImplementedError

    def parse(self, values: Values, notices: list[Notice]) -> dict[str, tuple[str, ...]]:
        """Every value of each parameter, normalised, repeated ones dropped, at most
        MAX_VALUES; what is malformed goes to `notices`."""
        out = {}
        for param in self.params:
            kept: list[str] = []
            for raw in values(param):
                if not raw.strip():
                    continue  # an empty select of the form means "any"
                normal = self.normalise(param, clean(raw))
                if normal is None:
                    notices.append(Notice("invalid", param, clean(raw)[:80]))
                elif normal not in kept:
                    if len(kept) >= MAX_VALUES:
                        notices.append(Notice("too_many_values", param, str(MAX_VALUES)))
                        break
                    kept.append(normal)
            if kept:
                out[param] = tuple(kept)
        return out

    def read(self, param: str, values: tuple[str, ...]) -> Any:
        """The value of `query.<param>`: the tuple of values."""
        return values

    def api_fields(self) -> list[ApiField]:
        return [ApiField(param, True, self.api_description) for param in self.params]

    # -- compiling -------------------------------------------------------------------
    def compile(self, query: Any, ctx: Context) -> Condition | None:
        raise NotImplementedError

    def chip_value(self, param: str, value: str, ctx: Context) -> str:
        """How an active value reads on the page ("Occitanie", "Emploi et insertion")."""
        return ctx.labels.get((param, value), value)

    # -- indexing --------------------------------------------------------------------
    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        """(alliance id, tag) of what this filter matches, for the alliances of `rows`."""
        return iter(())

    # -- facet values ----------------------------------------------------------------
    def facet_labels(self, raw: Iterable[str], using: str) -> dict[str, tuple[str, str]]:
        """{raw index value: (URL value, label)} for the values counted."""
        return {}

    def facet_order(self, value: str, label: str, count: int) -> tuple:
        """Most frequent first, then by label."""
        return (-count, label.casefold())


@dataclass
class IndexRows:
    """What the index reads of a batch of alliances, shared by every filter's `index_tags`."""

    using: str
    ids: list[int]
    columns: dict[str, dict[int, Any]]  # column of the alliance -> {alliance id: value}
    _cache: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> dict[int, Any]:
        """{alliance id: value} of a column of the alliance (read now if not read yet)."""
        if name not in self.columns:
            self.columns[name] = dict(
                Alliance.objects.using(self.using)
                .filter(pk__in_ids=self.ids)
                .values_list("id", name)
            )
        return self.columns[name]

    def once(self, name: str, read: Callable[[], Any]) -> Any:
        """What `read` returns, read once per batch (several filters share partner rows)."""
        if name not in self._cache:
            self._cache[name] = read()
        return self._cache[name]

    def partners(self) -> list[tuple[int, int, int, int | None]]:
        """(alliance, organisation, profile, subtype) of the batch's partners."""
        return self.once(
            "partners",
            lambda: list(
                Partner.objects.using(self.using)
                .filter(alliance_id__in_ids=self.ids)
                .values_list(
                    "alliance_id",
                    "organisation_id",
                    "organisation__profile_id",
                    "organisation__subtype_id",
                )
            ),
        )


# -- the kinds of filter ---------------------------------------------------------------------
class ChoiceFilter(SearchFilter):
    """A column of the alliance with fixed choices (kind, status light)."""

    column = ""
    choices: type[Any]  # a TextChoices
    prefix = ""
    lower = False

    def normalise(self, param: str, value: str) -> str | None:
        value = value.lower() if self.lower else value
        return value if value in self.choices.values else None

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        values = list(getattr(query, self.name))
        if not values:
            return None
        names = dict(self.choices.choices)
        for value in values:
            ctx.labels[(self.name, value)] = str(names[value])
        return Condition(
            f"a.{self.column} IN ({marks(values)})",
            values,
            tags=[tag(self.prefix, v) for v in values],
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        for pk, value in rows.column(self.column).items():
            if value:
                yield pk, tag(self.prefix, value)

    def facet_labels(self, raw: Iterable[str], using: str) -> dict[str, tuple[str, str]]:
        return {key: (key, str(label)) for key, label in self.choices.choices}


class TermFilter(SearchFilter):
    """Keys of a taxonomy of the referentials (types, domains, stages, profiles)."""

    taxonomy = ""
    prefix = ""

    def normalise(self, param: str, value: str) -> str | None:
        value = value.lower()
        return value if _KEY.match(value) else None

    def terms(self, keys: tuple[str, ...], ctx: Context) -> dict[str, TermRow]:
        """The known terms of these keys (labels noted, unknown keys noticed)."""
        from . import references  # references reads the index, which reads this module

        by_key = references.terms(ctx.using).by_key
        found = {k: by_key[(self.taxonomy, k)] for k in keys if (self.taxonomy, k) in by_key}
        for key in keys:
            if key in found:
                ctx.labels[(self.name, key)] = found[key].label
            else:
                ctx.unknown(self.name, key)
        return found

    def facet_labels(self, raw: Iterable[str], using: str) -> dict[str, tuple[str, str]]:
        from . import references

        by_id = references.terms(using).by_id
        found = [by_id[int(v)] for v in raw if int(v) in by_id]
        return {str(term.pk): (term.key, term.label) for term in found}


class ManyTermFilter(TermFilter):
    """Terms of a many-to-many field of the alliance (partnership types, domains)."""

    through = ""  # the attribute of `schema.Tables`
    field_name = ""  # the alliance's field

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        keys = getattr(query, self.name)
        if not keys:
            return None
        found = self.terms(keys, ctx)
        ids = [found[k].pk for k in keys if k in found]
        if not ids:
            return None
        m2m = getattr(tables(), self.through)
        return Condition(
            f"a.id IN (SELECT {m2m.alliance} FROM {m2m.table} WHERE {m2m.other} IN ({marks(ids)}))",
            ids,
            f"EXISTS (SELECT 1 FROM {m2m.table} x WHERE x.{m2m.alliance} = a.id "
            f"AND x.{m2m.other} IN ({marks(ids)}))",
            ids,
            tags=[tag(self.prefix, i) for i in ids],
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        through = Alliance._meta.get_field(self.field_name).remote_field.through
        own = next(f for f in through._meta.fields if f.related_model is Alliance)
        other = next(
            f for f in through._meta.fields if f.is_relation and f.related_model is not Alliance
        )
        for pk, value in (
            through.objects.using(rows.using)
            .filter(**{f"{own.name}_id__in": rows.ids})
            .values_list(f"{own.name}_id", f"{other.name}_id")
        ):
            yield pk, tag(self.prefix, value)


class StageFilter(TermFilter):
    """The life-cycle stage, a column of the alliance."""

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        keys = getattr(query, self.name)
        if not keys:
            return None
        found = self.terms(keys, ctx)
        ids = [found[k].pk for k in keys if k in found]
        if not ids:
            return None
        return Condition(
            f"a.stage_id IN ({marks(ids)})", ids, tags=[tag(self.prefix, i) for i in ids]
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        for pk, stage in rows.column("stage_id").items():
            if stage:
                yield pk, tag(self.prefix, stage)


class ProfileFilter(TermFilter):
    """The actor profile (or sub-type) of any partner's organisation."""

    subtype_prefix = "s"

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        keys = getattr(query, self.name)
        if not keys:
            return None
        found = self.terms(keys, ctx)
        tops = [found[k].pk for k in keys if k in found and found[k].parent_id is None]
        subs = [found[k].pk for k in keys if k in found and found[k].parent_id]
        if not tops and not subs:
            return None
        parts, params = [], []
        if tops:
            parts.append(f"o.profile_id IN ({marks(tops)})")
            params += tops
        if subs:
            parts.append(f"o.subtype_id IN ({marks(subs)})")
            params += subs
        match = "(" + " OR ".join(parts) + ")"
        t = tables()
        join = f"{t.partner} p JOIN {t.organisation} o ON o.id = p.organisation_id"
        return Condition(
            f"a.id IN (SELECT p.alliance_id FROM {join} WHERE {match})",
            params,
            f"EXISTS (SELECT 1 FROM {join} WHERE p.alliance_id = a.id AND {match})",
            params,
            tags=[tag(self.prefix, i) for i in tops] + [tag(self.subtype_prefix, i) for i in subs],
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        for pk, _org, profile, subtype in rows.partners():
            yield pk, tag(self.prefix, profile)
            if subtype:
                yield pk, tag(self.subtype_prefix, subtype)


class OrganisationFilter(SearchFilter):
    """A partner organisation, by id."""

    prefix = "o"

    def normalise(self, param: str, value: str) -> str | None:
        number = as_int(value)
        return str(number) if number is not None and number > 0 else None

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        values = getattr(query, self.name)
        if not values:
            return None
        names = dict(
            Organisation.objects.using(ctx.using)
            .filter(pk__in=[int(v) for v in values])
            .values_list("pk", "name")
        )
        for value in values:
            if int(value) in names:
                ctx.labels[(self.name, value)] = names[int(value)]
            else:
                ctx.unknown(self.name, value)
        if not names:
            return None
        ids = sorted(names)
        t = tables()
        return Condition(
            f"a.id IN (SELECT alliance_id FROM {t.partner} "
            f"WHERE organisation_id IN ({marks(ids)}))",
            ids,
            f"EXISTS (SELECT 1 FROM {t.partner} p WHERE p.alliance_id = a.id "
            f"AND p.organisation_id IN ({marks(ids)}))",
            ids,
            tags=[tag(self.prefix, i) for i in ids],
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        for pk, organisation, _profile, _subtype in rows.partners():
            yield pk, tag(self.prefix, organisation)


class SdgFilter(SearchFilter):
    """SDG goals ("8") and targets ("8.5"); a goal also finds alliances tagged only with one
    of its targets. Every alliance carries goal 17 and target 17.17 by definition
    (`sdg.rules`): the index tags them, and the facet says "by definition"."""

    prefix = "g"
    target_prefix = "c"

    def normalise(self, param: str, value: str) -> str | None:
        value = value.lower().removeprefix("odd").removeprefix("sdg").strip()
        return value if _SDG.match(value) else None

    def _known(self, values: tuple[str, ...], ctx: Context) -> tuple[list[int], list[int]]:
        """The ids of the goals and targets named (labels noted, unknown ones noticed)."""
        goals = {
            str(g.number): g
            for g in SdgGoal.objects.using(ctx.using).filter(
                number__in=[int(v) for v in values if "." not in v]
            )
        }
        targets = {
            tg.code: tg
            for tg in SdgTarget.objects.using(ctx.using).filter(
                code__in=[v for v in values if "." in v]
            )
        }
        for value in values:
            if value in goals:
                ctx.labels[(self.name, value)] = str(goals[value])
            elif value in targets:
                ctx.labels[(self.name, value)] = targets[value].code
            else:
                ctx.unknown(self.name, value)
        return [g.pk for g in goals.values()], [tg.pk for tg in targets.values()]

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        values = getattr(query, self.name)
        if not values:
            return None
        goal_ids, target_ids = self._known(values, ctx)
        tags = [tag(self.prefix, i) for i in goal_ids] + [
            tag(self.target_prefix, i) for i in target_ids
        ]
        rule = self.by_definition(ctx.using) if goal_ids or target_ids else None
        if rule is not None and (rule[0] in goal_ids or rule[1] in target_ids):
            # A code every alliance carries by definition: the SQL form says so too (the
            # link tables hold only the codes chosen; SQLite matches the index's tags).
            return Condition("a.id IS NOT NULL", [], "a.id IS NOT NULL", [], tags=tags)
        t = tables()
        drivers, probes, params, probe_params = [], [], [], []
        if goal_ids:
            m = marks(goal_ids)
            drivers.append(
                f"a.id IN (SELECT {t.goals.alliance} FROM {t.goals.table} WHERE {t.goals.other} "
                f"IN ({m}) UNION SELECT x.{t.targets.alliance} FROM {t.targets.table} x JOIN "
                f"{t.target} st ON st.id = x.{t.targets.other} WHERE st.goal_id IN ({m}))"
            )
            probes.append(
                f"EXISTS (SELECT 1 FROM {t.goals.table} g WHERE g.{t.goals.alliance} = a.id AND "
                f"g.{t.goals.other} IN ({m})) OR EXISTS (SELECT 1 FROM {t.targets.table} x "
                f"JOIN {t.target} st ON st.id = x.{t.targets.other} "
                f"WHERE x.{t.targets.alliance} = a.id AND st.goal_id IN ({m}))"
            )
            params += goal_ids + goal_ids
            probe_params += goal_ids + goal_ids
        if target_ids:
            m = marks(target_ids)
            drivers.append(
                f"a.id IN (SELECT {t.targets.alliance} FROM {t.targets.table} "
                f"WHERE {t.targets.other} IN ({m}))"
            )
            probes.append(
                f"EXISTS (SELECT 1 FROM {t.targets.table} x WHERE x.{t.targets.alliance} = a.id "
                f"AND x.{t.targets.other} IN ({m}))"
            )
            params += target_ids
            probe_params += target_ids
        if not drivers:
            return None
        return Condition(
            "(" + " OR ".join(drivers) + ")",
            params,
            "(" + " OR ".join(probes) + ")",
            probe_params,
            tags=tags,
        )

    def by_definition(self, using: str) -> tuple[int, int] | None:
        """(goal id, target id) of the codes every alliance carries by definition."""
        found = (
            SdgTarget.objects.using(using)
            .filter(code=BY_DEFINITION_TARGET)
            .values_list("goal_id", "id")
            .first()
        )
        return tuple(found) if found else None  # type: ignore[return-value]

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        rule = rows.once("sdg-by-definition", lambda: self.by_definition(rows.using))
        if rule is not None:
            for pk in rows.ids:
                yield pk, tag(self.prefix, rule[0])
                yield pk, tag(self.target_prefix, rule[1])
        goals = Alliance.sdg_goals.through
        for pk, goal_id in (
            goals.objects.using(rows.using)
            .filter(alliance_id__in_ids=rows.ids)
            .values_list("alliance_id", "sdggoal_id")
        ):
            yield pk, tag(self.prefix, goal_id)
        goal_of = dict(SdgTarget.objects.using(rows.using).values_list("id", "goal_id"))
        for pk, target_id in (
            Alliance.sdg_targets.through.objects.using(rows.using)
            .filter(alliance_id__in_ids=rows.ids)
            .values_list("alliance_id", "sdgtarget_id")
        ):
            yield pk, tag(self.target_prefix, target_id)
            yield pk, tag(self.prefix, goal_of.get(target_id, 0))

    def facet_labels(self, raw: Iterable[str], using: str) -> dict[str, tuple[str, str]]:
        from . import references

        goals = references.goals(using)
        out = {}
        for pk in {int(v) for v in raw} & set(goals):
            number, fr, en = goals[pk]
            label = f"{number}. {label_of(fr, en)}"
            if number == BY_DEFINITION_GOAL:
                label = _("%(goal)s (par définition)") % {"goal": label}
            out[str(pk)] = (str(number), label)
        return out

    def facet_order(self, value: str, label: str, count: int) -> tuple:
        return (int(value),)


class TerritoryFilter(SearchFilter):
    """Official territories, with containment: a région finds the alliances of its
    départements, EPCI and communes; a commune finds its own alliances and, apart
    ("covering"), those of its EPCI, département, région and of the whole country."""

    # Tag prefixes of the places an alliance's territory lies in.
    prefixes = {"pays": "f", "region": "r", "departement": "de", "epci": "e", "commune": "m"}

    def normalise(self, param: str, value: str) -> str | None:
        level, sep, code = value.partition(":")
        if not sep:
            level, code = "", value
        level, code = level.strip().lower(), code.strip()
        if (level and level not in TERRITORY_LEVELS) or not _CODE.match(code):
            return None
        if level == "pays":
            code = code.upper()
        return f"{level}:{code}" if level else code

    def find(self, value: str, using: str) -> Territory | None:
        level, _sep, code = value.rpartition(":")
        if not level:
            # A bare code: its length tells the level (2-3 characters: a département; use
            # "region:NN" for a région).
            if code.upper() == "FR":
                level, code = "pays", "FR"
            else:
                level = {5: "commune", 9: "epci"}.get(len(code), "departement")
        # Only the fields the conditions use: no joins, no ordering (codes are unique per level).
        places = Territory.objects.using(using).only(
            "id", "level", "code", "name", "region_id", "departement_id", "epci_id"
        )
        return next(iter(places.filter(level=level, code=code).order_by()[:1]), None)

    def _place_sql(self, place: Territory, ctx: Context) -> tuple[str, list, str, list]:
        """(driver, params, probe, probe params) of one place, containment included; the
        places covering it are noted in the context (its "covering" alliances)."""
        t = tables()
        ctx.covering_ids += [
            i for i in (place.epci_id, place.departement_id, place.region_id) if i and i != place.pk
        ]
        if place.level == "pays":
            return "a.territory_id IS NOT NULL", [], "a.territory_id IS NOT NULL", []
        # The alliance's main territory, or one of its other territories, lies in the place.
        x = t.places
        if place.level in ("region", "departement", "epci"):
            inside = f"SELECT id FROM {t.territory} WHERE {place.level}_id = %s"
            others = (
                f"SELECT x.{x.alliance} FROM {x.table} x JOIN {t.territory} tx "
                f"ON tx.id = x.{x.other} WHERE tx.{place.level}_id = %s"
            )
            return (
                f"(a.territory_id IN ({inside}) OR a.id IN ({others}))",
                [place.pk, place.pk],
                f"(EXISTS (SELECT 1 FROM {t.territory} tr WHERE tr.id = a.territory_id "
                f"AND tr.{place.level}_id = %s) OR EXISTS (SELECT 1 FROM {x.table} x "
                f"JOIN {t.territory} tx ON tx.id = x.{x.other} WHERE x.{x.alliance} = a.id "
                f"AND tx.{place.level}_id = %s))",
                [place.pk, place.pk],
            )
        ctx.commune_ids.append(place.pk)
        others = f"SELECT {x.alliance} FROM {x.table} WHERE {x.other} = %s"
        return (
            f"(a.territory_id = %s OR a.id IN ({others}))",
            [place.pk, place.pk],
            f"(a.territory_id = %s OR EXISTS (SELECT 1 FROM {x.table} x "
            f"WHERE x.{x.alliance} = a.id AND x.{x.other} = %s))",
            [place.pk, place.pk],
        )

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        return self.compile_values(getattr(query, self.name), ctx, self.name)

    def compile_values(self, values: Iterable[str], ctx: Context, param: str) -> Condition | None:
        """The condition of these territory values (any of them), for the URL's territory
        filter and for the places read in the text."""
        drivers, probes, params, probe_params, tags = [], [], [], [], []
        for value in values:
            place = self.find(value, ctx.using)
            if place is None:
                ctx.unknown(param, value)
                continue
            ctx.labels[(param, value)] = place.name
            ctx.located.append(f"{place.level}:{place.code}")
            tags.append(
                tag("f", "") if place.level == "pays" else tag(self.prefixes[place.level], place.pk)
            )
            driver, p, probe, pp = self._place_sql(place, ctx)
            drivers.append(driver)
            params += p
            probes.append(probe)
            probe_params += pp
        if drivers and any(level != "pays:FR" for level in ctx.located):
            country = Territory.objects.using(ctx.using).filter(level="pays").first()
            if country and country.pk not in ctx.covering_ids:
                ctx.covering_ids.append(country.pk)
        if not drivers:
            return None
        return Condition(
            "(" + " OR ".join(drivers) + ")",
            params,
            "(" + " OR ".join(probes) + ")",
            probe_params,
            tags=tags,
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        territories_of: dict[int, list[int]] = {
            pk: [place] for pk, place in rows.column("territory_id").items() if place
        }
        others = Alliance.other_territories.through.objects.using(rows.using)
        for pk, other in others.filter(alliance_id__in_ids=rows.ids).values_list(
            "alliance_id", "territory_id"
        ):
            territories_of.setdefault(pk, []).append(other)
        places = {
            row[0]: row
            for row in Territory.objects.using(rows.using)
            .filter(pk__in_ids={t for ts in territories_of.values() for t in ts})
            .values_list("id", "region_id", "departement_id", "epci_id")
        }
        for pk, territory_ids in territories_of.items():
            tags = {tag("f", ""): None}  # an ordered set: a place shared by two is one tag
            for territory_id in territory_ids:
                tid, region, departement, epci = places.get(territory_id, (territory_id, 0, 0, 0))
                tags[tag("m", tid)] = None
                for prefix, container in (("r", region), ("de", departement), ("e", epci)):
                    if container:
                        tags[tag(prefix, container)] = None
            for one in tags:
                yield pk, one

    def facet_labels(self, raw: Iterable[str], using: str) -> dict[str, tuple[str, str]]:
        from . import references

        ids = {int(v) for v in raw}
        known = references.regions(using)
        out = {str(pk): (f"region:{known[pk][0]}", known[pk][1]) for pk in ids & set(known)}
        if ids - set(known):  # a territory of another level holding alliances: read it
            others = Territory.objects.using(using).filter(pk__in=ids - set(known))
            for pk, code, name in others.values_list("id", "code", "name"):
                out[str(pk)] = (f"region:{code}", name)
        return out


class YearsFilter(SearchFilter):
    """The start year, between `year_min` and `year_max` (either may be left open)."""

    def normalise(self, param: str, value: str) -> str | None:
        year = as_int(value)
        return str(year) if year is not None and MIN_YEAR <= year <= MAX_YEAR else None

    def parse(self, values: Values, notices: list[Notice]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for param in self.params:
            raws = [v for v in values(param) if v.strip()]
            if not raws:
                continue
            normal = self.normalise(param, raws[0])
            if normal is None:
                notices.append(Notice("invalid", param, clean(raws[0])[:80]))
            else:
                out[param] = (normal,)
        low, high = out.get("year_min"), out.get("year_max")
        if low and high and int(low[0]) > int(high[0]):
            out["year_min"], out["year_max"] = high, low
            notices.append(Notice("swapped", "years"))
        return out

    def read(self, param: str, values: tuple[str, ...]) -> int | None:
        return int(values[0]) if values else None

    def api_fields(self) -> list[ApiField]:
        return [
            ApiField("year_min", False, "Start year at least."),
            ApiField("year_max", False, "Start year at most."),
        ]

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        clauses, params = [], []
        if query.year_min is not None:
            clauses.append("a.start_year >= %s")
            params.append(query.year_min)
        if query.year_max is not None:
            clauses.append("a.start_year <= %s")
            params.append(query.year_max)
        if not clauses:
            return None
        return Condition(" AND ".join(clauses), params)


# -- the table --------------------------------------------------------------------------------
def _filter(cls: type[SearchFilter], **attributes: Any) -> SearchFilter:
    """An instance of `cls` with these attributes (a table row, read as one line)."""
    instance = cls()
    for name, value in attributes.items():
        setattr(instance, name, value)
    return instance


FILTERS: tuple[SearchFilter, ...] = (
    _filter(
        ChoiceFilter,
        name="kind",
        params=("kind",),
        label=gettext_lazy("la nature"),
        api_description="alliance or catalyst (repeat for several).",
        column="kind",
        choices=Alliance.Kind,
        prefix="k",
        facet=Facet("kind", "k", gettext_lazy("Nature"), words=True),
    ),
    _filter(
        ProfileFilter,
        name="profile",
        params=("profile",),
        label=gettext_lazy("le profil d'acteur"),
        api_description="Actor profile key of any partner.",
        taxonomy="actor_profiles",
        prefix="p",
        facet=Facet(
            "profile", "p", gettext_lazy("Profil d'acteur des partenaires"), sheet_subject="profil"
        ),
    ),
    _filter(
        ManyTermFilter,
        name="type",
        params=("type",),
        label=gettext_lazy("le type de partenariat"),
        api_description="Partnership type key.",
        taxonomy="partnership_types",
        through="types",
        field_name="partnership_types",
        prefix="t",
        facet=Facet("type", "t", gettext_lazy("Type de partenariat")),
    ),
    _filter(
        ManyTermFilter,
        name="domain",
        params=("domain",),
        label=gettext_lazy("le domaine"),
        api_description="Domain key.",
        taxonomy="domains",
        through="domains",
        field_name="domains",
        prefix="d",
        facet=Facet("domain", "d", gettext_lazy("Domaine"), sheet_subject="domaine"),
    ),
    _filter(
        SdgFilter,
        name="sdg",
        params=("sdg",),
        label=gettext_lazy("l'ODD"),
        api_description='SDG goal ("17") or target ("17.17").',
        facet=Facet(
            "sdg", "g", gettext_lazy("Objectif de développement durable"), sheet_subject="odd"
        ),
    ),
    _filter(
        TerritoryFilter,
        name="territory",
        params=("territory",),
        label=gettext_lazy("le territoire"),
        api_description='Territory with containment: "region:27", "departement:25", '
        '"epci:242500361", "commune:25056", "pays:FR" or a bare code.',
        facet=Facet("region", "r", gettext_lazy("Région"), sheet_subject="region"),
    ),
    _filter(
        StageFilter,
        name="stage",
        params=("stage",),
        label=gettext_lazy("l'étape"),
        api_description="Life-cycle stage key.",
        taxonomy="partnering_cycle",
        prefix="st",
        facet=Facet("stage", "st", gettext_lazy("Étape du cycle de vie")),
    ),
    _filter(
        OrganisationFilter,
        name="organisation",
        params=("organisation",),
        label=gettext_lazy("l'organisation"),
        api_description="Organisation id (partner).",
    ),
    _filter(
        ChoiceFilter,
        name="light",
        params=("light",),
        label=gettext_lazy("le voyant de suivi"),
        api_description="Status light of the partners' follow-up: green (progress report within "
        "12 months), amber (12 to 24 months), red (over 24 months, inactive).",
        column="status_light",
        choices=Alliance.StatusLight,
        prefix="l",
        lower=True,
        facet=Facet(
            "light", "l", gettext_lazy("Voyant de suivi (rapports des partenaires)"), words=True
        ),
    ),
    _filter(
        YearsFilter,
        name="years",
        params=("year_min", "year_max"),
        label=gettext_lazy("les années"),
    ),
)


class FilterTable:
    """The filters in use and the look-ups every part derives from them."""

    def __init__(self, filters: Iterable[SearchFilter]) -> None:
        self.filters = tuple(filters)
        self.by_name: Mapping[str, SearchFilter] = {f.name: f for f in self.filters}
        self.by_param: Mapping[str, SearchFilter] = {p: f for f in self.filters for p in f.params}
        self.facets = tuple(f for f in self.filters if f.facet is not None)
        self.facet_names = tuple(f.facet.name for f in self.facets if f.facet)
        self.by_facet: Mapping[str, SearchFilter] = {
            f.facet.name: f for f in self.facets if f.facet
        }
        self.by_prefix: Mapping[str, Facet] = {
            f.facet.prefix: f.facet for f in self.facets if f.facet
        }
        self._word_prefixes = tuple(p for p, facet in self.by_prefix.items() if facet.words)
        self._tags: dict[str, tuple[str, str] | None] = {}

    def facet_of_tag(self, token: str) -> tuple[str, str] | None:
        """(facet prefix, value) of an index tag, None when it is no facet's.

        Kinds and status lights are words ("zkalliance", "zlgreen"); the other facet values
        are ids ("zd12", "zst3"), which keeps "zde12" (a département, not a facet) apart from
        "zd12" (a domain). A re-index reads some 25 tags an alliance, nearly all among a few
        thousand distinct ones: each is read once and remembered (up to `TAGS_KEPT`, then
        the memory starts over: the organisations' and communes' tags are many)."""
        if token in self._tags:
            return self._tags[token]
        found = self._read_tag(token)
        if len(self._tags) >= TAGS_KEPT:
            self._tags.clear()
        self._tags[token] = found
        return found

    def _read_tag(self, token: str) -> tuple[str, str] | None:
        word = next((p for p in self._word_prefixes if token.startswith("z" + p)), None)
        if word is not None:
            return word, token[1 + len(word) :]
        head = token[1:].rstrip("0123456789")
        value = token[1 + len(head) :]
        return (head, value) if value and head in self.by_prefix else None


TAGS_KEPT = 50_000
_table = FilterTable(FILTERS)


def table() -> FilterTable:
    """The table every part reads at call time (so that a registered filter counts at once)."""
    return _table


def register(search_filter: SearchFilter) -> None:
    """Add a filter to the table for good (an app's `ready()`: a part above the base adds the
    filters on what it knows of alliances, e.g. the SDG coding's suggested codes)."""
    global _table
    if search_filter.name not in _table.by_name:
        _table = FilterTable((*_table.filters, search_filter))


@contextmanager
def registered(*extra: SearchFilter) -> Iterator[FilterTable]:
    """The table with these filters added, for the duration of the block (tests, plug-ins)."""
    global _table
    before = _table
    _table = FilterTable((*before.filters, *extra))
    try:
        yield _table
    finally:
        _table = before


def facet_filter(facet_name: str) -> SearchFilter:
    """The filter whose facet is named so ("region" -> the territory filter)."""
    return table().by_facet[facet_name]


def facet_of_subject(sheet_kind: str) -> Facet | None:
    """The facet whose values are the subjects of this kind of sheet (None: a département)."""
    return next(
        (f.facet for f in table().facets if f.facet and f.facet.sheet_subject == sheet_kind), None
    )


def filter_label(name: str) -> str:
    """ "le domaine": the filter as a sentence names it ("q" is the text)."""
    if name == "q":
        return _("le texte")
    if name == "place":  # the places read in the text (understanding)
        return _("le lieu")
    found = table().by_name.get(name)
    return str(found.label) if found else name


def index_tags(rows: IndexRows) -> dict[int, set[str]]:
    """Every filter's tags of a batch of alliances."""
    out: dict[int, set[str]] = {pk: set() for pk in rows.ids}
    for search_filter in table().filters:
        for pk, value in search_filter.index_tags(rows):
            out[pk].add(value)
    return out
