from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "alliances.workspaces"

    def ready(self) -> None:
        from alliances.base.sections import register

        from .public import public_section

        register(public_section)

        from .signals import connect

        connect()
