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

        from django.db.models.signals import post_save

        from alliances.base.models import Organisation

        from .listings import refresh_text

        post_save.connect(refresh_text, sender=Organisation, dispatch_uid="partners-listing-text")

        from .pool import connect

        connect()
