"""The search of needs and offers: one declarative table of filters and facets (ADR 0146).

`FILTERS` holds one small entry per filter. Each entry says its URL parameter, how a value is
normalised and checked, the condition it puts on the listings, how its facet is counted and
labelled, and how an active value reads on a chip. The one parser (`parse`) and the one
runner (`run`) read the table: the list page, the API (`/api/v1/needs`, `/api/v1/offers`),
the saved searches and their e-mail alerts, and the feed all go through them, so the same
query string finds the same needs and offers everywhere.

The text (`q`) is read as the base's search reads it: places named in it ("mécénat à Lyon")
become a place condition and leave the text (`base.search.places`); the other words are
folded and stemmed by the base's French analyser (`base.search.analysis`), and matched
against the listing's analysed text (`Listing.search_text`, the same tokens the base's
index stores), so that "benevoles" finds "bénévoles" and a plural finds its singular on
SQLite and PostgreSQL alike. `exact=1` reads no place.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from alliances.base.search.analysis import Term as TextTerm
from alliances.base.search.analysis import query_terms, raw_words
from alliances.base.search.places import read_places
from alliances.referentials.models import Term
from alliances.territories.models import Territory

from . import pool
from .forms import resolve_place
from .kinds import KIND_LABELS
from .listings import within
from .models import Listing

MAX_VALUES = 20
MAX_TEXT = 200
PAGE_SIZE = 30
MAX_PAGE = 1000
NOTHING = Q(pk__isnull=True)  # no listing (a primary key is never null)
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_INT = re.compile(r"^[0-9]{1,6}$")


def _clean(value: str) -> str:
    return " ".join("".join(c for c in str(value) if c.isprintable()).split())


def _unknown(label: object, value: str) -> str:
    return _("Filtre « %(param)s » : valeur inconnue « %(value)s », ignorée.") % {
        "param": label,
        "value": value[:80],
    }


@dataclass(frozen=True)
class FacetValue:
    value: str  # the URL value
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str  # the API's name of the facet
    param: str
    title: str
    values: list[FacetValue]

    @property
    def id(self) -> str:
        return f"facette-{self.name}"


class ListingFilter:
    """One filter of the list (see the module's docstring); subclasses override what differs."""

    param = ""
    label: Promise | str = ""  # "la nature": notices and chips
    facet_name = ""  # "" when the filter has no facet
    facet_title: Promise | str = ""
    api_description = ""

    def normalise(self, value: str) -> str | None:
        """The canonical form of a value, or None (with the message saying why)."""
        raise NotImplementedError

    def check(self, values: tuple[str, ...], notices: list[str]) -> tuple[str, ...]:
        """The values that exist (the others are named in `notices`)."""
        return values

    columns: tuple[str, ...] = ()  # what its facet reads of each listing (`reader`)
    needs_domains = False  # its facet reads the listing's domain keys (row["domains"])

    def condition(self, values: tuple[str, ...]) -> Q:
        raise NotImplementedError

    def reader(self) -> Callable[[dict], Iterable[str]]:
        """A function giving the facet's URL values of one listing (a row of `columns`);
        made once per count, so that what it needs is looked up once, not per row."""
        return lambda row: ()

    def labels(self, values: Iterable[str]) -> dict[str, str]:
        """{URL value: label} of these values."""
        return {}

    def order(self, labels: dict[str, str], counts: dict[str, int]) -> list[str]:
        """The facet's values in their order: most frequent first, then by label."""
        return sorted(labels, key=lambda v: (-counts.get(v, 0), labels[v].casefold()))


class ChoiceFilter(ListingFilter):
    """A column with fixed choices; `choices` gives {URL value: (stored value, label)}."""

    column = ""

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.column,)

    choices: Callable[[], dict[str, tuple[str, str]]]
    keep_order = True  # choices keep their own order (need before offer, local to national)

    def normalise(self, value: str) -> str | None:
        value = value.lower()
        return value if value in self.choices() else None

    def unknown_message(self, value: str) -> str:
        known = ", ".join(self.choices())
        return _(
            "Filtre « %(param)s » : valeur inconnue « %(value)s », ignorée (valeurs "
            "possibles : %(known)s)."
        ) % {"param": self.label, "value": value[:80], "known": known}

    def condition(self, values: tuple[str, ...]) -> Q:
        stored = [self.choices()[v][0] for v in values]
        return Q(**{f"{self.column}__in": stored})

    def reader(self) -> Callable[[dict], Iterable[str]]:
        back = {stored: (key,) for key, (stored, _label) in self.choices().items()}
        column = self.column
        return lambda row: back.get(row[column], ())

    def labels(self, values: Iterable[str]) -> dict[str, str]:
        choices = self.choices()
        return {v: choices[v][1] for v in values if v in choices}

    def order(self, labels: dict[str, str], counts: dict[str, int]) -> list[str]:
        if self.keep_order:
            return [v for v in self.choices() if v in labels]
        return super().order(labels, counts)


