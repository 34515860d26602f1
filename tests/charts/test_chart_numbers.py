"""Numbers on charts are written as the page's language writes them (issue 14: the charts of
French pages showed "1,350" for 1 350)."""

import re

from django.utils import translation

from alliances.charts.vega import bar_chart


def _labels(language: str) -> list[str]:
    with translation.override(language):
        chart = bar_chart(
            [{"region": "Occitanie", "n": 12345}, {"region": "Bretagne", "n": 987}],
            category="region",
            value="n",
            title="t",
            description="d",
            category_title="Région",
            value_title="Exemples",
        )
    return re.findall(r">([^<]*\d[^<]*)<", chart.svg)


def test_french_charts_group_thousands_with_a_space():
    labels = _labels("fr")
    assert "12\u00a0345" in labels and "12,345" not in labels


def test_english_charts_group_thousands_with_a_comma():
    assert "12,345" in _labels("en")
