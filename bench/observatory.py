"""Benchmark: an observatory indicator page with three charts (target: < 150 ms median).

Runs against a throw-away SQLite database prepared by `manage.py setup` (plus the régions the
observatory names when the territory loader is not there). Measured: the page with a warm chart
cache, the page with a cold cache (cache cleared before each request: every chart drawn
again, Vega's own SVG cache cleared too), and as baseline the bare ORM query of the figures.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ["ALLIANCES_DATA_DIR"] = tempfile.mkdtemp(prefix="alliances-bench-observatory-")
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 100
COLD_RUNS = 15
INDICATOR = "partenariats-source-innovation"
URL = f"/observatoire/indicateurs/{INDICATOR}/"


def main() -> None:
    call_command("setup", verbosity=0)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "observatory"))
    from conftest import ensure_territories

    ensure_territories()
    call_command("load_observatory", verbosity=0)
    from alliances.charts import vega
    from alliances.observatory.models import Figure

    # An indicator with three charts: trend, populations and régions.
    indicator = (
        Figure.objects.filter(territory__level="region")
        .values_list("indicator__key", flat=True)
        .order_by("indicator__key")
        .first()
    )
    url = f"/observatoire/indicateurs/{indicator}/"
    client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="localhost")
    page = client.get(url).content.decode()
    charts = page.count('role="img"')
    maps = page.count('class="map"')

    def cold() -> None:
        cache.clear()
        vega._render_cached.cache_clear()
        client.get(url)

    def orm() -> None:
        list(
            Figure.objects.filter(indicator__key=indicator, obsolete=False).select_related(
                "indicator", "population", "territory", "study", "programme"
            )
        )

    results = {
        f"{url} warm chart cache": measure(lambda: client.get(url), RUNS),
        f"{url} cold (charts drawn every time)": measure(cold, COLD_RUNS, warmup=1),
        "baseline: bare ORM query of its figures": measure(orm, RUNS),
    }
    lines = header("Observatory indicator page", "python bench/observatory.py")
    lines += [
        f"Revision {git_revision()}; in-process (django.test.Client: server time, no network). "
        f"The page draws {charts} Vega-Lite charts (trend, populations, régions) and {maps} "
        "choropleth map(s) of the régions, each with its data table.",
        "",
        "| measure | median ms | p95 ms | runs | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        target = "< 150 ms median" if "warm" in name else ""
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | {r['runs']} | {target} |")
    lines.append("")
    out = Path(__file__).resolve().parent / "results" / "observatory.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