class DomainFilter(ListingFilter):
    """Keys of the domains taxonomy (the listing's domains, many to many)."""

    def normalise(self, value: str) -> str | None:
        value = value.lower()
        return value if _KEY.match(value) else None

    def _terms(self, keys: Iterable[str]) -> dict[str, Term]:
        return {
            t.key: t
            for t in Term.objects.filter(taxonomy__key="domains", parent__isnull=True, key__in=keys)
        }

    def check(self, values: tuple[str, ...], notices: list[str]) -> tuple[str, ...]:
        known = self._terms(values)
        notices += [_unknown(self.label, v) for v in values if v not in known]
        return tuple(v for v in values if v in known)

    def condition(self, values: tuple[str, ...]) -> Q:
        through = Listing.domains.through
        return Q(
            pk__in=through.objects.filter(
                term__taxonomy__key="domains", term__key__in=values
            ).values("listing_id")
        )

    needs_domains = True

    def reader(self) -> Callable[[dict], Iterable[str]]:
        return lambda row: row.get("domains", ())

    def labels(self, values: Iterable[str]) -> dict[str, str]:
        return {k: t.label for k, t in self._terms(list(values)).items()}


class PlaceFilter(ListingFilter):
    """Places ("Rhône", "departement:69"), each with everything inside it; its facet counts
    the régions. A value is kept as `level:code` (the canonical form of a saved search)."""

    def normalise(self, value: str) -> str | None:
        return value[:MAX_TEXT] if value else None

    def check(self, values: tuple[str, ...], notices: list[str]) -> tuple[str, ...]:
        kept: list[str] = []
        for value in values:
            try:
                territory = resolve_place(value)
            except ValidationError as error:
                notices.extend(error.messages)
                continue
            if territory is not None:
                canonical = f"{territory.level}:{territory.code}"
                if canonical not in kept:
                    kept.append(canonical)
        return tuple(kept)

    @staticmethod
    def territories(values: Iterable[str]) -> list[Territory]:
        wanted = Q(pk__in=[])
        for value in values:
            level, _sep, code = value.partition(":")
            wanted |= Q(level=level, code=code)
        return list(Territory.objects.filter(wanted))

    columns = ("territory__level", "territory__code", "territory__region__code")

    @staticmethod
    def region_codes() -> list[str]:
        return list(
            Territory.objects.filter(level="region", obsolete=False).values_list("code", flat=True)
        )

    def condition(self, values: tuple[str, ...]) -> Q:
        """Inside one of these places; a national need or offer is relevant everywhere, so
        it is found for any place (ADR 0166)."""
        found = NOTHING
        for territory in self.territories(values):
            found |= within(territory) | Q(reach=Listing.Reach.NATIONAL)
        return found

    def reader(self) -> Callable[[dict], Iterable[str]]:
        def values_of(row: dict) -> Iterable[str]:
            region = row["territory__region__code"] or (
                row["territory__code"] if row["territory__level"] == "region" else None
            )
            return (f"region:{region}",) if region else ()

        return values_of

    def labels(self, values: Iterable[str]) -> dict[str, str]:
        return {f"{t.level}:{t.code}": t.name for t in self.territories(values)}


