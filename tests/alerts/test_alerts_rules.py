"""Plain rules without a database: canonical query strings, when alerts are due, widget options."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliances.alerts import embed, schedule
from alliances.alerts.querystrings import (
    canonical_querystring,
    normalise_querystring,
    params_of,
    query_of,
)


def test_canonical_querystring_orders_and_drops_page_size_drafts():
    qs, notices = canonical_querystring(
        {
            "page": ["3"],
            "domain": ["sante", "Emploi_insertion", "sante"],
            "q": ["  économie   circulaire "],
            "page_size": ["50"],
            "drafts": ["1"],
            "format": ["csv"],
            "sort": ["title"],
        }
    )
    assert qs == "q=%C3%A9conomie+circulaire&domain=sante&domain=emploi_insertion&sort=title"
    assert {n.param for n in notices if n.code == "dropped"} == {"page", "page_size", "drafts"}


def test_malformed_values_are_dropped_with_a_notice():
    qs, notices = normalise_querystring("?year_min=deux-mille&territory=<script>&kind=alliance")
    assert qs == "kind=alliance"
    assert {(n.code, n.param) for n in notices} == {
        ("invalid", "year_min"),
        ("invalid", "territory"),
    }


def test_empty_query_is_the_whole_base():
    assert normalise_querystring("")[0] == ""
    assert normalise_querystring("page=2")[0] == ""


def test_normalising_twice_changes_nothing():
    once, _ = normalise_querystring(
        "sdg=ODD5&q=eau&territory=REGION:27&year_max=2010&year_min=2020"
    )
    twice, notices = normalise_querystring(once)
    assert once == twice and notices == []
    assert "territory=region%3A27" in once and "year_min=2010&year_max=2020" in once


def test_too_many_fields_do_not_fail():
    data = params_of("&".join(f"domain=d{i}" for i in range(1000)))
    assert len(data["domain"]) == 400
    assert len(query_of("&".join(f"domain=d{i}" for i in range(1000))).domain) == 20


@given(st.text(max_size=300))
def test_any_text_gives_a_stable_canonical_string(text):
    once, _ = normalise_querystring(text)
    assert normalise_querystring(once)[0] == once
    assert "page=" not in once and "drafts" not in once


@pytest.mark.parametrize(
    ("frequency", "last", "today", "due"),
    [
        ("daily", None, date(2026, 1, 5), True),
        ("daily", date(2026, 1, 5), date(2026, 1, 5), False),
        ("daily", date(2026, 1, 4), date(2026, 1, 5), True),
        ("weekly", None, date(2026, 1, 5), True),
        ("weekly", date(2026, 1, 1), date(2026, 1, 7), False),
        ("weekly", date(2026, 1, 1), date(2026, 1, 8), True),
        ("none", None, date(2026, 1, 5), False),
        ("hourly", None, date(2026, 1, 5), False),
    ],
)
def test_is_due(frequency, last, today, due):
    assert schedule.is_due(frequency, last, today) is due


def test_frequencies_to_run():
    assert schedule.frequencies_to_run(None) == ("daily", "weekly")
    assert schedule.frequencies_to_run("weekly") == ("weekly",)
    with pytest.raises(ValueError):
        schedule.frequencies_to_run("monthly")


def test_widget_options_defaults_and_errors():
    assert embed.parse_options({}) == (embed.WidgetOptions(10, "fr"), [])
    assert embed.parse_options({"limit": "5", "lang": "EN"}) == (embed.WidgetOptions(5, "en"), [])
    options, errors = embed.parse_options({"limit": ["0"], "lang": ["de"]})
    assert options == embed.WidgetOptions(10, "fr")
    assert [e.code for e in errors] == ["limit", "lang"]
    assert embed.parse_options({"limit": "51"})[1][0].value == "51"
    assert embed.parse_options({"limit": "²"})[1][0].code == "limit"


def test_snippet_escapes_every_attribute():
    snippet = embed.iframe_snippet(
        "https://alliances.example.org/portails/doubs/widget/",
        embed.WidgetOptions(5, "en"),
        '"><script>alert(1)</script>',
    )
    assert "<script>" not in snippet
    assert 'title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in snippet
    src = "https://alliances.example.org/portails/doubs/widget/?limit=5&amp;lang=en"
    assert f'src="{src}"' in snippet
    assert "sandbox=" in snippet and f'height="{embed.WidgetOptions(5).height}"' in snippet
