from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "alliances.home"

    def ready(self) -> None:
        # The sections a place's page shows about the parts (alliances, figures, sheets...).
        from .hub import register_sections

        register_sections()