def place_box(value: str) -> str:
    """What the place box shows for a `level:code` value: the place's name when the name
    reads back as the same place (the form is sent again at each facet ticked), else the
    value itself ("Saint-Denis" names several communes)."""
    name = BY_PARAM["lieu"].labels((value,)).get(value, "")
    try:
        same = name and resolve_place(name)
    except ValidationError:
        same = None
    return name if same and f"{same.level}:{same.code}" == value else value


def _directions() -> dict[str, tuple[str, str]]:
    return {
        "besoins": (Listing.Direction.NEED, _("Besoins")),
        "propositions": (Listing.Direction.OFFER, _("Propositions")),
    }


def _kinds() -> dict[str, tuple[str, str]]:
    return {key: (key, str(label)) for key, label in KIND_LABELS.items()}


def _reaches() -> dict[str, tuple[str, str]]:
    return {value: (value, str(label).capitalize()) for value, label in Listing.Reach.choices}


def _entry(kind: type[ListingFilter], **attributes: Any) -> ListingFilter:
    entry = kind()
    for name, value in attributes.items():
        setattr(entry, name, value)
    return entry


FILTERS: tuple[ListingFilter, ...] = (
    _entry(
        ChoiceFilter,
        param="sens",
        label=gettext_lazy("le sens"),
        facet_name="direction",
        facet_title=gettext_lazy("Besoin ou proposition"),
        api_description="besoins or propositions.",
        column="direction",
        choices=_directions,
    ),
    _entry(
        ChoiceFilter,
        param="nature",
        label=gettext_lazy("la nature"),
        facet_name="kind",
        facet_title=gettext_lazy("Nature"),
        api_description="Kind key, e.g. mecenat_competences, benevoles, locaux.",
        column="kind",
        choices=_kinds,
        keep_order=False,
    ),
    _entry(
        DomainFilter,
        param="domaine",
        label=gettext_lazy("le domaine"),
        facet_name="domain",
        facet_title=gettext_lazy("Domaine"),
        api_description="Domain key, e.g. emploi_insertion.",
    ),
    _entry(
        PlaceFilter,
        param="lieu",
        label=gettext_lazy("le lieu"),
        facet_name="region",
        facet_title=gettext_lazy("Région"),
        api_description="A place: a name (Rhône) or level:code (departement:69, region:84); "
        "everything inside it.",
    ),
    _entry(
        ChoiceFilter,
        param="portee",
        label=gettext_lazy("la portée"),
        facet_name="reach",
        facet_title=gettext_lazy("Portée"),
        api_description="Reach: local, departement, region or national.",
        column="reach",
        choices=_reaches,
    ),
)
BY_PARAM: Mapping[str, ListingFilter] = {f.param: f for f in FILTERS}
# The parameters the query string carries besides the filters.
OTHER_PARAMS = ("q", "exact", "page")


def param_names() -> tuple[str, ...]:
    return ("q", *BY_PARAM, "exact")


