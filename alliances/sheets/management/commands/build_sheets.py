"""Build the PDF of every reference sheet (or of one kind) into a folder or a zip file.

    manage.py build_sheets --output var/fiches            # every sheet, one PDF each
    manage.py build_sheets --kind region --output fiches.zip
    manage.py build_sheets --language en

A failing sheet is reported and the batch goes on; the summary gives the count, the time and
the failures. The exit status is 1 when any sheet failed.
"""

import sys
import time
import traceback
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import override
from tqdm import tqdm

from alliances.sheets.rendering import sheet_pdf
from alliances.sheets.subjects import KINDS, all_subjects, subjects_of


class Command(BaseCommand):
    help = "Build reference sheets as PDF files into a folder or a zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=list(KINDS), help="Only this kind of sheet.")
        parser.add_argument(
            "--output",
            default=str(Path(settings.DATA_DIR) / "fiches"),
            help="A folder, or a file name ending in .zip.",
        )
        parser.add_argument("--language", default="fr", choices=["fr", "en"])
        parser.add_argument("--limit", type=int, help="At most this many sheets (for tests).")

    def handle(self, *args: object, **options: object) -> None:
        output = Path(options["output"])
        subjects = subjects_of(options["kind"]) if options["kind"] else all_subjects()
        if options["limit"]:
            subjects = subjects[: options["limit"]]
        if not subjects:
            raise CommandError("Aucune fiche à construire : les données sont-elles chargées ?")
        as_zip = output.suffix == ".zip"
        if as_zip:
            output.parent.mkdir(parents=True, exist_ok=True)
            archive = zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED)
        else:
            output.mkdir(parents=True, exist_ok=True)
        failures: list[tuple[str, str]] = []
        started = time.perf_counter()
        progress = tqdm(subjects, unit="fiche", disable=options["verbosity"] == 0, file=sys.stderr)
        with override(options["language"]):
            for subject in progress:
                progress.set_description(subject.slug[:30])
                name = f"fiche-{subject.slug}-{options['language']}.pdf"
                try:
                    document = sheet_pdf(subject)
                except Exception as error:  # noqa: BLE001 - report and go on with the batch
                    failures.append((subject.slug, f"{type(error).__name__}: {error}"))
                    if options["verbosity"] > 1:
                        traceback.print_exc()
                    continue
                if as_zip:
                    archive.writestr(name, document)
                else:
                    (output / name).write_bytes(document)
        if as_zip:
            archive.close()
        elapsed = time.perf_counter() - started
        built = len(subjects) - len(failures)
        self.stdout.write(
            f"{built} fiche(s) construite(s) sur {len(subjects)} en {elapsed:.1f} s → {output}"
        )
        for slug, message in failures:
            self.stderr.write(f"ÉCHEC {slug} : {message}")
        if failures:
            sys.exit(1)
