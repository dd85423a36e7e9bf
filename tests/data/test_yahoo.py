"""The yahoo adapter through the real yfinance code, against the simulated Yahoo (tests/simulator).

Clock: the service starts on Friday 2026-02-13 at 22:00 UTC, after the close. Monday
2026-02-16 is Presidents' Day (NYSE closed); the next session is Tuesday 2026-02-17.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pandas as pd
import pytest
import yfinance as yf

import techflows as tf
from techflows.data.sources.outages import Policy
from techflows.data.sources.yahoo import YahooAdapter
from techflows.data.sources.yahoo_client import yfinance_raising
from techflows.data.store import Store
from techflows.errors import StaleDataWarning

FRIDAY, TUESDAY = pd.Timestamp("2026-02-13"), pd.Timestamp("2026-02-17")


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def yahoo(tmp_path, sleeps):
    """A new adapter on the same cache each call: one per notebook run."""
    return lambda: YahooAdapter(Store(tmp_path / "cache"), sleep=sleeps.append)


@pytest.fixture
def no_yfinance_sleep(monkeypatch):
    """yfinance waits 1 and 2 s between its own retries of a timeout; not in tests."""
    monkeypatch.setattr("yfinance.data._time", SimpleNamespace(sleep=lambda seconds: None))


def bar_requests(service, ticker=None) -> list[dict]:
    return service.calls("chart", ticker)


def quoted_close(service, ticker: str) -> pd.Series:
    return service.market.bars(ticker)["Close"]


def test_one_batched_download_caches_every_ticker(yahoo_sim, yahoo, tmp_path):
    got = yahoo().prices(["XLK", "IYW", "^GSPC"])
    assert sorted(got) == ["IYW", "XLK", "^GSPC"]
    assert sorted(r["ticker"] for r in bar_requests(yahoo_sim)) == ["IYW", "XLK", "^GSPC"]
    for ticker in got:
        bars = got[ticker]
        assert bars.index.max() == FRIDAY and bars.index.name == "Date" and bars.index.tz is None
        assert (tmp_path / "cache" / "prices" / f"{ticker}.parquet").exists()
    # An index pays no dividend: adjusted equals quoted; XLK's adjusted history is scaled down.
    gspc = quoted_close(yahoo_sim, "^GSPC").loc[:FRIDAY]
    pd.testing.assert_series_equal(got["^GSPC"]["Close"], gspc, check_freq=False, check_names=False)
    xlk = got["XLK"]["Close"] / quoted_close(yahoo_sim, "XLK").loc[:FRIDAY]
    assert xlk.iloc[-1] == pytest.approx(1.0) and xlk.iloc[0] < 0.95


def test_quoted_closes_are_cached_separately(yahoo_sim, yahoo):
    adapter = yahoo()
    adjusted = adapter.prices(["XLK"])["XLK"]
    quoted = adapter.prices(["XLK"], quoted=True)["XLK"]
    assert "Adj Close" in quoted and "Adj Close" not in adjusted
    pd.testing.assert_series_equal(
        quoted["Close"],
        quoted_close(yahoo_sim, "XLK").loc[:FRIDAY],
        check_names=False,
        check_freq=False,
    )
    assert adjusted["Close"].loc["2025-06-02"] == pytest.approx(
        quoted.loc["2025-06-02", "Adj Close"]
    )


def test_retries_are_ours_not_yfinances(yahoo):
    """yfinance's retries sleep for real and ignore the outage memory: ours do neither."""
    yahoo()
    assert yf.config.network.retries == 0
    assert Policy.from_env().tries == 2


def test_cache_is_current_until_the_next_session_closes(yahoo_sim, yahoo):
    yahoo().prices(["XLK", "SPY"])
    asked = len(yahoo_sim.requests)
    for moment in ("2026-02-14 12:00", "2026-02-16 22:00", "2026-02-17 16:00"):
        yahoo_sim.set_now(moment)  # Saturday; Presidents' Day; Tuesday while trading
        assert yahoo().prices(["XLK", "SPY"])["XLK"].index.max() == FRIDAY
    assert len(yahoo_sim.requests) == asked, "a current cache makes no request"
    yahoo_sim.set_now("2026-02-17 22:00")
    got = yahoo().prices(["XLK", "SPY"])
    new = yahoo_sim.requests[asked:]
    assert sorted(r["ticker"] for r in new) == ["SPY", "XLK"], "one request per ticker"
    # the new session, from two weeks before the last cached day (the overlap detects
    # re-basing, even by a dividend Yahoo records days late)
    since = pd.Timestamp(int(new[0]["params"]["period1"]), unit="s", tz="America/New_York")
    assert since == pd.Timestamp("2026-01-30", tz="America/New_York")
    assert got["SPY"].index[-2:].tolist() == [FRIDAY, TUESDAY]
    assert got["SPY"].loc[TUESDAY, "Close"] == quoted_close(yahoo_sim, "SPY").loc[TUESDAY]


