"""The daily follow-ups of "Faire alliance", by the job worker (ADR 0150): reminders of
unanswered messages, escalations to the facilitators, the one- and three-month questions,
notices before a need or offer expires.

`manage.py partners_followups` stays for a system without the worker (cron); the follow-ups
record what they sent, so a second run the same day sends nothing again."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .followups import run


@db_periodic_task(crontab(minute="30", hour="7"))
def partners_followups() -> None:
    run()
