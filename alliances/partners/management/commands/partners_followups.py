from django.core.management.base import BaseCommand

from alliances.partners.followups import run


class Command(BaseCommand):
    help = (
        "Faire alliance, daily: reminders of unanswered messages (7 and 14 days), escalation "
        "to the territory's facilitator (21 days), questions after one and three months, "
        "notices before a need or offer expires."
    )

    def handle(self, *args: object, **options: object) -> None:
        sent = run()
        self.stdout.write(
            f"reminders {sent.reminders}, escalations {sent.escalations}, "
            f"follow-ups {sent.followups}, expiry notices {sent.expiry_notices}, "
            f"profile notices {sent.profile_notices}"
        )
