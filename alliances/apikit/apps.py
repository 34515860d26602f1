from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiKitConfig(AppConfig):
    """The kit every part's API is built with: API keys and their authentication, pages,
    rate limits, one shape for every error. The parts import it; only the router
    (`alliances.api`) imports the parts.

    Its label stays "api", the label of the app it was split from, so that its table
    (`api_apikey`) and its migration history are unchanged."""

    name = "alliances.apikit"
    label = "api"
    verbose_name = _("API")
