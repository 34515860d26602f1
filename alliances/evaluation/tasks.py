"""Reminders of open evaluation campaigns, sent by the job worker (ADR 0150) every morning.

The command `send_campaign_reminders` stays for cron; a campaign is reminded at most once a
week whoever runs it."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="30", hour="6"))
def send_campaign_reminders() -> None:
    call_command("send_campaign_reminders", verbosity=0)
