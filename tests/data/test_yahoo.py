"""The yahoo adapter against yfinance mocked at its boundary (yf.download, yf.Ticker)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import yfinance as yf
from yfinance.exceptions import YFRateLimitError

import techflows as tf
from conftest import FIXTURES as FIXTURE_ROOT
from techflows.data.sources.yahoo import YahooAdapter
from techflows.data.store import Store

FIXTURES = FIXTURE_ROOT / "yahoo"
NEVER_FRESH = pd.Timedelta(0)


def payload(name: str) -> pd.DataFrame:
    """A yf.download frame as saved with to_csv: Price/Ticker columns, Date index."""
    frame = pd.read_csv(FIXTURES / name, header=[0, 1], index_col=0, parse_dates=True)
    frame.index = frame.index.astype("datetime64[ns]")
    return frame


def bars(frame: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """One ticker's bars from a download frame, independently of the adapter."""
    return frame.xs(ticker, axis=1, level="Ticker").rename_axis(columns=None)


class FakeDownload:
    """Stands in for yf.download: serves the fixtures up to `today` and records each call."""

    def __init__(self, today: str = "2026-02-13") -> None:
        self.today = pd.Timestamp(today)
        self.frames = {
            True: payload("download_adjusted.csv"),
            False: payload("download_quoted.csv"),
        }
        self.calls: list[dict[str, object]] = []
        self.failures: list[BaseException] = []

    def __call__(self, tickers, start=None, end=None, period=None, auto_adjust=True, **kwargs):
        self.calls.append(
            {"tickers": list(tickers), "start": start, "period": period, "auto_adjust": auto_adjust}
        )
        if self.failures:
            raise self.failures.pop(0)
        frame = self.frames[auto_adjust].loc[: self.today]
        if start is not None:
            frame = frame.loc[pd.Timestamp(start) :]
        known = set(frame.columns.get_level_values("Ticker"))
        parts = {}
        for ticker in {t.upper() for t in tickers}:
            if ticker in known:
                parts[ticker] = frame.xs(ticker, axis=1, level="Ticker")
            else:  # yfinance keeps a failed ticker as all-NaN columns
                fields = frame.columns.get_level_values("Price").unique()
                parts[ticker] = pd.DataFrame(np.nan, index=frame.index, columns=fields)
        data = pd.concat(parts, axis=1, names=["Ticker", "Price"])
        data.columns = data.columns.swaplevel(0, 1)
        return data.sort_index(level=0, axis=1)


@pytest.fixture
def download(monkeypatch) -> FakeDownload:
    fake = FakeDownload()
    monkeypatch.setattr(yf, "download", fake)
    return fake


@pytest.fixture
def sleeps() -> list[float]:
    return []


def adapter(root: Path, sleeps: list[float], max_age: pd.Timedelta | None = None) -> YahooAdapter:
    kwargs = {} if max_age is None else {"max_age": max_age}
    return YahooAdapter(Store(root), sleep=sleeps.append, **kwargs)


def test_one_batched_call_for_several_tickers(tmp_path, download, sleeps):
    got = adapter(tmp_path, sleeps).prices(["XLK", "IYW", "^GSPC"])
    assert len(download.calls) == 1
    call = download.calls[0]
    assert sorted(call["tickers"]) == ["IYW", "XLK", "^GSPC"]
    assert call["period"] == "max" and call["start"] is None and call["auto_adjust"] is True
    expected = bars(download.frames[True], "IYW")
    pd.testing.assert_frame_equal(got["IYW"], expected[got["IYW"].columns], check_freq=False)
    assert got["IYW"].index.name == "Date" and got["IYW"].index.tz is None
    assert (tmp_path / "prices" / "^GSPC.parquet").exists()


def test_retries_are_set_in_yfinance_config(tmp_path, sleeps):
    adapter(tmp_path, sleeps)
    assert yf.config.network.retries == 2


def test_quoted_closes_are_cached_separately(tmp_path, download, sleeps):
    yahoo = adapter(tmp_path, sleeps)
    adjusted = yahoo.prices(["IYW"])["IYW"]
    quoted = yahoo.prices(["IYW"], quoted=True)["IYW"]
    assert [c["auto_adjust"] for c in download.calls] == [True, False]
    assert "Adj Close" in quoted and "Adj Close" not in adjusted
    raw = bars(download.frames[False], "IYW")
    assert quoted.loc["2026-02-09", "Close"] == raw.loc["2026-02-09", "Close"]
    assert adjusted.loc["2026-02-09", "Close"] == pytest.approx(raw.loc["2026-02-09", "Adj Close"])
    assert (tmp_path / "prices_quoted" / "IYW.parquet").exists()


