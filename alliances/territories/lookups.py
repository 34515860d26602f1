"""Find territories: by code, by name (accent- and abbreviation-insensitive), by postcode,
and from a free text such as "Lyon, Rhône" or "national".

Plain functions over the ORM, for every part of the platform (pages, API, imports). A
delegated or associated commune, or a municipal district, leads to its current commune.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from alliances.common.text import normalize_name

from .models import FRANCE_CODE, PLACE_LEVELS, Level, PostalCode, Territory

SUB_COMMUNE_LEVELS = (
    Level.DELEGATED_COMMUNE,
    Level.ASSOCIATED_COMMUNE,
    Level.MUNICIPAL_DISTRICT,
)
# From the broadest to the most specific: used to rank and to climb containment.
LEVEL_RANK = {
    Level.COUNTRY: 0,
    Level.REGION: 1,
    Level.OVERSEAS_COLLECTIVITY: 1,
    Level.DEPARTEMENT: 2,
    Level.EPCI: 3,
    Level.COMMUNE: 4,
}
NATIONAL_WORDS = {"national", "nationale", "france", "france entiere", "toute la france", "fr"}


def get_territory(level: str, code: str) -> Territory | None:
    """The territory of this level and official code, or None."""
    return (
        Territory.objects.select_related("parent", "region", "departement", "epci")
        .filter(level=level, code=code)
        .first()
    )


def france() -> Territory | None:
    return Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first()


def _current(territories: Iterable[Territory]) -> list[Territory]:
    """Replace former communes and districts by their current commune, keeping order."""
    seen: set[int] = set()
    result = []
    for territory in territories:
        if territory.level in SUB_COMMUNE_LEVELS and territory.parent is not None:
            territory = territory.parent
        if territory.pk not in seen:
            seen.add(territory.pk)
            result.append(territory)
    return result


def name_prefix(prefix: str) -> Q:
    """Folded names starting with `prefix`, using the `search_name` index where possible.

    SQLite's LIKE (Django's `startswith`) cannot use the index; on SQLite, whose text order
    is binary, the same test written as a range can. Other databases may order text by a
    collation that ignores spaces, where the range would be wrong: there, LIKE alone.
    """
    condition = Q(search_name__startswith=prefix)
    if connection.vendor == "sqlite":
        condition &= Q(search_name__gte=prefix, search_name__lt=prefix + "\U0010ffff")
    return condition


def search_by_name(
    text: str,
    levels: Sequence[str] = PLACE_LEVELS,
    limit: int = 20,
) -> list[Territory]:
    """Territories whose name matches `text`, best first.

    Exact matches of the folded name come first, then names starting with it, each by
    population (largest first): "st etienne" gives Saint-Étienne (42218) before
    Saint-Étienne-du-Rouvray. Former communes and districts lead to their current commune.
    """
    folded = normalize_name(text)
    if not folded:
        return []
    searched = list(levels)
    if Level.COMMUNE in searched:
        searched += list(SUB_COMMUNE_LEVELS)
    base = (
        Territory.objects.filter(level__in=searched, obsolete=False)
        .select_related("parent", "departement")
        .order_by("-population", "code")
    )
    exact = _current(base.filter(search_name=folded)[: limit * 2])
    exact.sort(key=lambda t: -(t.population or 0))
    found = exact[:limit]
    if len(found) < limit:
        prefix = _current(
            base.filter(name_prefix(f"{folded} ")).exclude(search_name=folded)[: limit * 2]
        )
        prefix.sort(key=lambda t: -(t.population or 0))
        known = {t.pk for t in found}
        found += [t for t in prefix if t.pk not in known][: limit - len(found)]
    return found


def by_postcode(postcode: str) -> list[Territory]:
    """Current communes served by this postcode, the most populated first."""
    postcode = postcode.strip()
    if not re.fullmatch(r"\d{5}", postcode):
        return []
    territories = [
        p.territory
        for p in PostalCode.objects.filter(code=postcode, territory__obsolete=False)
        .select_related("territory__parent", "territory__departement")
        .order_by("territory__code")
    ]
    current = [t for t in _current(territories) if t.level == Level.COMMUNE]
    current.sort(key=lambda t: -(t.population or 0))
    return current


def search(text: str, limit: int = 20) -> list[Territory]:
    """The search box of the territory pages: a postcode, an official code or a name."""
    text = text.strip()
    if re.fullmatch(r"\d{5}", text):
        by_code = list(
            Territory.objects.filter(level=Level.COMMUNE, code=text, obsolete=False).select_related(
                "departement"
            )
        )
        served = by_postcode(text)
        return (served + [t for t in by_code if t not in served])[:limit]
    if re.fullmatch(r"\d[\dAB]\d{0,7}|\d{9}", text, flags=re.IGNORECASE):
        coded = list(
            Territory.objects.filter(
                code__iexact=text, level__in=PLACE_LEVELS, obsolete=False
            ).select_related("departement")
        )
        if coded:
            return coded[:limit]
    return search_by_name(text, limit=limit)


# --- Free texts of places ------------------------------------------------------------------

_PARENTHESES = re.compile(r"\(([^()]*)\)")
_SPLIT_PLACES = re.compile(r"\s+(?:et|&)\s+|\s*/\s*", flags=re.IGNORECASE)
_DISTRICT = re.compile(r"^(?P<city>.+?) (?P<number>\d{1,2}) ?(?:e|er|eme|ème)$")
# Leading words of EPCI names ("CC du Pays de X", "Communauté d'agglomération de Y").
_EPCI_PREFIX = re.compile(
    r"^(?:cc|ca|cu|communaute (?:de communes|d agglomeration|urbaine))"
    r"(?: (?:du|des|de la|de l|de|d|l))?\b ?"
)
_ACRONYM = re.compile(r"\s*\([^()]*\)\s*$")
_STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "sur"}
MAX_COMBINATIONS = 5000


def epci_core(name: str) -> str:
    """An EPCI name without its legal prefix or acronym: "CC de l'Île de Ré" → "ile de re"."""
    return _EPCI_PREFIX.sub("", normalize_name(_ACRONYM.sub("", name))).strip()


@dataclass
class PartMatch:
    """What one comma-separated part of the text was read as."""

    text: str
    options: list[tuple[Territory, ...]] = field(default_factory=list)
    chosen: Territory | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class PlaceResolution:
    """The reading of a free text of places; `territory` is None when it could not be placed."""

    text: str
    territory: Territory | None = None
    parts: list[PartMatch] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    candidates: list[Territory] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every part of the text was understood, and led to one territory."""
        return self.territory is not None and not self.unresolved and not self.candidates

    def problems(self) -> list[str]:
        """What could not be resolved, in words (French msgids) for an import report."""
        messages = []
        for part in self.parts:
            if part.text not in self.unresolved:
                continue
            if part.options:
                messages.append(
                    _("« %s » ne se trouve pas dans les territoires nommés après lui") % part.text
                )
            else:
                messages.append(_("« %s » ne correspond à aucun territoire connu") % part.text)
        if self.candidates:
            messages.append(
                _("« %(text)s » est ambigu : %(candidates)s")
                % {"text": self.text, "candidates": ", ".join(str(c) for c in self.candidates)}
            )
        if self.territory is None and not messages:
            messages.append(_("« %s » : aucun territoire reconnu") % self.text)
        return messages


