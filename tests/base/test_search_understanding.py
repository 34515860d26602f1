"""The search reads what people type (issue 16): places, acronyms, typos, relaxation,
meaning; the same reading through the page, the API and saved searches. Run both ways:
semantic part off and on (`semantic` fixture)."""

from urllib.parse import parse_qs

import pytest
from base_search_fixtures import World, build_world

from alliances.base.search import places
from alliances.base.search.executor import run_search, search_count, search_queryset
from alliances.base.search.query import parse_query
from alliances.base.search.service import search_request
from alliances.common import vectors

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["semantic off", "semantic on"])
def semantic(request, settings) -> bool:
    on = request.param == "semantic on"
    settings.ALLIANCES_SEARCH_SEMANTIC = on
    vectors.forget()
    yield on
    vectors.forget()


@pytest.fixture
def world(semantic) -> World:
    return build_world()


def search(params: dict):
    query, _notices = parse_query(params)
    return run_search(query)


def ids(hits) -> set[int]:
    return {h.pk for h in hits}


# -- places ---------------------------------------------------------------------------------------
def test_a_town_name_lists_its_alliances_then_those_covering_it(world):
    result = search({"q": "Besançon"})
    assert ids(result.alliances) == world.ids("emploi")
    assert [m.label for m in result.reading.places] == ["Besançon (25)"]
    notes = {h.pk: h.note for h in result.covering}
    assert notes[world.alliances["pole"].pk] == "à l'échelle du département"
    assert notes[world.alliances["national"].pk] == "nationale"
    assert world.alliances["mobilite"].pk in notes  # its intercommunalité


def test_a_departement_number_and_name_are_the_departement(world):
    for text in ("25", "Doubs", "département du Doubs"):
        result = search({"q": text})
        assert ids(result.alliances) == world.ids("emploi", "pole", "mobilite"), text
        assert result.reading.items == [], text


def test_a_former_region_stands_for_its_departements(world):
    result = search({"q": "Franche-Comté"})
    assert ids(result.alliances) == world.ids("emploi", "pole", "mobilite")
    assert "25" in result.reading.places[0].label


def test_place_and_topic_together(world):
    result = search({"q": "ateliers Rennes"})
    first = {h.pk for h in result.alliances[:2]}  # neighbours in meaning may follow
    assert first == world.ids("numerique_titre", "numerique_desc")
    assert {h.territory["code"] for h in result.alliances} == {"35238"}
    assert [t.word for t in result.reading.terms] == ["ateliers"]


def test_few_results_bring_the_nearest_departements(world):
    result = search({"q": "Côtes-d'Armor"})  # nothing there; Rennes is next door
    assert result.count == 0
    near = {h.pk: h for h in result.nearby}
    assert world.ids("numerique_titre") <= set(near)
    assert "km" in near[world.alliances["numerique_titre"].pk].note
    assert world.alliances["sante"].pk in ids(result.covering)  # région Bretagne


def test_the_place_chip_removes_the_place_words_only(world):
    result = search({"q": "ateliers Rennes"})
    chip = result.chips()[0]
    assert (chip.label, chip.value) == ("Lieu", "Rennes (35)")
    assert parse_qs(chip.remove) == {"q": ["ateliers"]}


def test_a_name_several_places_share_offers_each(world):
    result = search({"q": "Saint-Denis"})
    labels = [c.label for c in result.place_choices]
    assert "Saint-Denis (93)" in labels and "Saint-Denis (974)" in labels
    chosen = next(c for c in result.place_choices if c.label == "Saint-Denis (93)")
    assert parse_qs(chosen.querystring) == {"territory": ["commune:93066"]}


def test_common_words_and_numbers_after_odd_stay_words(world):
    for text in ("mer", "ODD 17", "jardin partagé", "fondation orange"):
        assert search({"q": text}).reading.places == [], text
    assert search({"q": "à Sens"}).reading.places[0].label == "Sens (89)"


def test_exact_searches_the_words_as_typed(world):
    result = search({"q": "Rennes", "exact": "1"})
    assert result.reading.places == []
    assert "exact=1" in result.query.to_querystring()


