from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "alliances.common"

    def ready(self) -> None:
        from .lookups import register

        register()
