from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "alliances.territories"
