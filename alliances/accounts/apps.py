from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alliances.accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .audit import keep_audit_entries

        pre_delete.connect(
            keep_audit_entries,
            sender=get_user_model(),
            dispatch_uid="alliances.accounts.keep_audit_entries",
        )
