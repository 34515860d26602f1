"""An alliance at work in places apart (issue 19, item 2): one main territory, other territories
beside it; the search (containment included), the facet counts, the sheets, the page, the API,
the exports and the importer all follow."""

import json

import pytest

from alliances.base import exports
from alliances.base.importing import importer
from alliances.base.importing.readers import read_table
from alliances.base.models import Alliance
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.sheets.content import subject_alliances, subject_ids
from alliances.sheets.subjects import Subject
from alliances.territories.models import Territory

pytestmark = pytest.mark.django_db


def place(level: str, code: str) -> Territory:
    return Territory.objects.get(level=level, code=code)


@pytest.fixture
def two_cities() -> Alliance:
    alliance = Alliance.objects.create(
        kind="alliance",
        title="Cuisines partagées des deux ports",
        slug="cuisines-deux-ports",
        status="published",
        territory=place("commune", "75056"),
    )
    alliance.other_territories.add(place("commune", "13055"))  # Marseille
    return alliance


def found(**params: str) -> set[int]:
    query, _notices = parse_query({"q": "cuisines partagées deux ports", **params})
    return {hit.id for hit in run_search(query, with_facets=False).alliances}


def test_the_search_finds_it_from_each_place_containment_included(two_cities):
    for value in ("commune:75056", "commune:13055", "departement:13", "region:93", "region:11"):
        assert two_cities.pk in found(territory=value), value
    assert two_cities.pk not in found(territory="region:84")


def test_the_region_facet_counts_it_in_both_regions(two_cities):
    query, _notices = parse_query({"q": "cuisines partagées deux ports"})
    counts = {v.value: v.count for v in run_search(query).facets["region"]}
    assert counts.get("region:11") == 1 and counts.get("region:93") == 1


def test_a_change_of_its_other_territories_is_searchable_at_once(two_cities):
    two_cities.other_territories.add(place("commune", "69123"))  # Lyon
    assert two_cities.pk in found(territory="departement:69")
    two_cities.other_territories.remove(place("commune", "13055"))
    assert two_cities.pk not in found(territory="departement:13")


def test_the_sheets_of_its_regions_and_departements_count_it(two_cities):
    for level, code in (("region", "93"), ("departement", "13"), ("region", "11")):
        subject = Subject(level, code, "", place(level, code))
        assert two_cities.pk in subject_ids(subject), (level, code)
        assert subject_alliances(subject).filter(pk=two_cities.pk).count() == 1


def test_its_page_and_api_name_every_place(client_fr, two_cities):
    page = client_fr.get(f"/alliances/{two_cities.slug}/").content.decode()
    assert "Autres territoires" in page and "Marseille" in page
    detail = client_fr.get(f"/api/v1/alliances/{two_cities.slug}").json()
    assert detail["territory"]["code"] == "75056"
    assert detail["other_territories"] == [
        {"level": "commune", "code": "13055", "name": "Marseille"}
    ]


def test_a_cell_naming_several_places_gives_the_main_one_and_the_others():
    lines = [
        {"title": "Deux villes", "kind": "alliance", "territory": "Paris et Marseille"},
        {"title": "Codes", "kind": "alliance", "territory": "commune:75056 ; departement:13"},
        {
            "title": "Colonne",
            "kind": "alliance",
            "territory": "commune:75056",
            "other_territories": "commune:13055 | commune:69123",
        },
        {"title": "Sans principal", "kind": "alliance", "other_territories": "commune:13055"},
        {
            "title": "Inconnu",
            "kind": "alliance",
            "territory": "75056",
            "other_territories": "99999",
        },
    ]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode()
    report = importer.run(read_table(data, "f.jsonl"), keep_valid=True)
    problems = {(p.row, p.column) for p in report.problems}
    assert problems == {(4, "other_territories"), (5, "other_territories")}
    by_title = {a.title: a for a in Alliance.objects.filter(title__in=[r["title"] for r in lines])}
    assert set(by_title) == {"Deux villes", "Codes", "Colonne"}
    codes = {
        title: (a.territory.code, sorted(t.code for t in a.other_territories.all()))
        for title, a in by_title.items()
    }
    assert codes == {
        "Deux villes": ("75056", ["13055"]),
        "Codes": ("75056", ["13"]),
        "Colonne": ("75056", ["13055", "69123"]),
    }


def test_the_export_carries_them_and_imports_again(two_cities):
    row = next(exports.rows([two_cities.pk]))
    assert row["territory"] == "commune:75056"
    assert row["other_territories"] == ["commune:13055"]
    two_cities.delete()
    line = {k: row[k] for k in ("title", "kind", "territory", "other_territories")}
    line["other_territories"] = " | ".join(line["other_territories"])
    report = importer.run(read_table((json.dumps(line) + "\n").encode(), "f.jsonl"))
    assert report.ok, report.problems
    again = Alliance.objects.get(title=row["title"])
    assert [t.code for t in again.other_territories.all()] == ["13055"]
