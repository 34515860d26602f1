"""Class breaks for a choropleth: quantiles or equal intervals, rounded to readable numbers.

A class i holds the values v with breaks[i] <= v < breaks[i + 1]; the last class also holds
its upper bound. Rounded breaks increase (only the last class may be a single value, when
its lower break equals the maximum) and span every value, so each value falls in exactly
one class. Fewer classes than asked come back when the values
do not allow more (e.g. only two distinct values).
"""

import math
from collections.abc import Sequence

METHODS = ("quantile", "equal")
MAX_CLASSES = 5


def _nice_round(value: float, step: float) -> float:
    return round(value / step) * step


def _nice_step(span: float, classes: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) a bit below span / classes."""
    raw = span / max(classes, 1) / 4
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def class_breaks(
    values: Sequence[float], classes: int = 5, method: str = "quantile"
) -> list[float]:
    """Breaks [b0, b1, ..., bn] for n <= classes classes (b0 = min, bn = max of values)."""
    if method not in METHODS:
        raise ValueError(f"Méthode de classes inconnue : « {method} » (quantile ou equal).")
    if not 1 <= classes <= MAX_CLASSES:
        raise ValueError(f"Nombre de classes hors limites : {classes} (de 1 à {MAX_CLASSES}).")
    data = sorted(float(v) for v in values)
    if not data:
        return []
    low, high = data[0], data[-1]
    if low == high:
        return [low, high]
    classes = min(classes, len(set(data)))
    if method == "quantile":
        inner = [_quantile(data, i / classes) for i in range(1, classes)]
    else:
        inner = [low + (high - low) * i / classes for i in range(1, classes)]
    step = _nice_step(high - low, classes)
    rounded: list[float] = []
    for value in inner:
        previous = rounded[-1] if rounded else low
        nice = round(_nice_round(value, step), 10)
        if nice <= previous:
            # Ties or rounding collapsed this break: start the class at the next value.
            above = [v for v in data if v > previous]
            if not above:
                continue
            nice = above[0]
        if nice <= high:
            rounded.append(nice)
    return [low, *rounded, high]


def class_of(value: float, breaks: Sequence[float]) -> int:
    """Index of the class holding value (0-based)."""
    for index in range(len(breaks) - 2, -1, -1):
        if value >= breaks[index]:
            return index
    return 0
