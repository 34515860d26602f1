"""Synonyms and acronyms of the search as reference data (issue 16, docs/adr/0133)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from alliances.common.errors import DataFileError
from alliances.referentials import synonyms
from alliances.referentials.models import SearchSynonym
from alliances.referentials.synonyms import SYNONYMS_FILE, read_synonyms


@pytest.fixture(autouse=True)
def fresh_table():
    synonyms.forget()
    yield
    synonyms.forget()


def test_every_shipped_group_says_why_it_is_an_equivalence(db):
    specs = read_synonyms(
        Path(synonyms.__file__).parents[1] / "data" / "referentials" / SYNONYMS_FILE
    )
    assert len(specs) >= 40
    for spec in specs:
        assert len(spec.terms) >= 2 and len(spec.note) > 20, spec.key
    keys = {s.key for s in specs}
    assert {"tzcld", "ptce", "ess", "siae", "iae", "ebe", "qpv", "rse", "ccas", "epci"} <= keys


def test_setup_loaded_them_and_an_acronym_meets_its_expansion(db):
    assert SearchSynonym.objects.filter(active=True).count() >= 40
    for text in ("PTCE", "pôles territoriaux de coopération économique"):
        found = synonyms.find(text.split())
        assert [f.group.key for f in found] == ["ptce"], text


def test_french_and_english_labels_of_the_taxonomies_are_equivalent(db):
    (found,) = synonyms.find(["housing"])
    assert "Logement" in found.names
    (found,) = synonyms.find("pro bono".split())
    assert found.group.key == "partnership_types:competences"


def test_a_curators_edit_is_used_at_once_and_kept_by_setup(db):
    row = SearchSynonym.objects.get(key="ptce")
    row.terms += "\npôle de coopération"
    row.save()
    synonyms.forget()
    assert synonyms.find("pôle de coopération".split())[0].group.key == "ptce"
    call_command("populate_referentials", verbosity=0)
    row.refresh_from_db()
    assert "pôle de coopération" in row.terms


def test_a_group_left_out_of_the_file_is_deactivated_never_deleted(db, referentials_dir):
    path = referentials_dir / SYNONYMS_FILE
    lines = path.read_text("utf-8").splitlines()
    start = lines.index("  - key: geiq")
    path.write_text("\n".join(lines[:start] + lines[start + 3 :]) + "\n", "utf-8")
    call_command("populate_referentials", data_dir=referentials_dir, verbosity=0)
    assert SearchSynonym.objects.get(key="geiq").active is False
    synonyms.forget()
    assert synonyms.find(["GEIQ"]) == []


def test_a_bad_entry_names_the_file_and_the_entry(db, referentials_dir):
    path = referentials_dir / SYNONYMS_FILE
    path.write_text("groups:\n  - {key: seul, kind: acronym, terms: [SEUL], note: x}\n", "utf-8")
    with pytest.raises(DataFileError, match="entrée n° 1"):
        call_command("populate_referentials", data_dir=referentials_dir, verbosity=0)


def test_curators_edit_them_in_the_admin(admin_client):
    response = admin_client.get("/admin/referentials/searchsynonym/?q=PTCE")
    assert response.status_code == 200
    assert "PTCE" in response.content.decode()
    row = SearchSynonym.objects.get(key="ptce")
    assert (
        admin_client.get(f"/admin/referentials/searchsynonym/{row.pk}/change/").status_code == 200
    )
