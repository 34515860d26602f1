"""Prepare a database for use: migrate, then load reference data and shipped content.

Idempotent: `make serve` runs it at every start; a second run changes nothing.
"""

import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

# Loaders in dependency order: reference data first (the parts read it), content after.
REFERENCE_LOADERS = [
    "populate_roles",
    "populate_referentials",
    "populate_sdg",
    "populate_territories",
    "update_reference_rates",
]
CONTENT_LOADERS = [
    "load_alliances",
    "suggest_sdg",  # SDG suggestions of the examples just loaded
    "load_observatory",
    "load_library",
    "load_maturity",
    "load_charter",
]


class Command(BaseCommand):
    help = "Migrate and load the reference data and shipped content (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reference-only",
            action="store_true",
            help="Load only the reference data (taxonomies, SDGs, territories).",
        )
        parser.add_argument("--skip-migrate", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        verbosity = int(options["verbosity"])
        if not options["skip_migrate"]:
            call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        available = get_commands()
        loaders = list(REFERENCE_LOADERS)
        if not options["reference_only"]:
            loaders += CONTENT_LOADERS
        for name in loaders:
            if name not in available:
                continue
            started = time.perf_counter()
            call_command(name, verbosity=verbosity)
            if verbosity:
                self.stdout.write(f"{name}: {time.perf_counter() - started:.1f} s")
        # An index left behind (a database from before the index tables' migration, a bulk
        # write interrupted before its index update) is rebuilt before anyone searches.
        call_command("reindex", if_stale=True, verbosity=verbosity)