def split_place_text(text: str) -> tuple[list[str], list[str]]:
    """Parts of a place text, most specific first, and the remarks in parentheses.

    >>> split_place_text("Bordeaux (La Bastide), Gironde")
    (['Bordeaux', 'Gironde'], ['La Bastide'])
    """
    remarks = [r.strip() for r in _PARENTHESES.findall(text) if r.strip()]
    bare = _PARENTHESES.sub(" ", text).replace("…", " ").replace("...", " ")
    parts = [" ".join(p.split()) for p in bare.split(",")]
    return [p for p in parts if p], remarks


def _within(inner: Territory, outer: Territory) -> bool:
    """Whether `inner` lies in `outer` (a territory lies in itself)."""
    if inner.pk == outer.pk or outer.level == Level.COUNTRY:
        return True
    if outer.level == Level.REGION:
        return inner.region_id == outer.pk
    if outer.level == Level.DEPARTEMENT:
        return inner.departement_id == outer.pk
    if outer.level == Level.EPCI:
        return inner.epci_id == outer.pk and inner.level != Level.EPCI
    if outer.level == Level.OVERSEAS_COLLECTIVITY:
        return inner.parent_id == outer.pk
    return False


def _name_hits(folded: str) -> list[Territory]:
    """Territories whose folded name is `folded`; "lyon 9e" also finds the 9th district."""
    hits = list(
        Territory.objects.filter(search_name=folded, obsolete=False)
        .filter(Q(level__in=PLACE_LEVELS) | Q(level__in=SUB_COMMUNE_LEVELS))
        .exclude(level=Level.COUNTRY)
        .select_related("parent")
    )
    district = _DISTRICT.match(folded)
    if not hits and district:
        hits = list(
            Territory.objects.filter(
                level=Level.MUNICIPAL_DISTRICT,
                search_name__startswith=f"{district['city']} {district['number']}",
                obsolete=False,
            ).select_related("parent")
        )
    return hits


