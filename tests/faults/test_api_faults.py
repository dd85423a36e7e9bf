"""The library called wrongly: a DataError naming the argument, or the intended meaning."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import techflows as tf
from conftest import ARTICLES_DATE
from techflows.run.parameters import validate_parameters

WRONG = [
    ("source-number", lambda: tf.open_source(5), "source 5: not a source name"),
    ("source-unknown", lambda: tf.open_source("bloomberg"), "source 'bloomberg': unknown"),
    ("csv-without-folder", lambda: tf.open_source("csv"), "source 'csv' needs data_dir"),
    ("data-dir-number", lambda: tf.open_source("csv", data_dir=123), "data_dir 123: not a folder"),
    ("cache-dir-number", lambda: tf.open_source("yahoo", cache_dir=1.5), "cache_dir 1.5: not a"),
    ("as-of-number", lambda: tf.open_source("snapshot", as_of=12345), "as_of 12345: not a date"),
    ("as-of-year", lambda: tf.open_source("snapshot", as_of="2026"), "as_of '2026': not a date"),
    ("as-of-us-order", lambda: tf.open_source("snapshot", as_of="02/13/2026"), "not a date"),
    (
        "as-of-time-zone",
        lambda: tf.open_source("snapshot", as_of="2026-02-13T00:00+05:00"),
        "not a date",
    ),
    ("as-of-bool", lambda: tf.open_source("snapshot", as_of=True), "as_of True: not a date"),
    ("universe-number", lambda: tf.open_source("snapshot", universe=7), "universe 7: not a file"),
]


@pytest.mark.parametrize(("call", "words"), [w[1:] for w in WRONG], ids=[w[0] for w in WRONG])
def test_wrong_arguments_are_a_data_error_naming_them(call, words):
    with pytest.raises(tf.DataError) as caught:
        call()
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.fixture(scope="module")
def src():
    return tf.open_source("snapshot", as_of=ARTICLES_DATE)


def test_a_string_is_one_ticker_not_its_letters(src):
    assert list(src.close("XLK").columns) == ["XLK"]
    assert list(src.close("xlk").columns) == ["XLK"]  # tickers are upper case
    assert src.available("XLK") == ["XLK"]
    assert src.series("dgs10").columns.tolist() == ["DGS10"]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda s: s.close(5), "tickers 5: give a ticker"),
        (lambda s: s.close([5]), "ticker 5: not a ticker"),
        (lambda s: s.close(["../etc/passwd"]), "not a valid symbol"),
        (lambda s: s.ohlcv(["XLK"]), "ticker ['XLK']: not a ticker"),
        (lambda s: s.series({"DGS10": 1}), "give a ticker"),
    ],
    ids=["number", "list-of-number", "path", "list-for-one", "dict"],
)
def test_wrong_tickers_are_a_data_error(src, call, words):
    with pytest.raises(tf.DataError, match=None) as caught:
        call(src)
    assert words in str(caught.value)


def test_dates_the_api_accepts(src):
    for as_of in (dt.date(2026, 2, 13), pd.Timestamp("2026-02-13"), " 2026-02-13 "):
        assert tf.open_source("snapshot", as_of=as_of).as_of == pd.Timestamp("2026-02-13")
    weekend = tf.open_source("snapshot", as_of="2026-02-14")
    assert weekend.end == pd.Timestamp("2026-02-13")  # the last session up to it
    later = tf.open_source("snapshot", as_of="2030-01-01")
    assert later.end == tf.open_source("snapshot").end  # after all data: all of it


def test_validate_parameters_is_a_library_call(tmp_path):
    from conftest import FIXTURES

    notebook = FIXTURES / "notebooks" / "01_ok.ipynb"
    typed = validate_parameters(notebook, {"lookback_years": "5", "fail": "false"})
    assert typed == {"lookback_years": 5, "fail": False}
    with pytest.raises(tf.DataError, match="lookback_year: not a parameter of the notebook"):
        validate_parameters(notebook, {"lookback_year": 5})
