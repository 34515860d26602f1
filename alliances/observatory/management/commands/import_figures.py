"""Import observatory figures from a CSV or XLSX file, all or nothing, with a dry run."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliances.observatory.importer import import_file


class Command(BaseCommand):
    help = "Import figures from CSV/XLSX (--dry-run checks and reports without writing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["file"])  # type: ignore[arg-type]
        if not path.exists():
            raise CommandError(f"{path} : fichier introuvable")
        report = import_file(path, dry_run=bool(options["dry_run"]))
        for issue in report.issues:
            self.stderr.write(str(issue))
        if report.more_issues:
            self.stderr.write(f"… et {report.more_issues} autre(s) erreur(s)")
        if report.issues:
            total = len(report.issues) + report.more_issues
            raise CommandError(
                f"{total} erreur(s) : rien n'a été importé ({report.rows} lignes lues)"
            )
        mode = "essai à blanc, rien n'est écrit" if options["dry_run"] else "importé"
        self.stdout.write(
            f"{report.rows} lignes : {len(report.created)} à créer, {len(report.updated)} à "
            f"mettre à jour, {len(report.unchanged)} inchangées ({mode})"
        )
