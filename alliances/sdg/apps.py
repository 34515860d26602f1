from django.apps import AppConfig


class SdgConfig(AppConfig):
    name = "alliances.sdg"