def test_an_intraday_bar_is_never_cached_as_a_close(yahoo_sim, yahoo):
    yahoo_sim.set_now("2026-02-17 16:00")  # Tuesday, 11:00 in New York: the session trades
    with yfinance_raising():
        raw = yf.download(["XLK"], period="5d", progress=False, auto_adjust=False)
    partial = raw[("Close", "XLK")].loc[TUESDAY]
    assert partial != pytest.approx(quoted_close(yahoo_sim, "XLK").loc[TUESDAY])
    before = len(bar_requests(yahoo_sim))
    bars = yahoo().prices(["XLK"], quoted=True)["XLK"]
    assert bars.index.max() == FRIDAY, "the partial bar is dropped"
    yahoo_sim.set_now("2026-02-17 22:00")  # after the close: the final bar is fetched
    bars = yahoo().prices(["XLK"], quoted=True)["XLK"]
    assert len(bar_requests(yahoo_sim)) == before + 2
    assert bars.loc[TUESDAY, "Close"] == quoted_close(yahoo_sim, "XLK").loc[TUESDAY] != partial


def test_a_dividend_rebases_the_history_which_is_fetched_again_in_full(yahoo_sim, yahoo):
    cached = yahoo().prices(["XLK", "SPY"])["XLK"]
    yahoo_sim.pay_dividend("XLK", "2026-02-17", 0.70)
    yahoo_sim.set_now("2026-02-17 22:00")
    got = yahoo().prices(["XLK", "SPY"])["XLK"]
    calls = [r for r in bar_requests(yahoo_sim, "XLK")][1:]
    assert len(calls) == 2 and len(bar_requests(yahoo_sim, "SPY")) == 2
    full = pd.Timestamp(int(calls[1]["params"]["period1"]), unit="s")
    assert full.year < 1950, "the second XLK request is the whole history"
    scale = 1 - 0.70 / quoted_close(yahoo_sim, "XLK").loc[FRIDAY]
    rebased = got["Close"].loc[:FRIDAY] / cached["Close"]
    assert rebased.to_numpy() == pytest.approx(scale, rel=1e-5)


def test_rate_limit_retries_only_the_limited_tickers(yahoo_sim, yahoo, sleeps):
    # yfinance asks twice itself (it retries a 429 with its other cookie strategy)
    yahoo_sim.fail("chart", "IYW", status=429, times=2)
    got = yahoo().prices(["XLK", "IYW", "^GSPC"])
    assert sorted(got) == ["IYW", "XLK", "^GSPC"]
    assert len(bar_requests(yahoo_sim, "XLK")) == len(bar_requests(yahoo_sim, "^GSPC")) == 1
    assert len(bar_requests(yahoo_sim, "IYW")) == 3
    assert sleeps == [2.0]


def test_rate_limited_ticker_keeps_its_cache_with_a_stale_warning(yahoo_sim, yahoo, sleeps):
    yahoo().prices(["XLK", "IYW"])
    yahoo_sim.set_now("2026-02-17 22:00")
    yahoo_sim.fail("chart", "XLK", status=429, times=99)
    with pytest.warns(StaleDataWarning, match=r"rate-limited it 4 times.*XLK up to 2026-02-13"):
        got = yahoo().prices(["XLK", "IYW"])
    assert got["XLK"].index.max() == FRIDAY and got["IYW"].index.max() == TUESDAY
    assert sleeps == [2.0, 4.0, 8.0]


