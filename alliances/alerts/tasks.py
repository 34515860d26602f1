"""The alerts of saved searches, sent by the job worker (ADR 0150) every morning.

`manage.py send_alerts` stays for a system without the worker (cron); both are safe to run
together: an alert already sent for its period is not sent twice (alliances.alerts.schedule)."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="0", hour="6"))
def send_alerts() -> None:
    call_command("send_alerts", verbosity=0)
