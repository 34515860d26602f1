"""Figures as plain rows (for pages, twins, API and charts) and the data version.

Every surface reads figures through `figure_rows`, so the page, its JSON/CSV twins and the
API carry the same numbers, intervals and sources.
"""

import hashlib
from collections.abc import Iterable

from django.db.models import Count, Max, Q, QuerySet

from alliances.common.sources import is_copy_site

from .models import Figure, Indicator, Population, Study
from .stats import compare_proportions, percent_interval

FIGURE_COLUMNS = [
    "key",
    "indicator",
    "statement",
    "population",
    "population_label",
    "territory",
    "territory_name",
    "scope",
    "year",
    "approximate_year",
    "value",
    "n",
    "n_is_lower_bound",
    "ci_low",
    "ci_high",
    "study",
    "source",
    "sources",
    "note",
]


def published_figures() -> QuerySet[Figure]:
    return (
        Figure.objects.filter(obsolete=False)
        .select_related("indicator", "population", "territory", "study", "programme")
        .prefetch_related("sources")
    )


def figures_in(territory_id: int) -> QuerySet[Figure]:
    """Figures measured in a territory, including sources reporting it with another one."""
    return (
        published_figures()
        .filter(Q(territory_id=territory_id) | Q(extra_territories__id=territory_id))
        .distinct()
    )


def source_rows(figure: Figure) -> list[dict]:
    """Every source reporting the figure, the first one first; a copy site is marked."""
    sources = list(figure.sources.all())
    if not sources:  # a figure imported by a curator has its one source only
        return [{"url": figure.source_url, "copy": is_copy_site(figure.source_url), "note": ""}]
    return [{"url": s.url, "copy": is_copy_site(s.url), "note": s.note_text} for s in sources]


def figure_row(figure: Figure) -> dict:
    value = float(figure.value)
    interval = percent_interval(value, figure.n)
    territory = figure.territory
    year_label = f"≈ {figure.year}" if figure.approximate_year else str(figure.year)
    scope = figure.scope
    sources = source_rows(figure)
    return {
        "key": figure.key,
        "indicator": figure.indicator.key,
        "label": figure.indicator.label,
        "statement": figure.indicator.statement,
        "population": figure.population.key,
        "population_name": figure.population.label,
        "population_label": figure.population_label,
        "subgroup": figure.population.subgroup_of_id is not None,
        "territory": territory.code if territory else None,
        "territory_name": territory.name if territory else figure.scope_label,
        "territory_level": territory.level if territory else None,
        # What the figure measures and when, as every page shows it: "Occitanie, 2019".
        "scope": scope,
        "scope_year": f"{scope}, {year_label}",
        "year": figure.year,
        "approximate_year": figure.approximate_year,
        "year_label": year_label,
        "value": value,
        "n": figure.n,
        "n_is_lower_bound": figure.n_is_lower_bound,
        "sample_total": figure.sample_total,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
        "study": figure.study.title if figure.study else "",
        "programme": figure.programme.name if figure.programme else "",
        "source": figure.source_url,
        "sources": [s["url"] for s in sources],
        "source_list": sources,
        "source_statement": figure.source_statement,
        "note": figure.note_text,
    }


def figure_rows(figures: Iterable[Figure]) -> list[dict]:
    return [figure_row(f) for f in figures]


def data_version() -> str:
    """A digest that changes whenever a figure, an indicator or a population changes.

    Charts are cached under it: an edit in the admin or an import shows at once, and every
    web process computes the same key from the shared database.
    """
    figures = Figure.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    indicators = Indicator.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    populations = Population.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    raw = repr((figures, indicators, populations))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def latest_change(rows: list[dict]) -> dict | None:
    """The change between the last two measurements of one population on one territory.

    Only when both sample sizes are known; the two-proportion test decides whether the
    change is significant at 5 %.
    """
    series: dict[tuple, list[dict]] = {}
    for row in rows:
        series.setdefault((row["population"], row["territory"]), []).append(row)
    best = None
    for (_population, _territory), items in series.items():
        by_year: dict[int, dict] = {}
        for row in sorted(items, key=lambda r: (r["year"], r["n"] is None)):
            by_year.setdefault(row["year"], row)
        years = sorted(by_year)
        if len(years) < 2:
            continue
        before, after = by_year[years[-2]], by_year[years[-1]]
        if not before["n"] or not after["n"]:
            continue
        test = compare_proportions(
            before["value"] / 100, before["n"], after["value"] / 100, after["n"]
        )
        change = {
            "population": after["population_name"],
            "territory": after["territory_name"],
            "before": before,
            "after": after,
            "difference": round(test.difference * 100, 1),
            "z": round(test.z, 2),
            "p_value": test.p_value,
            "significant": test.significant,
        }
        if best is None or after["year"] > best["after"]["year"]:
            best = change
    return best


def trend_series(rows: list[dict]) -> list[dict]:
    """One point per population and year (national scope first); duplicates cited by two
    sources count once, the one with a known sample size winning."""
    points: dict[tuple, dict] = {}
    for row in sorted(rows, key=lambda r: (r["n"] is None, r["key"])):
        points.setdefault((row["population"], row["territory"], row["year"]), row)
    return sorted(points.values(), key=lambda r: (r["population"], r["year"]))


def latest_study() -> Study | None:
    """The most recent study with published figures."""
    return (
        Study.objects.filter(obsolete=False, figures__obsolete=False)
        .annotate(count=Count("figures"))
        .order_by("-year", "-count")
        .first()
    )
