"""Worked values of the margins of error (plain Python, no database)."""

import math

import pytest

from alliances.observatory.stats import (
    compare_proportions,
    percent_interval,
    wilson_interval,
)


def _rounded(interval, digits=4):
    return tuple(round(x, digits) for x in interval)


@pytest.mark.parametrize(
    ("p", "n", "expected"),
    [
        (0.5, 100, (0.4038, 0.5962)),
        (0.86, 1000, (0.8371, 0.8801)),
        (0.91, 302, (0.8724, 0.9373)),
        (0.0, 10, (0.0, 0.2775)),
        (1.0, 10, (0.7225, 1.0)),
        (0.5, 1, (0.0546, 0.9454)),
    ],
)
def test_wilson_worked_values(p, n, expected):
    assert _rounded(wilson_interval(p, n)) == expected


def test_wilson_edges_stay_in_unit_interval():
    low, high = wilson_interval(0.0, 1)
    assert low == 0.0 and math.isclose(high, 0.7935, abs_tol=1e-4)
    low, high = wilson_interval(1.0, 1)
    assert high == 1.0 and math.isclose(low, 0.2065, abs_tol=1e-4)


def test_wilson_is_symmetric_around_one_half():
    low, high = wilson_interval(0.3, 250)
    low2, high2 = wilson_interval(0.7, 250)
    assert math.isclose(low, 1 - high2) and math.isclose(high, 1 - low2)


def test_wilson_narrows_with_sample_size():
    small = wilson_interval(0.4, 50)
    large = wilson_interval(0.4, 5000)
    assert small[1] - small[0] > large[1] - large[0]


@pytest.mark.parametrize(("p", "n"), [(-0.1, 10), (1.1, 10), (0.5, 0)])
def test_wilson_refuses_bad_input(p, n):
    with pytest.raises(ValueError):
        wilson_interval(p, n)


def test_percent_interval():
    assert percent_interval(50, 100) == (40.4, 59.6)
    assert percent_interval(50, None) is None


def test_two_proportions_not_significant():
    result = compare_proportions(0.5, 100, 0.6, 100)
    assert math.isclose(result.z, 1.4213, abs_tol=1e-4)
    assert math.isclose(result.p_value, 0.1552, abs_tol=1e-4)
    assert result.significant is False


def test_two_proportions_significant():
    result = compare_proportions(0.46, 500, 0.53, 500)
    assert math.isclose(result.z, 2.2137, abs_tol=1e-4)
    assert math.isclose(result.p_value, 0.0268, abs_tol=1e-4)
    assert result.significant is True
    assert math.isclose(result.difference, 0.07)


def test_overlapping_intervals_can_still_differ():
    # The two 95 % intervals overlap, yet the test finds the difference significant:
    # overlap is not a test.
    a, b = wilson_interval(0.46, 500), wilson_interval(0.53, 500)
    assert a[1] > b[0]
    assert compare_proportions(0.46, 500, 0.53, 500).significant


def test_two_proportions_degenerate():
    result = compare_proportions(0.0, 10, 0.0, 20)
    assert result.significant is False and result.p_value == 1.0
    with pytest.raises(ValueError):
        compare_proportions(0.5, 0, 0.5, 10)
