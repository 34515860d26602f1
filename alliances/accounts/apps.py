from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alliances.accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .audit import keep_audit_entries
        from .throttling import record_lockout

        pre_delete.connect(
            keep_audit_entries,
            sender=get_user_model(),
            dispatch_uid="alliances.accounts.keep_audit_entries",
        )
        user_locked_out.connect(record_lockout, dispatch_uid="alliances.accounts.lockouts")