def _note_former_communes(name: str, hits: list[Territory], notes: list[str]) -> None:
    """Say where a former commune or a district was read as its current commune."""
    for hit in hits:
        if hit.level in SUB_COMMUNE_LEVELS and hit.parent is not None:
            notes.append(
                _("« %(name)s » (%(level)s) mène à la commune %(current)s")
                % {"name": name, "level": hit.get_level_display(), "current": hit.parent}
            )


class _Resolver:
    """One resolution: caches the queries it needs (France, EPCI cores, straddling EPCI)."""

    def __init__(self) -> None:
        self._france: Territory | None = None
        self._epci_cores: list[tuple[str, Territory]] | None = None
        self._straddles: dict[int, bool] = {}
        self._by_pk: dict[int, Territory] = {}

    def france(self) -> Territory | None:
        if self._france is None:
            self._france = france()
        return self._france

    def get(self, pk: int | None) -> Territory | None:
        if pk is None:
            return None
        if pk not in self._by_pk:
            self._by_pk[pk] = Territory.objects.get(pk=pk)
        return self._by_pk[pk]

    def epci_cores(self) -> list[tuple[str, Territory]]:
        if self._epci_cores is None:
            self._epci_cores = [
                (epci_core(t.name), t)
                for t in Territory.objects.filter(level=Level.EPCI, obsolete=False)
            ]
        return self._epci_cores

    def straddles(self, epci: Territory) -> bool:
        """Whether the communes of this EPCI lie in more than one département."""
        if epci.pk not in self._straddles:
            self._straddles[epci.pk] = (
                Territory.objects.filter(epci=epci, level=Level.COMMUNE)
                .values("departement")
                .distinct()
                .count()
                > 1
            )
        return self._straddles[epci.pk]

    def name_options(self, name: str, notes: list[str]) -> list[Territory]:
        """Territories this single name may designate (current ones, place levels)."""
        folded = normalize_name(name)
        if not folded:
            return []
        if folded in NATIONAL_WORDS:
            return [t for t in [self.france()] if t]
        hits = _name_hits(folded)
        _note_former_communes(name, hits, notes)
        return _current(hits) or self.epci_options(name, notes)

    def epci_options(self, name: str, notes: list[str]) -> list[Territory]:
        """EPCI named without their legal prefix, exactly or by a shortened name."""
        core = epci_core(name)
        if not core:
            return []
        exact = [t for c, t in self.epci_cores() if c == core]
        if exact:
            return exact
        # A shortened EPCI name ("Pays de Colombey"): only with two significant words or
        # more, so that a lone word ("Alsace") never picks an EPCI by chance.
        if len([w for w in core.split() if w not in _STOP_WORDS]) < 2:
            return []
        approximate = [t for c, t in self.epci_cores() if c.startswith(f"{core} ")]
        for t in approximate:
            notes.append(
                _("« %(name)s » lu comme %(epci)s (nom abrégé)") % {"name": name, "epci": t.name}
            )
        return approximate

    def common(self, members: Sequence[Territory]) -> Territory | None:
        """The most specific territory containing all `members`."""
        if len(members) == 1:
            return members[0]
        first = members[0]
        for attribute in ("epci_id", "departement_id", "region_id", "parent_id"):
            value = getattr(first, attribute)
            if value is None or any(getattr(m, attribute) != value for m in members):
                continue
            candidate = self.get(value)
            if candidate is None:
                continue
            if candidate.level == Level.EPCI and self.straddles(candidate):
                continue
            if all(_within(m, candidate) for m in members):
                return candidate
        return self.france()

    def part_options(self, part: PartMatch) -> None:
        options = self.name_options(part.text, part.notes)
        if options:
            part.options = [(t,) for t in options]
            return
        names = [n for n in _SPLIT_PLACES.split(part.text) if n.strip()]
        if len(names) < 2:
            return
        per_name = []
        for name in names:
            found = self.name_options(name, part.notes)
            if not found:
                part.notes.append(_("« %s » ne correspond à aucun territoire connu") % name)
                continue
            per_name.append(found)
        if not per_name:
            return
        seen: set[tuple[int, ...]] = set()
        for combo in itertools.islice(itertools.product(*per_name), 200):
            key = tuple(sorted(t.pk for t in combo))
            if key not in seen:
                seen.add(key)
                part.options.append(combo)


