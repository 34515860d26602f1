from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "alliances.observatory"
