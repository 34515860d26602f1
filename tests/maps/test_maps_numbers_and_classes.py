import pytest

from alliances.maps import class_breaks, format_number, format_value
from alliances.maps.classify import class_of


def test_french_and_english_numbers():
    assert format_number(12345.67, 1, "fr") == "12\u202f345,7"
    assert format_number(12345.67, 1, "en") == "12,345.7"
    assert format_number(-0.04, 1, "fr") == "0,0"
    assert format_number(-2.5, 1, "fr") == "-2,5"
    assert format_value(12.5, "%", 1, "fr") == "12,5\u202f%"
    assert format_value(12.5, "%", 1, "en") == "12.5%"
    assert format_value(3, "alliances", 0, "fr") == "3\u00a0alliances"
    assert format_value(None, "%") == ""
    with pytest.raises(ValueError, match="Langue"):
        format_number(1, 1, "de")


def test_quantile_breaks_cover_every_value_once():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 55, 99]
    breaks = class_breaks(values, 5, "quantile")
    assert breaks[0] == 1 and breaks[-1] == 99
    assert len(breaks) - 1 == 5
    assert all(a < b for a, b in zip(breaks, breaks[1:], strict=False))
    counts = [sum(1 for v in values if class_of(v, breaks) == i) for i in range(5)]
    assert sum(counts) == len(values) and min(counts) >= 1


def test_equal_interval_breaks_are_round():
    breaks = class_breaks([0.3, 10, 20, 30, 40, 49.7], 5, "equal")
    assert breaks[1:-1] == [10, 20, 30, 40]


def test_ties_and_single_values():
    assert class_breaks([4, 4, 4], 5) == [4, 4]
    assert class_breaks([], 5) == []
    breaks = class_breaks([1, 1, 1, 1, 5], 5)
    assert len(breaks) - 1 == 2
    assert class_of(1, breaks) == 0 and class_of(5, breaks) == 1


def test_bad_arguments_are_refused_in_french():
    with pytest.raises(ValueError, match="Nombre de classes"):
        class_breaks([1, 2], 9)
    with pytest.raises(ValueError, match="Méthode"):
        class_breaks([1, 2], 3, "jenks")