def test_a_ticker_failing_in_a_refresh_is_reported_stale(yahoo_sim, yahoo):
    yahoo().prices(["XLK", "SPY"])
    yahoo_sim.delist("XLK", "2026-02-13")
    yahoo_sim.set_now("2026-02-17 22:00")
    adapter = yahoo()
    with pytest.warns(StaleDataWarning, match=r"delisted.*using the cached XLK up to 2026-02-13"):
        got = adapter.prices(["XLK", "SPY"])
    assert got["XLK"].index.max() == FRIDAY and got["SPY"].index.max() == TUESDAY
    assert "delisted" in adapter.failure("XLK")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ({"kind": "html"}, "CURRENTLY DOWN"),
        ({"status": 503}, "CURRENTLY DOWN"),  # a 5xx carries the same page
        ({"kind": "body", "body": '{"chart": {"result": [{"meta": {}}]}}'}, "KeyError|Error"),
        ({"kind": "timeout", "times": 3}, "Timeout|timed out"),
    ],
)
def test_a_failed_refresh_names_the_reason(yahoo_sim, yahoo, no_yfinance_sleep, fault, reason):
    yahoo().prices(["XLK"])
    yahoo_sim.set_now("2026-02-17 22:00")
    yahoo_sim.fail("chart", "XLK", **{"times": 2, **fault})
    with pytest.warns(StaleDataWarning, match=reason):
        got = yahoo().prices(["XLK"])
    assert got["XLK"].index.max() == FRIDAY


def test_unknown_ticker_is_left_out_once_per_session_close(yahoo_sim, yahoo):
    with pytest.warns(
        UserWarning, match=r"not a ticker Yahoo Finance knows.*nothing cached for ZZZZQ"
    ):
        got = yahoo().prices(["XLK", "ZZZZQ"])
    assert list(got) == ["XLK"]
    asked = len(yahoo_sim.requests)
    assert list(yahoo().prices(["XLK", "ZZZZQ"])) == ["XLK"]
    assert len(yahoo_sim.requests) == asked, "not asked again before the next close"


def test_source_reads_yahoo_through_the_cache(yahoo_sim, tmp_path, monkeypatch):
    monkeypatch.setattr("techflows.data.source.unreachable", lambda *a, **k: {})
    src = tf.open_source("yahoo", as_of="2026-02-06", cache_dir=tmp_path / "cache")
    close = src.close(["XLK", "IYW"])
    assert src.name == "yahoo" and src.tech_ticker == "XLK"
    assert close.index.max() == pd.Timestamp("2026-02-06") == src.end
    assert src.close(["IYW"], quoted=True).index.max() == pd.Timestamp("2026-02-06")


def test_unavailable_prices_say_why(yahoo_sim, tmp_path, monkeypatch, sleeps):
    monkeypatch.setattr("techflows.data.source.unreachable", lambda *a, **k: {})
    monkeypatch.setattr("techflows.data.sources.retry.pause", sleeps.append)
    yahoo_sim.fail("chart", "XLK", status=429, times=99)
    src = tf.open_source("yahoo", cache_dir=tmp_path / "cache")
    with (
        pytest.warns(UserWarning, match="nothing cached for XLK"),
        pytest.raises(tf.DataUnavailable, match=r"XLK could not be fetched.*rate-limited"),
    ):
        src.ohlcv("XLK")


# --- shares outstanding -------------------------------------------------------------------


def test_shares_one_per_day_jump_flagged_unpriced(yahoo_sim, yahoo):
    adapter = yahoo()
    adapter.prices(["XLK"], quoted=True)
    got = adapter.shares(["XLK"]).set_index("date")
    reported = yahoo_sim.market.shares_outstanding("XLK")
    days = reported.index.tz_convert("America/New_York").tz_localize(None).normalize()
    assert got.index.is_unique and got.index.max() == pd.Timestamp("2026-02-12")
    # the glitch (a tenth of the count) and the return to normal are both flagged
    glitch = got["shares"].pct_change().abs().gt(0.25)
    assert got.index[got["jump"]].tolist() == got.index[glitch].tolist()
    assert len(got.index[got["jump"]]) == 2
    assert got.loc["2026-01-05", "shares"] == reported[days == pd.Timestamp("2026-01-05")].iloc[-1]
    # the Source prices counts at its own closes: whatever was cached first, the same flows
    assert got["price"].isna().all()


def test_cached_share_counts_survive_a_rate_limit(yahoo_sim, yahoo, sleeps):
    yahoo().shares(["XLK"])
    yahoo_sim.set_now("2026-02-17 22:00")
    yahoo_sim.fail("shares", "XLK", status=429, times=99)
    with pytest.warns(StaleDataWarning, match=r"shares outstanding.*XLK up to 2026-02-12"):
        got = yahoo().shares(["XLK"])
    assert got["date"].max() == pd.Timestamp("2026-02-12") and len(got) > 1000


