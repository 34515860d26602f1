"""Does the base of examples represent the field as the surveys measure it? (no Django)

For each category (a partnership type, an actor profile, a région...), the share of examples
of the base in that category is compared with a reference share:
- a survey share with its sample size n: two-proportion z-test (both are samples);
- a reference without sample size (a survey that did not publish n, a census share): the
  reference is taken as fixed and the base's count is tested against it with an exact
  two-sided binomial test (exact, because the base is small: tens of examples).
A gap is called over- or under-representation only when the test is significant at 5 %;
otherwise the base is "in line" (no gap that the data can show).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from .stats import ALPHA, compare_proportions, wilson_interval


class Verdict(StrEnum):
    OVER = "over"
    UNDER = "under"
    IN_LINE = "in_line"
    NO_DATA = "no_data"  # nothing in the base to compare
    NO_REFERENCE = "no_reference"  # the surveys measure nothing for this category


@dataclass(frozen=True)
class Gap:
    category: str
    base_count: int
    base_total: int
    base_share: float | None  # percent
    base_ci: tuple[float, float] | None  # percent, Wilson 95 %
    reference_share: float | None  # percent
    reference_n: int | None
    p_value: float | None
    verdict: Verdict


def binomial_test(k: int, n: int, p0: float) -> float:
    """Exact two-sided binomial test: P(outcomes at most as likely as k | n, p0)."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"invalid count {k} of {n}")
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"share out of [0, 1]: {p0!r}")
    if p0 in (0.0, 1.0):
        expected = 0 if p0 == 0.0 else n
        return 1.0 if k == expected else 0.0

    def log_pmf(i: int) -> float:
        return (
            math.lgamma(n + 1)
            - math.lgamma(i + 1)
            - math.lgamma(n - i + 1)
            + i * math.log(p0)
            + (n - i) * math.log(1 - p0)
        )

    observed = log_pmf(k)
    # Relative tolerance, as in R's binom.test, so ties are not lost to rounding.
    threshold = observed + math.log1p(1e-7)
    total = sum(math.exp(lp) for lp in (log_pmf(i) for i in range(n + 1)) if lp <= threshold)
    return min(1.0, total)


def compare_share(
    category: str,
    base_count: int,
    base_total: int,
    reference_share: float | None,
    reference_n: int | None = None,
    alpha: float = ALPHA,
) -> Gap:
    """Compare the base's share of `category` with a reference share (both in percent)."""
    if base_count < 0 or base_count > base_total:
        raise ValueError(f"invalid count {base_count} of {base_total}")
    if reference_share is not None and not 0 <= reference_share <= 100:
        raise ValueError(f"reference share out of 0-100: {reference_share!r}")
    if base_total == 0:
        return Gap(category, 0, 0, None, None, reference_share, reference_n, None, Verdict.NO_DATA)
    p = base_count / base_total
    low, high = wilson_interval(p, base_total)
    share, ci = round(p * 100, 1), (round(low * 100, 1), round(high * 100, 1))
    if reference_share is None:
        return Gap(
            category, base_count, base_total, share, ci, None, None, None, Verdict.NO_REFERENCE
        )
    p0 = reference_share / 100
    if reference_n:
        p_value = compare_proportions(p0, reference_n, p, base_total).p_value
    else:
        p_value = binomial_test(base_count, base_total, p0)
    if p_value < alpha:
        verdict = Verdict.OVER if p > p0 else Verdict.UNDER
    else:
        verdict = Verdict.IN_LINE
    return Gap(
        category, base_count, base_total, share, ci, reference_share, reference_n, p_value, verdict
    )
