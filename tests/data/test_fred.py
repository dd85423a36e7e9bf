"""The FRED adapter against requests.get mocked with FRED's CSV download layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import requests

import techflows as tf
from techflows.data.sources.fred import FredAdapter
from techflows.data.store import Store

# fredgraph.csv?id=DGS10: missing days come as '.' (older files) or empty (current files)
DGS10 = """observation_date,DGS10
2026-01-30,4.24
2026-02-02,4.28
2026-02-03,4.27
2026-02-04,.
2026-02-05,4.21
2026-02-06,4.22
2026-02-09,4.22
2026-02-10,
2026-02-11,4.18
"""


class FakeResponse:
    def __init__(self, text: str, status_code: int = 200) -> None:
        self.text = text
        self.status_code = status_code


class FakeGet:
    """Stands in for requests.get: answers from a queue and records every request."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, object]] = []

    def __call__(self, url, params=None, timeout=None, **kwargs):
        self.calls.append({"url": url, "params": dict(params or {}), "timeout": timeout})
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture
def get(monkeypatch):
    def install(*answers: object) -> FakeGet:
        fake = FakeGet(*answers)
        monkeypatch.setattr(requests, "get", fake)
        return fake

    return install


def test_download_parses_missing_days_and_caches(tmp_path, get):
    fake = get(FakeResponse(DGS10))
    got = FredAdapter(Store(tmp_path)).series(["DGS10"])["DGS10"]
    call = fake.calls[0]
    assert call["url"] == "https://fred.stlouisfed.org/graph/fredgraph.csv"
    assert call["params"] == {"id": "DGS10"} and 0 < call["timeout"] <= 60
    assert got.name == "DGS10" and got.index.name == "Date"
    # '.' and empty are missing days: dropped, never zero
    assert pd.Timestamp("2026-02-04") not in got.index
    assert pd.Timestamp("2026-02-10") not in got.index
    assert len(got) == 7 and got.loc["2026-02-09"] == 4.22 and np.isfinite(got).all()
    assert (tmp_path / "fred" / "DGS10.parquet").exists()


def test_fresh_cache_makes_no_request(tmp_path, get):
    fake = get(FakeResponse(DGS10))
    FredAdapter(Store(tmp_path)).series(["DGS10"])
    FredAdapter(Store(tmp_path)).series(["DGS10"])
    assert len(fake.calls) == 1


def test_incremental_refresh_asks_from_cosd_and_merges(tmp_path, get):
    revised = "observation_date,DGS10\n2026-02-11,4.19\n2026-02-12,4.15\n2026-02-13,.\n"
    fake = get(FakeResponse(DGS10), FakeResponse(revised))
    FredAdapter(Store(tmp_path)).series(["DGS10"])
    got = FredAdapter(Store(tmp_path), max_age=pd.Timedelta(0)).series(["DGS10"])["DGS10"]
    # five weeks before the last cached day (2026-02-11)
    assert fake.calls[1]["params"] == {"id": "DGS10", "cosd": "2026-01-07"}
    assert got.loc["2026-02-11"] == 4.19  # the revised value wins
    assert got.loc["2026-02-12"] == 4.15 and got.loc["2026-01-30"] == 4.24
    assert got.index.is_monotonic_increasing and got.index.is_unique


def test_unknown_series_is_left_out(tmp_path, get):
    get(FakeResponse("Not Found", status_code=404))
    assert FredAdapter(Store(tmp_path)).series(["NOSUCHID"]) == {}


def test_unreachable_without_cache_is_a_clear_error(tmp_path, get):
    get(requests.ConnectionError("connection refused"))
    with pytest.raises(tf.DataError, match="fred series DGS10: FRED could not be reached"):
        FredAdapter(Store(tmp_path)).series(["DGS10"])


def test_unreachable_with_cache_warns_and_uses_it(tmp_path, get):
    get(FakeResponse(DGS10), requests.Timeout("read timed out"))
    FredAdapter(Store(tmp_path)).series(["DGS10"])
    with pytest.warns(UserWarning, match="using cached DGS10 up to 2026-02-11"):
        got = FredAdapter(Store(tmp_path), max_age=pd.Timedelta(0)).series(["DGS10"])
    assert got["DGS10"].index.max() == pd.Timestamp("2026-02-11")


def test_web_page_instead_of_csv_is_an_error(tmp_path, get):
    get(FakeResponse("<!DOCTYPE html><html>maintenance</html>"))
    with pytest.raises(tf.DataError, match="DGS10: FRED answered HTTP 200 without CSV"):
        FredAdapter(Store(tmp_path)).series(["DGS10"])


def test_bad_date_in_download_names_the_series(tmp_path, get):
    get(FakeResponse("observation_date,DGS10\n2026-02-30x,4.1\n"))
    with pytest.raises(tf.DataError, match="FRED download of DGS10: unreadable date"):
        FredAdapter(Store(tmp_path)).series(["DGS10"])


def test_source_series_through_fred(tmp_path, monkeypatch, get):
    get(FakeResponse(DGS10), FakeResponse("Not Found", status_code=404))
    monkeypatch.setattr("techflows.data.source.network_available", lambda: True)
    src = tf.open_source("auto", as_of="2026-02-06", cache_dir=tmp_path)
    wide = src.series(["DGS10", "NOSUCHID"])
    assert list(wide.columns) == ["DGS10"] and wide.index.max() == pd.Timestamp("2026-02-06")
