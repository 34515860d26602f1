"""Choropleth maps as accessible SVG, the same in a web page and in a WeasyPrint PDF.

One <path data-code="..."> per area, each with its own <title> ("Bretagne : 12,5 %"), the
root labelled by a <title> and a <desc>, the legend drawn in the SVG as text (so it survives
copy, print and PDF), missing values hatched so that they never read as a low value. The
`Map` carries its data table (`columns`, `rows`): a map is never shown without its numbers.
"""

import hashlib
import html
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from alliances.maps.boundaries import Area, Boundaries, check_level, load
from alliances.maps.classify import MAX_CLASSES, class_breaks, class_of
from alliances.maps.numbers import NBSP, check_locale, decimals_for, format_number, format_value

# ColorBrewer YlGnBu, 6 classes without the near-white first one: sequential, colour-blind
# safe, and even the lightest class stands apart from the white page and the hatching.
PALETTE = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"]
# Which palette entries to use for n classes, spread over the whole ramp.
PALETTE_INDEX = {1: [2], 2: [1, 4], 3: [0, 2, 4], 4: [0, 1, 3, 4], 5: [0, 1, 2, 3, 4]}
BOUNDARY = "#4a5360"  # 7.6:1 against white: every outline is visible whatever the fill
HIGHLIGHT = "#1b1f24"
NO_DATA_LINE = "#6b7280"
TEXT = "#1b1f24"
FONT = "DejaVu Sans, Arial, sans-serif"
INSET_FONT = 11  # CSS pixels at the drawn width (legend: 12, method: 11)
METHOD_FONT = 11
CHAR_EM = 0.62  # average width of a character of DejaVu Sans, in ems (wide: never cut)

STRINGS = {
    "fr": {
        "missing": "pas de donnée",
        "code": "Code",
        "name": "Territoire",
        "value": "Valeur",
        "legend": "Légende",
        "quantile": "Classes par quantiles (effectifs voisins), bornes arrondies, "
        "chaque classe incluant sa borne basse.",
        "equal": "Classes d'amplitude égale, bornes arrondies, "
        "chaque classe incluant sa borne basse.",
        "single": "Une seule valeur : une seule classe.",
        "no_values": "Aucune donnée à cartographier.",
        "missing_count": "{n} territoire(s) sans donnée (hachurés).",
        "range": "{low} à {high}",
        "insets": "Outre-mer : encarts à des échelles différentes.",
        "show_data": "Voir les données de la carte",
        "colon": NBSP + ":",
    },
    "en": {
        "missing": "no data",
        "code": "Code",
        "name": "Area",
        "value": "Value",
        "legend": "Legend",
        "quantile": "Quantile classes (similar counts), rounded breaks, "
        "each class including its lower bound.",
        "equal": "Equal-interval classes, rounded breaks, each class including its lower bound.",
        "single": "A single value: a single class.",
        "no_values": "No data to map.",
        "missing_count": "{n} area(s) without data (hatched).",
        "range": "{low} to {high}",
        "insets": "Overseas: insets at different scales.",
        "show_data": "Show the map data",
        "colon": ":",
    },
}


@dataclass(frozen=True)
class LegendClass:
    label: str
    color: str  # a colour, or "" for the missing-value hatching
    lower: float | None = None
    upper: float | None = None
    count: int = 0


@dataclass(frozen=True)
class Legend:
    title: str
    method: str  # the sentence stating how the classes were made
    classes: list[LegendClass]
    missing: LegendClass | None = None

    @property
    def entries(self) -> list[LegendClass]:
        return [*self.classes, *([self.missing] if self.missing else [])]


