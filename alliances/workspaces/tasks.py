"""The daily work of the workspaces, by the job worker (ADR 0150).

The status lights change with time alone: they are refreshed just after midnight, so the
search's facet is right from the first visit of the day. The reminders of yearly reports
follow in the morning (the command also refreshes the lights; that second pass changes
nothing). The command `send_report_reminders` stays for cron."""

from django.core.management import call_command
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .status import refresh_status_lights


@db_periodic_task(crontab(minute="5", hour="0"))
def refresh_lights() -> int:
    return len(refresh_status_lights(today=timezone.localdate()))


@db_periodic_task(crontab(minute="0", hour="7"))
def send_report_reminders() -> None:
    call_command("send_report_reminders", verbosity=0)
