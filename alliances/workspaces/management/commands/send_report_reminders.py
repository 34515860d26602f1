"""Daily: refresh the status lights, and remind coordinators whose alliance has no progress
report for 11 months or more.

Meant for a scheduler (cron, systemd timer): `manage.py send_report_reminders`. A workspace
is reminded at most once every 30 days; `--dry-run` lists who would be reminded.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from alliances.workspaces import notifications
from alliances.workspaces.models import Workspace
from alliances.workspaces.status import clock_start, last_report_date, refresh_status_lights

REMIND_AFTER_DAYS = 335  # about 11 months: before the light turns amber at 12
REMIND_EVERY_DAYS = 30


class Command(BaseCommand):
    help = "E-mail coordinators (in their language) of alliances whose yearly report is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--base-url",
            default=settings.ALLIANCES_SITE_URL,
            help="the public address of the platform (default: ALLIANCES_SITE_URL)",
        )

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        now = timezone.now()
        sent = 0
        if not options["dry_run"]:
            # The lights change with time alone: this daily run keeps them and the search
            # facet current.
            changed = refresh_status_lights(today=today)
            self.stdout.write(f"{len(changed)} voyant(s) de suivi mis à jour")
        for workspace in Workspace.objects.select_related("alliance"):
            last = last_report_date(workspace)
            due = (today - clock_start(workspace)).days >= REMIND_AFTER_DAYS
            recently = workspace.last_reminder_at and (
                now - workspace.last_reminder_at < timedelta(days=REMIND_EVERY_DAYS)
            )
            if not due or recently:
                continue
            recipients = notifications.coordinators(workspace)
            if not recipients:
                continue
            if options["dry_run"]:
                emails = ", ".join(r.email for r in recipients)
                self.stdout.write(f"{workspace.alliance.slug}: {emails}")
                continue
            notifications.report_due(workspace, last, options["base_url"])
            workspace.last_reminder_at = now
            workspace.save(update_fields=["last_reminder_at"])
            sent += 1
        self.stdout.write(f"{sent} rappel(s) envoyé(s)")