# -- synonyms, typos, relaxation -------------------------------------------------------------------
def test_an_acronym_and_its_expansion_find_the_same_alliances(world):
    short = search({"q": "ESS"})
    long = search({"q": "économie sociale et solidaire"})
    assert world.alliances["pole"].pk in ids(short.alliances)
    assert [h.pk for h in short.alliances] == [h.pk for h in long.alliances]
    assert short.reading.synonyms[0].key == "ess"


def test_a_misspelt_word_is_corrected_with_results(world):
    result = search({"q": "ateliesr"})
    [correction] = result.reading.corrections
    assert correction.typed == "ateliesr" and correction.corrected in ("atelier", "ateliers")
    assert {h.pk for h in result.alliances[:2]} == world.ids("numerique_titre", "numerique_desc")
    typed = search({"q": "ateliesr", "exact": "1"})
    assert typed.count == 0 and typed.reading.corrections == []


def test_no_alliance_with_every_word_gives_the_closest(world):
    result = search_request({"q": ["ateliers football"]}, None)
    assert result.reading.relaxed
    assert world.ids("numerique_titre", "numerique_desc") <= ids(result.alliances)
    assert "Aucun exemple ne contient tous les mots ; voici les plus proches." in result.notices


# -- meaning ---------------------------------------------------------------------------------------
def test_meaning_finds_an_alliance_that_shares_no_word(world, semantic):
    result = search({"q": "doctors' surgeries funded by charities"})
    assert result.reading.semantic is semantic
    assert result.reading.corrections == []  # English is not "corrected" into French
    if semantic:
        assert result.alliances[0].pk == world.alliances["sante"].pk
    else:
        assert result.count == 0


# -- every surface reads the same -------------------------------------------------------------
def test_saved_searches_and_alerts_read_places_and_synonyms(world):
    query, _notices = parse_query({"q": "ESS Doubs"})
    found = set(search_queryset(query).values_list("pk", flat=True))
    assert world.ids("pole") <= found <= world.ids("pole", "emploi", "mobilite")  # all in Doubs
    assert search_count(query) == len(found)


def test_the_api_says_how_it_read_the_text(world, client):
    data = client.get("/api/v1/alliances", {"q": "ESS Dubs ateliesr"}).json()
    reading = data["reading"]
    assert reading["synonyms"][0]["key"] == "ess"
    corrected = {c["typed"]: c["corrected"] for c in reading["corrections"]}
    assert corrected["Dubs"] == "doubs" and corrected["ateliesr"] in ("atelier", "ateliers")
    assert reading["places"][0]["label"] == "Doubs (25)"  # the corrected word is a place
    assert reading["semantic"] in (True, False) and reading["exact"] is False
    place = client.get("/api/v1/alliances", {"q": "Doubs"}).json()["reading"]["places"]
    assert place == [{"typed": "Doubs", "label": "Doubs (25)", "territories": ["departement:25"]}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("les des", "trop courants"),
        ("😀🙂", "ni lettre ni chiffre"),
        ("x" * 3000, "trop long"),
        ("قرية", ""),
        ("社区 合作", ""),
        ("XQZW", ""),
        ("Trifouillis-les-Oies", ""),
        ("Doubs", ""),
        ("ESS " * 400, ""),
    ],
)
def test_bad_input_answers_200_with_results_or_a_message(world, client, text, message):
    for path in ("/api/v1/alliances", "/alliances/"):
        response = client.get(path, {"q": text})
        assert response.status_code == 200, (path, text)
    data = client.get("/api/v1/alliances", {"q": text}).json()
    if message:
        assert any(message in notice for notice in data["notices"]), data["notices"]
    else:
        assert (
            data["count"]
            or data.get("covering")
            or data.get("nearby")
            or data["notices"]
            or (data["count"] == 0)
        )


def test_the_gazetteer_follows_the_territories(world):
    gazetteer = places.gazetteer()
    assert "besancon" in gazetteer.names
    assert places.read_places(["75011"])[0].label == "Paris (75)"
