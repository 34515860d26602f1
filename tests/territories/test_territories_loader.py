"""The loader: counts, containment, idempotence, updates in place, obsolete, corrupt files."""

import pytest
from django.core.management import call_command
from territories_fixtures import ROWS, write_files

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.territories.loader import load_territories
from alliances.territories.models import Level, PostalCode, Territory

pytestmark = pytest.mark.django_db


def count(level: str) -> int:
    return Territory.objects.filter(level=level, obsolete=False).count()


def test_shipped_data_counts():
    assert count(Level.COUNTRY) == 1
    assert count(Level.REGION) == 18
    assert count(Level.OVERSEAS_COLLECTIVITY) == 8
    assert count(Level.DEPARTEMENT) == 101
    assert 1200 <= count(Level.EPCI) <= 1300
    assert 34_000 <= count(Level.COMMUNE) <= 36_000
    assert count(Level.DELEGATED_COMMUNE) > 2000
    assert count(Level.ASSOCIATED_COMMUNE) > 400
    assert count(Level.MUNICIPAL_DISTRICT) == 45
    assert PostalCode.objects.count() > 30_000
    assert LoadedDataset.objects.get(name="territories").version.endswith("6.0.0")


def test_com_loaded_once_under_france():
    spm = Territory.objects.get(code="975")
    assert spm.level == Level.OVERSEAS_COLLECTIVITY
    assert spm.parent.code == "FR"
    commune = Territory.objects.get(level=Level.COMMUNE, code="97502")
    assert commune.parent_id == spm.pk and commune.region_id is None


def test_containment_of_a_commune_chain():
    besancon = Territory.objects.get(level=Level.COMMUNE, code="25056")
    assert besancon.siren == "212500565"
    assert besancon.population > 100_000
    assert besancon.departement.code == "25"
    assert besancon.region.code == "27"
    assert besancon.epci.level == Level.EPCI
    assert besancon.parent_id == besancon.epci_id
    assert besancon.epci.parent_id == besancon.departement_id
    assert besancon.departement.parent_id == besancon.region_id
    assert besancon.region.parent.code == "FR"
    assert besancon.region.region_id == besancon.region_id  # a région is its own région
    assert besancon.departement.departement_id == besancon.departement_id
    assert list(besancon.postcodes.values_list("code", flat=True)) == ["25000"]


def test_every_current_territory_has_its_containment():
    communes = Territory.objects.filter(level=Level.COMMUNE, obsolete=False)
    assert not communes.filter(parent__isnull=True).exists()
    assert not communes.exclude(zone="com").filter(departement__isnull=True).exists()
    assert not communes.exclude(zone="com").filter(region__isnull=True).exists()
    # Only four island communes belong to no EPCI.
    assert communes.exclude(zone="com").filter(epci__isnull=True).count() == 4
    delegated = Territory.objects.filter(level=Level.DELEGATED_COMMUNE)
    assert not delegated.exclude(parent__level=Level.COMMUNE).exists()
    assert Territory.objects.get(level=Level.DEPARTEMENT, code="25").population > 500_000


def test_second_run_changes_nothing():
    before = dict(Territory.objects.values_list("id", "source_digest"))
    postcodes = PostalCode.objects.count()
    report = load_territories()
    assert report.created == report.updated == report.obsoleted == 0
    assert report.postcodes_added == report.postcodes_removed == 0
    assert not report.changed
    assert report.unchanged == len(before)
    assert dict(Territory.objects.values_list("id", "source_digest")) == before
    assert PostalCode.objects.count() == postcodes


