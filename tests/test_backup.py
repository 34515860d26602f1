"""A backup then a restore gives identical data."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alliances.common.management.commands.backup import backed_up_models
from alliances.common.models import LoadedDataset


def _snapshot() -> dict:
    return {
        m._meta.label_lower: sorted(
            tuple(str(v) for v in row) for row in m._base_manager.values_list()
        )
        for m in backed_up_models()
    }


@pytest.mark.django_db
def test_backup_then_restore_round_trip(tmp_path):
    LoadedDataset.objects.create(name="essai-sauvegarde", version="1", checksum="x", rows=3)
    before = _snapshot()
    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("alliances-backup-*.tar.gz"))

    LoadedDataset.objects.filter(name="essai-sauvegarde").delete()
    LoadedDataset.objects.create(name="ajout-apres", version="2", checksum="y")
    call_command("restore", str(archive), yes=True, verbosity=0)

    assert _snapshot() == before


@pytest.mark.django_db
def test_restore_of_a_broken_archive_changes_nothing(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not an archive")
    count = LoadedDataset.objects.count()
    with pytest.raises(CommandError, match="Archive illisible"):
        call_command("restore", str(broken), yes=True)
    assert LoadedDataset.objects.count() == count
