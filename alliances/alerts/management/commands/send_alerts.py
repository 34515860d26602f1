"""Send the e-mail alerts of saved searches: only what was published since the last one.

Meant for a scheduler (cron, systemd timer), once a day for daily alerts and once a week for
weekly ones (docs/alerts.md gives the crontab lines):

    manage.py send_alerts --frequency daily --base-url https://alliances.example.org
    manage.py send_alerts --frequency weekly --base-url https://alliances.example.org

Running it twice sends nothing twice. `--dry-run` lists what would be sent and changes
nothing. The exit status is 1 when an e-mail could not be sent (the others still are), so the
scheduler reports it; that search is retried at the next run.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliances.alerts import schedule
from alliances.alerts.sending import run


class Command(BaseCommand):
    help = "E-mail the owners of saved searches the alliances published since their last alert."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--frequency",
            choices=[schedule.DAILY, schedule.WEEKLY],
            help="only the alerts of this frequency (default: both)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")
        parser.add_argument(
            "--base-url",
            default=settings.ALLIANCES_SITE_URL,
            help="the public address of the platform, for the links of the e-mails",
        )

    def handle(self, *args: object, **options: object) -> None:
        frequencies = schedule.frequencies_to_run(options["frequency"])
        base_url = str(options["base_url"]).rstrip("/")
        outcome = run(
            frequencies, base_url, dry_run=bool(options["dry_run"]), write=self.stdout.write
        )
        for failure in outcome.failures:
            self.stderr.write(f"échec : {failure}")
        prefix = "(essai à blanc) " if options["dry_run"] else ""
        verb = "à envoyer" if options["dry_run"] else "envoyé(s)"
        self.stdout.write(
            f"{prefix}{outcome.checked} recherche(s) vérifiée(s), {outcome.sent} e-mail(s) "
            f"{verb}, {outcome.nothing_new} sans nouveauté, {outcome.skipped} ignorée(s) "
            f"(compte inactif ou sans e-mail), {len(outcome.failures)} échec(s)"
        )
        if outcome.failures:
            raise CommandError(f"{len(outcome.failures)} alerte(s) non envoyée(s)")