def test_changed_source_updates_in_place_and_missing_becomes_obsolete(small_data):
    load_territories(small_data)
    rennes = Territory.objects.get(level=Level.COMMUNE, code="35238")
    rows = {k: [dict(r) for r in v] for k, v in ROWS.items()}
    rows["communes.csv"][2]["name"] = "Rennes-la-Nouvelle"
    rows["communes.csv"][2]["postcodes"] = "35000"
    del rows["communes.csv"][1]  # Beure leaves the source
    write_files(small_data, rows)
    report = load_territories(small_data)
    # Rennes, and the populations (sums of communes) of Doubs, its région and France.
    assert report.updated == 4 and report.created == 0 and report.obsoleted == 1
    renamed = Territory.objects.get(level=Level.COMMUNE, code="35238")
    assert renamed.pk == rennes.pk
    assert renamed.name == "Rennes-la-Nouvelle" and renamed.search_name == "rennes la nouvelle"
    assert list(renamed.postcodes.values_list("code", flat=True)) == ["35000"]
    beure = Territory.objects.get(level=Level.COMMUNE, code="25047")
    assert beure.obsolete  # kept, never deleted
    again = load_territories(small_data)
    assert not again.changed
    # Back in the source: no longer obsolete.
    write_files(small_data, ROWS)
    load_territories(small_data)
    assert not Territory.objects.get(level=Level.COMMUNE, code="25047").obsolete


def test_delegated_commune_follows_its_current_commune(small_data):
    load_territories(small_data)
    old = Territory.objects.get(level=Level.DELEGATED_COMMUNE, code="35001")
    assert old.parent.code == "35238"
    assert old.departement.code == "35" and old.epci.code == "243500139"


@pytest.mark.parametrize(
    ("name", "line", "change"),
    [
        ("communes.csv", 3, lambda rows: rows["communes.csv"][1].update(population="beaucoup")),
        ("communes.csv", 2, lambda rows: rows["communes.csv"][0].update(departement="99")),
        ("epci.csv", 3, lambda rows: rows["epci.csv"][1].update(code="12")),
        ("departements.csv", 3, lambda rows: rows["departements.csv"][1].update(region="00")),
        ("communes.csv", 6, lambda rows: rows["communes.csv"][4].update(postcodes="9750")),
    ],
)
def test_corrupt_file_names_file_and_line_and_changes_nothing(small_data, name, line, change):
    before = dict(Territory.objects.values_list("id", "source_digest"))
    rows = {k: [dict(r) for r in v] for k, v in ROWS.items()}
    change(rows)
    write_files(small_data, rows)
    with pytest.raises(DataFileError) as raised:
        load_territories(small_data)
    assert raised.value.path.endswith(name)
    assert raised.value.line == line
    assert f"ligne {line}" in str(raised.value)
    assert dict(Territory.objects.values_list("id", "source_digest")) == before


def test_broken_csv_and_missing_file(small_data):
    path = small_data / "epci.csv"
    path.write_text(path.read_text() + "123456789,Trop,CC,1,de colonnes\n")
    with pytest.raises(DataFileError) as raised:
        call_command("populate_territories", "--data-dir", str(small_data), verbosity=0)
    assert raised.value.line == 4
    (small_data / "regions.csv").unlink()
    with pytest.raises(DataFileError) as raised:
        load_territories(small_data)
    assert raised.value.path.endswith("regions.csv") and raised.value.line is None


def test_failure_midway_rolls_back(small_data, monkeypatch):
    """A failure after some writes leaves the database as it was (one transaction)."""
    from alliances.territories import loader

    before = Territory.objects.count()

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "_sync_postcodes", explode)
    rows = {k: [dict(r) for r in v] for k, v in ROWS.items()}
    rows["communes.csv"].append(dict(rows["communes.csv"][1], code="25999", name="Nouvelle"))
    write_files(small_data, rows)
    with pytest.raises(RuntimeError):
        load_territories(small_data)
    assert Territory.objects.count() == before
    assert not Territory.objects.filter(code="25999").exists()


def test_command_prints_a_summary(small_data, capsys):
    call_command("populate_territories", "--data-dir", str(small_data), verbosity=1)
    assert "created" in capsys.readouterr().out