def test_fresh_cache_makes_no_request(tmp_path, download, sleeps):
    adapter(tmp_path, sleeps).prices(["XLK"])
    adapter(tmp_path, sleeps).prices(["XLK"])
    assert len(download.calls) == 1


def test_incremental_refresh_requests_only_missing_dates_and_merges(
    tmp_path, download, sleeps, monkeypatch
):
    download.today = pd.Timestamp("2026-02-06")
    adapter(tmp_path, sleeps).prices(["XLK", "IYW"])
    download.today = pd.Timestamp("2026-02-13")
    reads: list[str] = []
    real_read = Store.read
    monkeypatch.setattr(Store, "read", lambda self, k, t: reads.append(t) or real_read(self, k, t))
    got = adapter(tmp_path, sleeps, NEVER_FRESH).prices(["XLK", "IYW", "^GSPC"])
    assert sorted(reads) == ["IYW", "XLK", "^GSPC"], "each cache file is read once"
    first, incremental, full = download.calls
    assert first["period"] == "max"
    # cached tickers: one call from a week before the earliest last cached date
    assert sorted(incremental["tickers"]) == ["IYW", "XLK"]
    assert incremental["start"] == "2026-01-30" and incremental["period"] is None
    # the never-cached ticker gets its full history
    assert full["tickers"] == ["^GSPC"] and full["period"] == "max"
    for ticker in ("XLK", "IYW", "^GSPC"):
        expected = bars(download.frames[True], ticker)
        pd.testing.assert_frame_equal(got[ticker], expected[got[ticker].columns], check_freq=False)


def test_partial_last_day_is_replaced(tmp_path, download, sleeps):
    download.today = pd.Timestamp("2026-02-06")
    yahoo = adapter(tmp_path, sleeps)
    yahoo.prices(["XLK"])
    store = Store(tmp_path)
    partial = store.read("prices", "XLK")
    partial.loc["2026-02-06", "Close"] *= 0.98  # an intraday snapshot
    store.write("prices", "XLK", partial)
    download.today = pd.Timestamp("2026-02-13")
    got = adapter(tmp_path, sleeps, NEVER_FRESH).prices(["XLK"])["XLK"]
    expected = bars(download.frames[True], "XLK")
    assert got.loc["2026-02-06", "Close"] == expected.loc["2026-02-06", "Close"]
    assert [c["period"] for c in download.calls] == ["max", None]  # no full refetch


def test_rebased_history_is_fetched_again_in_full(tmp_path, download, sleeps):
    download.today = pd.Timestamp("2026-02-06")
    adapter(tmp_path, sleeps).prices(["XLK"])
    # a dividend goes ex on 2026-02-10: Yahoo scales every earlier adjusted price
    frame = download.frames[True].copy()
    before = frame.index < "2026-02-10"
    prices = [c for c in frame.columns if c[0] != "Volume"]
    frame.loc[before, prices] *= 0.995
    download.frames[True] = frame
    download.today = pd.Timestamp("2026-02-13")
    got = adapter(tmp_path, sleeps, NEVER_FRESH).prices(["XLK"])["XLK"]
    assert [c["period"] for c in download.calls] == ["max", None, "max"]
    expected = bars(frame, "XLK")
    pd.testing.assert_frame_equal(got, expected[got.columns], check_freq=False)


def test_rate_limit_backs_off_then_succeeds(tmp_path, download, sleeps):
    download.failures = [YFRateLimitError(), YFRateLimitError()]
    got = adapter(tmp_path, sleeps).prices(["XLK", "IYW"])
    assert sorted(got) == ["IYW", "XLK"]
    assert len(download.calls) == 3
    assert sleeps == [2.0, 4.0]