def test_failed_share_counts_are_unavailable_naming_each_ticker_once(yahoo_sim, yahoo):
    yahoo_sim.fail("shares", None, status=503, times=99)
    with (
        pytest.warns(UserWarning, match="shares outstanding"),
        pytest.raises(tf.DataUnavailable) as gap,
    ):
        yahoo().shares(["XLK", "SPY"])
    message = str(gap.value)
    assert message.count("Shares outstanding for") == 1 and "XLK, SPY" in message
    assert "could not be fetched" in message


def test_an_empty_share_list_is_unavailable(yahoo_sim, yahoo):
    yahoo_sim.empty_shares.add("SPY")
    with pytest.raises(tf.DataUnavailable, match="Shares outstanding for SPY are not in"):
        yahoo().shares(["SPY"])


# --- statements, estimates, holdings ---------------------------------------------------------


def test_cashflow_in_usd_from_the_fundamentals_timeseries(yahoo_sim, yahoo):
    got = yahoo().cashflow("MSFT")
    assert got["fiscal_year"].tolist() == [2022, 2023, 2024, 2025]
    row = got.set_index("fiscal_year").loc[2025]
    assert row["capex"] == 64_551_000_000  # spent, as a positive amount
    assert row["operating_cash_flow"] == 136_162_000_000
    assert row["free_cash_flow"] == 71_611_000_000
    asked = len(yahoo_sim.requests)
    yahoo().cashflow("MSFT")
    assert len(yahoo_sim.requests) == asked, "cached until the next close"


def test_a_rate_limited_cash_flow_is_retried_not_read_as_no_statements(yahoo_sim, yahoo, sleeps):
    # yfinance asks four times (429 retried with its other cookie strategy, then in chunks),
    # then swallows the error and returns an empty table unless told to raise
    yahoo_sim.fail("fundamentals", "MSFT", status=429, times=4)
    got = yahoo().cashflow("MSFT")
    assert len(got) == 4 and sleeps == [2.0]


def test_a_rate_limited_cash_flow_says_so(yahoo_sim, yahoo, sleeps):
    yahoo_sim.fail("fundamentals", "MSFT", status=429, times=99)
    with pytest.raises(tf.DataUnavailable, match=r"Cash-flow statements for MSFT could not"):
        yahoo().cashflow("MSFT")
    assert sleeps == [2.0, 4.0, 8.0]


def test_cashflow_cached_earlier_is_served_when_yahoo_fails(yahoo_sim, yahoo, sleeps):
    yahoo().cashflow("MSFT")
    yahoo_sim.set_now("2026-02-17 22:00")
    yahoo_sim.fail("fundamentals", "MSFT", status=429, times=99)
    with pytest.warns(StaleDataWarning, match="copy of 2026-02-13"):
        assert len(yahoo().cashflow("MSFT")) == 4


def test_cashflow_of_a_fund_is_unavailable(yahoo_sim, yahoo):
    with pytest.raises(tf.DataUnavailable, match="Cash-flow statements for XLK"):
        yahoo().cashflow("XLK")


def test_eps_trend_and_revisions_from_one_request(yahoo_sim, yahoo):
    got = yahoo().eps_trend("NVDA").set_index("period")
    assert list(got.index) == ["0q", "+1q", "0y", "+1y"]
    assert got.loc["0y", "eps_current"] == 6.42 and got.loc["0y", "eps_90d_ago"] == 5.80
    assert got.loc["+1y", "up_30d"] == 19 and got.loc["+1q", "down_7d"] == 1
    assert (got["ticker"] == "NVDA").all()
    assert len(yahoo_sim.calls("quoteSummary", "NVDA")) == 1


def test_top_holdings_keep_their_symbols(yahoo_sim, yahoo):
    got = yahoo().top_holdings("XLK")
    assert list(got.columns) == ["fund", "symbol", "name", "weight"]
    assert got["symbol"].iloc[0] == "NVDA" and got["weight"].iloc[0] == pytest.approx(0.1482)
    assert got["weight"].is_monotonic_decreasing and len(got) == 10


def test_holdings_of_a_stock_are_unavailable(yahoo_sim, yahoo):
    with pytest.raises(tf.DataUnavailable, match="Fund holdings for MSFT"):
        yahoo().top_holdings("MSFT")


def test_the_client_imports_on_pandas_2_without_pandas4warning():
    """pandas 2.x has no pandas.errors.Pandas4Warning; the declared range allows pandas 2.2."""
    code = (
        "import pandas.errors as e; del e.Pandas4Warning; "
        "import techflows.data.sources.yahoo_client as c; print(c.PANDAS_DEPRECATION.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "DeprecationWarning"
