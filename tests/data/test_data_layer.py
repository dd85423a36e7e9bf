"""The load API on the sample, csv and snapshot sources: facts, validation, as_of cut, store."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import techflows as tf
from techflows import atomic
from techflows.data.sources.sample import SampleAdapter
from techflows.data.store import Store
from techflows.errors import OfflineFallbackWarning

BARS = "Date,Open,High,Low,Close,Volume\n"


def folder(root: Path, files: dict[str, str]) -> Path:
    """An analyst folder laid out like market-data, built from {relative path: text}."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


GOOD = BARS + "2020-01-02,10,11,9,10.5,100\n2020-01-03,10.5,12,10,11.5,120\n"


# --- sample ---------------------------------------------------------------------------


def test_sample_nasdaq_dates(sample_source):
    close = sample_source.close(["^IXIC"])["^IXIC"].dropna()
    assert close.index[0] == pd.Timestamp("1999-01-04")
    assert close.index[-1] == pd.Timestamp("2018-12-31")
    assert set(sample_source.ohlcv("^IXIC").columns) >= {"Open", "High", "Low", "Close", "Volume"}


def test_sample_french_factors_are_monthly(sample_source):
    rf = sample_source.series(["FF_RF"])["FF_RF"].dropna()
    assert rf.index[0] == pd.Timestamp("1926-07-01")
    assert rf.index[-1] == pd.Timestamp("2018-11-01")
    expected = pd.date_range("1926-07-01", "2018-11-01", freq="MS")
    assert rf.index.equals(pd.DatetimeIndex(expected, name="Date"))


def test_sample_proxies_and_gaps(sample_source):
    assert sample_source.tech_ticker == "^IXIC" and sample_source.market_ticker == "^GSPC"
    assert sample_source.available(["XLK", "^GSPC"]) == ["^GSPC"]
    with pytest.raises(tf.DataUnavailable, match="Fund flows are not in the sample source"):
        sample_source.flows()
    with pytest.raises(tf.DataUnavailable, match="prices for XLK"):
        sample_source.close(["XLK"])


def test_as_of_cuts_prices_and_series():
    src = tf.open_source("sample", as_of="2008-12-31")
    assert src.end == pd.Timestamp("2008-12-31")
    assert src.close(["^IXIC"]).index.max() == pd.Timestamp("2008-12-31")
    assert src.series(["BAA"]).index.max() == pd.Timestamp("2008-12-01")
    assert src.ohlcv("^GSPC").index.max() <= pd.Timestamp("2008-12-31")


# --- csv: bad input, one clear message each --------------------------------------------


def test_csv_reads_a_good_folder(tmp_path):
    root = folder(
        tmp_path,
        {
            "prices/AAA.csv": GOOD,
            "fred/DGS10.csv": "observation_date,DGS10\n2020-01-02,1.88\n2020-01-03,.\n",
        },
    )
    src = tf.open_source("csv", data_dir=root)
    assert src.close(["AAA"])["AAA"].tolist() == [10.5, 11.5]
    assert src.series(["DGS10"])["DGS10"].tolist() == [1.88]
    assert src.available(["AAA", "BBB"]) == ["AAA"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BARS + "2020-01-02,10,11,9,10.5,100\n2020-13-45,10,11,9,10.5,100\n",
            "row 3, column Date: '2020-13-45' is not a date",
        ),
        (
            BARS + "2020-01-02,10,11,9,10.5,100\n2020-01-03,10,11,9,-1,100\n",
            "row 3 \\(2020-01-03\\), column Close: -1.0 is not positive",
        ),
        (
            BARS + "2020-01-02,10,11,9,10.5,100\n2020-01-02,10,11,9,10.6,100\n",
            "duplicate Date 2020-01-02 \\(rows 2 and 3\\)",
        ),
        ("Date,Open,High,Low,Volume\n2020-01-02,10,11,9,100\n", "missing column.*Close"),
    ],
    ids=["bad-date", "negative-price", "duplicate-date", "no-close"],
)
def test_csv_bad_price_file(tmp_path, text, message):
    src = tf.open_source("csv", data_dir=folder(tmp_path, {"prices/BAD.csv": text}))
    with pytest.raises(tf.DataError, match=message) as err:
        src.close(["BAD"])
    assert "BAD" in str(err.value)


