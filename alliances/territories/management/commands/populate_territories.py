"""Load régions, départements, EPCI, communes and their postcodes (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from alliances.territories.loader import DATA_DIR, load_territories


class Command(BaseCommand):
    help = (
        "Load the official territories (COG) from alliances/data/territories/: a second run "
        "changes nothing, a changed source updates in place, missing entries become obsolete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder holding regions.csv, departements.csv, epci.csv and communes.csv.",
        )

    def handle(self, *args: object, **options: object) -> None:
        # A DataFileError (file and line) propagates as is: `setup` stops on it, DB unchanged.
        report = load_territories(options["data_dir"])
        if int(options["verbosity"]):
            self.stdout.write(report.summary())
