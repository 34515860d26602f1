"""Restore an archive written by `manage.py backup` (replaces the current data).

    manage.py restore ARCHIVE [--yes]

Before anything is touched the archive is read whole and checked: readable, written for the
same database schema (its migrations are those applied here), every row understood, every
reference between its rows resolved. A restore that would fail is refused there, with a
message that says why. Then, in one transaction, every table of the backup is emptied and
filled again (the audit log too; sessions are emptied, so everyone signs in again), the row
counts are checked against the manifest and the search index is rebuilt from the restored
alliances: when anything fails, the database stays as it was. Uploaded files and caches
follow once the transaction is committed.
"""

import json
import shutil
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction

from .backup import DERIVED, applied_migrations, backed_up_models

MAX_LISTED = 5


@dataclass
class Backup:
    """An archive read and checked, ready to be written."""

    manifest: dict
    objects: dict[type, list] = field(default_factory=lambda: defaultdict(list))
    links: list[tuple[object, dict]] = field(default_factory=list)
    media: Path | None = None

    @property
    def rows(self) -> int:
        return sum(self.manifest.get("counts", {}).values())


def _refuse(message: str) -> CommandError:
    return CommandError(f"Restauration refusée, rien n'a été modifié : {message}")


def read_archive(archive: Path, workdir: Path) -> Backup:
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(workdir, filter="data")
        manifest = json.loads((workdir / "manifest.json").read_text(encoding="utf-8"))
        data = (workdir / "data.json").read_text(encoding="utf-8")
    except (tarfile.TarError, OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"Archive illisible ({archive}) : {error}") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("counts"), dict):
        raise _refuse(f"{archive} n'a pas de manifeste de sauvegarde valide")
    check_schema(manifest)
    backup = Backup(manifest)
    media = workdir / "media"
    backup.media = media if media.exists() else None
    try:
        for item in serializers.deserialize("json", data, ignorenonexistent=True):
            if item.object._meta.label_lower in DERIVED:  # an older archive held it
                continue
            backup.objects[type(item.object)].append(item.object)
            if item.m2m_data:
                backup.links.append((item.object, item.m2m_data))
    except DeserializationError as error:
        raise _refuse(f"une ligne de l'archive est illisible ici ({error})") from error
    check_references(backup)
    return backup


def check_schema(manifest: dict) -> None:
    """Refuse an archive written for another state of the database schema."""
    theirs = manifest.get("migrations")
    if theirs is None:  # archives before format 2: their rows are checked one by one
        return
    ours = applied_migrations()
    only_theirs = sorted(set(theirs) - set(ours))
    only_ours = sorted(set(ours) - set(theirs))
    if only_theirs or only_ours:
        version = manifest.get("platform_version", "?")
        raise _refuse(
            f"l'archive a été écrite par la version {version} de la plateforme, pour un "
            f"autre état du schéma de la base (migrations seulement dans l'archive : "
            f"{', '.join(only_theirs[:MAX_LISTED]) or 'aucune'} ; seulement ici : "
            f"{', '.join(only_ours[:MAX_LISTED]) or 'aucune'}). Restaurez-la avec cette "
            "version, puis mettez la plateforme à jour (manage.py migrate)."
        )


def check_references(backup: Backup) -> None:
    """Every reference from a row of the archive to a table of the archive is in it.

    References to content types and permissions were resolved by their natural keys while
    reading (an unknown one is refused there)."""
    restored = {m for m in backed_up_models()}
    present = {model: {obj.pk for obj in objs} for model, objs in backup.objects.items()}
    dangling: list[str] = []
    for model, objects in backup.objects.items():
        for fk in model._meta.concrete_fields:
            target = fk.related_model if fk.many_to_one or fk.one_to_one else None
            if target is None or target not in restored or fk.target_field != target._meta.pk:
                continue
            pks = present.get(target, set())
            dangling += [
                f"{model._meta.label}#{obj.pk}.{fk.name} → {target._meta.label}#{value}"
                for obj in objects
                if (value := getattr(obj, fk.attname)) is not None and value not in pks
            ]
    for obj, m2m in backup.links:
        for name, targets in m2m.items():
            target = obj._meta.get_field(name).related_model
            if target in restored:
                pks = present.get(target, set())
                dangling += [
                    f"{obj._meta.label}#{obj.pk}.{name} → {target._meta.label}#{value}"
                    for value in targets
                    if value not in pks
                ]
    if dangling:
        raise _refuse(
            f"{len(dangling)} référence(s) de l'archive vers des lignes absentes, par exemple "
            f"{' ; '.join(dangling[:MAX_LISTED])}"
        )


class Command(BaseCommand):
    help = "Restore a backup archive (replaces the current data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"]))
        if not archive.exists():
            raise CommandError(f"Archive introuvable : {archive}")
        with tempfile.TemporaryDirectory() as workdir:
            backup = read_archive(archive, Path(workdir))
            created = backup.manifest.get("created_at", "?")
            question = (
                f"Archive du {created} vérifiée ({backup.rows} lignes). "
                "Remplacer toutes les données ? [oui/non] "
            )
            if not options["yes"] and input(question) != "oui":
                raise CommandError("Restauration annulée.")
            write(backup)
            if backup.media is not None:
                shutil.copytree(backup.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        cache.clear()  # pages, charts and counts drawn from the replaced data
        self.stdout.write(f"Restauré : {backup.rows} lignes ; index de recherche reconstruit")


def write(backup: Backup) -> None:
    """Replace every table of the backup, all in one transaction."""
    models = backed_up_models()
    try:
        with transaction.atomic():
            _delete_everything(models)
            Session.objects.all()._raw_delete(connection.alias)
            _load(backup)
            counts = {m._meta.label_lower: m._base_manager.count() for m in models}
            expected = {k: v for k, v in backup.manifest["counts"].items() if k not in DERIVED}
            wrong = {k: (counts.get(k), v) for k, v in expected.items() if counts.get(k) != v}
            if wrong:
                raise CommandError(
                    f"Comptes différents après restauration, rien n'a été modifié : {wrong}"
                )
            _reset_sequences(models)
            # The index is part of the restore: committed with the rows it indexes.
            call_command("reindex", verbosity=0)
    except DatabaseError as error:
        raise CommandError(
            "Restauration annulée par la base, rien n'a été modifié : "
            f"{type(error).__name__}: {error}"
        ) from error


def _delete_everything(models: list) -> None:
    """Empty the tables with plain DELETEs: foreign keys are checked at commit (Django creates
    them DEFERRABLE INITIALLY DEFERRED), so the order does not matter and no row is loaded."""
    for model in models:
        for many in model._meta.local_many_to_many:
            through = many.remote_field.through
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
    for stamped_field in stamped:
        stamped_field.auto_now = stamped_field.auto_now_add = False
    try:
        yield
    finally:
        for stamped_field, auto_now, auto_now_add in saved:
            stamped_field.auto_now, stamped_field.auto_now_add = auto_now, auto_now_add


def _load(backup: Backup) -> None:
    for model, objects in backup.objects.items():
        with _stored_dates_kept(model):
            model._base_manager.bulk_create(objects, batch_size=1000)
    through_rows: dict = defaultdict(list)
    for obj, m2m in backup.links:
        for name, targets in m2m.items():
            many = obj._meta.get_field(name)
            through = many.remote_field.through
            source, target = many.m2m_field_name(), many.m2m_reverse_field_name()
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