def test_csv_ticker_cannot_leave_the_folder(tmp_path):
    src = tf.open_source("csv", data_dir=folder(tmp_path, {"prices/AAA.csv": GOOD}))
    with pytest.raises(tf.DataError, match=r"ticker '\.\./AAA': not a valid symbol"):
        src.close(["../AAA"])


def test_csv_bad_flows_and_shares(tmp_path):
    root = folder(
        tmp_path,
        {
            "flows/etf_flows.csv": "date,ticker,flow_usd\n2026-01-02,XLK,1e6\n2026-01-02,XLK,2e6\n",
            "flows/etf_shares.csv": "date,ticker,shares,price\n2026-01-02,XLK,-5,140\n",
        },
    )
    src = tf.open_source("csv", data_dir=root)
    with pytest.raises(tf.DataError, match="duplicate row for XLK on 2026-01-02"):
        src.flows()
    with pytest.raises(
        tf.DataError,
        match=r"etf_shares.csv: row 2 \(XLK, 2026-01-02\), column shares: -5 is negative",
    ):
        src.shares(["XLK"])


def test_csv_missing_parts_are_unavailable(tmp_path):
    src = tf.open_source("csv", data_dir=folder(tmp_path, {"prices/AAA.csv": GOOD}))
    with pytest.raises(tf.DataUnavailable, match=r"flows/etf_flows\.csv"):
        src.flows()
    with pytest.raises(tf.DataUnavailable, match=r"EPS estimate revisions.*yahoo"):
        src.eps_trend("NVDA")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source": "bloomberg"}, "source 'bloomberg': unknown"),
        ({"source": "csv"}, "source 'csv' needs data_dir"),
        ({"source": "csv", "data_dir": "/no/such/folder"}, "folder not found"),
        ({"source": "sample", "as_of": "last week"}, "as_of 'last week': not a date"),
    ],
)
def test_open_source_bad_input(kwargs, message):
    with pytest.raises(tf.DataError, match=message):
        tf.open_source(**kwargs)


def test_universe_errors(tmp_path):
    bad_group = tmp_path / "u1.csv"
    bad_group.write_text("ticker,name,group,segment\nXLK,Tech,techs,broad\n")
    twice = tmp_path / "u2.csv"
    twice.write_text("ticker,name,group,segment\nXLK,Tech,tech_etf,a\nXLK,Tech,tech_etf,b\n")
    with pytest.raises(tf.DataError, match="column group: 'techs' is not one of benchmark"):
        _ = tf.open_source("sample", universe=bad_group).universe
    with pytest.raises(tf.DataError, match=r"duplicate ticker XLK \(rows 2 and 3\)"):
        _ = tf.open_source("sample", universe=twice).universe


# --- auto: network probe fallback ------------------------------------------------------


def test_auto_offline_falls_back_to_the_snapshot_with_a_warning():
    with pytest.warns(
        OfflineFallbackWarning, match="nothing is cached, so the embedded snapshot is used"
    ):
        src = tf.open_source("auto")
    assert src.name == "snapshot" and "embedded snapshot" in src.fallback_reason
    assert src.description.startswith("snapshot of real market data through ")
    assert src.description.endswith("; offline")


def test_auto_offline_prefers_the_csv_folder_named(tmp_path):
    (tmp_path / "prices").mkdir()
    (tmp_path / "prices" / "XLK.csv").write_text("Date,Close\n2026-01-02,140.0\n")
    with pytest.warns(OfflineFallbackWarning, match=f"the csv folder {tmp_path} first, then"):
        src = tf.open_source("auto", data_dir=tmp_path)
    assert src.close(["XLK"])["XLK"].iloc[0] == 140.0  # the folder wins over the snapshot
    assert src.close(["SPY"])["SPY"].notna().sum() > 1000  # what it lacks: the snapshot


def test_yahoo_offline_is_a_clear_error():
    with pytest.raises(tf.DataError, match="source 'yahoo': Yahoo Finance and FRED cannot"):
        tf.open_source("yahoo")


# --- store and atomic writes -----------------------------------------------------------


