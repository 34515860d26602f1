"""The query object: parsing of any input, normalisation, the URL as the whole state."""

from hypothesis import given, settings
from hypothesis import strategies as st

from alliances.base.search.analysis import (
    MAX_TERMS,
    analyse,
    fts5_expression,
    query_terms,
    snippet,
    tsquery_expression,
    word_tokens,
)
from alliances.base.search.query import SearchQuery, parse_query


def test_defaults():
    query, notices = parse_query({})
    assert query == SearchQuery()
    assert notices == []
    assert query.effective_sort == "date"
    assert query.to_querystring() == ""


def test_multi_valued_filters_and_round_trip():
    params = {
        "q": "  Économie   sociale ",
        "domain": ["sante", "emploi_insertion", "sante"],
        "sdg": ["17", "17.17", "ODD 8"],
        "territory": ["region:27", "25056", "PAYS:fr"],
        "year_min": "2010",
        "sort": "title",
        "page": "2",
    }
    query, notices = parse_query(params)
    assert notices == []
    assert query.q == "Économie sociale"
    assert query.domain == ("sante", "emploi_insertion")
    assert query.sdg == ("17", "17.17", "8")
    assert query.territory == ("region:27", "25056", "pays:FR")
    assert query.year_min == 2010 and query.page == 2
    again, _ = parse_query(_pairs_to_dict(query.params()))
    assert again == query
    assert again.to_querystring() == query.to_querystring()


def _pairs_to_dict(pairs):
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def test_malformed_values_are_dropped_with_notices():
    query, notices = parse_query(
        {
            "kind": ["alliance", "licorne"],
            "sdg": ["18", "abc"],
            "territory": "planete:1",
            "year_min": "deux mille",
            "year_max": "1500",
            "sort": "hasard",
            "page": "-3",
            "page_size": "0",
            "organisation": "x",
        }
    )
    assert query.kind == ("alliance",)
    assert query.sdg == () and query.territory == () and query.organisation == ()
    assert query.year_min is None and query.year_max is None
    assert query.sort == "" and query.page == 1 and query.page_size == 20
    flagged = {(n.param, n.value) for n in notices}
    assert ("kind", "licorne") in flagged and ("sdg", "18") in flagged
    assert ("territory", "planete:1") in flagged and ("sort", "hasard") in flagged
    assert {"year_min", "year_max", "page", "page_size", "organisation"} <= {
        n.param for n in notices
    }


def test_years_in_the_wrong_order_are_swapped():
    query, notices = parse_query({"year_min": "2020", "year_max": "2010"})
    assert (query.year_min, query.year_max) == (2010, 2020)
    assert [n.code for n in notices] == ["swapped"]


def test_page_size_is_capped():
    assert parse_query({"page_size": "100000"})[0].page_size == 100


def test_text_becomes_plain_words_last_one_prefix():
    query, _ = parse_query({"q": '"Partenariats" AND (santé OR NEAR(x y)) l\'économie*'})
    terms = query.terms
    assert [t.word for t in terms] == ["partenariats", "sante", "near", "economie"]
    assert [t.prefix for t in terms] == [False, False, False, True]
    assert "partenariat" in terms[0].stems
    assert query.effective_sort == "relevance"


def test_stems_before_and_after_folding():
    # The accented word stems to "activ", its folded form to "activit": both are kept so a
    # query typed without accents meets the stems of accented text.
    assert word_tokens("activités") == ("activites", "activ", "activit")
    assert set(word_tokens("activites")) & set(word_tokens("activité"))
    assert "econom" in analyse("l'Économie")


def test_stopwords_dropped_unless_alone():
    assert [t.word for t in query_terms(["la", "santé", "de", "tous"])] == ["sante", "tous"]
    assert [t.word for t in query_terms(["le"])] == ["le"]


def test_number_of_terms_is_capped():
    query, notices = parse_query({"q": " ".join(f"mot{i}" for i in range(100))})
    assert len(query.terms) == MAX_TERMS
    assert any(n.code == "too_many_words" for n in notices)


def test_building_other_queries():
    query, _ = parse_query({"domain": ["a", "b"], "q": "x", "page": "3"})
    assert query.without("domain", "a").domain == ("b",)
    assert query.without("domain").domain == ()
    assert query.without("q").q == "" and query.without("q").terms == []
    assert query.toggled("domain", "c").domain == ("a", "b", "c")
    assert query.toggled("domain", "a").page == 1
    assert "page=5" in query.with_page(5).to_querystring()


def test_snippet_escapes_everything_but_marks():
    terms = query_terms(["script"])
    html = snippet("<script>alert('x')</script> & co", terms)
    assert html.startswith("&lt;<mark>script</mark>&gt;")
    assert "<script" not in html and "&amp; co" in html


def test_snippet_is_cut_around_the_first_match():
    text = "mot " * 200 + "partenariat " + "fin " * 200
    html = snippet(text, query_terms(["partenariats"]), length=120)
    assert "<mark>partenariat</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 200


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("\"'()*:^-+ANDORNEAR \x00\x1f😀éÉœ%\\"), max_size=200),
    st.lists(
        st.sampled_from(["AND", "OR", "NOT", "NEAR", "*", '"', "(", ")", "x"]), max_size=40
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(text=HOSTILE, extra=st.dictionaries(st.text(max_size=12), st.text(max_size=30)))
def test_any_input_parses_into_safe_expressions(text, extra):
    query, notices = parse_query({**extra, "q": text})
    assert isinstance(notices, list)
    assert len(query.terms) <= MAX_TERMS
    for term in query.terms:
        for token in term.alternatives:
            assert token and all(c.isalnum() for c in token)
    fts = fts5_expression(query.terms)
    ts = tsquery_expression(query.terms)
    assert fts.count('"') % 2 == 0 and ts.count("'") % 2 == 0
    parse_query(_pairs_to_dict(query.params()))  # its own URL parses back


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "q",
                "kind",
                "profile",
                "type",
                "domain",
                "sdg",
                "territory",
                "year_min",
                "year_max",
                "stage",
                "organisation",
                "sort",
                "page",
                "page_size",
            ]
        ),
        st.lists(st.text(max_size=40), max_size=5),
    )
)
def test_any_parameters_parse_and_round_trip(params):
    query, _ = parse_query(params)
    again, notices = parse_query(_pairs_to_dict(query.params()))
    assert again == query
    assert notices == [] or all(n.code in {"too_long", "too_many_words"} for n in notices)


def test_status_lights_are_normalised_and_round_trip():
    query, notices = parse_query({"light": ["GREEN", "red", "violet", "green"]})
    assert query.light == ("green", "red")
    assert [(n.code, n.param, n.value) for n in notices] == [("invalid", "light", "violet")]
    assert parse_query({"light": ["green", "red"]})[0].to_querystring() == "light=green&light=red"
    assert query.without("light", "red").light == ("green",)
