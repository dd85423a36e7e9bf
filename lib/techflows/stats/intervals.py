"""Uncertainty that travels with a headline number: exact intervals on shares (Clopper-Pearson)
and medians (order statistics), and the words and headline rule for a p-value.

One place for the arithmetic, so every section states a share, its interval and a test's
significance the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95
SIGNIFICANT = 0.05  # a finding
HEADLINE_P = 0.10  # above this a statistic is never a headline finding


def clopper_pearson(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of a binomial share k/n; (nan, nan) when n is 0."""
    if n <= 0:
        return math.nan, math.nan
    tail = (1 - level) / 2
    low = stats.beta.ppf(tail, k, n - k + 1) if k > 0 else 0.0
    high = stats.beta.ppf(1 - tail, k + 1, n - k) if k < n else 1.0
    return float(low), float(high)


@dataclass(frozen=True)
class Share:
    """k of n, with its exact interval at `level`."""

    k: int
    n: int
    low: float
    high: float
    level: float = LEVEL

    @property
    def value(self) -> float:
        """k / n (nan when n is 0)."""
        return self.k / self.n if self.n else math.nan

    def percent_interval(self) -> tuple[float, float]:
        """The interval in percent, as figures.json carries it."""
        return 100 * self.low, 100 * self.high

    def text(self) -> str:
        """'5 of 7 (71%; 95% CI 29-96%)', or '0 of 0' with nothing to share."""
        if not self.n:
            return f"{self.k} of {self.n}"
        return (
            f"{self.k} of {self.n} ({self.value:.0%}; {self.level:.0%} CI "
            f"{100 * self.low:.0f}-{100 * self.high:.0f}%)"
        )


def share(k: int, n: int, level: float = LEVEL) -> Share:
    """k of n with its Clopper-Pearson interval."""
    low, high = clopper_pearson(int(k), int(n), level)
    return Share(int(k), int(n), low, high, level)


def median_interval(values: Sequence[float], level: float = LEVEL) -> tuple[float, float, float]:
    """A distribution-free interval of the median: the narrowest pair of order statistics
    x(j), x(n+1-j) whose coverage P(j <= B <= n-j), B ~ Binomial(n, 1/2), is at least `level`.

    Returns (low, high, coverage); with too few values to reach the level, the widest pair
    (min, max) and its own coverage; (nan, nan, nan) for no values.
    """
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    if not n:
        return math.nan, math.nan, math.nan
    best = 1
    for j in range(1, n // 2 + 1):
        if _coverage(j, n) >= level:
            best = j
    return float(ordered[best - 1]), float(ordered[n - best]), _coverage(best, n)


def _coverage(j: int, n: int) -> float:
    return float(stats.binom.cdf(n - j, n, 0.5) - stats.binom.cdf(j - 1, n, 0.5))


def significance(p: float) -> str:
    """A p-value in words: 'significant at 5%', 'significant at 10% only', 'not significant'."""
    if p <= SIGNIFICANT:
        return "significant at 5%"
    return "significant at 10% only" if p <= HEADLINE_P else "not significant"


def headline(p: float) -> bool:
    """Whether a statistic with this p-value may be a headline finding (p <= 0.10)."""
    return bool(p <= HEADLINE_P)
