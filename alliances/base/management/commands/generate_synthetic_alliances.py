"""Create N synthetic alliances for tests and benchmarks (never run by `setup`)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliances.base.reindex import refresh_search_index
from alliances.base.synthetic import generate


class Command(BaseCommand):
    help = "Génère N alliances synthétiques (tests et mesures de performance uniquement)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--organisations", type=int, help="Taille du vivier d'organisations (N/4 sinon)."
        )
        parser.add_argument(
            "--no-index", action="store_true", help="Ne pas reconstruire l'index plein texte."
        )

    def handle(self, *args: object, **options: Any) -> None:
        if options["count"] < 1:
            raise CommandError("N doit être positif")
        started = time.perf_counter()
        try:
            ids = generate(options["count"], options["seed"], options["organisations"])
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        note = "" if options["no_index"] else refresh_search_index(ids)
        self.stdout.write(
            f"{len(ids)} alliances synthétiques créées en {elapsed:.1f} s "
            f"({len(ids) / max(elapsed, 1e-9):.0f}/s). {note}"
        )
