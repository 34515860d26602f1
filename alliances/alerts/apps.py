from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alliances.alerts"

    def ready(self) -> None:
        from alliances.base.search_actions import register

        from .search_action import save_links

        register(save_links)
