"""The search executor on a small known set: filters, containment, facets, text, sort."""

import pytest
from base_search_fixtures import World, build_world

from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def search(params: dict, **kw):
    query, _notices = parse_query(params)
    return run_search(query, **kw)


def ids(result) -> set[int]:
    return {a.pk for a in result.alliances}


def facet(result, name: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


def test_no_filter_lists_published_only(world):
    result = search({"page_size": "50"})
    assert ids(result) == world.ids(
        "emploi",
        "sante",
        "pole",
        "national",
        "mobilite",
        "script",
        "numerique_titre",
        "numerique_desc",
    )
    assert result.count == 8


def test_drafts_for_curators_only(world):
    assert world.alliances["brouillon"].pk not in ids(search({"q": "brouillon"}))
    staff = search({"q": "brouillon"}, include_drafts=True)
    assert ids(staff) == world.ids("brouillon")


def test_region_contains_departements_epci_and_communes(world):
    result = search({"territory": "region:27"})
    assert ids(result) == world.ids("emploi", "pole", "mobilite")


def test_departement_and_epci_containment(world):
    assert ids(search({"territory": "departement:25"})) == world.ids("emploi", "pole", "mobilite")
    assert ids(search({"territory": "epci:242500361"})) == world.ids("emploi", "mobilite")
    # A bare code of two characters is a département.
    assert ids(search({"territory": "25"})) == world.ids("emploi", "pole", "mobilite")


def test_commune_lists_covering_alliances_apart(world):
    result = search({"territory": "commune:25056"})
    assert ids(result) == world.ids("emploi")
    covering = {a.pk for a in result.covering}
    # EPCI, département and the nation cover Besançon; Bretagne does not.
    assert covering == world.ids("mobilite", "pole", "national")
    assert result.covering_count == 3


def test_values_of_one_filter_are_alternatives_filters_combine(world):
    both = search({"domain": ["sante", "education"]})
    assert ids(both) == world.ids("sante", "national", "numerique_titre", "numerique_desc")
    narrowed = search({"domain": ["sante", "education"], "type": "mecenat"})
    assert ids(narrowed) == world.ids("sante", "national")


def test_facets_count_distinct_alliances_of_multi_valued_fields(world):
    result = search({})
    # "alpha" and "solidarite" both appear in several alliances, once per alliance.
    profiles = facet(result, "profile")
    assert profiles["entreprise"] == 4  # emploi, sante, national, numerique_desc
    assert profiles["association"] == 4  # emploi, pole, mobilite, numerique_titre
    assert profiles["collectivite"] == 3  # pole, mobilite, script
    domains = facet(result, "domain")
    assert domains["environnement_climat"] == 3
    assert domains["emploi_insertion"] == 2
    # A target counts for its goal; a goal and one of its targets count the alliance once;
    # goal 17 applies to every alliance by definition (docs/sdg.md).
    sdg = facet(result, "sdg")
    assert sdg["8"] == 2 and sdg["3"] == 1 and sdg["17"] == result.count == 8
    assert facet(result, "kind") == {"alliance": 7, "catalyst": 1}
    assert facet(result, "region") == {"region:27": 3, "region:53": 4}


def test_facets_are_disjunctive(world):
    result = search({"domain": "sante", "kind": "alliance"})
    assert ids(result) == world.ids("sante")
    # The domain facet ignores the domain filter (alternatives keep their counts)...
    assert facet(result, "domain")["education"] == 3
    # ...but applies the others.
    assert "emploi_insertion" in facet(result, "domain")  # "emploi" is an alliance
    assert facet(result, "kind") == {"alliance": 1}
    selected = [v.value for v in result.facets["domain"] if v.selected]
    assert selected == ["sante"]


def test_sdg_goal_and_target(world):
    assert ids(search({"sdg": "3"})) == world.ids("sante")
    every = ids(search({"page_size": "100"}))
    # Target 17.17 and its goal apply to every alliance by definition (docs/sdg.md).
    assert ids(search({"sdg": "17.17", "page_size": "100"})) == every
    assert ids(search({"sdg": "17", "page_size": "100"})) == every


def test_profile_years_stage_organisation(world):
    assert ids(search({"profile": "fondation"})) == world.ids("sante")
    assert ids(search({"year_min": "2016", "year_max": "2019"})) == world.ids(
        "national", "script", "numerique_desc"
    )
    assert ids(search({"stage": "deploiement"})) == world.ids("sante", "pole")
    org = world.organisations["ville"].pk
    assert ids(search({"organisation": str(org)})) == world.ids("pole", "mobilite", "script")


def test_accents_stems_and_prefix(world):
    assert world.ids("emploi", "pole") <= ids(search({"q": "economie"}))
    assert world.ids("emploi", "pole") <= ids(search({"q": "ÉCONOMIE"}))
    # Stems: the plural finds the singular, and the other way round.
    assert world.ids("emploi") <= ids(search({"q": "partenariats"}))
    assert world.ids("sante") <= ids(search({"q": "partenariat"}))
    # The last word is a prefix, as one types.
    assert ids(search({"q": "mobil"})) == world.ids("mobilite")
    assert ids(search({"q": "jardin parta"})) == world.ids("script")
    # Partner names are searched too.
    assert world.ids("sante") <= ids(search({"q": "fondation sante ouest"}))


def test_title_match_ranks_first(world):
    result = search({"q": "numérique"})
    assert [a.pk for a in result.alliances] == [
        world.alliances["numerique_titre"].pk,
        world.alliances["numerique_desc"].pk,
    ]


def test_snippets_are_escaped_and_highlighted(world):
    result = search({"q": "jardin"})
    (alliance,) = result.alliances
    assert "<script>" not in alliance.title_html
    assert "&lt;script&gt;" in alliance.title_html
    assert "<mark>Jardin</mark>" in alliance.title_html
    assert "&lt;b&gt;<mark>jardin</mark>&lt;/b&gt;" in alliance.snippet
    assert "&amp;" in alliance.snippet


def test_sorting(world):
    by_date = search({"sort": "date", "page_size": "50"})
    years = [a.start_year for a in by_date.alliances]
    assert years[:3] == [2022, 2020, 2019]
    assert years[-1] is None  # no year: last
    by_title = search({"sort": "title", "page_size": "50"})
    titles = [a.title for a in by_title.alliances]
    assert titles[0].startswith("<script>")  # "<" sorts before letters
    assert titles.index("Ateliers solidaires") < titles.index("Emploi et insertion à Besançon")
    assert titles.index("Pôle territorial de coopération du Doubs") < titles.index(
        "Réseau national pour l'éducation"
    )


def test_page_past_the_end_gives_the_last_page(world):
    result = search({"page": "99", "page_size": "3", "sort": "date"})
    assert result.page == 3 and result.last_page == 3
    assert len(result.alliances) == 2


def test_unknown_values_are_ignored_with_a_notice(world):
    result = search({"domain": ["sante", "licornes"], "territory": "region:99"})
    assert ids(result) == world.ids("sante")
    assert any("licornes" in n for n in result.notices)
    assert any("region:99" in n for n in result.notices)


def test_empty_result_proposes_filters_to_drop(world):
    result = search({"q": "jardin", "domain": "sante"})
    assert result.count == 0
    proposals = {s.param: s.count for s in result.suggestions}
    assert proposals == {"q": 1, "domain": 1}
    assert all("page" not in s.querystring for s in result.suggestions)


# The same expectations run on SQLite and on PostgreSQL (scripts/test-postgres.sh), so the
# two backends are checked to return the same alliances for each of these queries.
SAME_ON_BOTH = [
    ({"q": "partenariat"}, {"emploi", "sante"}),
    ({"q": "partenariats entreprises"}, {"emploi", "sante"}),
    ({"q": "économie"}, {"emploi", "pole"}),
    ({"q": "economi"}, {"emploi", "pole"}),
    ({"q": "solidaire"}, {"pole", "script", "numerique_desc"}),
    ({"q": "SOLIDARITÉ"}, {"emploi", "pole", "mobilite", "numerique_titre"}),
    ({"q": "ateliers"}, {"numerique_titre", "numerique_desc"}),
    # The labels of an alliance's domains are indexed (issue 16): "Éducation" is the domain of
    # the two Rennes workshops.
    ({"q": "l'éducation"}, {"national", "numerique_titre", "numerique_desc"}),
    ({"q": "sante", "territory": "region:53"}, {"sante"}),
    ({"q": "entreprise", "domain": "emploi_insertion"}, {"emploi"}),
    # Operators are words like any other; no alliance has every word, so the search relaxes
    # to the alliances with any of them (issue 16).
    ({"q": '"jardin" OR santé*'}, {"script", "sante"}),
    ({"q": "NEAR(jardin partagé)"}, {"script", "mobilite"}),
    ({"q": "(jardin) -partagé*"}, {"script"}),
    ({"q": "transports partag"}, {"mobilite"}),
]


@pytest.mark.parametrize(("params", "expected"), SAME_ON_BOTH)
def test_same_results_on_both_databases(world, params, expected):
    assert ids(search({**params, "page_size": "50"})) == world.ids(*expected)


def test_hostile_text_never_errors(world):
    for text in [
        '"',
        "'",
        "a*",
        "*",
        "AND",
        "OR OR",
        "(((",
        "NEAR(",
        "-x",
        "col:val",
        "'; DROP TABLE base_alliance; --",
        "😀" * 50,
        "é" * 10_000,
        "\x00\x1f",
        "x" * 10_000,
        " ".join(["mot"] * 500),
        "%",
        "%s",
        "\\",
        "^",
    ]:
        result = search({"q": text})
        assert result.count >= 0


def test_index_follows_saves_and_tag_changes(world):
    from alliances.base.search import signals

    signals.connect()  # what the app's ready() does; idempotent
    alliance = world.alliances["national"]
    alliance.title = "Réseau des licornes"
    alliance.save()
    assert ids(search({"q": "licornes"})) == {alliance.pk}
    # Domains are filter tags of the index: an M2M change re-indexes the alliance.
    alliance.domains.set([world.terms["sante"]])
    assert ids(search({"q": "licornes", "domain": "sante"})) == {alliance.pk}
    with signals.deferred_indexing():
        alliance.title = "Réseau des dragons"
        alliance.save()
        assert ids(search({"q": "dragons"})) == set()  # not yet: indexed on leaving
    assert ids(search({"q": "dragons"})) == {alliance.pk}


def test_facets_of_the_whole_base_are_cached_until_the_index_changes(world, monkeypatch):
    from alliances.base.models import Alliance
    from alliances.base.search import facets, index

    counted = []
    real_count = facets.count

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        counted.append(True)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(facets, "count", spy)

    def kinds() -> dict[str, int]:
        result = run_search(parse_query({})[0])
        return {v.value: v.count for v in result.facets["kind"]}

    before = kinds()
    version = index.index_version()
    counted.clear()
    assert kinds() == before and index.index_version() == version  # read, not rewritten
    assert counted == []  # the page only: the facet counts came from the cache
    Alliance.objects.create(
        kind="catalyst", title="Nouveau catalyseur", slug="nouveau-catalyseur", status="published"
    )
    assert index.index_version() != version  # the save re-indexed it
    after = kinds()
    assert after["catalyst"] == before.get("catalyst", 0) + 1
    Alliance.objects.filter(slug="nouveau-catalyseur").get().delete()
    assert kinds() == before
