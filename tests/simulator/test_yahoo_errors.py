"""Issue 19, points 11 and 15: yfinance's errors are caught whatever the logging says."""

from __future__ import annotations

import logging
import warnings

import pytest

import techflows as tf


@pytest.fixture
def quiet_yfinance():
    """The user silences yfinance's logger, as some notebooks do."""
    logger = logging.getLogger("yfinance")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_a_rate_limit_is_retried_whatever_the_yfinance_log_level(
    sim, online, cache, quiet_yfinance
):
    sim.fail("chart", "XLK", status=429, times=2)
    src = tf.open_source("yahoo", cache_dir=cache)
    close = src.close(["XLK", "SPY"])
    assert list(close.columns) == ["XLK", "SPY"]
    assert len(sim.calls("chart", "XLK")) == 3, "429 twice, then the retry that answered"


def test_an_error_is_named_whatever_the_yfinance_log_level(sim, online, cache, quiet_yfinance):
    sim.delist("ARKK", "2026-11-30")
    src = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable, match="delisted"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src.close(["ARKK"])


def test_an_unknown_reporting_currency_is_said_plainly(sim, online, cache):
    sim.fail("quoteSummary", "MSFT", kind="timeout", times=10**6)
    src = tf.open_source("yahoo", cache_dir=cache)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        src.cashflow("MSFT")
    said = [str(w.message) for w in caught if "MSFT" in str(w.message)]
    assert said and not any("up to USD" in s for s in said)
    assert any("assumed to be in USD" in s for s in said)
