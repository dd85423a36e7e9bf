"""Clear messages instead of internal errors (issue 21, points 9, 10 and 12).

A declared parameter value runs (or the declaration refuses it); rows out of order are read
in date order, with a note in the report; two files naming the same ticker in different case
are refused in one line naming both.
"""

from __future__ import annotations

import io
import json
import warnings

import pandas as pd
import pytest

import techflows as tf
from conftest import ARTICLES_DATE, REPO_ROOT
from faults.conftest import damaged, error_line, figures, in_process, open_csv, quality
from techflows.run import cli, execute

XLK, SPY, DGS10 = "prices/XLK.csv", "prices/SPY.csv", "fred/DGS10.csv"


def newest_first(text: str) -> str:
    """An edit: the data rows in reverse (a newest-first export)."""
    lines = text.rstrip("\n").split("\n")
    return "\n".join([lines[0], *reversed(lines[1:])]) + "\n"


def two_rows_swapped(text: str) -> str:
    """An edit: the rows of 2026-02-10 and 2026-02-11 in the wrong order."""
    lines = text.rstrip("\n").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("2026-02-10"))
    lines[at], lines[at + 1] = lines[at + 1], lines[at]
    return "\n".join(lines) + "\n"


# --- 9. every declared parameter value runs --------------------------------------------------


def _report_in_process(notebook: str, out, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    argv = ["report", str(REPO_ROOT / "notebooks" / f"{notebook}.ipynb"), *args]
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        patch.setattr(execute, "_execute", in_process)
        patch.setattr("sys.stderr", err)
        code = cli.main([*argv, "--output-dir", str(out)])
    return code, err.getvalue()


@pytest.mark.parametrize("years", [20, 100])
def test_predictions_run_at_any_declared_lookback(tmp_path, years):
    # On main lookback_years of 20 or more (declared 1..100) crashed 04 with an IndexError.
    code, err = _report_in_process(
        "04_predictions",
        tmp_path,
        *("--source", "snapshot", "--as-of", ARTICLES_DATE, "--param", f"lookback_years={years}"),
        *("--param", "origins=10"),
    )
    assert code == 0, err
    payload = json.loads((tmp_path / "04_predictions" / "figures.json").read_text())
    gaps = [m for m in payload["missing"] if "record notional weeks" in m.lower()]
    assert len(gaps) == 1 and f"{years}-year" in gaps[0], payload["missing"]
    assert "2010-01" in gaps[0]  # says where the history starts


def test_record_weeks_beyond_the_history_are_not_available_not_an_empty_frame():
    from techflows.analysis import forward_returns as fr
    from techflows.analysis import notional

    weekly = pd.Series(range(1, 300), index=pd.date_range("2020-01-03", periods=299, freq="W-FRI"))
    ranked = notional.notional_rank(weekly.astype(float), years=10)
    with pytest.raises(tf.DataUnavailable, match="10-year window"):
        fr.notional_events(ranked)
    assert not fr.notional_events(notional.notional_rank(weekly.astype(float), years=2)).empty


# --- 10. rows out of order ----------------------------------------------------------------


def test_newest_first_files_are_read_in_date_order_with_a_note(
    market_csv, tmp_path, report_on, clean_report
):
    # On main a newest-first XLK and SPY gave a misleading line naming neither file nor order.
    folder = damaged(market_csv, tmp_path / "data", {XLK: newest_first, SPY: newest_first})
    code, err, out = report_on(folder, "drawdown,beta")
    assert code == 0, err
    clean = figures(clean_report)
    assert figures(out) == {"drawdown": clean["drawdown"], "beta": clean["beta"]}
    notes = {q["input"].rsplit("/", 1)[-1]: q for q in quality(out) if q["column"] == "Date"}
    assert set(notes) == {"XLK.csv", "SPY.csv"}, quality(out)
    assert all("not in date order" in q["problem"] for q in notes.values())


def test_two_rows_out_of_order_are_sorted_not_a_pandas_error(market_csv, tmp_path):
    # On main a date not in the file (a Saturday) raised pandas' KeyError about the index.
    folder = damaged(market_csv, tmp_path, {XLK: two_rows_swapped})
    src = tf.open_source("csv", data_dir=folder, as_of="2026-02-14")
    close = src.close("XLK")["XLK"]
    clean = tf.open_source("csv", data_dir=market_csv, as_of="2026-02-14").close("XLK")["XLK"]
    pd.testing.assert_series_equal(close, clean)
    flags = src.quality
    assert flags["column"].tolist() == ["Date"] and flags["date"].iloc[0] == pd.Timestamp(
        "2026-02-10"
    )  # the row out of place: it comes after 2026-02-11
    assert "not in date order (2026-02-10 comes after 2026-02-11" in flags["problem"].iloc[0]


# --- 12. file names that differ only in case -------------------------------------------------


def test_two_files_for_one_ticker_stop_the_report_in_one_line(market_csv, tmp_path, report_on):
    # On main prices/xlk.csv beside prices/XLK.csv was silently ignored.
    folder = damaged(market_csv, tmp_path / "data", {})
    other = pd.read_csv(market_csv / XLK)
    other.assign(Close=other["Close"] * 2).to_csv(folder / "prices" / "xlk.csv", index=False)
    code, err, _ = report_on(folder, "drawdown")
    line = error_line(err)
    assert code == 2, err
    assert "XLK.csv" in line and "xlk.csv" in line and "differ only in case" in line, line


def test_two_series_files_in_different_case_are_refused(market_csv, tmp_path):
    folder = damaged(market_csv, tmp_path, {})
    (folder / "fred" / "dgs10.csv").write_text((market_csv / DGS10).read_text())
    with pytest.raises(tf.DataError, match=r"DGS10.csv and dgs10.csv differ only in case"):
        open_csv(folder).series("DGS10")
