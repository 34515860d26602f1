"""The data shipped with the platform tells the truth (issue 15, "Done when"): every example
has a source, a resolved territory and two partners with profiles; every figure has a source,
is there once, and a subgroup's interval uses the subgroup's n. Each check is shown to fail on
a faulty row before it is run on the shipped data."""

from pathlib import Path

import pytest

from alliances.base.management.commands import load_alliances
from alliances.common.datasets import Record
from alliances.observatory.audit import FigureFacts, figure_faults
from alliances.observatory.figures import published_figures

pytestmark = pytest.mark.django_db


def facts(figure) -> FigureFacts:
    codes = [figure.territory.code] if figure.territory_id else []
    codes += [t.code for t in figure.extra_territories.all()]
    return FigureFacts(
        key=figure.key,
        indicator=figure.indicator.key,
        population=figure.population.key,
        scope=tuple(codes),
        year=figure.year,
        value=float(figure.value),
        sources=tuple([figure.source_url, *(s.url for s in figure.sources.all())]),
        n=figure.n,
        subgroup=figure.population.subgroup_of_id is not None,
        sample_total=figure.sample_total,
    )


GOOD = FigureFacts("a", "ind", "pop", ("FR",), 2015, 69.0, ("https://x.fr/",), n=2000)


@pytest.mark.parametrize(
    ("figures", "fault"),
    [
        ([GOOD, FigureFacts("b", "ind", "pop", ("FR",), 2016, 70.0, ("",))], "sans source"),
        ([GOOD, FigureFacts("b", "ind", "pop", ("FR",), 2015, 69.0, ("https://y.fr/",))], "double"),
        (
            [FigureFacts("s", "ind", "sub", ("FR",), 2017, 50.0, ("https://x.fr/",), 1380, True)],
            "sous-groupe",
        ),
        (
            [
                FigureFacts(
                    "s", "ind", "sub", ("FR",), 2017, 50.0, ("https://x.fr/",), 1380, True, 1380
                )
            ],
            "sous-groupe",
        ),
    ],
)
def test_the_figure_checks_catch_each_fault(figures, fault):
    found = figure_faults(figures)
    assert len(found) == 1 and fault in found[0]
    assert figure_faults([GOOD]) == []
    subgroup_n = FigureFacts(
        "s", "ind", "sub", ("FR",), 2017, 50.0, ("https://x",), 400, True, 1380
    )
    assert figure_faults([subgroup_n]) == []  # the subgroup's own n is fine


def test_every_shipped_figure_passes():
    figures = published_figures().prefetch_related("extra_territories")
    assert figures.count() > 90
    assert figure_faults(facts(f) for f in figures) == []


def test_the_example_checks_catch_each_fault():
    good = {
        "id": "ok",
        "source_url": "https://exemple.fr/",
        "territory": "Rodez, Aveyron, Occitanie",
        "partners": [
            {"name": "A", "profile": "association"},
            {"name": "B", "profile": "entreprise"},
        ],
    }
    rows = [
        Record(Path("examples_test.jsonl"), 1, good),
        Record(Path("examples_test.jsonl"), 2, {**good, "id": "x", "source_url": ""}),
        Record(Path("examples_test.jsonl"), 3, {**good, "id": "y", "territory": "Atlantide"}),
        Record(
            Path("examples_test.jsonl"), 4, {**good, "id": "z", "partners": good["partners"][:1]}
        ),
    ]
    faults = load_alliances.example_faults(rows)
    assert len(faults) == 3
    assert "ligne 2 (x) : pas de source" in faults[0]
    assert "ligne 3 (y) : territoire non résolu" in faults[1]
    assert "ligne 4 (z) : moins de deux partenaires" in faults[2]


def test_every_shipped_example_passes():
    """All the files: alliances_reelles.jsonl and every examples_*.jsonl beside it."""
    rows = load_alliances.read_rows(load_alliances.shipped_files())
    assert len(rows) >= 66
    assert load_alliances.example_faults(rows) == []


def test_pages_say_what_is_the_platforms_own(client):
    """Issue 15 item 6: the maturity grid, the audiences and levels of resources."""
    assert "conçue pour la plateforme Alliances" in client.get("/diagnostic/").content.decode()
    library = client.get("/ressources/").content.decode()
    assert "une appréciation de la plateforme, pas une indication de" in library


def test_no_operator_setting_on_the_public_open_data_page(client, admin_client, settings):
    """Issue 14 item 8: the IATI identifier notice is for the operator, not the public."""
    settings.ALLIANCES_IATI_ORG_REF = ""
    assert "ALLIANCES_IATI_ORG_REF" not in client.get("/donnees/").content.decode()
    assert "ALLIANCES_IATI_ORG_REF" in admin_client.get("/donnees/").content.decode()