# -- the query ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListingQuery:
    """Text, filter values (in the table's order), exact reading, page."""

    q: str = ""
    selected: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exact: bool = False
    page: int = 1

    def values(self, param: str) -> tuple[str, ...]:
        return dict(self.selected).get(param, ())

    def params(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        pairs += [(param, v) for param, values in self.selected for v in values]
        if self.exact:
            pairs.append(("exact", "1"))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def to_querystring(self) -> str:
        return urlencode(self.params())

    def _with(self, param: str, values: tuple[str, ...]) -> ListingQuery:
        current = dict(self.selected)
        current[param] = values
        ordered = tuple((p, current[p]) for p in BY_PARAM if current.get(p))
        return replace(self, selected=ordered, page=1)

    def without(self, param: str, value: str | None = None) -> ListingQuery:
        if param == "q":
            return replace(self, q="", exact=False, page=1)
        kept = () if value is None else tuple(v for v in self.values(param) if v != value)
        return self._with(param, kept)

    def with_value(self, param: str, value: str) -> ListingQuery:
        if value in self.values(param):
            return replace(self, page=1)
        return self._with(param, (*self.values(param), value))

    def with_page(self, page: int) -> ListingQuery:
        return replace(self, page=page)

    def first_page(self) -> ListingQuery:
        """What a saved search or a feed keeps: no page."""
        return replace(self, page=1)

    def as_typed(self) -> ListingQuery:
        return replace(self, exact=True, page=1)


def _getter(params: Mapping[str, Any]) -> Callable[[str], list[str]]:
    """Every value of a parameter, from a QueryDict, a dict of lists or a dict of strings."""

    def values(name: str) -> list[str]:
        getlist = getattr(params, "getlist", None)
        raw = getlist(name) if callable(getlist) else params.get(name, [])
        if isinstance(raw, str | int):
            raw = [raw]
        return [str(v) for v in raw or [] if v is not None]

    return values


def parse(params: Mapping[str, Any]) -> tuple[ListingQuery, list[str]]:
    """The query of these parameters, and what was ignored, in the user's language.

    Every filter keeps only the values it understands (unknown ones are named); a
    parameter outside the table is not read at all."""
    values = _getter(params)
    notices: list[str] = []
    selected = []
    for entry in FILTERS:
        kept: list[str] = []
        for raw in values(entry.param):
            value = _clean(raw)
            if not value:
                continue  # an empty select of the form means "any"
            normal = entry.normalise(value)
            if normal is None:
                message = getattr(entry, "unknown_message", None)
                notices.append(message(value) if message else _unknown(entry.label, value))
            elif normal not in kept:
                if len(kept) >= MAX_VALUES:
                    notices.append(
                        _(
                            "Filtre « %(param)s » : au plus %(n)s valeurs ; les suivantes sont "
                            "ignorées."
                        )
                        % {"param": entry.label, "n": MAX_VALUES}
                    )
                    break
                kept.append(normal)
        checked = entry.check(tuple(kept), notices) if kept else ()
        if checked:
            selected.append((entry.param, checked))
    texts = [_clean(v) for v in values("q") if _clean(v)]
    text = " ".join(texts)
    if len(text) > MAX_TEXT:
        notices.append(
            _("Le texte cherché est trop long : seuls ses %(n)s premiers caractères comptent.")
            % {"n": MAX_TEXT}
        )
        text = text[:MAX_TEXT].strip()
    exact = any(v.strip() in ("1", "true", "oui") for v in values("exact"))
    page = 1
    for raw in values("page")[:1]:
        if _INT.match(raw.strip()) and 1 <= int(raw) <= MAX_PAGE:
            page = int(raw)
        elif raw.strip():
            notices.append(
                _("Paramètre « %(param)s » : valeur « %(value)s » non comprise, ignorée.")
                % {"param": "page", "value": _clean(raw)[:80]}
            )
    return ListingQuery(q=text, selected=tuple(selected), exact=exact, page=page), notices


def canonical_querystring(params: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The stored form of a search (saved searches): parsed, first page."""
    query, notices = parse(params)
    return query.first_page().to_querystring(), notices


# -- the text ---------------------------------------------------------------------------------
@dataclass
class TextReading:
    """What was understood of `q`: the places it names and the terms of its other words."""

    # (typed, label, territory values) of each place read
    places: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    terms: list[TextTerm] = field(default_factory=list)
    unsearchable: bool = False  # text with neither letter nor digit


def read_text(query: ListingQuery) -> TextReading:
    reading = TextReading()
    words = raw_words(query.q)
    if not words:
        reading.unsearchable = bool(query.q)
        return reading
    spans = [] if query.exact else read_places(words)
    inside = {i for span in spans for i in range(span.start, span.end)}
    reading.places = [(s.typed, s.label, s.values) for s in spans if s.values]
    reading.terms = query_terms([w for i, w in enumerate(words) if i not in inside])
    return reading


def _padded(token: str) -> str:
    return f" {token} "


def text_condition(terms: list[TextTerm]) -> Q:
    """Every term in the listing's analysed text: its folded word (a prefix when it is the
    last one, as one types) or one of its stems. Tokens are whole words between spaces."""
    condition = Q()
    for term in terms:
        one = Q(search_text__contains=f" {term.word}" if term.prefix else _padded(term.word))
        for stem in term.stems:
            one |= Q(search_text__contains=_padded(stem))
        condition &= one
    return condition


# -- running ----------------------------------------------------------------------------------
@dataclass
class Chip:
    label: str
    value: str
    remove: str  # the query string without it


@dataclass
class Found:
    query: ListingQuery
    rows: QuerySet  # every listing found, unordered (a lazy query: the alerts filter it)
    ids: list[int] = field(default_factory=list)  # every listing found, newest first
    count: int = 0
    results: list[Listing] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    facets: list[FacetGroup] = field(default_factory=list)
    chips: list[Chip] = field(default_factory=list)
    reading: TextReading = field(default_factory=TextReading)
    pages: int = 1

    def facet_counts(self) -> dict[str, list[dict]]:
        """The facets as the API gives them."""
        return {
            g.name: [{"value": v.value, "label": v.label, "count": v.count} for v in g.values]
            for g in self.facets
        }


def _conditions(query: ListingQuery, reading: TextReading) -> dict[str, Q]:
    """Each active filter's condition, by parameter ("q" for the text, "lieu-lu" for the
    places read in it)."""
    out = {param: BY_PARAM[param].condition(values) for param, values in query.selected}
    if reading.places:
        read = NOTHING
        for _typed, _label, values in reading.places:
            read |= BY_PARAM["lieu"].condition(values)
        out["lieu-lu"] = read
    if reading.terms:
        out["q"] = text_condition(reading.terms)
    return out


def _apply(rows: QuerySet, conditions: Mapping[str, Q]) -> QuerySet:
    for condition in conditions.values():
        rows = rows.filter(condition)
    return rows


def _facets(
    query: ListingQuery, columns: _Columns, open_rows: np.ndarray, fails: np.ndarray, bits: dict
) -> list[FacetGroup]:
    """Disjunctive counts, as the base's search: a facet's counts apply every OTHER active
    filter, so that its other values stay visible with what choosing them would give."""
    groups = []
    for entry in FILTERS:
        if not entry.facet_name:
            continue
        others = ~bits.get(entry.param, 0)
        counts = _facet_counts(entry, columns, open_rows & ((fails & others) == 0))
        selected = query.values(entry.param)
        shown = [v for v in counts if counts[v]] + [v for v in selected if v not in counts]
        labels = entry.labels(shown)
        values = [
            FacetValue(v, labels[v], counts.get(v, 0), v in selected)
            for v in entry.order(labels, counts)
        ]
        if values:
            groups.append(FacetGroup(entry.facet_name, entry.param, str(entry.facet_title), values))
    return groups


@dataclass(frozen=True)
class _Columns:
    """The open needs and offers' facet values as columns, newest first, made once from the
    suggestions' candidates (`pool`, kept per process and brought up to date at each look:
    ADR 0165, 0167), so that a first search reads from the database only the ids passing each
    active condition, not every listing with its domains (ADR 0146's one pass)."""

    pks: np.ndarray
    expires: np.ndarray  # POSIX seconds
    codes: dict[str, tuple[np.ndarray, list[str]]]  # column: (code of each row, values)
    domains: np.ndarray  # rows x keys, booleans
    domain_keys: list[str]
    national: np.ndarray

    @classmethod
    def of(cls, listings: pool.Listings) -> _Columns:
        entries = sorted(listings.entries.values(), key=lambda e: e.order)
        keys = sorted({d for e in entries for d in e.actor.domains})
        where = {k: i for i, k in enumerate(keys)}
        domains = np.zeros((len(entries), len(keys)), bool)
        for row, e in enumerate(entries):
            for d in e.actor.domains:
                domains[row, where[d]] = True

        def coded(values: list[str]) -> tuple[np.ndarray, list[str]]:
            known: dict[str, int] = {}
            codes = [known.setdefault(v, len(known)) for v in values]
            return np.asarray(codes, np.int32), list(known)

        return cls(
            pks=np.asarray([e.pk for e in entries], np.int64),
            expires=np.asarray([e.expires_at.timestamp() for e in entries], np.float64),
            codes={
                "direction": coded([e.direction for e in entries]),
                "kind": coded([e.actor.kind for e in entries]),
                "reach": coded([e.actor.reach for e in entries]),
                "region": coded([e.own_region for e in entries]),
            },
            domains=domains,
            domain_keys=keys,
            national=np.asarray([e.actor.reach == Listing.Reach.NATIONAL for e in entries], bool),
        )

    def counts(self, name: str, rows: np.ndarray) -> Counter:
        """{stored value: listings} of a column among these rows (a boolean mask)."""
        if name == "domains":
            sums = self.domains[rows].sum(axis=0).tolist() if self.domain_keys else []
            return Counter({k: n for k, n in zip(self.domain_keys, sums, strict=True) if n})
        codes, values = self.codes[name]
        found = np.bincount(codes[rows], minlength=len(values)).tolist()
        return Counter({v: n for v, n in zip(values, found, strict=True) if n and v})


_columns_cache: dict[int, tuple[pool.Listings, _Columns]] = {}


def _columns() -> _Columns:
    listings = pool.current()[1]
    with _found_lock:
        kept = _columns_cache.get(0)
        if kept is not None and kept[0] is listings:
            return kept[1]
    columns = _Columns.of(listings)
    with _found_lock:
        _columns_cache[0] = (listings, columns)
    return columns


def _failures(base: QuerySet, conditions: Mapping[str, Q], columns: _Columns) -> np.ndarray:
    """Per open listing, the bit mask of the active conditions it fails: one query per
    condition, reading only the ids that pass it."""
    fails = np.zeros(len(columns.pks), np.int64)
    for i, condition in enumerate(conditions.values()):
        passing = np.fromiter(base.filter(condition).values_list("pk", flat=True), np.int64)
        fails |= np.where(np.isin(columns.pks, passing), 0, 1 << i)
    return fails


def _facet_counts(entry: ListingFilter, columns: _Columns, rows: np.ndarray) -> Counter:
    """{URL value: count} of one facet among these rows. A national need or offer counts
    under every région (ADR 0166): the place filter finds it there too."""
    if entry.needs_domains:
        return columns.counts("domains", rows)
    if isinstance(entry, PlaceFilter):
        found = columns.counts("region", rows & ~columns.national)
        found = Counter({f"region:{k}": n for k, n in found.items()})
        everywhere = int(np.count_nonzero(rows & columns.national))
        if everywhere:
            for code in PlaceFilter.region_codes():
                found[f"region:{code}"] += everywhere
        return found
    back = {stored: (key,) for key, (stored, _label) in entry.choices().items()}  # type: ignore[attr-defined]
    found = Counter()
    for stored, n in columns.counts(entry.column, rows).items():  # type: ignore[attr-defined]
        for key in back.get(stored, ()):
            found[key] += n
    return found


def fetch(ids: list[int]) -> list[Listing]:
    """These listings, in this order, with their organisation, place and domains."""
    found = Listing.objects.filter(pk__in=ids).select_related("organisation", "territory")
    by_id = {x.pk: x for x in found.prefetch_related("domains")}
    return [by_id[pk] for pk in ids if pk in by_id]


def _chips(query: ListingQuery, reading: TextReading) -> list[Chip]:
    chips = []
    if query.q:
        chips.append(Chip(_("le texte"), query.q, query.without("q").to_querystring()))
    for param, values in query.selected:
        entry = BY_PARAM[param]
        labels = entry.labels(values)
        for value in values:
            chips.append(
                Chip(
                    str(entry.label),
                    labels.get(value, value),
                    query.without(param, value).to_querystring(),
                )
            )
    return chips


def run(
    query: ListingQuery,
    notices: list[str] | None = None,
    *,
    with_facets: bool = True,
    direction: str = "",
    limit: int = PAGE_SIZE,
) -> Found:
    """The open needs and offers this query finds, newest first. `direction` ("besoins",
    "propositions") is the API endpoint's own, whatever the query says."""
    if direction:
        query = query._with("sens", (direction,))
    reading = read_text(query)
    notices = list(notices or [])
    if reading.unsearchable:
        notices.append(
            _("« %(text)s » ne contient ni lettre ni chiffre à chercher : le texte est ignoré.")
            % {"text": query.q[:80]}
        )
    base = Listing.objects.open()
    conditions = _conditions(query, reading)
    found = Found(query=query, rows=_apply(base, conditions), notices=notices, reading=reading)
    found.ids, facets = _found(query, base, conditions, with_facets)
    found.count = len(found.ids)
    found.pages = max(1, -(-found.count // limit))
    page = min(query.page, found.pages)
    start = (page - 1) * limit
    found.results = fetch(found.ids[start : start + limit])
    found.facets = facets
    found.chips = _chips(query, reading)
    return found


# What a search found (its ids, newest first, and its facets), kept per process for the next
# pages and visits of the same search: a scan reads every open listing (about half a second
# at 20,000 on a loaded machine, bench/results/partners_listsearch.md). The key holds the data
# version (any write, in any process, changes it), the minute (a listing expiring leaves
# within a minute), the search without its page, and the language of the facets' labels.
FOUND_CACHE_SIZE = 64
_found_cache: OrderedDict[tuple, tuple[list[int], list[FacetGroup]]] = OrderedDict()
_found_lock = threading.Lock()


def _found(
    query: ListingQuery, base: QuerySet, conditions: Mapping[str, Q], with_facets: bool
) -> tuple[list[int], list[FacetGroup]]:
    minute = timezone.now().replace(second=0, microsecond=0)
    key = (
        pool.listings_version(),
        minute,
        query.first_page().to_querystring(),
        with_facets,
        get_language(),
    )
    with _found_lock:
        kept = _found_cache.get(key)
        if kept is not None:
            _found_cache.move_to_end(key)
            return kept
    columns = _columns()
    open_rows = columns.expires > timezone.now().timestamp()
    fails = _failures(base, conditions, columns)
    ids = columns.pks[open_rows & (fails == 0)].tolist()
    bits = {name: 1 << i for i, name in enumerate(conditions)}
    facets = _facets(query, columns, open_rows, fails, bits) if with_facets else []
    with _found_lock:
        _found_cache[key] = (ids, facets)
        while len(_found_cache) > FOUND_CACHE_SIZE:
            _found_cache.popitem(last=False)
    return ids, facets


def forget() -> None:
    """Drop what this process keeps (tests that write behind the signals' back)."""
    with _found_lock:
        _found_cache.clear()
        _columns_cache.clear()


def search(params: Mapping[str, Any], **options: Any) -> Found:
    """Parse and run: what the list page, the feed and the API do."""
    query, notices = parse(params)
    return run(query, notices, **options)


def params_of(querystring: str) -> dict[str, list[str]]:
    """A stored query string as a dict of lists (what `parse` reads)."""
    raw = querystring.strip().removeprefix("?")[:8000]
    try:
        return parse_qs(raw, max_num_fields=400)
    except ValueError:
        return parse_qs("&".join(raw.split("&")[:400]))


def count_of(querystring: str) -> int:
    """How many open needs and offers a saved search finds now."""
    return run(parse(params_of(querystring))[0], with_facets=False, limit=1).count


def published_between(querystring: str, since: Any, until: Any) -> list[Listing]:
    """The open needs and offers a saved search finds, first published in (since, until]."""
    query = parse(params_of(querystring))[0]
    rows = _apply(Listing.objects.open(), _conditions(query, read_text(query)))
    return list(
        rows.filter(published_at__gt=since, published_at__lte=until)
        .select_related("organisation", "territory")
        .order_by("-published_at", "-id")
    )
