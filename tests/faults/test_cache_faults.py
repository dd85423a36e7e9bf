"""A damaged cache or snapshot: moved aside and fetched again, a temporary cache, one error.

The live source runs its real yfinance and requests code against the simulated Yahoo and
FRED (tests/simulator), on Friday 2026-02-13 after the close.
"""

from __future__ import annotations

import errno
import shutil

import pandas as pd
import pytest

import techflows as tf
from techflows import atomic
from techflows.data.sources.online import OnlineAdapter
from techflows.data.sources.yahoo import YahooAdapter
from techflows.data.store import CORRUPT, Store
from techflows.errors import CacheWarning


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def _yahoo(cache):
    return YahooAdapter(Store(cache), sleep=lambda seconds: None)


def _fill(yahoo_sim, cache) -> pd.DataFrame:
    """XLK fetched once into the cache; the clock then moves past the next close."""
    first = _yahoo(cache).prices(["XLK"])["XLK"]
    yahoo_sim.set_now("2026-02-17 22:00")
    return first


def test_a_corrupt_cache_file_is_moved_aside_and_downloaded_again(yahoo_sim, cache):
    _fill(yahoo_sim, cache)
    path = cache / "prices" / "XLK.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.warns(CacheWarning, match=r"XLK.parquet is unreadable .*moved to XLK.parquet"):
        bars = _yahoo(cache).prices(["XLK"])["XLK"]
    assert bars.index.max() == pd.Timestamp("2026-02-17")  # fetched again, in full
    assert (cache / "prices" / f"XLK.parquet{CORRUPT}").exists()
    assert pd.read_parquet(path).index.max() == pd.Timestamp("2026-02-17")


def test_a_cache_file_failing_its_schema_is_treated_as_corrupt(yahoo_sim, cache):
    bars = _fill(yahoo_sim, cache)
    broken = bars.copy()
    broken.iloc[3, broken.columns.get_loc("Close")] = -1.0
    broken.to_parquet(cache / "prices" / "XLK.parquet")
    with pytest.warns(CacheWarning, match=r"Close: -1.0 is not positive.*fetched again"):
        fresh = _yahoo(cache).prices(["XLK"])["XLK"]
    assert (fresh["Close"] > 0).all()


def test_a_read_only_cache_falls_back_to_a_temporary_one(yahoo_sim, cache, monkeypatch):
    _fill(yahoo_sim, cache)
    before = (cache / "prices" / "XLK.parquet").read_bytes()
    real = atomic.write_with

    def read_only(path, writer):
        if cache in path.parents:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, writer)

    monkeypatch.setattr(atomic, "write_with", read_only)
    adapter = _yahoo(cache)
    with pytest.warns(CacheWarning, match="is not writable .*caches in .* instead"):
        bars = adapter.prices(["XLK", "IYW"])
    assert bars["XLK"].index.max() == pd.Timestamp("2026-02-17")  # the download is kept
    assert (cache / "prices" / "XLK.parquet").read_bytes() == before  # the cache untouched
    spill = adapter.store.spill
    assert spill is not None and (spill / "prices" / "IYW.parquet").exists()
    assert adapter.prices(["IYW"])["IYW"].equals(bars["IYW"])  # read back from the spill
    shutil.rmtree(spill)


@pytest.mark.filterwarnings("ignore:techflows. yahoo adjusted prices could not be refreshed")
def test_an_offline_source_with_a_corrupt_cache_says_what_it_lacks(yahoo_sim, cache):
    _fill(yahoo_sim, cache)
    (cache / "prices" / "XLK.parquet").write_bytes(b"garbage")
    src = tf.Source(OnlineAdapter(Store(cache), offline=True))
    with pytest.warns(CacheWarning), pytest.raises(tf.DataUnavailable, match="Prices for XLK"):
        src.ohlcv("XLK")


def test_a_tampered_snapshot_is_one_clear_error(tmp_path):
    from techflows.config import SNAPSHOT_DIR
    from techflows.data.sources.snapshot import SnapshotAdapter

    copy = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, copy)
    (copy / "etf_flows.parquet").write_bytes(b"tampered")
    src = tf.Source(SnapshotAdapter(copy))
    with pytest.raises(tf.DataError, match="does not match its manifest") as caught:
        src.flows()
    assert "\n" not in str(caught.value)
    (copy / "manifest.json").unlink()
    with pytest.raises(tf.DataError, match="manifest"):
        SnapshotAdapter(copy)
