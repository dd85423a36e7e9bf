"""The snapshot: its builder on small folders, its source against csv, the committed files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import techflows as tf
from techflows import config
from techflows.data.snapshot import layout
from techflows.data.snapshot.build import build
from techflows.data.snapshot.manifest import read_manifest
from techflows.data.snapshot.selection import Selection, default_selection
from techflows.data.sources.snapshot import SnapshotAdapter

MANIFEST_CSV = """dir,ticker,source,first,last,rows,columns
prices,AAA,one+repo/AAA.csv,2026-07-29,2026-08-03,4,Close
prices,BBB,two+repo/b.csv,2026-07-29,2026-08-03,4,Open High Low Close Volume
prices_quoted,BBB,two+repo/BBB.csv,2026-07-29,2026-08-03,4,Open High Low Close Adj Close Volume
prices_quoted,QQQ,two+repo/QQQ.csv,2026-07-29,2026-07-31,3,Open High Low Close Adj Close Volume
fred,DGS10,three+repo/DGS10.csv,2026-07-29,2026-08-03,4,DGS10
constituents/prices,2 stocks,four+repo/data,2026-07-29,2026-08-03,,Open High Low Close Volume
"""
SOURCES_MD = """# Sources

## General cautions

### one+repo

Origin: https://github.com/one/repo (snapshot commit(s): aaa111). Close only; the last row is
an intraday snapshot.

| file | origin path | columns |
|---|---|---|
| AAA.csv | data/AAA.csv | Date,Close |

### flows+repo

Origin: https://github.com/flows/repo (snapshot commit(s): fff222).

| file | origin path | columns |
|---|---|---|
| etf_flows.csv | data/etf_flows.csv | date,ticker,flow_usd |
| etf_aum.csv | data/etf_aum.csv | ticker,aum_usd,updated_date |

## Coverage

