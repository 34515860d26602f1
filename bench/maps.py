"""Time of drawing a choropleth map (SVG) and of putting it in a PDF.

    .venv/bin/python bench/maps.py

Writes bench/results/maps.md. Baseline: parsing the shipped boundary file alone (what any
drawing must at least read), measured side by side.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import git_revision, header, measure  # noqa: E402

from alliances.maps import choropleth, departements_of, figure_html  # noqa: E402
from alliances.maps.boundaries import DATA, areas  # noqa: E402

RUNS = 50


def main() -> None:
    deps = sorted(areas("departement"))
    values = {code: (None if i % 9 == 0 else float(i % 37)) for i, code in enumerate(deps)}
    regions = {code: float(i) for i, code in enumerate(sorted(areas("region")))}
    bretagne = departements_of("53")

    def links(code: str) -> str:
        return f"/territoires/departement/{code}/"

    cases = [
        (
            "baseline: json.loads of departements.json",
            lambda: json.loads((DATA / "departements.json").read_text(encoding="utf-8")),
        ),
        ("18 régions", lambda: choropleth("region", regions, title="T", unit="%")),
        (
            "101 départements, links + highlight",
            lambda: choropleth(
                "departement", values, title="T", unit="%", link=links, highlight={"35"}
            ),
        ),
        (
            "one région zoomed (subset)",
            lambda: choropleth("departement", values, title="T", subset=bretagne),
        ),
    ]
    rows = []
    for name, func in cases:
        stats = measure(func, RUNS)
        rows.append(f"| {name} | {stats['median']:.1f} | {stats['p95']:.1f} |")

    import weasyprint

    page = (
        '<html><head><meta charset="utf-8"></head><body>'
        + figure_html(choropleth("departement", values, title="T", unit="%"))
        + "</body></html>"
    )
    svg_only = (
        '<html><head><meta charset="utf-8"></head><body>'
        + choropleth("departement", values, title="T", unit="%").svg
        + "</body></html>"
    )
    fine = (
        '<html><head><meta charset="utf-8"></head><body>'
        + choropleth("departement", values, title="T", unit="%", detail="fine").svg
        + "</body></html>"
    )
    pdf = measure(lambda: weasyprint.HTML(string=page).write_pdf(), 5, warmup=1)
    pdf_svg = measure(lambda: weasyprint.HTML(string=svg_only).write_pdf(), 5, warmup=1)
    pdf_fine = measure(lambda: weasyprint.HTML(string=fine).write_pdf(), 5, warmup=1)
    empty = measure(
        lambda: weasyprint.HTML(string="<html><body><p>T</p></body></html>").write_pdf(),
        5,
        warmup=1,
    )
    rows.append(
        f"| PDF of the 101-département map alone (coarse outlines, default) | "
        f"{pdf_svg['median']:.0f} | {pdf_svg['p95']:.0f} |"
    )
    rows.append(
        f"| PDF of the 101-département map alone, fine outlines | "
        f"{pdf_fine['median']:.0f} | {pdf_fine['p95']:.0f} |"
    )
    rows.append(
        f"| PDF (WeasyPrint) of figure_html: map + 101-row data table | "
        f"{pdf['median']:.0f} | {pdf['p95']:.0f} |"
    )
    rows.append(
        f"| baseline: PDF of a one-line page | {empty['median']:.0f} | {empty['p95']:.0f} |"
    )

    sizes = {p.name: p.stat().st_size for p in sorted(DATA.glob("*.json"))}
    svg_size = len(choropleth("departement", values, title="T").svg.encode())
    lines = header("Maps (choropleth SVG)", "python bench/maps.py")
    lines += [
        f"Revision {git_revision()}; {RUNS} runs after 3 warm-up runs (PDF: 5 runs), in-process.",
        "The boundary files are parsed once per process (cached), so map timings exclude the "
        "first parse; the baseline shows its cost.",
        "",
        "| case | median ms | p95 ms |",
        "|---|---:|---:|",
        *rows,
        "",
        "Shipped files: "
        + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sizes.items())
        + f"; SVG of the 101-département map: {svg_size / 1024:.0f} KiB.",
        "",
    ]
    out = Path(__file__).resolve().parent / "results" / "maps.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
