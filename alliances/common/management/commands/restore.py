"""Restore an archive written by `manage.py backup` (replaces the current data).

    manage.py restore ARCHIVE [--yes]

Everything happens in one transaction: when anything fails, the database stays as it was.
The row counts are checked against the archive's manifest before committing.
"""

import json
import shutil
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from .backup import backed_up_models


class Command(BaseCommand):
    help = "Restore a backup archive (replaces the current data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(options["archive"])
        if not archive.exists():
            raise CommandError(f"Archive introuvable : {archive}")
        if not options["yes"] and input("Remplacer toutes les données ? [oui/non] ") != "oui":
            raise CommandError("Restauration annulée.")
        with tempfile.TemporaryDirectory() as workdir:
            try:
                with tarfile.open(archive) as tar:
                    tar.extractall(workdir, filter="data")
                manifest = json.loads((Path(workdir) / "manifest.json").read_text())
                data = (Path(workdir) / "data.json").read_text()
            except (tarfile.TarError, OSError, json.JSONDecodeError) as error:
                raise CommandError(f"Archive illisible ({archive}) : {error}") from error
            with transaction.atomic():
                models = backed_up_models()
                _delete_everything(models)
                _load(data)
                counts = {m._meta.label_lower: m._base_manager.count() for m in models}
                expected = manifest["counts"]
                wrong = {k: (counts.get(k), v) for k, v in expected.items() if counts.get(k) != v}
                if wrong:
                    raise CommandError(f"Comptes différents après restauration : {wrong}")
                _reset_sequences(models)
            media = Path(workdir) / "media"
            if media.exists():
                shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        if "rebuild_search_index" in _commands():
            call_command("rebuild_search_index", verbosity=0)
        self.stdout.write(f"Restauré : {sum(manifest['counts'].values())} lignes")


def _delete_everything(models: list) -> None:
    """Empty the tables with plain DELETEs: foreign keys are checked at commit (Django creates
    them DEFERRABLE INITIALLY DEFERRED), so the order does not matter and no row is loaded."""
    for model in models:
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                through._base_manager.all()._raw_delete(connection.alias)
        model._base_manager.all()._raw_delete(connection.alias)


@contextmanager
def _stored_dates_kept(model: type) -> Iterator[None]:
    """bulk_create would stamp auto_now fields with the current time: keep the saved ones."""
    stamped = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for field in stamped:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _load(data: str) -> None:
    by_model: dict = defaultdict(list)
    links: list = []
    for item in serializers.deserialize("json", data, ignorenonexistent=True):
        by_model[type(item.object)].append(item.object)
        if item.m2m_data:
            links.append((item.object, item.m2m_data))
    for model, objects in by_model.items():
        with _stored_dates_kept(model):
            model._base_manager.bulk_create(objects, batch_size=1000)
    through_rows: dict = defaultdict(list)
    for obj, m2m in links:
        for name, targets in m2m.items():
            field = obj._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            for target_id in targets:
                through_rows[through].append(
                    through(**{f"{source}_id": obj.pk, f"{target}_id": target_id})
                )
    for through, rows in through_rows.items():
        through._base_manager.bulk_create(rows, batch_size=2000)


def _reset_sequences(models: list) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _commands() -> dict:
    from django.core.management import get_commands

    return get_commands()
