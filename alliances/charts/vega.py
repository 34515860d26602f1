"""Server-side SVG charts drawn by Vega-Lite (altair builds the spec, vl-convert renders it).

Every chart of the platform goes through `render`, so all share one style and the same SVG
serves the web page and the PDF. A `Chart` carries its data table, so no figure is ever
shown without its numbers.
"""

import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import altair as alt
import vl_convert
from django.core.cache import cache
from django.utils.translation import get_language

# One palette for the whole platform: colour-blind safe (Okabe-Ito), dark enough for text.
PALETTE = ["#0b5394", "#b35900", "#1e6b30", "#8e3b8e", "#a12020", "#4a5360", "#00728f", "#6b5b00"]
FONT = "DejaVu Sans, Arial, sans-serif"
CONFIG = {
    # The SVG root is one labelled image (role="img"); ARIA on marks inside it is not allowed.
    "aria": False,
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 12,
        "labelColor": "#1b1f24",
        "titleColor": "#1b1f24",
        "gridColor": "#e3e7ec",
    },
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
    "title": {"fontSize": 14, "anchor": "start", "color": "#1b1f24"},
    "range": {"category": PALETTE},
}


@dataclass
class Chart:
    """An accessible chart: the SVG plus its title, description and data table."""

    title: str
    description: str
    svg: str
    columns: list[tuple[str, str]]  # (key, label) of the data table
    rows: list[dict] = field(default_factory=list)
    slug: str = ""

    def __post_init__(self) -> None:
        # A stable, unique anchor per chart: pages and PDFs show several charts.
        if not self.slug:
            digest = hashlib.sha1(f"{self.title}|{self.description}".encode()).hexdigest()
            self.slug = f"graphique-{digest[:10]}"

    @property
    def table_rows(self) -> list[list[object]]:
        return [[row.get(key) for key, _ in self.columns] for row in self.rows]


@lru_cache(maxsize=512)
def _render_cached(spec_json: str, locale: str) -> str:
    return vl_convert.vegalite_to_svg(json.loads(spec_json), format_locale=locale)


def number_locale() -> str:
    """The d3 number format of the page's language: "12 345,5" in French, "12,345.5" in
    English."""
    return "fr-FR" if (get_language() or "fr").startswith("fr") else "en-US"


def render(spec: dict, title: str, description: str) -> str:
    """Render a Vega-Lite spec to an SVG string labelled for assistive technology."""
    spec = {**spec, "config": {**CONFIG, **spec.get("config", {})}}
    spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)
    svg = _render_cached(spec_json, number_locale())
    return label_svg(svg, title, description)


def label_svg(svg: str, title: str, description: str) -> str:
    """Give the SVG root role="img" with a <title> and <desc> that screen readers announce."""
    ident = "c" + hashlib.sha1(f"{title}{description}{len(svg)}".encode()).hexdigest()[:10]
    root = re.match(r"<svg\b[^>]*>", svg)
    if root is None:
        return svg
    opening = root.group(0)
    opening = opening[:-1] + (
        f' role="img" aria-labelledby="{ident}-t {ident}-d" focusable="false"'
        ' preserveAspectRatio="xMinYMin meet">'
    )
    labels = (
        f'<title id="{ident}-t">{html.escape(title)}</title>'
        f'<desc id="{ident}-d">{html.escape(description)}</desc>'
    )
    body = svg[root.end() :]
    # Marks carry their own aria attributes; the image as a whole is what is announced.
    body = re.sub(r'\srole="graphics-[a-z-]+"', "", body)
    body = re.sub(r'\saria-(?:roledescription|label|description)="[^"]*"', "", body)
    return opening + labels + body


