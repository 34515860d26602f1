from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "alliances.referentials"
