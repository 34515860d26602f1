"""referentiels.yaml + labels.yaml read in plain Python (no database)."""

from pathlib import Path

import pytest

from alliances.common.errors import DataFileError
from alliances.referentials.source import LABELS_FILE, SOURCE_FILE, read_referentials

DATA_DIR = Path(__file__).resolve().parents[2] / "alliances" / "data" / "referentials"
KEYS = [
    "actor_profiles",
    "partnership_types",
    "objectives",
    "co_construction_forms",
    "catalyst_trades",
    "impact_axes",
    "evaluation_objects",
    "evaluation_criteria",
    "socio_economic_levers",
    "alliance_added_values",
    "partnering_cycle",
    "maturity_levels",
    "fragilities",
    "domains",
    "medoc",
]


def _read(directory: Path = DATA_DIR) -> dict:
    specs = read_referentials(directory / SOURCE_FILE, directory / LABELS_FILE)
    return {s.key: s for s in specs}


def _top(spec) -> list:  # type: ignore[no-untyped-def]
    return [t for t in spec.terms if t.parent is None]


def test_every_list_of_the_file_is_read_in_order():
    specs = read_referentials(DATA_DIR / SOURCE_FILE, DATA_DIR / LABELS_FILE)
    assert [s.key for s in specs] == KEYS
    assert [s.position for s in specs] == list(range(1, 16))
    assert all(s.name_fr and s.name_en for s in specs)


def test_counts_of_the_field():
    specs = _read()
    counts = {key: len(_top(spec)) for key, spec in specs.items()}
    assert counts["actor_profiles"] == 10
    assert counts["partnership_types"] == 4
    assert counts["evaluation_criteria"] == 7
    assert counts["impact_axes"] == 3
    assert counts["maturity_levels"] == 4
    assert counts["domains"] == 16
    assert counts["medoc"] == 5
    assert counts["fragilities"] == 6
    assert counts["catalyst_trades"] == 4


def test_every_term_has_french_and_english_labels():
    for spec in _read().values():
        for term in spec.terms:
            assert term.label_fr and term.label_en, (spec.key, term.key)


def test_subtypes_follow_their_parent():
    profiles = _read()["actor_profiles"].terms
    keys = [t.key for t in profiles]
    assert keys[keys.index("entreprise") + 1 : keys.index("entreprise") + 4] == [
        "tpe_pme",
        "eti",
        "grande_entreprise",
    ]
    subtypes = {t.key: t.parent for t in profiles if t.parent}
    assert subtypes == {
        "tpe_pme": "entreprise",
        "eti": "entreprise",
        "grande_entreprise": "entreprise",
        "commune": "collectivite",
        "epci": "collectivite",
        "departement": "collectivite",
        "region": "collectivite",
    }
    mecenat = [t for t in _read()["partnership_types"].terms if t.parent == "mecenat"]
    assert [t.key for t in mecenat] == ["financier", "nature", "logistique", "competences"]
    assert mecenat[-1].label_fr == "Mécénat de compétences"


def test_shapes_and_flags():
    specs = _read()
    provisional = {key for key, spec in specs.items() if spec.provisional}
    assert provisional == {"maturity_levels", "fragilities", "domains"}
    levels = specs["maturity_levels"].terms
    assert [(t.key, t.label_fr) for t in levels][:2] == [
        ("1", "Découverte"),
        ("2", "Expérimentation"),
    ]
    media = next(t for t in specs["actor_profiles"].terms if t.key == "media")
    assert media.provisional is True
    domains = {t.key: t.label_fr for t in specs["domains"].terms}
    assert domains["emploi_insertion"] == "Emploi et insertion"


