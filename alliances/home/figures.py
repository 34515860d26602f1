"""What the home page shows of the parts: key figures, the latest examples, the map of France.

The home page sits on top of the parts (it reads the base and the observatory, nothing reads
it). Every figure is counted from the database or taken from a survey with its source; the
whole is cached briefly in the shared cache (a new example shows within minutes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from alliances.base.models import Alliance, Organisation
from alliances.base.search.executor import run_search
from alliances.base.search.query import SearchQuery
from alliances.common.i18n import current_language
from alliances.maps import choropleth, figure_html, known_codes
from alliances.observatory.figures import figure_rows, latest_study, published_figures
from alliances.territories.models import Level

CACHE_SECONDS = 300
LATEST_EXAMPLES = 6


@dataclass(frozen=True)
class KeyFigures:
    examples: int
    alliances: int
    catalysts: int
    organisations: int
    regions: int
    regions_total: int
    region_counts: dict[str, int]


def _key_figures() -> KeyFigures:
    result = run_search(SearchQuery(), limit=1)
    kinds = {v.value: v.count for v in result.facets.get("kind", [])}
    regions = {v.value.split(":", 1)[1]: v.count for v in result.facets.get("region", [])}
    organisations = (
        Organisation.objects.filter(partnerships__alliance__status=Alliance.Status.PUBLISHED)
        .distinct()
        .count()
    )
    return KeyFigures(
        examples=result.count,
        alliances=kinds.get(Alliance.Kind.ALLIANCE, 0),
        catalysts=kinds.get(Alliance.Kind.CATALYST, 0),
        organisations=organisations,
        regions=sum(1 for n in regions.values() if n),
        regions_total=len(known_codes("region")),
        region_counts=regions,
    )


def key_figures() -> KeyFigures:
    return cache.get_or_set("home:key-figures", _key_figures, CACHE_SECONDS)


def latest_examples(limit: int = LATEST_EXAMPLES) -> list[Alliance]:
    """The examples published last (publication date, then the newest rows)."""
    return list(latest_published(limit))


def latest_published(limit: int) -> QuerySet[Alliance]:
    return (
        Alliance.objects.published()
        .select_related("territory")
        .prefetch_related("domains")
        .order_by("-published_at", "-pk")[:limit]
    )


def latest_survey_figure() -> dict[str, Any] | None:
    """One national figure of the latest survey, with its study, sample size and source."""
    study = latest_study()
    if study is None:
        return None
    figures = (
        published_figures()
        .filter(study=study, territory__level=Level.COUNTRY)
        .order_by("indicator__key", "population__key")
    )
    rows = figure_rows(figures[:1])
    if not rows:
        return None
    return {**rows[0], "study_title": study.title}


def region_map(counts: dict[str, int]) -> SafeString | None:
    """France by région, coloured by the number of examples, each région a link to its page."""
    known = known_codes("region")
    if not known:
        return None
    key = f"home:map:{current_language()}:{hash(tuple(sorted(counts.items())))}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = figure_html(
            choropleth(
                "region",
                {code: float(counts.get(code, 0)) for code in known},
                title=_("Exemples par région"),
                description=_("Nombre d'exemples publiés situés dans chaque région."),
                link=lambda code: reverse(
                    "territories:detail", kwargs={"level": "region", "code": code}
                ),
                locale=current_language(),
                decimals=0,
                width=460,
                slug="carte-accueil",
            )
        )
        cache.set(key, drawn, CACHE_SECONDS)
    return mark_safe(drawn)  # noqa: S308 - built by alliances.maps, which escapes every text
