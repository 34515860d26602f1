"""Choropleth maps of France (régions, départements) drawn on the server as accessible SVG.

Plain Python: nothing here imports Django or another part of the project, so sheets, pages,
exports and scripts can all draw the same map. Boundaries are read from
alliances/data/maps/ (built by scripts/build_boundaries.py, see SOURCES.md there).

    from alliances.maps import choropleth
    m = choropleth("region", {"53": 12.5, "11": None}, title="...", description="...", unit="%")
    m.svg, m.legend, m.columns, m.rows
"""

from alliances.maps.boundaries import areas, departements_of, known_codes
from alliances.maps.choropleth import Legend, LegendClass, Map, choropleth, figure_html, redraw
from alliances.maps.classify import class_breaks
from alliances.maps.numbers import format_number, format_value

__all__ = [
    "Legend",
    "LegendClass",
    "Map",
    "areas",
    "choropleth",
    "class_breaks",
    "departements_of",
    "figure_html",
    "format_number",
    "format_value",
    "known_codes",
    "redraw",
]
