"""Load the reference rates (SMIC...) from alliances/data/economics into the database.

Idempotent: a second run changes nothing. `--add KEY VALUE --from DATE --source TEXT` adds a
value in force from a date without waiting for a release (a source is required).
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliances.common.errors import DataFileError
from alliances.economics.models import ReferenceRate
from alliances.economics.rates import RATES_FILE, RateRow, load_rates, sync_rates


class Command(BaseCommand):
    help = "Load the dated reference rates of the socio-economic model (SMIC...) with sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=RATES_FILE)
        parser.add_argument("--add", nargs=2, metavar=("KEY", "VALUE"))
        parser.add_argument("--from", dest="valid_from", help="AAAA-MM-JJ")
        parser.add_argument("--source", default="")
        parser.add_argument("--source-url", default="")

    def handle(self, *args: object, **options: object) -> None:
        if options["add"]:
            rows = [self._added(options)]
        else:
            try:
                rows = load_rates(options["file"])
            except DataFileError as error:
                raise CommandError(str(error)) from error
        counts = sync_rates(rows)
        if int(options["verbosity"]):
            self.stdout.write(
                f"taux de référence : {counts['created']} ajouté(s), "
                f"{counts['updated']} modifié(s), {counts['unchanged']} inchangé(s)"
            )

    def _added(self, options: dict) -> RateRow:
        key, raw = options["add"]
        if not options["source"].strip():
            raise CommandError("--source est obligatoire : une valeur cite toujours sa source")
        try:
            valid_from = date.fromisoformat(options["valid_from"] or "")
        except ValueError:
            raise CommandError("--from attend une date AAAA-MM-JJ") from None
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise CommandError(f"valeur non numérique : {raw!r}") from None
        if value <= 0:
            raise CommandError("une valeur est positive")
        known = ReferenceRate.objects.filter(key=key).order_by("-valid_from").first()
        if known is None:
            raise CommandError(f"clé inconnue : {key!r} (ajoutez-la d'abord au fichier de données)")
        return RateRow(
            key=key,
            label_fr=known.label_fr,
            label_en=known.label_en,
            unit=known.unit,
            valid_from=valid_from,
            value=value,
            source=options["source"].strip(),
            source_url=options["source_url"].strip(),
        )
