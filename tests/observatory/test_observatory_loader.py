"""The shipped data: counts, flags, territories, idempotence, atomicity."""

import shutil

import pytest
from django.core.management import call_command

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.observatory.loader import DATA_DIR, load
from alliances.observatory.models import Figure, Fragility, Indicator, Population, Programme


def test_every_figure_is_shipped(loaded):
    assert Figure.objects.filter(obsolete=False).count() == 114
    assert not Figure.objects.filter(source_url="").exists()
    assert Figure.objects.filter(territory__isnull=True).count() == 0
    assert Fragility.objects.count() == 40
    assert LoadedDataset.objects.get(name="observatory").rows == 114
    assert {p.key for p in Programme.objects.all()} >= {
        "arpea",
        "phare",
        "impact",
        "impacts-trajectoires",
    }


def test_loader_is_idempotent(loaded):
    before = list(Figure.objects.values_list("key", "updated_at").order_by("key"))
    report = load()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 114)
    after = list(Figure.objects.values_list("key", "updated_at").order_by("key"))
    assert before == after


def test_the_command_runs_twice(territories):
    call_command("load_observatory", verbosity=0)
    call_command("load_observatory", verbosity=0)
    assert Figure.objects.count() == 114


def test_approximate_years_and_lower_bounds_are_flagged(loaded):
    assert Figure.objects.get(key="obs-2015-entreprises10").approximate_year
    assert Figure.objects.get(key="obs-cvl-maires").approximate_year  # sibling of a flagged row
    assert not Figure.objects.get(key="obs-2008-citoyens").approximate_year
    phare = Figure.objects.get(key="obs-2015-citoyens-share-rating-the-imp")
    assert phare.n == 2000 and phare.n_is_lower_bound
    exact = Figure.objects.get(key="obs-2024-maires-et-adjoints-share-saying-their-t")
    assert exact.n == 302 and not exact.n_is_lower_bound


def test_scopes_resolve_to_territories(loaded):
    paca = Figure.objects.get(key="obs-2015-citoyens-share-citing-living-")
    assert paca.territory.code == "93"
    assert [t.code for t in paca.extra_territories.all()] == ["94"]
    assert Figure.objects.get(key="obs-2015-citoyens-share-citing-securit").territory.code == "84"
    assert Figure.objects.get(key="obs-2008-citoyens").territory.code == "FR"


def test_indicators_group_wordings_and_are_bilingual(loaded):
    innovation = Indicator.objects.get(key="partenariats-source-innovation")
    assert innovation.figures.values("population").distinct().count() == 4
    assert innovation.statement_en == "say partnerships drive innovation"
    assert all(i.statement_fr for i in Indicator.objects.all())
    assert Population.objects.get(key="citoyens").label_en == "Citizens"


def test_edit_survives_unchanged_source(loaded):
    Population.objects.filter(key="maires").update(label_fr="Maires (modifié)")
    load()
    assert Population.objects.get(key="maires").label_fr == "Maires (modifié)"


def test_corrupt_file_leaves_database_as_it_was(loaded, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "observatoire_chiffres.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",84,", ",184,")  # value out of 0-100 on line 6
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load(data)
    assert error.value.line == 6
    assert Figure.objects.filter(obsolete=False).count() == 114


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError):
        load(tmp_path)
