"""Write a consistent copy of the database and the uploaded files into one archive.

    manage.py backup [--output DIR]

The archive (`alliances-backup-<date>.tar.gz`) holds `data.json` (every row, in Django's
serialisation format, so it restores on SQLite or PostgreSQL alike), `media/` (uploaded
files) and `manifest.json` (row counts per model, to check a restore). The rows are read in
one transaction (REPEATABLE READ on PostgreSQL), so the copy is consistent while the site runs.
"""

import io
import json
import tarfile
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from alliances import __version__

# Rebuilt by migrations or by Django itself; restoring them would clash.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list:
    models = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in EXCLUDED or model._meta.proxy or not model._meta.managed:
            continue
        models.append(model)
    return models


class Command(BaseCommand):
    help = "Write a consistent backup archive of the database and uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.DATA_DIR) / "backups"))

    def handle(self, *args: object, **options: object) -> None:
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        archive = output / f"alliances-backup-{stamp}.tar.gz"
        counts: dict[str, int] = {}
        buffer = io.StringIO()
        # Only the outermost transaction can choose its isolation level (a caller already in
        # a transaction, such as a test, keeps its own snapshot).
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            objects = []
            for model in backed_up_models():
                rows = list(model._base_manager.order_by("pk"))
                counts[model._meta.label_lower] = len(rows)
                objects.extend(rows)
            serializers.serialize("json", objects, stream=buffer, cls=ExactJSONEncoder)
        manifest = {
            "created_at": stamp,
            "platform_version": __version__,
            "database": connection.vendor,
            "counts": counts,
        }
        with tarfile.open(archive, "w:gz") as tar:
            for name, text in (
                ("data.json", buffer.getvalue()),
                ("manifest.json", json.dumps(manifest, indent=2)),
            ):
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
        self.stdout.write(f"{archive} ({sum(counts.values())} lignes)")