def test_extra_attributes():
    specs = _read()
    horizons = {t.key: t.extra["horizon_years"] for t in specs["impact_axes"].terms}
    assert horizons == {"innovation": 7, "performance": 1.5, "confiance": 28}
    dialogue = specs["catalyst_trades"].terms[0]
    assert len(dialogue.extra["activities"]) == 4
    assert len(dialogue.extra["activities_en"]) == 4
    levers = {t.key: t.extra for t in specs["socio_economic_levers"].terms}
    assert levers["alliances_strategiques"]["items"] == ["synergies", "coûts évités"]
    assert levers["alliances_strategiques"]["items_en"] == ["synergies", "avoided costs"]


def test_mecenat_english_label():
    mecenat = _read()["partnership_types"].terms[0]
    assert mecenat.label_en == "Corporate philanthropy (mécénat)"


def test_broken_yaml_reports_the_line(referentials_dir: Path):
    path = referentials_dir / SOURCE_FILE
    lines = path.read_text("utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "key: syndicat" in line)
    lines[number] = "  - {key: syndicat, label: [Syndicat}"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(DataFileError) as caught:
        _read(referentials_dir)
    assert caught.value.path == str(path)
    assert caught.value.line == number + 1


def test_duplicate_key_reports_the_line(referentials_dir: Path):
    path = referentials_dir / SOURCE_FILE
    text = path.read_text("utf-8")
    text = text.replace("  - {key: clarte, label: Clarté}", "  - {key: sens, label: Clarté}")
    path.write_text(text, "utf-8")
    line = text.splitlines().index("  - {key: sens, label: Clarté}") + 1
    with pytest.raises(DataFileError) as caught:
        _read(referentials_dir)
    assert caught.value.line == line + 1  # the second "sens"
    assert "sens" in caught.value.message


def test_bare_key_without_a_project_label_is_reported(referentials_dir: Path):
    path = referentials_dir / SOURCE_FILE
    path.write_text(path.read_text("utf-8").replace("culture, sport", "culture, rugby"), "utf-8")
    with pytest.raises(DataFileError) as caught:
        _read(referentials_dir)
    assert "rugby" in caught.value.message or "sport" in caught.value.message


def test_shipped_labels_all_match_the_source():
    notes: list[str] = []
    read_referentials(DATA_DIR / SOURCE_FILE, DATA_DIR / LABELS_FILE, notes)
    assert notes == []


def test_label_for_an_unknown_term_is_noted_with_its_line(referentials_dir: Path):
    path = referentials_dir / LABELS_FILE
    text = path.read_text("utf-8")
    text = text.replace("    clarte: {label_en: Clarity}", "    clartee: {label_en: Clarity}")
    path.write_text(text, "utf-8")
    line = text.splitlines().index("    clartee: {label_en: Clarity}") + 1
    notes: list[str] = []
    specs = read_referentials(referentials_dir / SOURCE_FILE, path, notes)
    assert notes == [
        f"labels.yaml, ligne {line} : le terme « evaluation_criteria.clartee » n'est pas dans "
        "la source (libellés ignorés)"
    ]
    criteria = next(s for s in specs if s.key == "evaluation_criteria")
    clarte = next(t for t in criteria.terms if t.key == "clarte")
    assert (clarte.label_fr, clarte.label_en) == ("Clarté", "")


def test_list_of_a_wrong_shape_is_reported(referentials_dir: Path):
    path = referentials_dir / SOURCE_FILE
    text = path.read_text("utf-8").replace("  levels:\n", "  niveaux:\n")
    path.write_text(text, "utf-8")
    with pytest.raises(DataFileError) as caught:
        _read(referentials_dir)
    assert "niveaux" in caught.value.message
    assert caught.value.line == text.splitlines().index("  niveaux:") + 1


def test_term_without_label_is_reported(referentials_dir: Path):
    path = referentials_dir / SOURCE_FILE
    text = path.read_text("utf-8").replace(
        "{key: revue, label: Revue et ajustement}", "{key: revue}"
    )
    path.write_text(text, "utf-8")
    with pytest.raises(DataFileError) as caught:
        _read(referentials_dir)
    assert "partnering_cycle.revue" in caught.value.message
    assert caught.value.line == text.splitlines().index("  - {key: revue}") + 1
