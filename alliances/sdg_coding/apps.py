from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SdgCodingConfig(AppConfig):
    name = "alliances.sdg_coding"
    label = "sdg_coding"
    verbose_name = _("Codage ODD des alliances")

    def ready(self) -> None:
        from alliances.sdg.sections import register

        from .sections import goal_section
        from .signals import connect

        # The goal pages show the examples of the goal; suggestions follow the alliances'
        # text wherever it is edited (admin, API, loader).
        register(goal_section)
        connect()
