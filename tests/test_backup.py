"""Backups and restores (issue 19, item 7): backup → changes → restore gives every table
back as it was, the search finds the restored alliances, archives are private, and a
restore that cannot succeed is refused before anything is touched."""

import io
import json
import stat
import tarfile

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alliances.base.models import Alliance
from alliances.base.search.dialects import dialect_for
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.common.management.commands.backup import applied_migrations, backed_up_models
from alliances.common.models import LoadedDataset

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        m._meta.label_lower: sorted(
            tuple(str(v) for v in row) for row in m._base_manager.values_list()
        )
        for m in backed_up_models()
    }


def _found(text: str) -> set[int]:
    query, _notices = parse_query({"q": text})
    return {hit.pk for hit in run_search(query, with_facets=False).alliances}


def _indexed_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT alliance_id FROM {dialect_for(connection.alias).key_table}")
        return {row[0] for row in cursor.fetchall()}


def _log(user, obj, message: str) -> None:
    LogEntry.objects.log_actions(user.pk, [obj], CHANGE, message)


def test_backup_changes_restore_round_trip(tmp_path):
    User = get_user_model()
    curator = User.objects.create_user("avant@example.org", "avant@example.org", "x", is_staff=True)
    restored = Alliance.objects.create(
        kind="alliance", title="Ressourcerie zéphyrine", slug="zephyrine", status="published"
    )
    shipped = Alliance.objects.filter(status="published").exclude(pk=restored.pk).first()
    restored_pk, shipped_pk = restored.pk, shipped.pk
    _log(curator, restored, "avant la sauvegarde")
    LoadedDataset.objects.create(name="essai-sauvegarde", version="1", checksum="x", rows=3)
    before = _snapshot()
    assert before["admin.logentry"], "the audit log is part of the backup"

    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("alliances-backup-*.tar.gz"))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    # Changes: a new user with audit entries (a restore used to fail on them), new alliances,
    # deletions of rows that were backed up.
    newcomer = User.objects.create_user("apres@example.org", "apres@example.org", "x")
    added = Alliance.objects.create(
        kind="alliance", title="Cantine xylophage", slug="xylophage", status="published"
    )
    _log(newcomer, added, "après la sauvegarde")
    restored.delete()
    shipped.delete()
    curator.delete()
    LoadedDataset.objects.filter(name="essai-sauvegarde").delete()
    assert _found("zéphyrine") == set() and _found("xylophage") == {added.pk}

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert _snapshot() == before
    assert _found("zéphyrine") == {restored_pk}
    assert _found("xylophage") == set()
    assert shipped_pk in _found(shipped.title)
    assert _indexed_ids() == set(Alliance.objects.values_list("pk", flat=True))


def _archive(tmp_path, manifest: dict, data: list) -> str:
    path = tmp_path / "fait-main.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, content in (("manifest.json", manifest), ("data.json", data)):
            raw = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return str(path)


def test_an_archive_for_another_schema_is_refused_before_anything_changes(tmp_path):
    manifest = {
        "format": 2,
        "platform_version": "0.1",
        "migrations": [*applied_migrations(), "base.9999_a_venir"],
        "counts": {},
    }
    before = Alliance.objects.count()
    with pytest.raises(CommandError, match="rien n'a été modifié.*base.9999_a_venir"):
        call_command("restore", _archive(tmp_path, manifest, []), yes=True)
    assert Alliance.objects.count() == before


def test_an_archive_with_dangling_references_is_refused_before_anything_changes(tmp_path):
    manifest = {"format": 2, "migrations": applied_migrations(), "counts": {"admin.logentry": 1}}
    entry = {
        "model": "admin.logentry",
        "pk": 1,
        "fields": {
            "action_time": "2026-01-01T00:00:00+00:00",
            "user": 987654,
            "content_type": ["base", "alliance"],
            "object_id": "1",
            "object_repr": "x",
            "action_flag": 2,
            "change_message": "",
        },
    }
    before = Alliance.objects.count()
    with pytest.raises(CommandError, match="référence.*admin.LogEntry#1.user"):
        call_command("restore", _archive(tmp_path, manifest, [entry]), yes=True)
    assert Alliance.objects.count() == before


def test_restore_of_a_broken_archive_changes_nothing(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not an archive")
    count = LoadedDataset.objects.count()
    with pytest.raises(CommandError, match="Archive illisible"):
        call_command("restore", str(broken), yes=True)
    assert LoadedDataset.objects.count() == count


def test_an_older_archive_with_the_suggestions_change_log_restores_without_it(tmp_path):
    """The log of the suggestions' changes is derived (ADR 0192): not backed up any more,
    and an archive made when it was is restored without those rows. The archive is a whole
    backup (an empty one would leave PostgreSQL's sequences reset past the test's rollback)."""
    from alliances.partners.models import PoolChange

    kept = PoolChange.objects.create(part="organisations", row_id=1)
    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("alliances-backup-*.tar.gz"))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        data = json.load(tar.extractfile("data.json"))
    manifest["counts"]["partners.poolchange"] = 1
    data.append(
        {
            "model": "partners.poolchange",
            "pk": kept.pk,  # the same id as a row of this database: loading it would clash
            "fields": {"part": "organisations", "row_id": 2, "at": "2026-01-01T00:00:00+00:00"},
        }
    )
    older = tmp_path / "older"
    older.mkdir()
    call_command("restore", _archive(older, manifest, data), yes=True, stdout=io.StringIO())
    assert PoolChange.objects.get(pk=kept.pk).row_id == 1
