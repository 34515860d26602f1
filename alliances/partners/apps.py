from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "alliances.partners"
    verbose_name = _("Faire alliance")

    def ready(self) -> None:
        from alliances.base.sections import (
            register,
            register_organisation,
            register_organisation_visibility,
        )

        from .sections import alliance_section, organisation_section, published_profile

        register(alliance_section)
        register_organisation(organisation_section)
        register_organisation_visibility(published_profile)

        from alliances.territories.hub import register as register_place

        from .sections import place_section

        register_place(place_section)

        from .pool import connect

        connect()
