"""The shipped data: counts, flags, territories, one figure per measurement with every source,
subgroups, idempotence, atomicity."""

import shutil

import pytest
from django.core.management import call_command

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.observatory.loader import DATA_DIR, load
from alliances.observatory.models import (
    Figure,
    FigureSource,
    Fragility,
    Indicator,
    Population,
    Programme,
)

SUBGROUP_ROW = (
    "associatifs (budget > 150 k€),France,Share of larger associations "
    "(budget above 150k EUR) partnering with a company,50,,1380"
)
FIGURES = 113  # 142 rows: 29 of them are further sources of a figure (same_as)


def test_every_figure_is_shipped(loaded):
    assert Figure.objects.filter(obsolete=False).count() == FIGURES
    assert not Figure.objects.filter(source_url="").exists()
    assert Figure.objects.filter(territory__isnull=True).count() == 0
    assert Fragility.objects.count() == 40
    assert LoadedDataset.objects.get(name="observatory").rows == FIGURES
    assert FigureSource.objects.count() == 142
    assert {p.key for p in Programme.objects.all()} >= {
        "arpea",
        "phare",
        "impact",
        "impacts-trajectoires",
    }


def test_loader_is_idempotent(loaded):
    before = list(Figure.objects.values_list("key", "updated_at").order_by("key"))
    report = load()
    assert (report.created, report.updated, report.unchanged) == (0, 0, FIGURES)
    after = list(Figure.objects.values_list("key", "updated_at").order_by("key"))
    assert before == after


def test_the_command_runs_twice(territories):
    call_command("load_observatory", verbosity=0)
    call_command("load_observatory", verbosity=0)
    assert Figure.objects.count() == FIGURES


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


def test_the_overseas_rate_counts_for_the_five_overseas_regions(loaded):
    """One rate for the overseas territories together (the source says « Drom Tom »): shown
    for each of the five overseas régions under the scope's own name, never as their own."""
    figure = Figure.objects.get(key="obs-2023-entreprises-mecenes-outre-mer")
    codes = [figure.territory.code, *(t.code for t in figure.extra_territories.all())]
    assert sorted(codes) == ["01", "02", "03", "04", "06"]
    assert figure.scope_fr.startswith("outre-mer") and "Drom Tom" in figure.scope_fr
    assert figure.indicator.key == "entreprises-mecenes" and figure.approximate_year


def test_indicators_group_wordings_and_are_bilingual(loaded):
    innovation = Indicator.objects.get(key="partenariats-source-innovation")
    assert innovation.figures.values("population").distinct().count() == 4
    assert innovation.statement_en == "say partnerships are a source of innovation"
    assert innovation.label_fr == "Partenariats, source d'innovation"
    indicators = Indicator.objects.all()
    assert all(i.statement_fr and i.statement_en and i.label_fr and i.label_en for i in indicators)
    # Short titles are unique in each language (a truncated statement made duplicates).
    assert len({i.label_fr for i in indicators}) == len({i.label_en for i in indicators}) == 59
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
    first = next(i for i, line in enumerate(lines) if line.startswith("obs-2008-citoyens,"))
    second = next(i for i, line in enumerate(lines) if line.startswith("obs-2013-citoyens,"))
    lines[first] = lines[first].replace(",86,", ",186,")  # value out of 0-100
    lines[second] = lines[second].replace(",citoyens,", ",lecteurs,")  # unknown population
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load(data)
    assert error.value.line == first + 1
    where = [(p.line, p.field) for p in error.value.problems]
    assert where == [(first + 1, "value_pct"), (second + 1, "population")]
    assert "nombre entre 0 et 100 attendu" in str(error.value)
    assert Figure.objects.filter(obsolete=False).count() == FIGURES


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError):
        load(tmp_path)


def test_one_measurement_is_one_figure_with_every_source(loaded):
    """The 2024 91 % was twice (with and without n = 302): one figure, with its n."""
    elus = Figure.objects.filter(
        indicator__key="territoire-en-mouvement-transitions", year=2024, obsolete=False
    )
    assert elus.count() == 1 and elus.get().n == 302
    assert not Figure.objects.filter(key="obs-2024-elus", obsolete=False).exists()
    types = Figure.objects.get(key="obs-2015-associations-en-pa-share-of-association")
    urls = list(types.sources.values_list("url", flat=True))
    assert urls[0].startswith("http://www.lerameau.fr/phare-associations")  # the publisher
    assert any("dokumen.tips" in u for u in urls) and any("coursera" in u for u in urls)
    assert not Figure.objects.filter(key="obs-2015-type-mecenat", obsolete=False).exists()
    # Two sources date the 84 % of 2012/2013 differently: one figure, the year approximate.
    citizens = Figure.objects.get(key="obs-2012-citoyens-share-of-french-peop")
    assert citizens.approximate_year
    assert sorted(citizens.sources.values_list("year", flat=True)) == [2012, 2013]


def test_subgroups_never_carry_the_whole_sample_n(loaded):
    larger = Figure.objects.get(key="obs-2017-responsables-assoc-share-of-larger-asso")
    assert larger.population.subgroup_of.key == "responsables-associatifs"
    assert larger.n is None and larger.sample_total == 1380
    assert "sous-groupe non publié" in larger.note_fr


def test_scopes_are_named_as_pages_show_them(loaded):
    paca = Figure.objects.get(key="obs-2015-citoyens-share-citing-living-")
    assert (paca.scope_fr, paca.scope_en) == ("PACA + Corse", "PACA + Corsica")
    former = Figure.objects.get(key="obs-2015-citoyens-share-citing-securit")
    assert former.scope_fr == "ancienne région Rhône-Alpes"
    assert Figure.objects.get(key="obs-2019-habitants-share-of-inhabitants").scope_fr == (
        "Occitanie"
    )
    assert Figure.objects.get(key="obs-2008-citoyens").scope_fr == "France entière"


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        # a second row of the same measurement without same_as
        (
            lambda r: r.replace(
                "obs-2015-type-mecenat,obs-2015-associations-en-pa-share-of-association,",
                "obs-2015-type-mecenat,,",
            ),
            "same_as",
            "même mesure",
        ),
        # a subgroup given the whole sample's n
        (
            lambda r: r.replace(SUBGROUP_ROW, SUBGROUP_ROW.replace(",50,,1380", ",50,1380,1380")),
            "sample_size",
            "sous-groupe",
        ),
        # a further source of a figure that does not exist
        (
            lambda r: r.replace(",obs-2016-maires-innovation,", ",obs-inconnu,"),
            "same_as",
            "n'est pas un chiffre",
        ),
    ],
)
def test_figures_that_would_lie_are_refused(loaded, tmp_path, change, column, message):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "observatoire_chiffres.csv"
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load(data)
    assert any(p.field == column and message in p.message for p in error.value.problems)