def test_rate_limit_reported_only_in_yfinance_log_is_retried(tmp_path, monkeypatch, sleeps):
    real = FakeDownload()
    calls = []

    def throttled_once(tickers, **kwargs):
        calls.append(tickers)
        if len(calls) == 1:  # what yf.download does: log the error, return NaN columns
            logging.getLogger("yfinance").error(
                "['XLK']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"
            )
            frame = real(tickers, **kwargs)
            return frame * np.nan
        return real(tickers, **kwargs)

    monkeypatch.setattr(yf, "download", throttled_once)
    got = adapter(tmp_path, sleeps).prices(["XLK"])
    assert "XLK" in got and len(calls) == 2 and sleeps == [2.0]


def test_rate_limit_exhaustion_gives_a_clear_message(tmp_path, download, sleeps):
    download.failures = [YFRateLimitError() for _ in range(4)]
    with pytest.raises(tf.DataError, match=r"rate-limited 4 times.*wait a few minutes") as err:
        adapter(tmp_path, sleeps).prices(["XLK", "IYW"])
    assert "XLK" in str(err.value) and "IYW" in str(err.value)
    assert sleeps == [2.0, 4.0, 8.0]


def test_rate_limit_with_a_cache_warns_and_uses_it(tmp_path, download, sleeps):
    adapter(tmp_path, sleeps).prices(["XLK"])
    download.failures = [YFRateLimitError() for _ in range(4)]
    with pytest.warns(UserWarning, match="rate-limited"):
        got = adapter(tmp_path, sleeps, NEVER_FRESH).prices(["XLK"])
    assert got["XLK"].index.max() == pd.Timestamp("2026-02-13")


def test_download_failure_is_a_clear_error(tmp_path, download, sleeps):
    download.failures = [RuntimeError("curl: (6) Could not resolve host")]
    with pytest.raises(tf.DataError, match=r"downloading adjusted prices for XLK failed.*resolve"):
        adapter(tmp_path, sleeps).prices(["XLK"])
    assert sleeps == []


def test_unknown_ticker_is_left_out_with_a_warning(tmp_path, download, sleeps):
    with pytest.warns(UserWarning, match="no prices for ZZZZQ"):
        got = adapter(tmp_path, sleeps).prices(["XLK", "ZZZZQ"])
    assert list(got) == ["XLK"]


def test_single_ticker_flat_layout(tmp_path, monkeypatch, sleeps):
    flat = bars(payload("download_adjusted.csv"), "XLK")
    monkeypatch.setattr(yf, "download", lambda tickers, **kwargs: flat)
    got = adapter(tmp_path, sleeps).prices(["XLK"])["XLK"]
    assert got["Close"].tolist() == flat["Close"].tolist()


@pytest.mark.filterwarnings("ignore:techflows. Yahoo Finance has no prices for (SPY|VOO)")
def test_source_reads_yahoo_through_the_cache(tmp_path, monkeypatch, download, sleeps):
    monkeypatch.setattr("techflows.data.source.network_available", lambda: True)
    src = tf.open_source("yahoo", as_of="2026-02-06", cache_dir=tmp_path)
    close = src.close(["XLK", "IYW"])
    assert src.name == "yahoo" and src.tech_ticker == "XLK"
    assert close.index.max() == pd.Timestamp("2026-02-06") == src.end
    assert src.close(["IYW"], quoted=True).index.max() == pd.Timestamp("2026-02-06")


# --- yf.Ticker: shares, cash flow, EPS trend, holdings ----------------------------------


class FakeTicker:
    """Stands in for yf.Ticker; answers[symbol][attribute] is a value or an exception."""

    answers: ClassVar[dict[str, dict[str, object]]] = {}
    calls: ClassVar[list[tuple[str, str, object]]] = []

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol

    def _answer(self, key: str, arg: object = None) -> object:
        self.calls.append((self.symbol, key, arg))
        value = self.answers.get(self.symbol, {}).get(key)
        if isinstance(value, list) and value and isinstance(value[0], BaseException):
            raise value.pop(0)
        if isinstance(value, BaseException):
            raise value
        return value

    def get_shares_full(self, start=None, end=None):
        return self._answer("shares", start)

    cashflow = property(lambda self: self._answer("cashflow"))
    info = property(lambda self: self._answer("info"))
    eps_trend = property(lambda self: self._answer("eps_trend"))
    eps_revisions = property(lambda self: self._answer("eps_revisions"))

    @property
    def funds_data(self):
        return type("FundsData", (), {"top_holdings": self._answer("top_holdings")})()


@pytest.fixture
def ticker(monkeypatch) -> type[FakeTicker]:
    FakeTicker.answers = {}
    FakeTicker.calls = []
    monkeypatch.setattr(yf, "Ticker", FakeTicker)
    return FakeTicker