@dataclass
class Map:
    """An accessible map: the SVG plus its title, description, legend and data table.

    Has the attributes of `alliances.charts.vega.Chart` (title, description, svg, columns,
    rows, slug, table_rows), so either figure template can show it.
    """

    title: str
    description: str
    svg: str
    legend: Legend
    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)
    slug: str = "map"
    summary: str = ""  # the SVG <desc>: description, legend, method, missing values
    locale: str = "fr"
    level: str = "region"
    # The arguments it was drawn with but `link` (the links are in `rows`), so that it can be
    # drawn again at another size (`redraw`: the PDF sheet draws its maps for the width they
    # are printed at). Plain data: a Map can be cached.
    options: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def table_rows(self) -> list[list[object]]:
        return [[row.get(key) for key, _ in self.columns] for row in self.rows]

    @property
    def show_data_label(self) -> str:
        return STRINGS[self.locale]["show_data"]


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float) -> str:
    """A coordinate for an SVG attribute: short, never in exponent notation."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _safe_url(url: str | None) -> str | None:
    """Only site-relative or http(s) links: a javascript: or data: URL is never linked."""
    if not url:
        return None
    url = str(url).strip()
    if any(ord(ch) < 32 for ch in url):
        return None
    lowered = url.lower()
    if lowered.startswith(("/", "#", "?", "http://", "https://")) and not lowered.startswith("//"):
        return url
    return None


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Valeur non numérique : « {value} ».") from exc
    return None if math.isnan(number) or math.isinf(number) else number


def _check_codes(codes: Iterable[str], known: Mapping[str, Area], what: str, level: str) -> None:
    unknown = sorted(str(c) for c in codes if c not in known)
    if unknown:
        raise ValueError(
            f"Code(s) inconnu(s) dans {what} pour le niveau « {level} » : {', '.join(unknown)}."
        )


@dataclass(frozen=True)
class _Frame:
    """Where the map is drawn: the view box of the areas, SVG units per CSS pixel (`k`),
    and the height left for the legend below."""

    x: float
    y: float
    w: float
    h: float
    k: float
    line: float
    total_h: float


def _checked_inputs(
    level: str,
    values: Mapping[str, float | None],
    highlight: Iterable[str] | None,
    subset: Iterable[str] | None,
    detail: str | None,
    locale: str,
) -> tuple[Boundaries, set[str], set[str] | None, bool]:
    """Step 1: refuse bad input with the faulty codes named; (boundaries, highlight,
    subset, coarse outlines)."""
    if detail not in (None, "fine", "coarse"):
        raise ValueError(f"Niveau de détail inconnu : « {detail} » (fine ou coarse).")
    coarse = detail == "coarse" or (detail is None and subset is None)
    check_level(level)
    check_locale(locale)
    boundaries = load(level)
    known = boundaries.areas
    _check_codes(values, known, "les valeurs", level)
    highlighted = set(highlight or ())
    _check_codes(highlighted, known, "la mise en évidence", level)
    chosen = None
    if subset is not None:
        chosen = set(subset)
        if not chosen:
            raise ValueError("Le sous-ensemble de territoires à dessiner est vide.")
        _check_codes(chosen, known, "le sous-ensemble", level)
    return boundaries, highlighted, chosen, coarse


def _legend_classes(
    present: list[float], wanted: int, method: str, unit: str, decimals: int, locale: str
) -> tuple[list[float], list[str], list[LegendClass]]:
    """Step 2: the class breaks, their colours and their legend entries."""
    words = STRINGS[locale]
    breaks = class_breaks(present, wanted, method) if present else []
    count = max(len(breaks) - 1, 0)
    colors = [PALETTE[i] for i in PALETTE_INDEX.get(count, [])]
    legend_classes = []
    for index in range(count):
        low, high = breaks[index], breaks[index + 1]
        members = sum(1 for v in present if class_of(v, breaks) == index)
        label = (
            format_value(low, unit, decimals, locale)
            if low == high
            else words["range"].format(
                low=format_number(low, decimals, locale),
                high=format_value(high, unit, decimals, locale),
            )
        )
        legend_classes.append(LegendClass(label, colors[index], low, high, members))
    return breaks, colors, legend_classes


def _method_text(present: list[float], method: str, words: Mapping[str, str]) -> str:
    if not present:
        return words["no_values"]
    if len(set(present)) == 1:
        return words["single"]
    return words[method]


def _inset_label_px(boundaries: Boundaries, level: str, labels: Mapping[str, str] | None) -> float:
    """The width, in CSS pixels, of the column left of the overseas insets that holds their
    names (so that no name ever runs over an inset or the mainland)."""
    key = "code" if level == "departement" else "region"
    names = [(labels or {}).get(i[key]) or i["label"] for i in boundaries.insets]
    longest = max((len(n) for n in names), default=0)
    return longest * CHAR_EM * INSET_FONT + 8 if longest else 0


def _frame(
    boundaries: Boundaries,
    shown: list[Area],
    subset: set[str] | None,
    width: int,
    rows: int,
    label_px: float = 0,
) -> _Frame:
    """Step 3: the view box (all France, or zoomed on the subset, with the column of the
    insets' names on the left) and the legend's room."""
    if subset is None:
        x, y, w, h = boundaries.view_box
        # The label column takes `label_px` CSS pixels of the `width`: in SVG units,
        # column = label_px * k with k = (w + column) / width.
        column = label_px * w / (width - label_px) if label_px else 0
        x, w = x - column, w + column
    else:
        x0 = min(a.bbox[0] for a in shown)
        y0 = min(a.bbox[1] for a in shown)
        x1 = max(a.bbox[2] for a in shown)
        y1 = max(a.bbox[3] for a in shown)
        pad = max(x1 - x0, y1 - y0) * 0.04
        x, y, w, h = x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    k = w / width  # SVG units per CSS pixel: text and strokes keep their size when zoomed
    line = 18 * k
    legend_height = rows * line + 12 * k
    return _Frame(x, y, w, h, k, line, h + legend_height)


def _summary(
    description: str,
    legend: Legend,
    method_text: str,
    missing_count: int,
    with_insets: bool,
    words: Mapping[str, str],
    locale: str,
) -> str:
    """Step 4: the SVG <desc>: description, legend, method, missing values, insets."""
    separator = " ; " if locale == "fr" else "; "
    legend_text = separator.join(entry.label for entry in legend.entries)
    parts = [description.strip(), f"{words['legend']}{words['colon']} {legend_text}."]
    parts.append(method_text)
    if missing_count:
        parts.append(words["missing_count"].format(n=missing_count))
    if with_insets:
        parts.append(words["insets"])
    return " ".join(p for p in parts if p)


def _svg_head(
    frame: _Frame, width: int, linked: bool, ident: str, title: str, summary: str
) -> list[str]:
    """Step 5: the root element, its title and description, the hatching pattern."""
    k = frame.k
    role = "group" if linked else "img"  # role="img" would hide the links from screen readers
    hatch = 6 * k
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" '
        f'viewBox="{_num(frame.x)} {_num(frame.y)} {_num(frame.w)} {_num(frame.total_h)}" '
        f'width="{width}" height="{round(width * frame.total_h / frame.w)}" role="{role}" '
        f'aria-labelledby="{ident}-t {ident}-d" font-family="{FONT}">',
        f'<title id="{ident}-t">{_esc(title)}</title>',
        f'<desc id="{ident}-d">{_esc(summary)}</desc>',
        f'<defs><pattern id="{ident}-nd" patternUnits="userSpaceOnUse" width="{_num(hatch)}" '
        f'height="{_num(hatch)}" patternTransform="rotate(45)">'
        f'<rect width="{_num(hatch)}" height="{_num(hatch)}" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="{_num(hatch)}" stroke="{NO_DATA_LINE}" '
        f'stroke-width="{_num(2 * k)}"/></pattern></defs>',
    ]


@dataclass(frozen=True)
class _Paint:
    """What colours the areas: the breaks, their colours and legend entries, the words."""

    breaks: list[float]
    colors: list[str]
    classes: list[LegendClass]
    words: Mapping[str, str]
    unit: str
    decimals: int
    locale: str


def _area_value(value: float | None, paint: _Paint, ident: str) -> tuple[str, str, str, str]:
    """(fill, value as shown, CSS class, legend class label) of one area."""
    words = paint.words
    if value is None:
        return f"url(#{ident}-nd)", words["missing"], "area nodata", words["missing"]
    index = class_of(value, paint.breaks)
    shown = format_value(value, paint.unit, paint.decimals, paint.locale)
    return paint.colors[index], shown, "area", paint.classes[index].label


def _areas_svg(
    shown: list[Area],
    numbers: Mapping[str, float | None],
    names: Mapping[str, str],
    paint: _Paint,
    frame: _Frame,
    coarse: bool,
    link: Callable[[str], str | None] | None,
    ident: str,
) -> tuple[list[str], list[dict]]:
    """Step 6: one titled path per area (a link when asked), and the data table's rows."""
    out = [
        f'<g class="areas" stroke="{BOUNDARY}" stroke-width="{_num(0.8 * frame.k)}" '
        f'stroke-linejoin="round" fill-rule="evenodd">'
    ]
    rows = []
    for area in shown:
        value = numbers[area.code]
        name = names[area.code]
        fill, shown_value, css, class_label = _area_value(value, paint, ident)
        label = f"{name}{paint.words['colon']} {shown_value}"
        data_value = "" if value is None else f' data-value="{value:g}"'
        path = (
            f'<path class="{css}" d="{area.d_coarse if coarse else area.d}" fill="{fill}" '
            f'data-code="{_esc(area.code)}"'
            f"{data_value}><title>{_esc(label)}</title></path>"
        )
        url = _safe_url(link(area.code)) if link else None
        if url:
            path = f'<a href="{_esc(url)}" aria-label="{_esc(label)}">{path}</a>'
        out.append(path)
        rows.append(
            {
                "code": area.code,
                "name": name,
                "value": shown_value,
                "raw": value,
                "class": class_label,
                "url": url,
            }
        )
    out.append("</g>")
    return out, rows


def _highlight_svg(outlined: list[Area], frame: _Frame, coarse: bool) -> list[str]:
    """Step 7: the highlighted areas outlined in bold, over the others."""
    if not outlined:
        return []
    return [
        f'<g class="highlight" aria-hidden="true" fill="none" stroke="{HIGHLIGHT}" '
        f'stroke-width="{_num(2.5 * frame.k)}" stroke-linejoin="round">',
        *(
            f'<path d="{a.d_coarse if coarse else a.d}" data-highlight="{_esc(a.code)}"/>'
            for a in outlined
        ),
        "</g>",
    ]


def _insets_svg(
    boundaries: Boundaries, level: str, labels: Mapping[str, str] | None, frame: _Frame
) -> list[str]:
    """Step 8: the frames of the overseas insets and their names (all France only), each
    name beside its frame, in the column left of the insets."""
    k = frame.k
    key = "code" if level == "departement" else "region"
    out = [f'<g class="insets" fill="none" stroke="#8a8f98" stroke-width="{_num(k)}">']
    for inset in boundaries.insets:
        bx, by, bw, bh = inset["box"]
        out.append(f'<rect x="{_num(bx)}" y="{_num(by)}" width="{_num(bw)}" height="{_num(bh)}"/>')
    out.append("</g>")
    out.append(
        f'<g class="inset-labels" fill="{TEXT}" font-size="{_num(INSET_FONT * k)}" '
        f'text-anchor="end">'
    )
    for inset in boundaries.insets:
        bx, by, bw, bh = inset["box"]
        name = (labels or {}).get(inset[key]) or inset["label"]
        ty = by + bh / 2 + INSET_FONT * k * 0.35
        out.append(f'<text x="{_num(bx - 4 * k)}" y="{_num(ty)}">{_esc(name)}</text>')
    out.append("</g>")
    return out


def _legend_svg(legend: Legend, method_text: str, frame: _Frame, ident: str) -> list[str]:
    """Step 9: the legend below the map: title, one swatch per class, the method."""
    k = frame.k
    lx, ly = frame.x + 8 * k, frame.y + frame.h + frame.line
    out = [
        f'<g class="legend" fill="{TEXT}" font-size="{_num(12 * k)}">',
        f'<text class="legend-title" x="{_num(lx)}" y="{_num(ly)}" font-weight="bold">'
        f"{_esc(legend.title)}</text>",
    ]
    sw, sh = 22 * k, 12 * k
    for number, entry in enumerate(legend.entries, start=1):
        ty = ly + number * frame.line
        fill = entry.color or f"url(#{ident}-nd)"
        css = "legend-class" if entry.color else "legend-missing"
        out.append(
            f'<g class="{css}"><rect x="{_num(lx)}" y="{_num(ty - sh + 1.5 * k)}" '
            f'width="{_num(sw)}" height="{_num(sh)}" fill="{fill}" stroke="{BOUNDARY}" '
            f'stroke-width="{_num(0.8 * k)}"/>'
            f'<text x="{_num(lx + sw + 6 * k)}" y="{_num(ty)}">{_esc(entry.label)}</text></g>'
        )
    method_y = ly + (len(legend.entries) + 1) * frame.line
    for number, text in enumerate(_method_lines(method_text, frame)):
        y = method_y + number * frame.line
        out.append(
            f'<text class="legend-method" x="{_num(lx)}" y="{_num(y)}" '
            f'font-size="{_num(METHOD_FONT * k)}">{_esc(text)}</text>'
        )
    out.append("</g>")
    return out


def _method_lines(method_text: str, frame: _Frame) -> list[str]:
    """The method sentence cut into lines that fit the map's width."""
    usable = frame.w / frame.k - 16  # CSS pixels
    per_line = max(20, int(usable / (CHAR_EM * METHOD_FONT)))
    return textwrap.wrap(method_text, per_line) or [""]


def choropleth(
    level: str,
    values: Mapping[str, float | None],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    classes: int | None = None,
    method: str = "quantile",
    labels: Mapping[str, str] | None = None,
    highlight: Iterable[str] | None = None,
    subset: Iterable[str] | None = None,
    link: Callable[[str], str | None] | None = None,
    locale: str = "fr",
    decimals: int | None = None,
    width: int = 720,
    slug: str | None = None,
    detail: str | None = None,
) -> Map:
    """Draw `values` (official code -> number or None) on the régions or départements.

    classes: number of classes (1 to 5; default 5, fewer if the values allow fewer);
    method: "quantile" or "equal" (equal intervals); labels: names to show instead of the
    official names; highlight: areas outlined in bold; subset: draw only these areas, zoomed
    to them; link: code -> URL, each area becomes a link (site-relative or http(s) only).
    detail: "fine" or "coarse" outlines (default: coarse for all of France, fine for a
    subset; coarse is about 3 times lighter, which matters to PDF renderers).
    width: the width in CSS pixels the map is drawn for; its texts are 12 px at that width.
    Codes outside the level raise ValueError with the faulty codes named.
    """
    boundaries, highlighted, chosen, coarse = _checked_inputs(
        level, values, highlight, subset, detail, locale
    )
    words = STRINGS[locale]
    shown = [a for code, a in boundaries.areas.items() if chosen is None or code in chosen]
    names = {area.code: (labels or {}).get(area.code) or area.name for area in shown}
    numbers = {area.code: _number(values.get(area.code)) for area in shown}
    present = [v for v in numbers.values() if v is not None]
    if decimals is None:
        decimals = decimals_for(present) if present else 0

    wanted = MAX_CLASSES if classes is None else int(classes)
    breaks, colors, legend_classes = _legend_classes(
        present, wanted, method, unit, decimals, locale
    )
    missing_count = sum(1 for v in numbers.values() if v is None)
    missing = (
        LegendClass(words["missing"], "", None, None, missing_count) if missing_count else None
    )
    method_text = _method_text(present, method, words)
    legend = Legend(
        title=f"{title}" + (f" ({unit})" if unit else ""),
        method=method_text,
        classes=legend_classes,
        missing=missing,
    )
    label_px = _inset_label_px(boundaries, level, labels) if chosen is None else 0
    frame = _frame(boundaries, shown, chosen, width, 1 + len(legend.entries), label_px)
    frame = replace(
        frame,
        total_h=frame.total_h + len(_method_lines(method_text, frame)) * frame.line,
    )

    digest = hashlib.sha1(
        repr((level, title, sorted(numbers.items()), sorted(chosen or ()), locale)).encode()
    ).hexdigest()[:10]
    ident = f"map-{digest}"
    summary = _summary(
        description, legend, method_text, missing_count, chosen is None, words, locale
    )
    paint = _Paint(breaks, colors, legend_classes, words, unit, decimals, locale)
    out = _svg_head(frame, width, link is not None, ident, title, summary)
    area_parts, rows = _areas_svg(shown, numbers, names, paint, frame, coarse, link, ident)
    out += area_parts
    out += _highlight_svg([a for a in shown if a.code in highlighted], frame, coarse)
    if chosen is None:
        out += _insets_svg(boundaries, level, labels, frame)
    out += _legend_svg(legend, method_text, frame, ident)
    out.append("</svg>")

    columns = [("code", words["code"]), ("name", words["name"]), ("value", words["value"])]
    return Map(
        title=title,
        description=description.strip(),
        summary=summary,
        svg="".join(out),
        legend=legend,
        columns=columns,
        rows=rows,
        slug=slug or ident,
        locale=locale,
        level=level,
        options={
            "level": level,
            "values": dict(values),
            "title": title,
            "description": description,
            "unit": unit,
            "classes": classes,
            "method": method,
            "labels": labels,
            "highlight": highlight,
            "subset": subset,
            "locale": locale,
            "decimals": decimals,
            "width": width,
            "slug": slug,
            "detail": detail,
        },
    )


def redraw(drawn: Map, **changes: object) -> Map:
    """The same map drawn again with some arguments changed (e.g. `width` for print: its
    texts are 12 px at the width it is drawn for, 9 pt when printed at that size)."""
    options = {**drawn.options, **changes}
    level, values = options.pop("level"), options.pop("values")
    if "link" not in options:
        # The links are kept as drawn (a function would not survive a cache).
        urls = {row["code"]: row["url"] for row in drawn.rows if row.get("url")}
        options["link"] = urls.get if urls else None
    return choropleth(level, values, **options)


def figure_html(chart: Map) -> str:
    """The map as an HTML <figure> with its data table, for use without Django templates
    (same markup as templates/maps/figure.html)."""
    head = "".join(f'<th scope="col">{_esc(label)}</th>' for _, label in chart.columns)
    body = []
    for row in chart.rows:
        name = _esc(row["name"])
        if row.get("url"):
            name = f'<a href="{_esc(row["url"])}">{name}</a>'
        body.append(
            f'<tr><td>{_esc(row["code"])}</td><th scope="row">{name}</th>'
            f'<td class="num">{_esc(row["value"])}</td></tr>'
        )
    description = (
        f'<br><span class="twins">{_esc(chart.description)}</span>' if chart.description else ""
    )
    return (
        f'<figure class="figure map-figure" id="{_esc(chart.slug)}">'
        f"<figcaption><strong>{_esc(chart.title)}</strong>{description}</figcaption>"
        f"{chart.svg}"
        f'<details class="data-table"><summary>{_esc(chart.show_data_label)}</summary>'
        f"<table><caption>{_esc(chart.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></details></figure>"
    )
