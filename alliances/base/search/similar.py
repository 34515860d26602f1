"""Similar alliances, each with why it is similar.

Same domains, partnership types and territory first (a structured score), then text
similarity (the words of the title and summary, ranked by the full-text index) to add
candidates and break ties. Each result carries its reasons, e.g. "même domaine : Emploi ;
même région : Bretagne ; mots en commun : insertion, chantier".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import router
from django.utils.translation import gettext as _

from ..models import Alliance
from .analysis import STOPWORDS, query_terms, raw_words, shared_words
from .compiler import PUBLIC_STATUSES
from .dialects import dialect_for, fetch
from .hits import load_alliances
from .schema import marks, tables

DOMAIN_POINTS, TYPE_POINTS = 3.0, 2.0
PLACE_POINTS = {"commune": 3.0, "epci": 2.5, "departement": 2.0, "region": 1.0}
TEXT_POINTS = 2.0
CANDIDATES = 40
MAX_TEXT_WORDS = 12


@dataclass
class Similar:
    alliance: Alliance
    score: float
    reasons: list[str] = field(default_factory=list)


def _place_reason(me: Alliance, other: Alliance) -> tuple[float, str | None]:
    a, b = me.territory, other.territory
    if a is None or b is None:
        return 0.0, None
    if a.pk == b.pk:
        return PLACE_POINTS.get(a.level, 1.0), _("même territoire : %(name)s") % {"name": a.name}
    if a.departement_id and a.departement_id == b.departement_id:
        return PLACE_POINTS["departement"], _("même département : %(name)s") % {
            "name": a.departement.name
        }
    if a.region_id and a.region_id == b.region_id:
        return PLACE_POINTS["region"], _("même région : %(name)s") % {"name": a.region.name}
    return 0.0, None


def _significant_words(alliance: Alliance) -> list[str]:
    words = []
    for word in raw_words(f"{alliance.title} {alliance.summary}"):
        low = word.lower()
        if len(low) >= 4 and low not in STOPWORDS and low not in words:
            words.append(low)
    return words[:MAX_TEXT_WORDS]


def _structured_candidates(alliance: Alliance, using: str) -> dict[int, float]:
    """Alliances sharing domains, types or the région, with a score for what they share."""
    t = tables()
    domain_ids = [d.pk for d in alliance.domains.all()]
    type_ids = [x.pk for x in alliance.partnership_types.all()]
    parts, params = [], []
    for ids, m2m, points in (
        (domain_ids, t.domains, DOMAIN_POINTS),
        (type_ids, t.types, TYPE_POINTS),
    ):
        if ids:
            parts.append(
                f"SELECT {m2m.alliance} AS aid, {points} * COUNT(*) AS pts FROM {m2m.table} "
                f"WHERE {m2m.other} IN ({marks(ids)}) GROUP BY {m2m.alliance}"
            )
            params += ids
    territory = alliance.territory
    if territory is not None and territory.region_id:
        parts.append(
            f"SELECT a2.id AS aid, {PLACE_POINTS['region']} AS pts FROM {t.alliance} a2 "
            f"JOIN {t.territory} tr ON tr.id = a2.territory_id WHERE tr.region_id = %s"
        )
        params.append(territory.region_id)
    if not parts:
        return {}
    statuses = [str(s) for s in PUBLIC_STATUSES]
    sql = (
        "SELECT c.aid, SUM(c.pts) AS score FROM (" + " UNION ALL ".join(parts) + ") c "
        f"JOIN {t.alliance} a ON a.id = c.aid WHERE a.id <> %s "
        f"AND a.status IN ({marks(statuses)}) GROUP BY c.aid ORDER BY score DESC, c.aid LIMIT %s"
    )
    rows = fetch(using, sql, [*params, alliance.pk, *statuses, CANDIDATES])
    return {int(aid): float(score) for aid, score in rows}


def _text_candidates(alliance: Alliance, using: str) -> dict[int, float]:
    """Alliances sharing words of the title and summary, scored by their text rank."""
    words = _significant_words(alliance)
    terms = [term for term in query_terms(words) if term.word not in STOPWORDS]
    if not terms:
        return {}
    # Exact words and stems only: no prefix for similarity.
    terms = [type(term)(word=term.word, stems=term.stems, prefix=False) for term in terms]
    sql, params = dialect_for(using).similar_text_sql(terms, alliance.pk, CANDIDATES)
    rows = fetch(using, sql, params)
    return {
        int(aid): TEXT_POINTS * (1 - position / max(1, len(rows)))
        for position, (aid, _score) in enumerate(rows)
    }


def _compare(alliance: Alliance, other: Alliance, text_points: float | None) -> Similar | None:
    """How alike two alliances are, and why (None when nothing is shared)."""
    reasons = []
    score = 0.0
    mine = {d.pk for d in alliance.domains.all()}
    shared_domains = [d.label for d in other.domains.all() if d.pk in mine]
    if shared_domains:
        score += DOMAIN_POINTS * len(shared_domains)
        reasons.append(_("même domaine : %(names)s") % {"names": ", ".join(shared_domains)})
    mine = {x.pk for x in alliance.partnership_types.all()}
    shared_types = [x.label for x in other.partnership_types.all() if x.pk in mine]
    if shared_types:
        score += TYPE_POINTS * len(shared_types)
        reasons.append(
            _("même type de partenariat : %(names)s") % {"names": ", ".join(shared_types)}
        )
    points, place = _place_reason(alliance, other)
    if place:
        score += points
        reasons.append(place)
    if text_points is not None:
        my_words = raw_words(f"{alliance.title} {alliance.summary}")
        common = shared_words(my_words, raw_words(f"{other.title} {other.summary}"))[:5]
        score += text_points
        if common:
            reasons.append(_("mots en commun : %(words)s") % {"words": ", ".join(common)})
    return Similar(alliance=other, score=score, reasons=reasons) if reasons else None


def similar_alliances(
    alliance: Alliance, limit: int = 5, using: str | None = None
) -> list[Similar]:
    """The published alliances most like this one, best first, with their reasons."""
    alias = using or router.db_for_read(Alliance)
    candidates = _structured_candidates(alliance, alias)
    text_rank = _text_candidates(alliance, alias)
    ids = set(candidates) | set(text_rank)
    results = []
    for other in load_alliances(sorted(ids), alias):
        if other.status not in PUBLIC_STATUSES or other.pk == alliance.pk:
            continue
        found = _compare(alliance, other, text_rank.get(other.pk))
        if found is not None:
            results.append(found)
    results.sort(key=lambda s: (-s.score, s.alliance.title))
    return results[:limit]
