"""The query object: parsing and validation without Django or a database."""

from alliances.library.query import (
    DEFAULT_PAGE_SIZE,
    Problem,
    ResourceQuery,
    clamp_page,
    parse_query,
)

ALLOWED = {
    "kind": ["methode", "outil"],
    "format": ["guide", "report"],
    "audience": ["association", "entreprise"],
    "level": ["1", "2", "3", "4"],
    "domain": ["culture"],
    "sdg": [str(n) for n in range(1, 18)],
    "language": ["fr", "en"],
}


def parse(params: dict) -> ResourceQuery:
    return parse_query({k: v if isinstance(v, list) else [v] for k, v in params.items()}, ALLOWED)


def test_empty_query_has_defaults():
    query = parse({})
    assert query == ResourceQuery()
    assert query.page == 1 and query.page_size == DEFAULT_PAGE_SIZE
    assert not query.is_filtered()


def test_repeated_and_comma_values_are_any_of():
    query = parse({"kind": ["methode", "outil,methode"], "level": "1,3"})
    assert query.kind == ("methode", "outil")
    assert query.level == (1, 3)
    assert query.problems == ()


def test_unknown_values_are_dropped_and_reported():
    query = parse({"kind": ["methode", "potion"], "level": ["9", "x"], "sort": "random"})
    assert query.kind == ("methode",)
    assert query.level == ()
    assert Problem("kind", "potion", "unknown") in query.problems
    assert Problem("level", "9", "unknown") in query.problems
    assert Problem("level", "x", "not_a_number") in query.problems
    assert Problem("sort", "random", "unknown") in query.problems
    assert query.sort == "title"


def test_year_range_is_checked_and_swapped_when_reversed():
    assert (parse({"year_min": "2020", "year_max": "2015"}).year_min, 2015) == (2015, 2015)
    query = parse({"year_min": "abc", "year_max": "3000"})
    assert query.year_min is None and query.year_max is None
    assert {p.reason for p in query.problems} == {"not_a_number", "range"}


def test_page_and_page_size_fall_back_to_defaults():
    query = parse({"page": "-3", "page_size": "100000"})
    assert query.page == 1
    assert query.page_size == DEFAULT_PAGE_SIZE
    assert [p.param for p in query.problems] == ["page", "page_size"]


def test_text_is_trimmed_and_folded_into_words():
    query = parse({"q": "  Évaluation   PARTENARIALE  "})
    assert query.text == "Évaluation PARTENARIALE"
    assert query.words == ["evaluation", "partenariale"]


def test_params_round_trip():
    query = parse({"q": "mécénat", "kind": "outil", "level": "2", "year_min": "2019", "page": "3"})
    again = parse_query(
        {k: [v for key, v in query.to_params() if key == k] for k, _ in query.to_params()},
        ALLOWED,
    )
    assert again == query
    assert ("page", "5") in query.to_params(page=5)


def test_clamp_page_gives_the_last_page_past_the_end():
    assert clamp_page(99, 45, 20) == (3, 3)
    assert clamp_page(2, 0, 20) == (1, 1)
    assert clamp_page(0, 45, 20) == (1, 3)
