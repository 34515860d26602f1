"""populate_sdg: idempotent, complete, and all-or-nothing on a corrupt file."""

from pathlib import Path

import pytest
from django.core.management import call_command

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.sdg.models import SdgGoal, SdgTarget

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    goals = list(SdgGoal.objects.values_list("number", "short_fr", "title_en"))
    targets = list(SdgTarget.objects.values_list("code", "position", "title_fr", "title_en"))
    return goals + targets


def test_setup_loaded_17_goals_and_169_targets_in_both_languages():
    assert SdgGoal.objects.count() == 17
    assert SdgTarget.objects.count() == 169
    assert not SdgGoal.objects.filter(title_fr="").exists()
    assert not SdgGoal.objects.filter(title_en="").exists()
    assert not SdgTarget.objects.filter(title_fr="").exists()
    assert not SdgTarget.objects.filter(title_en="").exists()
    assert "partenariat" in SdgGoal.objects.get(number=17).title_fr.lower()
    assert SdgTarget.objects.get(code="17.17").goal.number == 17
    assert SdgTarget.objects.get(code="4.a").position == 8
    dataset = LoadedDataset.objects.get(name="sdg")
    assert dataset.rows == 17 + 169


def test_targets_keep_the_official_order():
    codes = list(SdgTarget.objects.filter(goal__number=1).values_list("code", flat=True))
    assert codes == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]


def test_second_run_changes_nothing(capsys):
    before = _snapshot()
    call_command("populate_sdg", verbosity=1)
    assert "0 changed" in capsys.readouterr().out
    assert _snapshot() == before


def test_changed_text_updates_in_place(sdg_dir: Path):
    path = sdg_dir / "global_goals.en.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1-short: No poverty", "1-short: No poverty at all"), "utf-8")
    pk = SdgGoal.objects.get(number=1).pk
    call_command("populate_sdg", data_dir=sdg_dir, verbosity=0)
    goal = SdgGoal.objects.get(number=1)
    assert (goal.pk, goal.short_en) == (pk, "No poverty at all")
    assert SdgGoal.objects.count() == 17


def test_corrupt_file_raises_with_line_and_leaves_the_database_alone(sdg_dir: Path):
    before = _snapshot()
    # One file fine (and different), the other corrupt: nothing at all may be stored.
    goals = sdg_dir / "global_goals.en.yml"
    goals.write_text(goals.read_text("utf-8").replace("No poverty", "Changed"), "utf-8")
    targets = sdg_dir / "global_targets.en.yml"
    lines = targets.read_text("utf-8").splitlines()
    lines[2] = '1-2-title: "unterminated'
    targets.write_text("\n".join(lines), "utf-8")
    with pytest.raises(DataFileError) as caught:
        call_command("populate_sdg", data_dir=sdg_dir, verbosity=0)
    assert caught.value.path.endswith("global_targets.en.yml")
    assert caught.value.line is not None
    assert f"ligne {caught.value.line}" in str(caught.value)
    assert _snapshot() == before