| etf_shares.csv | listed outside any repository section: not an origin |
"""
BARS = "Date,Open,High,Low,Close,Volume\n"
QUOTED = "Date,Open,High,Low,Close,Adj Close,Volume\n"
FILES = {
    "MANIFEST.csv": MANIFEST_CSV,
    "SOURCES.md": SOURCES_MD,
    # one+repo commits mid-session: its 2026-08-03 row is intraday
    "prices/AAA.csv": "Date,Close\n2026-07-29,10\n2026-07-30,10.5\n2026-07-31,11\n"
    "2026-08-03,11.7\n",
    "prices/BBB.csv": BARS
    + "2026-07-29,1,1,1,20.25,100\n2026-07-30,1,1,1,20.5,200\n"
    + "2026-07-31,1,1,1,21,300\n2026-08-03,1,1,1,21.5,400\n",
    "prices_quoted/BBB.csv": QUOTED
    + "2026-07-29,1,1,1,20.5,20.25,100\n2026-07-30,1,1,1,20.75,20.5,200\n"
    + "2026-07-31,1,1,1,21.25,21,300\n2026-08-03,1,1,1,21.75,21.5,400\n",
    "prices_quoted/QQQ.csv": QUOTED
    + "2026-07-29,1,1,1,500,498,10\n2026-07-30,1,1,1,505,503,11\n2026-07-31,1,1,1,510,508,12\n",
    "prices/SKIP.csv": "Date,Close\n2026-07-29,1\n",  # not selected
    "fred/DGS10.csv": "observation_date,DGS10\n2026-07-29,4.2\n2026-07-30,.\n"
    "2026-07-31,4.25\n2026-08-03,4.3\n",
    "flows/etf_flows.csv": "date,ticker,flow_usd\n2026-07-31,BBB,\n2026-07-29,BBB,1e8\n"
    "2026-07-30,QQQ,-2.5e8\n2026-08-03,QQQ,3e8\n",
    "flows/etf_shares.csv": "date,ticker,shares,price\n2026-07-30,BBB,1000000,20.5\n"
    "2026-07-31,BBB,1100000,\n2026-08-03,BBB,1200000,21.5\n",
    "flows/etf_aum.csv": "ticker,aum_usd,updated_date\nBBB,2.1e9,2026-08-03\nQQQ,4e11,2026-08-03\n",
    "constituents/sp500_constituents.csv": "Symbol,Security,GICS Sector,GICS Sub-Industry\n"
    "MSFT,Microsoft,Information Technology,Software\nXOM,Exxon,Energy,Oil\n",
    "constituents/prices/MSFT.csv": BARS
    + "2026-07-29,1,1,1,400.5,1000\n2026-07-31,1,1,1,410.25,1100\n2026-08-03,1,1,1,415.5,1200\n",
    "constituents/prices/XOM.csv": BARS + "2026-07-29,1,1,1,100.5,50\n2026-08-03,1,1,1,101.5,60\n",
}
SELECTION = Selection(
    tickers=("AAA", "BBB", "QQQ", "MSFT", "NOPE"),
    series=("DGS10", "NOSERIES"),
    intraday_last_rows={"one+repo": "2026-08-03", "nobody+repo": "2026-08-03"},
)


def write_folder(root: Path, files: dict[str, str] = FILES) -> Path:
    """A csv folder laid out like market-data, from {relative path: text}."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def reproducible(monkeypatch):
    """Builds stamp 2026-09-01 as their build date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(pd.Timestamp("2026-09-01").timestamp())))


@pytest.fixture
def built(tmp_path, reproducible):
    """A snapshot of the small folder, and the folder."""
    folder = write_folder(tmp_path / "market")
    build(folder, tmp_path / "snapshot", selection=SELECTION)
    return tmp_path / "snapshot", folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- the builder --------------------------------------------------------------------------


def test_same_input_gives_byte_identical_files(built, tmp_path):
    snapshot, _ = built
    copy = write_folder(tmp_path / "elsewhere" / "market")
    build(copy, tmp_path / "again", selection=SELECTION)
    assert files_of(tmp_path / "again") == files_of(snapshot)
    assert sorted(files_of(snapshot)) == sorted(
        [layout.MANIFEST, *(layout.file_name(d) for d in read_manifest(snapshot)["datasets"])]
    )


def test_build_date_is_outside_the_data_files(built, tmp_path, monkeypatch):
    snapshot, folder = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(pd.Timestamp("2027-01-05").timestamp())))
    build(folder, tmp_path / "later", selection=SELECTION)
    first, later = files_of(snapshot), files_of(tmp_path / "later")
    assert {k: v for k, v in first.items() if k != layout.MANIFEST} == {
        k: v for k, v in later.items() if k != layout.MANIFEST
    }
    assert read_manifest(snapshot)["built"] == "2026-09-01"
    assert read_manifest(tmp_path / "later")["built"] == "2027-01-05"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(tf.DataError, match="SOURCE_DATE_EPOCH 'soon'"):
        build(folder, tmp_path / "bad", selection=SELECTION)


def test_intraday_last_rows_of_the_named_origin_are_dropped(built):
    snapshot, _ = built
    manifest = read_manifest(snapshot)
    assert manifest["dropped_intraday_rows"] == ["prices/AAA.csv 2026-08-03"]
    prices = pd.read_parquet(snapshot / "prices.parquet")
    last = prices.groupby("ticker")["date"].max()
    # AAA's origin commits intraday; BBB's 2026-08-03 row is a real close and stays
    assert last["AAA"] == pd.Timestamp("2026-07-31") and last["BBB"] == pd.Timestamp("2026-08-03")


def test_through_cuts_every_dated_row(tmp_path, reproducible):
    folder = write_folder(tmp_path / "market")
    manifest = build(folder, tmp_path / "cut", through="2026-07-30", selection=SELECTION)
    assert manifest["cut"] == "2026-07-30" and manifest["through"] == "2026-07-30"
    for entry in manifest["datasets"].values():
        assert entry["last"] is None or entry["last"] <= "2026-07-30"
        table = pd.read_parquet(tmp_path / "cut" / entry["file"])
        for column in {"date", "updated_date"} & set(table.columns):
            assert (table[column] <= pd.Timestamp("2026-07-30")).all()
    # the AUM file is dated after the cut: nothing of it is kept; membership has no date
    assert "etf_aum" not in manifest["datasets"]
    assert manifest["datasets"]["sp500_constituents"]["rows"] == 2
    assert not (tmp_path / "cut" / "etf_aum.parquet").exists()
    with pytest.raises(tf.DataError, match="--through 'July': not a date"):
        build(folder, tmp_path / "bad", through="July", selection=SELECTION)


def test_a_rebuild_removes_datasets_that_are_gone(built, tmp_path):
    snapshot, folder = built
    assert (snapshot / "etf_aum.parquet").exists()
    build(folder, snapshot, through="2026-07-30", selection=SELECTION)
    assert not (snapshot / "etf_aum.parquet").exists()


def test_manifest_lists_rows_dates_hashes_and_origins(built):
    snapshot, _ = built
    manifest = read_manifest(snapshot)
    assert manifest["through"] == "2026-08-03" and manifest["from"] == "market"
    assert manifest["writer"] == f"pyarrow {pa.__version__}"
    assert manifest["not_found"] == {"tickers": ["NOPE"], "series": ["NOSERIES"], "tables": []}
    prices = manifest["datasets"]["prices"]
    assert prices["tickers"] == ["AAA", "BBB"] and prices["rows"] == 7
    assert (prices["first"], prices["last"]) == ("2026-07-29", "2026-08-03")
    assert prices["columns"] == ["date", "ticker", "close", "volume"]
    for entry in manifest["datasets"].values():
        data = (snapshot / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["rows"] == len(pd.read_parquet(snapshot / entry["file"]))
    datasets = manifest["datasets"]
    assert prices["origins"] == {"one/repo": ["AAA"], "two/repo": ["BBB"]}
    assert datasets["prices_quoted"]["tickers"] == ["BBB", "QQQ"]
    assert datasets["fred"]["series"] == ["DGS10"] and datasets["fred"]["rows"] == 3
    assert datasets["fred"]["origins"] == {"three/repo": ["DGS10"]}
    assert datasets["constituent_prices"]["origins"] == {"four/repo": ["MSFT", "XOM"]}
    assert datasets["etf_flows"]["origins"] == {"flows/repo": ["flows/etf_flows.csv"]}
    undocumented = datasets["etf_shares"]["origins"]
    assert list(undocumented) == ["not documented in MANIFEST.csv or SOURCES.md"]
    assert manifest["repositories"]["one/repo"] == {
        "url": "https://github.com/one/repo",
        "commit": "aaa111",
    }
    assert manifest["repositories"]["four/repo"] == {}  # in MANIFEST.csv, not in SOURCES.md


def test_bad_input_stops_the_build_naming_the_file(tmp_path):
    broken = {**FILES, "prices/BBB.csv": BARS + "2026-07-29,1,1,1,-2,100\n"}
    with pytest.raises(
        tf.DataError,
        match=r"prices/BBB.csv: row 2 \(2026-07-29\), column Close: -2 is not positive",
    ):
        build(write_folder(tmp_path / "a", broken), tmp_path / "out", selection=SELECTION)
    broken = {**FILES, "flows/etf_flows.csv": "date,ticker\n2026-07-29,BBB\n"}
    with pytest.raises(tf.DataError, match=r"etf_flows.csv: missing column\(s\) flow_usd"):
        build(write_folder(tmp_path / "b", broken), tmp_path / "out", selection=SELECTION)
    with pytest.raises(tf.DataError, match=r"--from .*: folder not found"):
        build(tmp_path / "nowhere", tmp_path / "out", selection=SELECTION)
    assert not (tmp_path / "out" / layout.MANIFEST).exists()


# --- the snapshot source ------------------------------------------------------------------


def test_snapshot_answers_like_the_csv_folder(built):
    snapshot, folder = built
    # A folder without the intraday row: what the snapshot holds, as csv reads it.
    cleaned = FILES["prices/AAA.csv"].replace("2026-08-03,11.7\n", "")
    csv_folder = write_folder(folder.parent / "cleaned", {**FILES, "prices/AAA.csv": cleaned})
    snap = tf.Source(SnapshotAdapter(snapshot))
    csv = tf.open_source("csv", data_dir=csv_folder)
    tickers = ["AAA", "BBB", "QQQ", "MSFT", "NOPE"]
    pd.testing.assert_frame_equal(snap.close(tickers), csv.close(tickers))
    pd.testing.assert_frame_equal(snap.close(["BBB"], quoted=True), csv.close(["BBB"], True))
    assert list(snap.ohlcv("QQQ").columns) == ["Close", "Volume"]  # Adj Close as Close
    assert snap.ohlcv("BBB")["Volume"].dtype == csv.ohlcv("BBB")["Volume"].dtype == "int64"
    assert "Volume" not in snap.ohlcv("AAA")  # a close-only file stays close-only
    pd.testing.assert_frame_equal(snap.series(["DGS10"]), csv.series(["DGS10"]))
    pd.testing.assert_frame_equal(snap.flows(), csv.flows())
    pd.testing.assert_frame_equal(snap.shares(["BBB"]), csv.shares(["BBB"]))
    pd.testing.assert_frame_equal(snap.constituents(), csv.constituents())
    pd.testing.assert_frame_equal(snap.constituent_close(), csv.constituent_close())
    volume = snap.constituent_volume(["MSFT"])
    pd.testing.assert_frame_equal(volume, csv.constituent_volume(["MSFT"]))
    blank = snap.adapter.flows()
    assert blank["flow_usd"].isna().sum() == 1, "a blank flow stays in the table"
    aum = snap.adapter.aum().set_index("ticker")
    assert aum.loc["QQQ", "aum_usd"] == 4e11
    assert aum.loc["QQQ", "updated_date"] == pd.Timestamp("2026-08-03")
    assert snap.description == (
        "snapshot of real market data through 2026-08-03, built 2026-09-01 from flows/repo, "
        "four/repo, one/repo, three/repo, two/repo; offline"
    )


def test_what_the_snapshot_lacks_is_named(tmp_path, reproducible):
    only_prices = {k: v for k, v in FILES.items() if k.startswith("prices/")}
    snapshot = tmp_path / "snapshot"
    build(write_folder(tmp_path / "market", only_prices), snapshot, selection=SELECTION)
    src = tf.Source(SnapshotAdapter(snapshot))
    with pytest.raises(tf.DataUnavailable, match="Fund flows are not in the snapshot source"):
        src.flows()
    with pytest.raises(tf.DataUnavailable, match="Rate and macro series are not in the snapshot"):
        src.series(["DGS10"])
    with pytest.raises(tf.DataUnavailable, match="Fund assets under management"):
        src.adapter.aum()
    assert src.description.endswith("from an undocumented csv folder; offline")


def test_a_broken_snapshot_is_one_clear_error(built):
    snapshot, _ = built
    data = bytearray((snapshot / "prices.parquet").read_bytes())
    data[100] ^= 0xFF
    (snapshot / "prices.parquet").write_bytes(bytes(data))
    src = tf.Source(SnapshotAdapter(snapshot))
    with pytest.raises(
        tf.DataError, match=r"prices\.parquet: does not match its manifest; rebuild"
    ):
        src.close(["AAA"])
    (snapshot / layout.MANIFEST).unlink()
    with pytest.raises(tf.DataError, match=r"manifest\.json not found; rebuild it with"):
        SnapshotAdapter(snapshot)


# --- the committed snapshot ---------------------------------------------------------------


def test_the_committed_snapshot_is_small_and_holds_what_the_reports_read():
    manifest = read_manifest(config.SNAPSHOT_DIR)
    size = sum(p.stat().st_size for p in config.SNAPSHOT_DIR.iterdir())
    assert size <= 12e6
    datasets = manifest["datasets"]
    assert set(datasets) == {
        "prices",
        "prices_quoted",
        "constituent_prices",
        "fred",
        "etf_flows",
        "etf_shares",
        "etf_aum",
        "sp500_constituents",
    }
    assert {"DGS10", "DFII10", "DFEDTARU", "DFEDTARL", "DGS2", "DFF", "EFFR", "T10Y2Y"} <= set(
        datasets["fred"]["series"]
    )
    # The selection and the committed files agree: a name added since is a rebuild to do.
    selection, rebuild = default_selection(), "selection changed: run `techflows snapshot build`"
    have = set(datasets["prices"]["tickers"]) | set(datasets["prices_quoted"]["tickers"])
    have |= set(datasets["constituent_prices"]["tickers"])
    assert set(selection.tickers) - have == set(manifest["not_found"]["tickers"]), rebuild
    missing_series = set(selection.series) - set(datasets["fred"]["series"])
    assert missing_series == set(manifest["not_found"]["series"]), rebuild
    assert manifest["dropped_intraday_rows"] == []  # market-data already left them out


def test_the_snapshot_keeps_the_long_histories():
    src = tf.open_source("snapshot")
    closes = src.close(["^IXIC", "^GSPC", "XLK", "QQQ", "SPY"])
    assert (closes.apply(lambda c: c.first_valid_index()) < pd.Timestamp("2000-01-01")).all()
    nasdaq = closes["^IXIC"]
    # A known fact: the NASDAQ Composite fell 77.93% from 2000-03-10 to 2002-10-09.
    assert nasdaq["2002-10-09"] / nasdaq["2000-03-10"] - 1 == pytest.approx(-0.7793, abs=5e-5)


def _same_data(built_dir: Path, built: dict, reference: dict) -> None:
    """Same hashes, or (another pyarrow version stamps the files) the same tables."""
    assert built["datasets"].keys() == reference["datasets"].keys()
    for name, entry in reference["datasets"].items():
        if built["writer"] == reference["writer"]:
            assert built["datasets"][name]["sha256"] == entry["sha256"], name
        else:
            fresh = pd.read_parquet(built_dir / entry["file"])
            committed = pd.read_parquet(config.SNAPSHOT_DIR / entry["file"])
            pd.testing.assert_frame_equal(fresh, committed, obj=name)


def test_rebuilding_from_its_own_csv_export_gives_the_same_files(market_csv, tmp_path):
    reference = read_manifest(config.SNAPSHOT_DIR)
    rebuilt = build(market_csv, tmp_path / "snapshot")
    _same_data(tmp_path / "snapshot", rebuilt, reference)
    assert rebuilt["through"] == reference["through"]


@pytest.mark.integration
def test_rebuilding_from_shared_market_data_matches_the_committed_manifest(
    shared_market_data, tmp_path
):
    reference = read_manifest(config.SNAPSHOT_DIR)
    rebuilt = build(shared_market_data, tmp_path / "snapshot", through=reference["cut"])
    _same_data(tmp_path / "snapshot", rebuilt, reference)
    strip = ("built", "writer", "datasets")
    assert {k: v for k, v in rebuilt.items() if k not in strip} == {
        k: v for k, v in reference.items() if k not in strip
    }
    for name, entry in reference["datasets"].items():
        assert {k: v for k, v in rebuilt["datasets"][name].items() if k != "sha256"} == {
            k: v for k, v in entry.items() if k != "sha256"
        }, name
