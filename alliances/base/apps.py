from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "alliances.base"
