from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "alliances.base"

    def ready(self) -> None:
        # Keep the full-text index in step with edits made anywhere (admin, imports, API).
        from alliances.base.search import signals

        signals.connect()
