"""`{% map_drawn_for map 600 as printed %}`: a map drawn again for the width (CSS pixels) it
is shown at, so that its legend and names stay 12 px there (9 pt on paper)."""

from django import template

from ..choropleth import Map, redraw

register = template.Library()


@register.simple_tag
def map_drawn_for(drawn: Map | None, width: int) -> Map | None:
    if drawn is None or not getattr(drawn, "options", None):
        return drawn
    return redraw(drawn, width=int(width))
