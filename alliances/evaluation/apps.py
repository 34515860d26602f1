from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "alliances.evaluation"

    def ready(self) -> None:
        from .signals import connect

        connect()
