"""The library's search reads text as the search of alliances does (issue 16): acronyms and
synonyms, typos from the library's own words, relaxation, relevance first; the API says
how it read the text."""

import pytest
from django.http import QueryDict

from alliances.common import vectors, vocabulary
from alliances.library import search
from alliances.library.search import OWNER, index_resources

pytestmark = pytest.mark.usefixtures("library")


@pytest.fixture(autouse=True)
def words(db):
    vectors.forget()
    index_resources(None)  # the vocabulary (and, semantic part on, the vectors)
    yield
    vectors.forget()


def run(qs: str):
    query, known = search.parse(QueryDict(qs))
    return search.run(query, known)


def slugs(result) -> list[str]:
    return [r.slug for r in result.items]


def test_an_acronym_and_its_expansion_find_the_same_resources():
    short = run("q=PTCE")
    long = run("q=pôles territoriaux de coopération économique")
    assert "labo-ess-ptce-2014" in slugs(short)
    assert set(slugs(short)) == set(slugs(long))
    assert short.reading.synonyms[0][1] == "PTCE"


def test_an_english_name_of_a_french_notion_finds_it():
    assert "pro-bono-co-open-source" in slugs(run("q=mécénat de compétences"))
    assert "pro-bono-co-open-source" in slugs(run("q=skills-based volunteering"))


def test_a_misspelt_word_is_corrected_from_the_library_words():
    result = run("q=partnring toolbook")
    assert result.reading.corrections[0] == ("partnring", "partnering")
    assert slugs(result)[0] == "tpi-partnering-toolbook"
    assert any("vous avez tapé" in m for m in result.reading.messages())


def test_no_resource_with_every_word_gives_the_closest():
    result = run("q=évaluation licornes")
    assert result.reading.relaxed and result.count > 0
    assert "rameau-evaluation-partenariale-en-pratique" in slugs(result)


def test_text_sorts_by_relevance_and_says_so_in_the_links():
    result = run("q=évaluation partenariale")
    assert result.query.sort == "relevance"
    assert slugs(result)[0] in {
        "rameau-evaluation-partenariale-en-pratique",
        "rameau-referentiel-evaluation-utilite-societale-2015",
        "rameau-construire-ensemble-evaluation-partenariats-2015",
    }
    assert ("sort", "relevance") not in result.query.to_params()
    assert run("q=").query.sort == "title"


def test_a_saved_resource_brings_its_words(db):
    resource = search.Resource.objects.first()
    resource.summary_fr += " Covoiturage exemplaire."
    resource.save()
    assert vocabulary.vocabulary(OWNER).knows("covoiturage")


def test_the_api_says_how_it_read_the_text(client):
    data = client.get("/api/v1/resources", {"q": "partnring PTCE"}).json()
    assert data["reading"]["corrections"] == [{"typed": "partnring", "corrected": "partnering"}]
    assert data["reading"]["synonyms"][0]["label"] == "PTCE"
    assert data["reading"]["semantic"] in (True, False)
    assert client.get("/ressources/", {"q": "😀 " * 50}).status_code == 200
