from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "alliances.sheets"

    def ready(self) -> None:
        from alliances.base.search.index import index_changed

        from .tasks import request_rebuild

        index_changed.connect(request_rebuild, dispatch_uid="sheets-rebuild")