def shares_payload() -> pd.Series:
    """get_shares_full's layout: tz-aware timestamps (exchange time), int counts."""
    raw = pd.read_csv(FIXTURES / "shares_full_XLK.csv")
    index = pd.DatetimeIndex(pd.to_datetime(raw["timestamp"], utc=True))
    return pd.Series(raw["shares"].to_numpy(), index=index.tz_convert("America/New_York"))


def test_shares_dedupe_jump_flag_and_cached_price(tmp_path, download, ticker, sleeps):
    ticker.answers["XLK"] = {"shares": shares_payload()}
    yahoo = adapter(tmp_path, sleeps)
    quoted = yahoo.prices(["XLK"], quoted=True)["XLK"]
    got = yahoo.shares(["XLK"])
    assert got["date"].tolist() == list(
        pd.to_datetime(
            ["2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06"]
        ).append(pd.to_datetime(["2026-02-09", "2026-02-10"]))
    )
    # several reports a day: the last one counts
    day = got.set_index("date")
    assert day.loc["2026-02-03", "shares"] == 713_850_000
    assert day.loc["2026-02-06", "shares"] == 715_100_000
    # the 10x drop on 02-05 and the return on 02-06 are flagged, nothing else
    assert day.index[day["jump"]].strftime("%Y-%m-%d").tolist() == ["2026-02-05", "2026-02-06"]
    assert day.loc["2026-02-09", "price"] == quoted.loc["2026-02-09", "Close"]
    assert ticker.calls[0] == ("XLK", "shares", "2010-01-01")


def test_shares_refresh_incrementally(tmp_path, ticker, sleeps):
    ticker.answers["XLK"] = {"shares": shares_payload()}
    adapter(tmp_path, sleeps).shares(["XLK"])
    got = adapter(tmp_path, sleeps, NEVER_FRESH).shares(["XLK"])
    assert ticker.calls[1] == ("XLK", "shares", "2026-02-03")
    assert len(got) == 7 and got["price"].isna().all()  # no cached closes: no price


def test_shares_through_source_keep_the_jump_flag(tmp_path, monkeypatch, ticker, download):
    ticker.answers["XLK"] = {"shares": shares_payload()}
    monkeypatch.setattr("techflows.data.source.network_available", lambda: True)
    src = tf.open_source("yahoo", as_of="2026-02-05", cache_dir=tmp_path)
    got = src.shares(["XLK"])
    assert got["date"].max() == pd.Timestamp("2026-02-05") and got["jump"].sum() == 1


def test_shares_without_data_is_unavailable(tmp_path, ticker, sleeps):
    ticker.answers["SPY"] = {"shares": None}
    with pytest.raises(tf.DataUnavailable, match="Shares outstanding for SPY"):
        adapter(tmp_path, sleeps).shares(["SPY"])


def cashflow_payload() -> pd.DataFrame:
    table = pd.read_csv(FIXTURES / "cashflow_MSFT.csv", index_col=0)
    table.columns = pd.to_datetime(table.columns)
    return table


def test_cashflow_tidy_in_usd(tmp_path, ticker, sleeps):
    ticker.answers["MSFT"] = {"cashflow": cashflow_payload(), "info": {"financialCurrency": "USD"}}
    got = adapter(tmp_path, sleeps).cashflow("MSFT")
    assert got["fiscal_year"].tolist() == [2022, 2023, 2024, 2025]
    row = got.set_index("fiscal_year").loc[2025]
    assert row["capex"] == 64_551_000_000  # spent, as a positive amount
    assert row["operating_cash_flow"] == 136_162_000_000
    assert row["free_cash_flow"] == 71_611_000_000
    # cached: a second call asks Yahoo nothing
    calls = len(ticker.calls)
    adapter(tmp_path, sleeps).cashflow("MSFT")
    assert len(ticker.calls) == calls


def test_cashflow_of_a_fund_is_unavailable(tmp_path, ticker, sleeps):
    ticker.answers["XLK"] = {"cashflow": pd.DataFrame()}
    with pytest.raises(tf.DataUnavailable, match="Cash-flow statements for XLK"):
        adapter(tmp_path, sleeps).cashflow("XLK")


