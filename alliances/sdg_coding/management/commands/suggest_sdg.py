"""Compute the SDG suggestions of the alliances (idempotent; run by `manage.py setup`).

manage.py suggest_sdg                   # every alliance whose text or codes changed
manage.py suggest_sdg --force           # every alliance, recomputed
manage.py suggest_sdg --alliance SLUG   # some alliances only
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliances.base.models import Alliance
from alliances.common.errors import DataFileError

from ... import services


class Command(BaseCommand):
    help = "Suggest SDG targets for the alliances from their text (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Recompute unchanged ones too.")
        parser.add_argument(
            "--alliance", action="append", default=[], metavar="SLUG", help="Only this alliance."
        )
        parser.add_argument(
            "--include-synthetic",
            action="store_true",
            help="Also the synthetic alliances generated for benchmarks.",
        )

    def handle(self, *args: object, **options: object) -> None:
        ids = None
        slugs = list(options["alliance"])  # type: ignore[call-overload]
        if slugs:
            found = dict(Alliance.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            missing = sorted(set(slugs) - set(found))
            if missing:
                raise CommandError(f"Alliance(s) introuvable(s) : {', '.join(missing)}")
            ids = list(found.values())
        started = time.perf_counter()
        try:
            services.reset_suggester()
            report = services.refresh(
                ids,
                force=bool(options["force"]),
                include_synthetic=bool(options["include_synthetic"]),
            )
        except DataFileError as error:
            raise CommandError(f"Lexique des ODD illisible : {error}") from error
        if int(options["verbosity"]):
            elapsed = time.perf_counter() - started
            self.stdout.write(f"suggest_sdg : {report} ({elapsed:.1f} s)")
