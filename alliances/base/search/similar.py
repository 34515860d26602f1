"""Similar alliances, each with why it is similar.

Same domains, partnership types and territory first (a structured score), then text
similarity (the words of the title and summary, ranked by the full-text index) to add
candidates and break ties. Each result carries its reasons, e.g. "même domaine : Emploi ;
même région : Bretagne ; mots en commun : insertion, chantier".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections, router
from django.utils.translation import gettext as _

from ..models import Alliance
from .analysis import STOPWORDS, query_terms, raw_words, shared_words
from .compiler import PUBLIC_STATUSES
from .dialects import dialect_for
from .hits import load_alliances
from .schema import tables

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


def similar_alliances(
    alliance: Alliance, limit: int = 5, using: str | None = None
) -> list[Similar]:
    """The published alliances most like this one, best first, with their reasons."""
    alias = using or router.db_for_read(Alliance)
    t = tables()
    domain_ids = [d.pk for d in alliance.domains.all()]
    type_ids = [x.pk for x in alliance.partnership_types.all()]
    territory = alliance.territory
    statuses = [str(s) for s in PUBLIC_STATUSES]
    candidates: dict[int, float] = {}
    parts, params = [], []
    if domain_ids:
        marks = ", ".join(["%s"] * len(domain_ids))
        parts.append(
            f"SELECT {t.domains.alliance} AS aid, {DOMAIN_POINTS} * COUNT(*) AS pts FROM "
            f"{t.domains.table} WHERE {t.domains.other} IN ({marks}) GROUP BY {t.domains.alliance}"
        )
        params += domain_ids
    if type_ids:
        marks = ", ".join(["%s"] * len(type_ids))
        parts.append(
            f"SELECT {t.types.alliance} AS aid, {TYPE_POINTS} * COUNT(*) AS pts FROM "
            f"{t.types.table} WHERE {t.types.other} IN ({marks}) GROUP BY {t.types.alliance}"
        )
        params += type_ids
    if territory is not None and territory.region_id:
        parts.append(
            f"SELECT a2.id AS aid, {PLACE_POINTS['region']} AS pts FROM {t.alliance} a2 "
            f"JOIN {t.territory} tr ON tr.id = a2.territory_id WHERE tr.region_id = %s"
        )
        params.append(territory.region_id)
    if parts:
        status_marks = ", ".join(["%s"] * len(statuses))
        sql = (
            "SELECT c.aid, SUM(c.pts) AS score FROM (" + " UNION ALL ".join(parts) + ") c "
            f"JOIN {t.alliance} a ON a.id = c.aid WHERE a.id <> %s "
            f"AND a.status IN ({status_marks}) GROUP BY c.aid ORDER BY score DESC, c.aid LIMIT %s"
        )
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [*params, alliance.pk, *statuses, CANDIDATES])
            for aid, score in cursor.fetchall():
                candidates[int(aid)] = float(score)
    text_rank: dict[int, float] = {}
    words = _significant_words(alliance)
    terms = [term for term in query_terms(words) if term.word not in STOPWORDS]
    if terms:
        # Exact words and stems only: no prefix for similarity.
        terms = [type(term)(word=term.word, stems=term.stems, prefix=False) for term in terms]
        sql, params = dialect_for(alias).similar_text_sql(terms, alliance.pk, CANDIDATES)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for position, (aid, _score) in enumerate(rows):
            text_rank[int(aid)] = TEXT_POINTS * (1 - position / max(1, len(rows)))
    ids = set(candidates) | set(text_rank)
    loaded = {
        a.pk: a
        for a in load_alliances(sorted(ids), alias)
        if a.status in PUBLIC_STATUSES and a.pk != alliance.pk
    }
    my_domains = {d.pk: d for d in alliance.domains.all()}
    my_types = {x.pk: x for x in alliance.partnership_types.all()}
    my_words = raw_words(f"{alliance.title} {alliance.summary}")
    results = []
    for pk, other in loaded.items():
        reasons = []
        score = 0.0
        shared_domains = [d.label for d in other.domains.all() if d.pk in my_domains]
        if shared_domains:
            score += DOMAIN_POINTS * len(shared_domains)
            reasons.append(_("même domaine : %(names)s") % {"names": ", ".join(shared_domains)})
        shared_types = [x.label for x in other.partnership_types.all() if x.pk in my_types]
        if shared_types:
            score += TYPE_POINTS * len(shared_types)
            reasons.append(
                _("même type de partenariat : %(names)s") % {"names": ", ".join(shared_types)}
            )
        points, place = _place_reason(alliance, other)
        if place:
            score += points
            reasons.append(place)
        if pk in text_rank:
            common = shared_words(my_words, raw_words(f"{other.title} {other.summary}"))[:5]
            score += text_rank[pk]
            if common:
                reasons.append(_("mots en commun : %(words)s") % {"words": ", ".join(common)})
        if reasons:
            results.append(Similar(alliance=other, score=score, reasons=reasons))
    results.sort(key=lambda s: (-s.score, s.alliance.title))
    return results[:limit]