def _value(option: tuple[Territory, ...], resolver: _Resolver) -> Territory | None:
    # Where a part names several places, a commune inside an EPCI named beside it is kept
    # (the most specific); otherwise their most specific common territory stands for them.
    leaves = [t for t in option if not any(o.pk != t.pk and _within(o, t) for o in option)]
    return resolver.common(leaves) if leaves else None


def _groups(chosen: list[Territory | None]) -> list[list[Territory]]:
    """Consecutive resolved parts of the same level are siblings ("Lille, Nantes, Nancy")."""
    groups: list[list[Territory]] = []
    for territory in chosen:
        if territory is None:
            continue
        if (
            groups
            and groups[-1][0].level == territory.level
            and not any(_within(territory, g) or _within(g, territory) for g in groups[-1])
        ):
            groups[-1].append(territory)
        else:
            groups.append([territory])
    return groups


def _consistent(groups: list[list[Territory]]) -> bool:
    for i, group in enumerate(groups):
        for later in groups[i + 1 :]:
            if not all(_within(t, outer) for t in group for outer in later):
                return False
    return True


Reading = tuple[list[Territory | None], Territory]  # the territory of each part, the answer


def resolve_place_text(text: str) -> PlaceResolution:
    """Read a free text of places, most specific first ("Lyon, Rhône", "national").

    Returns the most specific territory consistent with the later parts; several places in
    one text ("Pomerol et Bordeaux, Gironde") give their most specific common territory.
    Parts that match nothing, or contradict the others, are listed in `unresolved`; when the
    text fits several territories equally, `territory` is None and `candidates` lists them.
    Remarks in parentheses are kept in `ignored` and never change the answer.
    """
    result = PlaceResolution(text=text)
    names, result.ignored = split_place_text(text)
    resolver = _Resolver()
    result.parts = _read_parts(names, resolver, result)
    if not result.parts:
        return result
    _read_broadest_part_as_area(result.parts)
    readings = _best_readings(result.parts, resolver)
    if not readings:
        result.unresolved = [p.text for p in result.parts] or [text]
        return result
    _settle(result, readings)
    return result


