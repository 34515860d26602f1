"""Write a consistent copy of the database and the uploaded files into one archive.

    manage.py backup [--output DIR]

The archive (`alliances-backup-<date>.tar.gz`, readable by its owner only: it holds password
and key hashes, invitation tokens and e-mail addresses) holds `data.json` (every row,
including the audit log of the back office, in Django's serialisation format with natural
keys for content types and permissions, so it restores on SQLite or PostgreSQL alike and
into a database whose content types were numbered differently), `media/` (uploaded files)
and `manifest.json` (row counts per model and the applied migrations, to check a restore
before it touches anything). The rows are read in one snapshot (a read transaction on
SQLite's WAL, REPEATABLE READ on PostgreSQL), so the copy is consistent while the site runs.
"""

import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from alliances import __version__

# Rebuilt by migrations (content types, permissions) or short-lived (sessions): restoring
# them would clash; the rows that point to them are written with natural keys instead.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Derived from the content and rebuilt by the restore's reindex: the words the typo
# suggestions draw from and the states of derived collections; and the suggestions' log of
# changes, pruned after a day, to which the reindex appends (ADR 0192). (The vectors
# themselves are kept: their texts' digests spare a restore from embedding every text again.)
DERIVED = {"common.searchword", "common.searchstate", "partners.poolchange"}
FORMAT = 2  # 2: audit log included, natural keys, migrations in the manifest
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class BackupSerializer(JSONSerializer):
    """Rows that point to what migrations rebuild (content types, permissions) name it by
    its natural key, numbered afresh in every database; every other reference keeps its
    primary key, as the rows it points to are in the backup too."""

    def handle_fk_field(self, obj: object, field: object) -> None:
        with self._natural_for(field):
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: object, field: object) -> None:
        with self._natural_for(field):
            super().handle_m2m_field(obj, field)

    @contextmanager
    def _natural_for(self, field: object) -> Iterator[None]:
        saved = self.use_natural_foreign_keys
        self.use_natural_foreign_keys = (
            field.remote_field.model._meta.label_lower in EXCLUDED  # type: ignore[attr-defined]
        )
        try:
            yield
        finally:
            self.use_natural_foreign_keys = saved


def backed_up_models() -> list:
    models = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in EXCLUDED | DERIVED or model._meta.proxy or not model._meta.managed:
            continue
        models.append(model)
    return models


def applied_migrations() -> list[str]:
    """The migrations applied to this database, as "app.name", sorted."""
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


@contextmanager
def snapshot() -> Iterator[None]:
    """Every read inside sees the database as of one moment, without blocking writers.

    SQLite's write transactions take the write lock up front (settings: IMMEDIATE), which
    would hold every curator back for the whole backup: a plain deferred read transaction is
    opened instead (WAL keeps its snapshot while others write). Only the outermost
    transaction can choose (a caller already in one, such as a test, keeps its own)."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _objects(models: list, counts: dict[str, int]) -> Iterator:
    for model in models:
        counts[model._meta.label_lower] = 0
        for row in model._base_manager.order_by("pk").iterator(chunk_size=2000):
            counts[model._meta.label_lower] += 1
            yield row


def private_file(path: Path) -> int:
    """A new file only its owner can read (created so, never widened then narrowed)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)


def write_archive(output: Path) -> tuple[Path, dict]:
    output.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = output / f"alliances-backup-{stamp}.tar.gz"
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=output) as workdir:
        data_path = Path(workdir) / "data.json"
        with snapshot():
            migrations = applied_migrations()
            with os.fdopen(private_file(data_path), "w", encoding="utf-8") as stream:
                BackupSerializer().serialize(
                    _objects(backed_up_models(), counts), stream=stream, cls=ExactJSONEncoder
                )
        manifest = {
            "format": FORMAT,
            "created_at": stamp,
            "platform_version": __version__,
            "database": connection.vendor,
            "migrations": migrations,
            "counts": counts,
        }
        manifest_path = Path(workdir) / "manifest.json"
        with os.fdopen(private_file(manifest_path), "w", encoding="utf-8") as stream:
            json.dump(manifest, stream, indent=2)
        with (
            os.fdopen(private_file(archive), "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as tar,
        ):
            tar.add(data_path, arcname="data.json")
            tar.add(manifest_path, arcname="manifest.json")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
    return archive, manifest


class Command(BaseCommand):
    help = "Write a consistent backup archive of the database and uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.DATA_DIR) / "backups"))

    def handle(self, *args: object, **options: object) -> None:
        archive, manifest = write_archive(Path(str(options["output"])))
        self.stdout.write(f"{archive} ({sum(manifest['counts'].values())} lignes)")
