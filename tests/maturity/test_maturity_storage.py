"""Referential versions in the database: loading, validation, history, activation."""

import pytest
from django.core.management import call_command
from maturity_helpers import DATA, shipped_text

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.maturity import engine
from alliances.maturity.models import Diagnosis, ReferentialVersion
from alliances.maturity.services import VersionInUse, install_referential

pytestmark = pytest.mark.django_db


def test_setup_loaded_both_referentials_active():
    active = ReferentialVersion.objects.active()
    assert {v.key for v in active} == {"organisation", "territoire"}
    assert {v.target for v in active} == {"organisation", "territory"}
    dataset = LoadedDataset.objects.get(name="maturity")
    assert "organisation v2" in dataset.version and dataset.rows == 61


def test_load_is_idempotent():
    before = list(ReferentialVersion.objects.values_list("pk", "checksum", "active"))
    call_command("load_maturity", verbosity=0)
    after = list(ReferentialVersion.objects.values_list("pk", "checksum", "active"))
    assert before == after


def test_new_version_becomes_active_and_old_one_is_kept():
    text = shipped_text("organisation").replace("version: 2", "version: 3", 1)
    installed = install_referential(text, source="test")
    assert installed.status == "created"
    versions = ReferentialVersion.objects.filter(key="organisation")
    assert [(v.version, v.active) for v in versions] == [(3, True), (2, False)]


def test_referential_with_error_is_refused_and_previous_stays_active():
    previous = ReferentialVersion.objects.get(key="organisation", active=True)
    text = (
        shipped_text("organisation")
        .replace("version: 2", "version: 3", 1)
        .replace("thresholds: [20, 50, 80]", "thresholds: [20, 80, 50]")
    )
    with pytest.raises(engine.ReferentialError) as error:
        install_referential(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "thresholds: [20, 80, 50]" in t)
    assert error.value.problems[0].line == line
    assert "croître strictement" in str(error.value)
    assert ReferentialVersion.objects.get(key="organisation", active=True) == previous
    assert not ReferentialVersion.objects.filter(key="organisation", version=3).exists()


def test_broken_shipped_file_stops_the_load_with_line(tmp_path):
    previous = list(ReferentialVersion.objects.values_list("pk", "version", "active"))
    (tmp_path / "organisation.yaml").write_text(
        shipped_text("organisation").replace("version: 2", "version: 4", 1)
    )
    broken = shipped_text("territoire").replace("version: 2", "version: 4", 1)
    broken = broken.replace("axis: evaluation\n", "axis: evalution\n", 1)
    (tmp_path / "territoire.yaml").write_text(broken)
    with pytest.raises(DataFileError) as error:
        call_command("load_maturity", path=tmp_path, verbosity=0)
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if "axis: evalution" in t)
    assert error.value.line == line
    assert "territoire.yaml" in str(error.value) and "evalution" in str(error.value)
    # one transaction: the valid organisation v3 was not kept either
    assert list(ReferentialVersion.objects.values_list("pk", "version", "active")) == previous


def test_changed_version_used_by_diagnoses_is_refused():
    version = ReferentialVersion.objects.get(key="organisation", active=True)
    Diagnosis.objects.create(referential=version, profile="association")
    text = shipped_text("organisation").replace("Maturité partenariale", "Maturité", 1)
    with pytest.raises(VersionInUse):
        install_referential(text)


def test_shipped_folder_has_sources():
    assert (DATA / "SOURCES.md").exists()
