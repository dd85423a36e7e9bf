"""The analyst table: reading and checking data/analyst_signals.csv, dating its entries."""

import math

import pandas as pd
import pytest

import techflows as tf
from techflows.monitor import analyst_table as at
from techflows.monitor import rules, signals

GREEN, NO_DATA = rules.GREEN, rules.NO_DATA


OBS, REP = at.OBSERVED, at.REPORTED

# Dated entries around an as-of date of 2026-02-13 (also used by test_checklist).
DATED_ENTRIES = [
    ["semis_orders", "2026-01-01", 5.0, "%", OBS, NO_DATA, "old", "a"],
    ["semis_orders", "2026-02-01", 20.0, "%", OBS, NO_DATA, "latest known", "b"],
    ["semis_orders", "2026-02-05", 56.0, "%", REP, NO_DATA, "an article's figure", "b2"],
    ["semis_orders", "2026-03-01", -5.0, "%", OBS, NO_DATA, "future", "c"],
    ["guidance", "2025-10-01", math.nan, "", OBS, GREEN, "stale view", "d"],
    ["filings_13f", "2026-03-01", 30.0, "pp", OBS, NO_DATA, "after as_of", "e"],
]
HEADER = "item,date,value,unit,basis,status,note,source\n"


def analyst_frame(rows: list[list[object]]) -> pd.DataFrame:
    """An analyst table as read_analyst_table returns it, from rows in ANALYST_COLUMNS order."""
    frame = pd.DataFrame(rows, columns=at.ANALYST_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


def test_entries_after_as_of_are_dropped_and_old_ones_are_stale():
    table = analyst_frame(DATED_ENTRIES)
    entries = at.analyst_entries(table, pd.Timestamp("2026-02-13"), stale_days=45)
    assert entries["date"].max() == pd.Timestamp("2026-02-05")
    assert entries.set_index("note").loc["stale view", "stale"]
    assert not entries.set_index("note").loc["latest known", "stale"]


def test_shipped_analyst_table_reads_and_cites_the_articles():
    table = at.read_analyst_table(items=signals.ANALYST_KEYS)
    assert set(table["item"]) <= set(signals.ANALYST_KEYS)
    assert table["source"].str.contains("seed 00").all()
    assert (table["date"] <= pd.Timestamp("2026-02-13")).all()
    # Every entry that cites an article is the article's own figure: reported, never observed.
    assert (table.loc[table["source"].str.contains("article"), "basis"] == at.REPORTED).all()


def test_a_table_without_the_basis_column_is_refused(tmp_path):
    path = tmp_path / "analyst.csv"
    path.write_text("item,date,value,unit,status,note,source\nguidance,2026-01-01,1,%,,n,s\n")
    with pytest.raises(tf.DataError, match=r"missing column\(s\) basis"):
        at.read_analyst_table(path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("nonsense,2026-01-01,1,%,observed,,n,s", "column item: 'nonsense' is not one of"),
        ("guidance,not a date,1,%,observed,,n,s", "column date: 'not a date' is not a date"),
        ("guidance,2026-01-01,lots,%,observed,,n,s", "not a number"),
        ("guidance,2026-01-01,,,observed,purple,n,s", "status"),
        ("guidance,2026-01-01,1,,,,n,s", "row 2 .*column basis: is blank"),
        ("guidance,2026-01-01,1,,quoted,,n,s", "'quoted' is not one of observed, reported"),
        ("guidance,2026-01-01,1,,reported,green,n,s", "reported figure is shown, never scored"),
    ],
)
def test_bad_analyst_rows_are_named(tmp_path, line, message):
    path = tmp_path / "analyst.csv"
    path.write_text(HEADER + line + "\n")
    with pytest.raises(tf.DataError, match=message):
        at.read_analyst_table(path, items=signals.ANALYST_KEYS)


def test_items_are_checked_only_when_given(tmp_path):
    path = tmp_path / "analyst.csv"
    path.write_text(HEADER + "anything,2026-01-01,1,%,observed,,n,s\n")
    assert at.read_analyst_table(path)["item"].tolist() == ["anything"]
    with pytest.raises(tf.DataError, match="column item: 'anything' is not one of guidance"):
        at.read_analyst_table(path, items=("guidance",))
