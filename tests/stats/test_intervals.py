"""Interval arithmetic against scipy's exact binomial intervals and order-statistic coverage."""

import numpy as np
import pytest
from scipy import stats

from techflows.stats import intervals


@pytest.mark.parametrize("k, n", [(5, 7), (1, 3), (13, 31), (1, 19), (0, 10), (10, 10)])
def test_clopper_pearson_is_the_exact_binomial_interval(k, n):
    low, high = intervals.clopper_pearson(k, n)
    exact = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
    assert (low, high) == pytest.approx((exact.low, exact.high))


def test_five_of_seven_has_a_95_percent_interval_of_29_to_96_percent():
    # issue 17: "5 of 7 has a 95% interval of 29-96%"
    low, high = intervals.clopper_pearson(5, 7)
    assert (round(100 * low), round(100 * high)) == (29, 96)


def test_a_share_carries_its_count_and_interval_in_words():
    share = intervals.share(5, 7)
    assert (share.k, share.n) == (5, 7) and share.value == pytest.approx(5 / 7)
    assert share.text() == "5 of 7 (71%; 95% CI 29-96%)"
    assert intervals.share(1, 3).text() == "1 of 3 (33%; 95% CI 1-91%)"
    none = intervals.share(0, 0)
    assert np.isnan(none.value) and np.isnan(none.low) and none.text() == "0 of 0"


def test_median_interval_from_order_statistics_covers_at_least_the_level():
    values = [4.0, -2.0, 7.5, 0.5, -6.0, 3.0]
    low, high, level = intervals.median_interval(values)
    # n = 6: only the widest pair (min, max) reaches 95%: 1 - 2 * 0.5**6
    assert (low, high) == (-6.0, 7.5) and level == pytest.approx(1 - 2 * 0.5**6)
    rng = np.random.default_rng(3)
    sample = rng.normal(size=25)
    low, high, level = intervals.median_interval(sample)
    ordered = np.sort(sample)
    # The narrowest symmetric pair x(j), x(n+1-j) with P(j <= B <= n-j) >= 95%, B ~ Bin(n, 1/2).
    coverage = [
        stats.binom.cdf(25 - j, 25, 0.5) - stats.binom.cdf(j - 1, 25, 0.5)
        for j in (1, 2, 3, 4, 5, 6, 7, 8, 9)
    ]
    j = max(i + 1 for i, c in enumerate(coverage) if c >= 0.95)
    assert (low, high) == (ordered[j - 1], ordered[25 - j]) and level == pytest.approx(
        coverage[j - 1]
    )
    assert np.isnan(intervals.median_interval([])[0])


@pytest.mark.parametrize(
    "p, words, headline",
    [
        (0.0005, "significant at 5%", True),
        (0.06, "significant at 10% only", True),
        (0.18, "not significant", False),
        (0.39, "not significant", False),
    ],
)
def test_significance_words_and_the_headline_rule(p, words, headline):
    assert intervals.significance(p) == words
    assert intervals.headline(p) is headline
