"""Load the shipped maturity referentials (alliances/data/maturity/*.yaml) as versions.

Idempotent: an unchanged file changes nothing; a changed file with a new `version` adds that
version and makes it active; nothing is deleted. A file with an error stops the load with its
line and reason, inside one transaction, so the database stays as it was.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from alliances.common.datasets import file_checksum, record_dataset
from alliances.common.errors import DataFileError
from alliances.maturity import engine
from alliances.maturity.services import VersionInUse, install_referential

DATA_DIR = settings.PACKAGE_DIR / "data" / "maturity"


class Command(BaseCommand):
    help = "Load the shipped maturity referentials (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DATA_DIR, help="Folder of YAML files.")

    def handle(self, *args: object, **options: object) -> None:
        folder = Path(options["path"])
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise DataFileError(folder, "aucun référentiel (*.yaml) trouvé")
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        loaded = []
        with transaction.atomic():
            for path in files:
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as error:
                    raise DataFileError(path, f"fichier illisible : {error}") from error
                try:
                    installed = install_referential(text, source=f"data/maturity/{path.name}")
                except engine.ReferentialError as error:
                    first = error.problems[0]
                    message = "; ".join(
                        (f"ligne {p.line} : " if p.line and p is not first else "")
                        + f"{p.where} : {p.message}"
                        for p in error.problems
                    )
                    raise DataFileError(path, message, first.line) from error
                except VersionInUse as error:
                    raise DataFileError(path, str(error)) from error
                counts[installed.status] += 1
                version = installed.version
                loaded.append((version.key, version.version, len(version.referential.questions)))
            record_dataset(
                "maturity",
                ", ".join(f"{key} v{number}" for key, number, _ in loaded),
                file_checksum(*files),
                sum(n for *_, n in loaded),
            )
        if int(options["verbosity"]):
            self.stdout.write(
                "maturity: {created} created, {updated} updated, {unchanged} unchanged".format(
                    **counts
                )
            )
