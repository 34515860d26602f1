"""Daily: remind the partners who have not answered an evaluation campaign open for a week.

Each open campaign's silent partners are reminded at most once a week, in their language.
Meant for a scheduler (cron, systemd timer, or a task of a job system); `--dry-run` lists
the campaigns that would be reminded.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from alliances.evaluation.services import remind_open_campaigns


class Command(BaseCommand):
    help = "Remind partners who have not answered an open evaluation campaign (weekly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--base-url",
            default=settings.ALLIANCES_SITE_URL,
            help="the public address of the platform (default: ALLIANCES_SITE_URL)",
        )

    def handle(self, *args: object, **options: object) -> None:
        campaigns = remind_open_campaigns(options["base_url"], dry_run=options["dry_run"])
        for campaign in campaigns:
            self.stdout.write(f"{campaign.workspace.alliance.slug} {campaign.year}")
        verb = "à relancer" if options["dry_run"] else "relancée(s)"
        self.stdout.write(f"{len(campaigns)} campagne(s) {verb}")