def bar_chart(
    rows: Sequence[dict],
    *,
    category: str,
    value: str,
    title: str,
    description: str,
    category_title: str,
    value_title: str,
    columns: list[tuple[str, str]] | None = None,
    percent: bool = False,
    width: int = 420,
    sort_by_value: bool = True,
) -> Chart:
    """Horizontal bars, one per category: the shape French labels read best in.

    Drawn once for given arguments, then kept in the shared cache under a digest of them
    (building the spec and drawing it cost far more than a cache read; figures in
    bench/RESULTS.md, "Costs behind design choices"): a page rebuilt after a change elsewhere
    reuses its charts."""
    drawing = {
        "category": category,
        "value": value,
        "title": title,
        "description": description,
        "category_title": category_title,
        "value_title": value_title,
        "percent": percent,
        "width": width,
        "sort_by_value": sort_by_value,
    }
    arguments = json.dumps([rows, drawing], sort_keys=True, ensure_ascii=False, default=str)
    key = f"chart:bars:{number_locale()}:" + hashlib.sha256(arguments.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _draw_bars(rows, drawing)
        cache.set(key, svg, DRAWN_SECONDS)
    return Chart(
        title=title,
        description=description,
        svg=svg,
        columns=columns or [(category, category_title), (value, value_title)],
        rows=list(rows),
    )


# Keyed by content, so never stale: the time only bounds what the cache keeps.
DRAWN_SECONDS = 7 * 24 * 3600


def _draw_bars(rows: Sequence[dict], drawing: dict) -> str:
    """The SVG of `bar_chart` (its arguments, but the data table's, in `drawing`)."""
    category, value = drawing["category"], drawing["value"]
    title, description = drawing["title"], drawing["description"]
    category_title, value_title = drawing["category_title"], drawing["value_title"]
    percent, width, sort_by_value = drawing["percent"], drawing["width"], drawing["sort_by_value"]
    x_scale = {"domain": [0, 100]} if percent else {}
    top = max((float(row.get(value) or 0) for row in rows), default=1)
    encoding = {
        "y": alt.Y(
            f"{category}:N",
            title=category_title,
            sort="-x" if sort_by_value else None,
            axis=alt.Axis(labelLimit=220),
        ),
        "x": alt.X(
            f"{value}:Q",
            title=value_title,
            scale=alt.Scale(**x_scale),
            # Counts are whole numbers: no 0.2, 0.4... ticks.
            axis=alt.Axis()
            if percent
            else alt.Axis(format="d", tickMinStep=1, tickCount=min(5, max(1, int(top)))),
        ),
        "tooltip": [alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q")],
    }
    chart = alt.Chart(alt.Data(values=list(rows))).mark_bar(color=PALETTE[0]).encode(**encoding)
    text = chart.mark_text(align="left", dx=3, color="#1b1f24").encode(
        text=alt.Text(f"{value}:Q", format=".0f" if percent else ",")
    )
    spec = (
        (chart + text)
        .properties(width=width, height=max(60, 22 * len(rows)))
        .to_dict(validate=False)
    )
    return render(spec, title, description)


def line_chart(
    rows: Sequence[dict],
    *,
    x: str,
    y: str,
    series: str | None,
    title: str,
    description: str,
    x_title: str,
    y_title: str,
    columns: list[tuple[str, str]] | None = None,
    percent: bool = True,
    width: int = 460,
    interval: tuple[str, str] | None = None,
) -> Chart:
    """Lines over years, one per series, with points and an optional error band."""
    data = alt.Data(values=list(rows))
    encoding = {
        "x": alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(
            f"{y}:Q",
            title=y_title,
            scale=alt.Scale(domain=[0, 100]) if percent else alt.Scale(zero=True),
        ),
    }
    if series:
        encoding["color"] = alt.Color(f"{series}:N", title=None)
    base = alt.Chart(data).encode(**encoding)
    layers = [base.mark_line(point=True)]
    if interval:
        low, high = interval
        layers.insert(
            0,
            base.mark_errorbar(ticks=True).encode(
                y=alt.Y(f"{low}:Q", title=y_title), y2=alt.Y2(f"{high}:Q")
            ),
        )
    spec = alt.layer(*layers).properties(width=width, height=240).to_dict(validate=False)
    return Chart(
        title=title,
        description=description,
        svg=render(spec, title, description),
        columns=columns or [(x, x_title), (y, y_title)],
        rows=list(rows),
    )