def test_cashflow_in_another_currency_is_unavailable(tmp_path, ticker, sleeps):
    ticker.answers["TSM"] = {"cashflow": cashflow_payload(), "info": {"financialCurrency": "TWD"}}
    with pytest.raises(tf.DataUnavailable, match=r"TSM in USD.*TWD"):
        adapter(tmp_path, sleeps).cashflow("TSM")


def test_yfinance_failure_names_the_ticker(tmp_path, ticker, sleeps):
    ticker.answers["MSFT"] = {"cashflow": RuntimeError("HTTP Error 500")}
    with pytest.raises(tf.DataUnavailable, match=r"MSFT.*HTTP Error 500"):
        adapter(tmp_path, sleeps).cashflow("MSFT")


def test_fundamentals_rate_limit_backs_off(tmp_path, ticker, sleeps):
    holdings = pd.read_csv(FIXTURES / "top_holdings_XLK.csv", index_col="Symbol")
    ticker.answers["XLK"] = {"top_holdings": holdings}
    ticker.answers["QQQ"] = {"top_holdings": [YFRateLimitError() for _ in range(4)]}
    yahoo = adapter(tmp_path, sleeps)
    with pytest.raises(tf.DataError, match="Fund holdings for QQQ"):
        yahoo.top_holdings("QQQ")
    assert sleeps == [2.0, 4.0, 8.0]


def test_fundamentals_rate_limit_only_logged_is_retried(tmp_path, monkeypatch, ticker, sleeps):
    table = cashflow_payload()
    answers = iter([None, table])

    def cashflow_once_throttled():
        answer = next(answers)
        if answer is None:  # yfinance logs the 429 and hands back an empty table
            logging.getLogger("yfinance").error(
                "MSFT: Failed to create cash-flow financials table for reason: "
                "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"
            )
            return pd.DataFrame()
        return answer

    monkeypatch.setattr(ticker, "cashflow", property(lambda self: cashflow_once_throttled()))
    ticker.answers["MSFT"] = {"info": {"financialCurrency": "USD"}}
    got = adapter(tmp_path, sleeps).cashflow("MSFT")
    assert len(got) == 4 and sleeps == [2.0]


def test_eps_trend_without_revisions(tmp_path, ticker, sleeps):
    ticker.answers["NVDA"] = {
        "eps_trend": pd.read_csv(FIXTURES / "eps_trend_NVDA.csv", index_col="period"),
        "eps_revisions": RuntimeError("404 Not Found"),
    }
    got = adapter(tmp_path, sleeps).eps_trend("NVDA")
    assert "up_30d" not in got and got["eps_current"].tolist() == [1.52, 1.71, 6.42, 8.10]


def test_eps_trend_tidy(tmp_path, ticker, sleeps):
    ticker.answers["NVDA"] = {
        "eps_trend": pd.read_csv(FIXTURES / "eps_trend_NVDA.csv", index_col="period"),
        "eps_revisions": pd.read_csv(FIXTURES / "eps_revisions_NVDA.csv", index_col="period"),
    }
    got = adapter(tmp_path, sleeps).eps_trend("NVDA").set_index("period")
    assert list(got.index) == ["0q", "+1q", "0y", "+1y"]
    assert got.loc["0y", "eps_current"] == 6.42 and got.loc["0y", "eps_90d_ago"] == 5.80
    assert got.loc["+1y", "up_30d"] == 19 and got.loc["+1q", "down_7d"] == 1
    assert (got["ticker"] == "NVDA").all()


def test_top_holdings_tidy(tmp_path, ticker, sleeps):
    table = pd.read_csv(FIXTURES / "top_holdings_XLK.csv", index_col="Symbol")
    ticker.answers["XLK"] = {"top_holdings": table}
    got = adapter(tmp_path, sleeps).top_holdings("XLK")
    assert list(got.columns) == ["fund", "symbol", "name", "weight"]
    assert got["symbol"].iloc[0] == "NVDA" and got["weight"].iloc[0] == pytest.approx(0.1482)
    assert got["weight"].sum() == pytest.approx(table["Holding Percent"].sum())


def test_holdings_of_a_stock_are_unavailable(tmp_path, ticker, sleeps):
    ticker.answers["MSFT"] = {"top_holdings": pd.DataFrame()}
    with pytest.raises(tf.DataUnavailable, match="Fund holdings for MSFT"):
        adapter(tmp_path, sleeps).top_holdings("MSFT")
