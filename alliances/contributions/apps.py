from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "alliances.contributions"
    verbose_name = _("Contributions du public")

    def ready(self) -> None:
        from alliances.base.sections import register

        from .public import alliance_section

        register(alliance_section)
