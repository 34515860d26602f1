from django.apps import AppConfig


class ApiRouterConfig(AppConfig):
    """The versioned API (`/api/v1/`): mounts the router of every part and serves the
    documentation page. Nothing imports it but the URL configuration."""

    name = "alliances.api"
    label = "api_router"
