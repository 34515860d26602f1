"""Load the shipped observatory data: programmes, studies, populations, indicators, figures,
fragilities (idempotent; see alliances/observatory/loader.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from alliances.observatory.loader import DATA_DIR, load


class Command(BaseCommand):
    help = "Load the shipped observatory figures and fragilities (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args: object, **options: object) -> None:
        report = load(Path(options["data_dir"]))  # type: ignore[arg-type]
        verbosity = int(options["verbosity"])  # type: ignore[call-overload]
        if report.unresolved and verbosity > 0:
            self.stderr.write(
                "load_observatory: territoires non résolus (territoires non chargés ?) : "
                + ", ".join(sorted(report.unresolved))
            )
        if verbosity > 0:
            self.stdout.write(
                f"load_observatory: figures {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.obsoleted} marked obsolete"
            )
