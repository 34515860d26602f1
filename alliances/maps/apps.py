from django.apps import AppConfig


class MapsConfig(AppConfig):
    """Only for the template maps/figure.html and its translations: the maps themselves are
    drawn by plain Python (alliances.maps.choropleth) usable without Django."""

    name = "alliances.maps"
    label = "maps"
    verbose_name = "Cartes"
