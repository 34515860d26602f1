"""The SDG files read in plain Python (no database)."""

from pathlib import Path
from pathlib import Path as _Path

import pytest

from alliances.common.errors import DataFileError
from alliances.sdg.source import read_sdg, target_order

DATA_DIR = _Path(__file__).resolve().parents[2] / "alliances" / "data" / "sdg"


def test_reads_17_goals_and_169_targets_in_both_languages():
    goals = read_sdg(DATA_DIR)
    assert [g.number for g in goals] == list(range(1, 18))
    targets = [t for g in goals for t in g.targets]
    assert len(targets) == 169
    assert all(g.short_fr and g.short_en and g.title_fr and g.title_en for g in goals)
    assert all(t.title_fr and t.title_en and t.title_fr != t.title_en for t in targets)
    assert "partenariat" in goals[16].title_fr.lower()
    assert "partnership" in goals[16].title_en.lower()


def test_numeric_targets_come_first_then_lettered_ones():
    goals = {g.number: g for g in read_sdg(DATA_DIR)}
    codes = [t.code for t in goals[4].targets]
    assert codes == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.a", "4.b", "4.c"]
    assert [t.position for t in goals[4].targets] == list(range(1, 11))
    codes_17 = [t.code for t in goals[17].targets]
    assert codes_17[:2] == ["17.1", "17.2"] and codes_17[-1] == "17.19"
    assert codes_17.index("17.10") == 9  # numeric order, not text order


def test_target_order_key():
    assert sorted(["b", "10", "2", "a", "1"], key=target_order) == ["1", "2", "10", "a", "b"]


def test_broken_yaml_names_file_and_line(sdg_dir: Path):
    path = sdg_dir / "global_targets.fr.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = "  : [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_sdg(sdg_dir)
    assert caught.value.path == str(path)
    assert caught.value.line is not None and 4 <= caught.value.line <= 7
    assert "YAML invalide" in caught.value.message


def test_target_missing_in_one_language_is_reported(sdg_dir: Path):
    path = sdg_dir / "global_targets.en.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("17-17-title:")
    end = text.index("17-18-title:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_sdg(sdg_dir)
    assert caught.value.path == str(path)
    assert "17.17" in caught.value.message


def test_unexpected_key_and_missing_goal_are_reported(sdg_dir: Path):
    path = sdg_dir / "global_goals.fr.yml"
    path.write_text(path.read_text(encoding="utf-8") + "18-short: Dix-huit\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_sdg(sdg_dir)
    assert caught.value.line == len(path.read_text(encoding="utf-8").splitlines())
    assert "18-short" in caught.value.message


def test_missing_file_is_reported(sdg_dir: Path):
    (sdg_dir / "global_goals.en.yml").unlink()
    with pytest.raises(DataFileError, match="introuvable"):
        read_sdg(sdg_dir)