def test_store_merge_new_rows_win(tmp_path):
    store = Store(tmp_path)
    index = pd.DatetimeIndex(["2020-01-02", "2020-01-03"], name="Date")
    first = store.merge("prices", "AAA", None, pd.DataFrame({"Close": [1.0, 2.0]}, index=index))
    later = pd.DatetimeIndex(["2020-01-03", "2020-01-06"], name="Date")
    new = pd.DataFrame({"Close": [2.5, 3.0]}, index=later)
    merged = store.merge("prices", "AAA", store.read("prices", "AAA"), new)
    assert first["Close"].tolist() == [1.0, 2.0]
    assert merged["Close"].tolist() == [1.0, 2.5, 3.0]
    assert store.read("prices", "AAA").equals(merged)
    with pytest.raises(tf.DataError, match="not a valid symbol"):
        store.path("prices", "../AAA")


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    target = atomic.write_text(tmp_path / "a.txt", "old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.write_with(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


# --- the snapshot, and the csv folder written from it --------------------------------------


def test_real_iyw_quoted_close(snapshot_source):
    quoted = snapshot_source.close(["IYW"], quoted=True)["IYW"]
    assert quoted.loc["2026-02-09"] == pytest.approx(196.32)
    assert quoted.loc["2026-02-05"] == pytest.approx(186.75)


def test_real_as_of_cut(snapshot_source):
    assert snapshot_source.end == pd.Timestamp("2026-02-13")
    assert snapshot_source.close(["XLK", "SPY"]).index.max() == pd.Timestamp("2026-02-13")
    assert snapshot_source.flows()["date"].max() <= pd.Timestamp("2026-02-13")
    dgs10 = snapshot_source.series(["DGS10"])["DGS10"]
    assert dgs10.index.max() <= pd.Timestamp("2026-02-13") and dgs10.loc["2026-02-09"] == 4.22


def test_real_adjusted_close_falls_back_to_quoted_adj_close(market_csv):
    src = tf.open_source("csv", data_dir=market_csv)
    # VOO has no prices/ file: its adjusted close is prices_quoted/ Adj Close
    assert not (market_csv / "prices" / "VOO.csv").exists()
    adjusted = src.close(["VOO"])["VOO"]
    raw = pd.read_csv(market_csv / "prices_quoted" / "VOO.csv", index_col="Date")
    assert adjusted.tolist() == raw["Adj Close"].tolist()
    assert adjusted.iloc[0] < raw["Close"].iloc[0]  # dividends since: adjusted is lower


def test_relative_data_dir_works_from_the_notebooks_folder(market_csv, monkeypatch):
    from techflows import config

    relative = os.path.relpath(market_csv, config.REPO_ROOT)
    monkeypatch.chdir(config.NOTEBOOK_DIR)
    src = tf.open_source("csv", data_dir=relative, as_of="2026-02-13")
    assert src.close(["IYW"]).index[-1] == pd.Timestamp("2026-02-13")


class CountingAdapter(SampleAdapter):
    """The sample adapter, counting how often the Source asks it for something."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def prices(self, tickers, quoted=False):
        self.calls.append(("prices", tuple(tickers)))
        return super().prices(tickers, quoted)

    def series(self, ids):
        self.calls.append(("series", tuple(ids)))
        return super().series(ids)


def test_source_asks_its_adapter_once_per_thing_even_when_missing():
    adapter = CountingAdapter()
    src = tf.Source(adapter, as_of="2010-12-31")
    for _ in range(3):
        src.close(["^IXIC", "XLK"])
        src.series(["FF_RF", "DGS10"])
        src.date_range()
    src.close(["^GSPC", "^IXIC"])
    asked = [names for kind, names in adapter.calls if kind == "prices"]
    flat = [t for names in asked for t in names]
    assert len(flat) == len(set(flat)), f"a ticker was asked for twice: {asked}"
    assert sum(kind == "series" for kind, _ in adapter.calls) == 1


def test_cached_frames_are_safe_to_change(sample_source):
    bars = sample_source.ohlcv("^IXIC")
    bars["Close"] = 0.0
    assert (sample_source.ohlcv("^IXIC")["Close"] > 0).all()
