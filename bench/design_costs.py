"""Costs behind design choices that the code's comments refer to, measured here instead of
written into docstrings (where they would go stale).

    .venv/bin/python bench/design_costs.py

Writes bench/results/design_costs.md. Each row compares the two ways a comment weighs,
side by side in the same run:
- maturity/engine.py reads its YAML with libyaml's C parser (CSafeLoader) when available;
- charts/vega.py keeps drawn bar charts in the shared cache: building the Vega-Lite spec with
  altair, then drawing it to SVG with vl-convert, against nothing at all on a cache hit.
"""

import itertools
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import git_revision, header, measure, setup_django  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNS = 30


def yaml_rows() -> list[str]:
    rows = []
    for name in ("organisation", "territoire"):
        text = (ROOT / "alliances" / "data" / "maturity" / f"{name}.yaml").read_text()
        for loader in ("CSafeLoader", "SafeLoader"):
            cls = getattr(yaml, loader)
            timing = measure(lambda cls=cls, text=text: yaml.compose(text, Loader=cls), RUNS)
            rows.append(
                f"| compose maturity/{name}.yaml with {loader} "
                f"| {timing['median']:.1f} | {timing['p95']:.1f} |"
            )
    return rows


def chart_rows() -> list[str]:
    setup_django()
    from alliances.charts import vega

    counter = itertools.count()

    def rows() -> list[dict]:
        # New values each time: vl-convert remembers the specs it has already drawn.
        n = next(counter)
        return [{"k": f"Catégorie {i}", "v": 10 * i + 3 + n} for i in range(13)]

    drawing = {
        "category": "k",
        "value": "v",
        "title": "t",
        "description": "d",
        "category_title": "c",
        "value_title": "v",
        "percent": False,
        "width": 420,
        "sort_by_value": True,
    }
    drawn = measure(lambda: vega._draw_bars(rows(), drawing), RUNS)
    real_render = vega.render
    vega.render = lambda spec, *args, **kwargs: spec  # stop after the altair spec
    try:
        spec = measure(lambda: vega._draw_bars(rows(), drawing), RUNS)
    finally:
        vega.render = real_render
    return [
        f"| bar chart of 13 bars: altair spec only | {spec['median']:.1f} | {spec['p95']:.1f} |",
        f"| bar chart of 13 bars: spec and SVG (vl-convert) "
        f"| {drawn['median']:.1f} | {drawn['p95']:.1f} |",
    ]


def main() -> None:
    lines = header("Costs behind design choices", "python bench/design_costs.py")
    lines += [
        f"Revision {git_revision()}; {RUNS} runs after 3 warm-up runs, in-process.",
        "",
        "| what | median ms | p95 ms |",
        "|---|---:|---:|",
        *yaml_rows(),
        *chart_rows(),
        "",
        "Not measured here: the territory loader writes with `executemany` rather than the",
        "ORM's `bulk_create` (territories/loader.py); its whole load is timed in the",
        "Territories section.",
        "",
    ]
    out = Path(__file__).with_name("results") / "design_costs.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