def _read_parts(names: list[str], resolver: _Resolver, result: PlaceResolution) -> list[PartMatch]:
    """The options of each part of the text (its notes go to the result's)."""
    parts = [PartMatch(text=name) for name in names]
    for part in parts:
        resolver.part_options(part)
        result.notes += part.notes
    return parts


def _read_broadest_part_as_area(parts: list[PartMatch]) -> None:
    """The broadest part of "Vienne, Bretagne" names an area: read it as one (the région, not
    the homonymous communes), so that the parts before it must lie inside it."""
    last = parts[-1]
    areas = [o for o in last.options if len(o) == 1 and LEVEL_RANK.get(o[0].level, 5) <= 2]
    if len(parts) > 1 and areas:
        last.options = areas


def _best_readings(parts: list[PartMatch], resolver: _Resolver) -> list[Reading]:
    """Try every reading (one option per part, or none), keep the consistent ones that
    understand the most parts.

    A reading that understands more parts wins; between equals, the one that keeps the
    broader parts (the context given last) wins: "Vienne, Bretagne" is in Bretagne.
    """
    choices = [[(o, _value(o, resolver)) for o in p.options] + [None] for p in parts]
    best_score: tuple = (0,)
    readings: list[Reading] = []
    for combination in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
        chosen = [c[1] if c else None for c in combination]
        resolved = sum(1 for c in chosen if c is not None)
        score = (resolved, tuple(c is not None for c in reversed(chosen)))
        if resolved == 0 or score < best_score:
            continue
        answer = _answer_of(chosen, resolver)
        if answer is None:
            continue
        if score > best_score:
            best_score, readings = score, []
        readings.append((chosen, answer))
    return readings


def _answer_of(chosen: list[Territory | None], resolver: _Resolver) -> Territory | None:
    """The territory one reading gives, or None when its parts contradict each other."""
    groups = _groups(chosen)
    if not _consistent(groups):
        return None
    answer = resolver.common(groups[0])
    broader = [g for group in groups[1:] for g in group]
    # Climb until the answer lies in every broader part (a straddling EPCI may not).
    while answer is not None and not all(_within(answer, g) for g in broader):
        answer = resolver.get(answer.parent_id)
    return answer


def _settle(result: PlaceResolution, readings: list[Reading]) -> None:
    """Choose between the answers of the best readings, or list them as candidates."""
    answers: dict[int, Territory] = {}
    for _chosen, answer in readings:
        answers.setdefault(answer.pk, answer)
    distinct = list(answers.values())
    # Same-named nested territories (La Réunion the région and the département, Paris the
    # département and the commune) are one place: keep the most specific.
    distinct.sort(key=lambda t: -LEVEL_RANK.get(t.level, 5))
    most_specific = distinct[0]
    if all(_within(most_specific, other) for other in distinct[1:]):
        _take(result, readings, most_specific)
        return
    # A département or région and a homonymous commune ("Aube, Grand Est", "La Réunion"):
    # the administrative area is read, as a commune is named with its département; the
    # commune stays visible in the notes.
    areas = [t for t in distinct if LEVEL_RANK.get(t.level, 5) <= LEVEL_RANK[Level.DEPARTEMENT]]
    if areas and all(_within(areas[0], other) for other in areas[1:]):
        _take(result, readings, areas[0])
        others = [t for t in distinct if t not in areas]
        result.notes.append(
            _("« %(text)s » lu comme %(area)s ; homonyme écarté : %(others)s")
            % {"text": result.text, "area": areas[0], "others": ", ".join(str(t) for t in others)}
        )
        return
    result.candidates = sorted(distinct, key=lambda t: -(t.population or 0))[:10]


def _take(result: PlaceResolution, readings: list[Reading], territory: Territory) -> None:
    """Answer `territory`, with the first reading that gives it for the parts."""
    chosen, _answer = next(r for r in readings if r[1].pk == territory.pk)
    result.territory = territory
    for part, part_territory in zip(result.parts, chosen, strict=True):
        part.chosen = part_territory
        if part_territory is None:
            result.unresolved.append(part.text)
