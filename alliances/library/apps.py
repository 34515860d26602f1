from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "alliances.library"

    def ready(self) -> None:
        from .search import connect

        connect()
