"""Import alliances from a CSV, XLSX or JSON Lines file (columns: docs/base-curation.md).

manage.py import_alliances fichier.csv --dry-run [--rejects a-corriger.csv]
manage.py import_alliances fichier.csv                    # all or nothing
manage.py import_alliances fichier.csv --keep-valid --rejects rejets.csv
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from alliances.base.importing import importer
from alliances.base.importing.readers import ReadError, read_path
from alliances.common.limits import import_limits


class Command(BaseCommand):
    help = "Importe des alliances depuis un fichier CSV, XLSX ou JSON Lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifier sans rien enregistrer."
        )
        parser.add_argument(
            "--keep-valid",
            action="store_true",
            help="Importer les lignes valides et écarter les autres (avec --rejects).",
        )
        parser.add_argument(
            "--rejects",
            help="Fichier où écrire les lignes rejetées (CSV, XLSX ou JSONL selon l'extension).",
        )
        parser.add_argument("--sep", help="Séparateur CSV (détecté sinon).")

    def handle(self, *args: object, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path} : fichier introuvable")
        if options["keep_valid"] and not options["rejects"]:
            raise CommandError("--keep-valid demande --rejects <fichier> pour les lignes rejetées")
        limits = import_limits()
        try:
            table = read_path(path, options["sep"], limits)
        except ReadError as error:
            raise CommandError(f"{path} : {error.translated(gettext)}") from None
        report = importer.run(
            table,
            dry_run=options["dry_run"],
            keep_valid=options["keep_valid"],
            origin=f"import:{path.name}",
        )
        self._report_problems(report, limits.max_problems)
        if report.rejected and options["rejects"]:
            self._write_rejects(report, Path(options["rejects"]))
        total = len(table.rows)
        if options["dry_run"]:
            self.stdout.write(
                f"vérification : {total} ligne(s), {len(report.valid)} valide(s), "
                f"{len(report.rejected)} en erreur ; rien n'a été enregistré"
            )
            if report.rejected:
                raise CommandError(f"{len(report.problems)} problème(s) à corriger")
            return
        if report.rejected and not options["keep_valid"]:
            raise CommandError(
                f"{len(report.problems)} problème(s) : rien n'a été importé "
                "(corrigez le fichier, ou --keep-valid --rejects <fichier>)"
            )
        self.stdout.write(
            f"import : {report.created} alliance(s) créée(s), "
            f"{report.organisations_created} organisation(s) créée(s), "
            f"{len(report.rejected)} ligne(s) rejetée(s)"
        )
        if report.written:
            self.stdout.write(report.index_message)

    def _report_problems(self, report: importer.ImportReport, limit: int) -> None:
        for notice in report.notices:
            self.stdout.write(notice)
        for warning in report.warnings[:limit]:
            self.stdout.write(f"ligne {warning.row}, colonne {warning.column} : {warning.message}")
        shown, more = report.first_problems(limit)
        for problem in shown:
            self.stderr.write(
                f"ligne {problem.row}, colonne {problem.column or '-'} : {problem.message}"
                + (f" [« {problem.value[:80]} »]" if problem.value else "")
            )
        if more:
            self.stderr.write(
                f"… et {more} autre(s) problème(s) (toutes les lignes en erreur : --rejects)"
            )

    def _write_rejects(self, report: importer.ImportReport, rejects: Path) -> None:
        fmt = {".xlsx": "xlsx", ".jsonl": "jsonl"}.get(rejects.suffix.lower(), "csv")
        separator = report.table.separator or ","
        rejects.write_bytes(importer.rejects_bytes(report, fmt, separator))
        self.stdout.write(f"{len(report.rejected)} ligne(s) rejetée(s) écrites dans {rejects}")
