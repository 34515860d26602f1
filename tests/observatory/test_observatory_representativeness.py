"""The representativeness rule (plain Python)."""

import math

import pytest

from alliances.observatory.representativeness import Verdict, binomial_test, compare_share


def test_binomial_worked_values():
    # 2 of 20 against 50 %: P = 2 * P(X <= 2) = 2 * 211/1048576
    assert math.isclose(binomial_test(2, 20, 0.5), 2 * 211 / 2**20, rel_tol=1e-9)
    # The expected count is never significant.
    assert binomial_test(10, 20, 0.5) == pytest.approx(1.0)
    assert binomial_test(0, 5, 0.0) == 1.0 and binomial_test(1, 5, 0.0) == 0.0


def test_under_represented_against_fixed_reference():
    gap = compare_share("mecenat", 5, 40, 67)
    assert gap.verdict is Verdict.UNDER
    assert gap.base_share == 12.5
    assert gap.p_value < 0.05


def test_over_represented():
    gap = compare_share("innovation_societale", 30, 40, 25)
    assert gap.verdict is Verdict.OVER


def test_small_gap_is_in_line():
    gap = compare_share("pratiques_responsables", 11, 40, 29)
    assert gap.verdict is Verdict.IN_LINE and gap.p_value > 0.05


def test_reference_with_sample_size_uses_two_sample_test():
    # Against a survey of 50 respondents, a 60 % vs 40 % gap on 40 examples is not enough.
    assert compare_share("x", 24, 40, 40, reference_n=50).verdict is Verdict.IN_LINE
    # The same gap against a fixed reference is significant.
    assert compare_share("x", 24, 40, 40).verdict is Verdict.OVER


def test_no_data_and_no_reference():
    assert compare_share("x", 0, 0, 50).verdict is Verdict.NO_DATA
    gap = compare_share("x", 3, 10, None)
    assert gap.verdict is Verdict.NO_REFERENCE and gap.base_share == 30.0


def test_bad_input():
    with pytest.raises(ValueError):
        compare_share("x", 5, 3, 50)
    with pytest.raises(ValueError):
        compare_share("x", 1, 3, 120)
