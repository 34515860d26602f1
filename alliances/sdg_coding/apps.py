from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SdgCodingConfig(AppConfig):
    name = "alliances.sdg_coding"
    label = "sdg_coding"
    verbose_name = _("Codage ODD des alliances")

    def ready(self) -> None:
        from alliances.base import exports
        from alliances.base.search import filters
        from alliances.sdg.sections import register

        from .search import suggested_filter
        from .sections import goal_section
        from .services import suggested_codes
        from .signals import connect

        # The goal pages show the examples of the goal; suggestions follow the alliances'
        # text wherever it is edited (admin, API, loader); the search filters and counts
        # them apart from verified codes.
        register(goal_section)
        connect()
        filters.register(suggested_filter())
        exports.register_column(exports.ExtraColumn("sdg_suggested", suggested_codes))
