"""Build the PDF of every reference sheet (or of one kind) into a folder or a zip file.

    manage.py build_sheets --output var/fiches            # every sheet, one PDF each
    manage.py build_sheets --kind region --output fiches.zip
    manage.py build_sheets --language en
    manage.py build_sheets --jobs 4                       # four processes at once

A failing sheet is reported and the batch goes on; the summary gives the count, the time and
the failures. The exit status is 1 when any sheet failed. With --jobs above 1 (the default is
the number of processors, at most 4) the sheets are rendered by that many worker processes.
"""

import multiprocessing
import os
import sys
import time
import traceback
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import override
from tqdm import tqdm

from alliances.sheets.batch import build_one, init_worker
from alliances.sheets.rendering import sheet_pdf
from alliances.sheets.subjects import KINDS, Subject, all_subjects, subjects_of

MAX_DEFAULT_JOBS = 4


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
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, MAX_DEFAULT_JOBS),
            help="Worker processes (1: render in this process).",
        )

    def _in_process(
        self, subjects: list[Subject], language: str, verbose: bool
    ) -> Iterator[tuple[Subject, bytes, str]]:
        with override(language):
            for subject in subjects:
                try:
                    yield subject, sheet_pdf(subject), ""
                except Exception as error:  # noqa: BLE001 - report and go on with the batch
                    if verbose:
                        traceback.print_exc()
                    yield subject, b"", f"{type(error).__name__}: {error}"

    def _in_workers(
        self, subjects: list[Subject], language: str, verbose: bool, jobs: int
    ) -> Iterator[tuple[Subject, bytes, str]]:
        connections.close_all()  # the workers open their own
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=init_worker) as pool:
            futures = {
                pool.submit(build_one, s.kind, s.key, language, verbose): s for s in subjects
            }
            for future in as_completed(futures):
                subject = futures[future]
                try:
                    document, error = future.result()
                except Exception as failure:  # noqa: BLE001 - a worker died: report, go on
                    document, error = b"", f"{type(failure).__name__}: {failure}"
                yield subject, document, error

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
        language, verbose = options["language"], options["verbosity"] > 1
        jobs = max(1, min(int(options["jobs"]), len(subjects)))
        if jobs == 1:
            results = self._in_process(subjects, language, verbose)
        else:
            results = self._in_workers(subjects, language, verbose, jobs)
        progress = tqdm(
            results,
            total=len(subjects),
            unit="fiche",
            disable=options["verbosity"] == 0,
            file=sys.stderr,
        )
        documents: dict[str, bytes] = {}
        for subject, document, error in progress:
            progress.set_description(subject.slug[:30])
            if error:
                failures.append((subject.slug, error))
                continue
            documents[subject.slug] = document
        # Written in the order of the subjects, whatever order the workers finished in.
        for subject in subjects:
            if subject.slug not in documents:
                continue
            name = f"fiche-{subject.slug}-{language}.pdf"
            if as_zip:
                archive.writestr(name, documents.pop(subject.slug))
            else:
                (output / name).write_bytes(documents.pop(subject.slug))
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
