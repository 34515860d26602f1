"""Load the charter data (alliances/data/charter/charter.yaml): principles listed there, if any.

The official text is not shipped (see SOURCES.md): the file lists none, and curators enter
the principles in the admin. Idempotent: a principle from the file is created or updated by
its `order`; principles entered in the admin are never touched.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from alliances.charter.models import Principle
from alliances.common.datasets import file_checksum, record_dataset, row_digest
from alliances.common.errors import DataFileError

DATA_FILE = Path(settings.BASE_DIR) / "alliances" / "data" / "charter" / "charter.yaml"
FIELDS = ("title_fr", "title_en", "text_fr", "text_en", "source_url", "source_credit")


def read_charter(path: Path) -> dict:
    if not path.exists():
        raise DataFileError(path, "fichier introuvable")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise DataFileError(
            path, f"YAML invalide ({error})", line + 1 if line is not None else None
        ) from error
    if not isinstance(data, dict):
        raise DataFileError(path, "un dictionnaire est attendu")
    principles = data.get("principles") or []
    if not isinstance(principles, list):
        raise DataFileError(path, "« principles » doit être une liste")
    orders = set()
    for index, item in enumerate(principles, start=1):
        if not isinstance(item, dict) or not item.get("title_fr") or "order" not in item:
            raise DataFileError(
                path, f"principe n° {index} : « order » et « title_fr » sont requis"
            )
        if not isinstance(item["order"], int) or item["order"] in orders:
            raise DataFileError(path, f"principe n° {index} : « order » entier et unique attendu")
        if item.get("published", True) and not (
            item.get("source_url") and item.get("source_credit")
        ):
            raise DataFileError(
                path,
                f"principe n° {index} : publié seulement avec « source_url » et « source_credit »"
                " (auteur, licence ou autorisation de reproduire)",
            )
        orders.add(item["order"])
    return {"reference_resource": data.get("reference_resource") or "", "principles": principles}


class Command(BaseCommand):
    help = "Load the charter data (idempotent; principles entered in the admin are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE)

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["file"])  # type: ignore[arg-type]
        data = read_charter(path)
        changed = 0
        with transaction.atomic():
            for item in data["principles"]:
                values = {f: str(item.get(f) or "") for f in FIELDS}
                digest = row_digest(item["order"], sorted(values.items()))
                current = Principle.objects.filter(order=item["order"]).first()
                if current is not None and (
                    not current.source_digest or current.source_digest == digest
                ):
                    continue  # entered in the admin, or unchanged since the last load
                if current is None:
                    current = Principle(
                        order=item["order"], published=bool(item.get("published", True))
                    )
                for field, value in values.items():
                    setattr(current, field, value)
                current.source_digest = digest
                current.save()
                changed += 1
            record_dataset("charter", "1", file_checksum(path), len(data["principles"]))
        if int(options["verbosity"]) > 0:  # type: ignore[call-overload]
            self.stdout.write(
                f"load_charter: {len(data['principles'])} principles, {changed} changed"
            )
