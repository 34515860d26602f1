"""Margins of error of survey shares (no Django import).

- `wilson_interval`: the 95 % Wilson score interval of a share p observed among n respondents.
  It stays inside [0, 1] and behaves well for small n and for p near 0 or 1, where the textbook
  "p ± 1.96·sqrt(p(1-p)/n)" interval is too narrow or leaves [0, 1].
- `compare_proportions`: the two-proportion z-test (pooled variance, two-sided, 5 %). Two
  figures are called different only when this test says so; overlapping or non-overlapping
  intervals are not a test.

Shares are passed as fractions (0.86), sizes as respondent counts. Pages show percentages.
"""

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5 % quantile of the standard normal distribution
ALPHA = 0.05


def wilson_interval(p: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (low, high) of a share p ∈ [0, 1] among n ≥ 1 respondents.

    >>> tuple(round(x, 4) for x in wilson_interval(0.5, 100))
    (0.4038, 0.5962)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"share out of [0, 1]: {p!r}")
    if n < 1:
        raise ValueError(f"sample size below 1: {n!r}")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # Rounding errors may leave the bounds a hair outside [0, 1] at p = 0 or 1.
    return max(0.0, centre - half), min(1.0, centre + half)


def normal_sf(x: float) -> float:
    """P(Z > x) for a standard normal Z."""
    return 0.5 * math.erfc(x / math.sqrt(2))


@dataclass(frozen=True)
class Comparison:
    """The outcome of a two-proportion test."""

    difference: float  # p2 - p1, as a fraction
    z: float
    p_value: float
    significant: bool  # at the 5 % level, two-sided


def compare_proportions(p1: float, n1: int, p2: float, n2: int, alpha: float = ALPHA) -> Comparison:
    """Two-sided two-proportion z-test with pooled variance.

    H0: both samples come from the same share. When both shares are 0 or both are 1 the
    pooled variance is zero and nothing can differ: not significant, p-value 1.
    """
    for p in (p1, p2):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"share out of [0, 1]: {p!r}")
    for n in (n1, n2):
        if n < 1:
            raise ValueError(f"sample size below 1: {n!r}")
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    difference = p2 - p1
    if variance <= 0:
        return Comparison(difference=difference, z=0.0, p_value=1.0, significant=False)
    z = difference / math.sqrt(variance)
    p_value = min(1.0, 2 * normal_sf(abs(z)))
    return Comparison(difference=difference, z=z, p_value=p_value, significant=p_value < alpha)


def percent_interval(value_pct: float, n: int | None) -> tuple[float, float] | None:
    """The Wilson interval in percent, rounded to 0.1, or None when n is unknown."""
    if not n:
        return None
    low, high = wilson_interval(value_pct / 100, n)
    return round(low * 100, 1), round(high * 100, 1)
