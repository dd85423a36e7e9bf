"""Damaged data files: one error naming file, row and column, or a flagged value; never silence.

Each case damages one cell (or line) of a clean csv folder and runs `techflows report` on the
headline figures (fixtures/notebooks/04_headlines.ipynb) over a previous good report: it either
exits 2 with one line naming the file, the row and the column and leaves the previous report
byte-identical, or exits 0 with the clean figures, or with a changed figure that a data-quality
flag in the report names. Tables the headlines do not read are checked through the library.
"""

from __future__ import annotations

import pandas as pd
import pytest

import techflows as tf
from faults.conftest import (
    damaged,
    duplicate_row,
    error_line,
    figures,
    header,
    open_csv,
    quality,
    set_cell,
    tech_first_weeks,
)
from techflows.analysis import flows

XLK, DGS10, FLOWS = "prices/XLK.csv", "fred/DGS10.csv", "flows/etf_flows.csv"
DAY, FLOW_DAY, FRED_DAY = "2026-02-10", "2026-01-06,XLK", "2026-01-07"
FRIDAY = "2026-01-09"  # a week's last day: its value makes the week's yield change


def _line(text: str, key: str) -> int:
    """The file line (header = 1) of the row starting with key."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(key))


ERRORS = [
    # id, file, edit, expected words in the one line (after the file name)
    (
        "close-text",
        XLK,
        set_cell(DAY, "Close", "abc"),
        "column Close: 'abc' is not a number",
    ),
    ("close-letter-o", XLK, set_cell(DAY, "Close", "12O.5"), "'12O.5' is not a number"),
    ("close-inf", XLK, set_cell(DAY, "Close", "inf"), "'inf' is not a number"),
    ("close-nan", XLK, set_cell(DAY, "Close", "NaN"), "'NaN' is not a number"),
    ("close-blank", XLK, set_cell(DAY, "Close", ""), "column Close: is blank"),
    ("close-overflow", XLK, set_cell(DAY, "Close", "1e999"), "is not a finite number"),
    ("close-negative", XLK, set_cell(DAY, "Close", "-1"), "-1.0 is not positive"),
    ("close-zero", XLK, set_cell(DAY, "Close", "0"), "0.0 is not positive"),
    ("volume-negative", XLK, set_cell(DAY, "Volume", "-5"), "-5 is negative"),
    (
        "date-us-order",
        XLK,
        set_cell(DAY, "Date", "02/10/2026"),
        "'02/10/2026' is not a date",
    ),
    ("date-year-only", XLK, set_cell(DAY, "Date", "2026"), "'2026' is not a date"),
    (
        "date-impossible",
        XLK,
        set_cell(DAY, "Date", "2026-13-45"),
        "'2026-13-45' is not a date",
    ),
    ("date-duplicate", XLK, duplicate_row(DAY), "duplicate Date 2026-02-10"),
    ("no-close-column", XLK, header("Date,Price,Volume"), "missing column(s) Close"),
    ("close-twice", XLK, header("Date,Close,close"), "column 'Close' appears twice"),
    ("header-only", XLK, lambda t: t.split("\n")[0] + "\n", "has no rows"),
    ("empty-file", XLK, lambda t: "", "the file is empty"),
    (
        "fred-letter-o",
        DGS10,
        set_cell(FRED_DAY, "DGS10", "4.2O"),
        "column DGS10: '4.2O' is not a number",
    ),
    (
        "fred-duplicate-date",
        DGS10,
        duplicate_row(FRED_DAY, "DGS10", "9.99"),
        "duplicate Date 2026-01-07",
    ),
    (
        "fred-slashed-date",
        DGS10,
        set_cell(FRED_DAY, "observation_date", "2026/01/07"),
        "is not a date",
    ),
    (
        "flow-comma",
        FLOWS,
        set_cell(FLOW_DAY, "flow_usd", "1,2e9"),
        "'1,2e9' is not a number",
    ),
    (
        "flow-text",
        FLOWS,
        set_cell(FLOW_DAY, "flow_usd", "abc"),
        "'abc' is not a number",
    ),
    (
        "flow-short-date",
        FLOWS,
        set_cell(FLOW_DAY, "date", "2026-1-6"),
        "'2026-1-6' is not a date",
    ),
    (
        "flow-duplicate",
        FLOWS,
        duplicate_row(FLOW_DAY),
        "duplicate row for XLK on 2026-01-06",
    ),
    (
        "flow-no-ticker-column",
        FLOWS,
        header("date,fund,flow_usd"),
        "missing column(s) ticker",
    ),
    (
        "flow-bad-ticker",
        FLOWS,
        set_cell(FLOW_DAY, "ticker", "X/LK"),
        "'X/LK' is not a ticker",
    ),
    (
        "aum-negative",
        "flows/etf_aum.csv",
        set_cell("XLK", "aum_usd", "-5"),
        "-5.0 is not positive",
    ),
    (
        "aum-text",
        "flows/etf_aum.csv",
        set_cell("XLK", "aum_usd", "abc"),
        "'abc' is not a number",
    ),
    (
        "aum-twice",
        "flows/etf_aum.csv",
        duplicate_row("XLK"),
        "duplicate ticker XLK",
    ),
]


def _quoted(src: tf.Source) -> object:
    return src.ohlcv("IYW", quoted=True)


def _shares(src: tf.Source) -> object:
    return src.shares(["XLK"])


def _constituents(src: tf.Source) -> object:
    return src.sector_members("Information Technology")


def _constituent_close(src: tf.Source) -> object:
    return src.constituent_close(["AAPL"])


MORE_ERRORS = [
    (
        "quoted-close-text",
        "prices_quoted/IYW.csv",
        set_cell(DAY, "Close", "abc"),
        _quoted,
        "'abc' is not a number",
    ),
    (
        "shares-negative",
        "flows/etf_shares.csv",
        set_cell("2026-03-30,XLK", "shares", "-5"),
        _shares,
        "-5 is negative",
    ),
    (
        "shares-text",
        "flows/etf_shares.csv",
        set_cell("2026-03-30,XLK", "shares", "many"),
        _shares,
        "'many' is not a number",
    ),
    (
        "members-no-symbol",
        "constituents/sp500_constituents.csv",
        header("Ticker,Security,GICS Sector,GICS Sub-Industry"),
        _constituents,
        "missing column(s) Symbol",
    ),
    (
        "member-close-text",
        "constituents/prices/AAPL.csv",
        set_cell(DAY, "Close", "abc"),
        _constituent_close,
        "'abc' is not a number",
    ),
]


@pytest.mark.parametrize(
    ("relative", "edit", "words"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_a_bad_cell_stops_the_report_in_one_line_naming_file_row_and_column(
    market_csv, tmp_path, report_on, relative, edit, words
):
    folder = damaged(market_csv, tmp_path / "data", {relative: edit})
    code, err, _ = report_on(folder)  # the previous report stays byte-identical
    line = error_line(err)
    assert code == 2, err
    assert f"{folder / relative}: " in line and words in line, line


@pytest.mark.parametrize(
    ("relative", "edit", "read", "words"),
    [c[1:] for c in MORE_ERRORS],
    ids=[c[0] for c in MORE_ERRORS],
)
def test_tables_and_constituents_are_validated_the_same_way(
    market_csv, tmp_path, relative, edit, read, words
):
    folder = damaged(market_csv, tmp_path, {relative: edit})
    with pytest.raises(tf.DataError) as caught:
        read(open_csv(folder))
    assert str(caught.value).startswith(str(folder / relative)) and words in str(caught.value)


def test_the_row_named_is_the_file_line(market_csv, tmp_path):
    folder = damaged(market_csv, tmp_path, {XLK: set_cell(DAY, "Close", "abc")})
    line = _line((folder / XLK).read_text(), DAY)
    with pytest.raises(tf.DataError, match=rf"XLK.csv: row {line} \({DAY}\), column Close"):
        open_csv(folder).close("XLK")


# --- what is not an error: the same headline ------------------------------------------------

# The one data-quality flag of the clean data (a real print in the flows file).
CLEAN_FLAGS = {
    "GSG flow of 3.39e+09 USD is larger than the fund's assets (1.07e+09 USD on 2026-04-03)"
}

SAME = [
    ("lower-case-headers", XLK, header("date,close,volume"), "drawdown"),
    (
        "extra-column",
        XLK,
        lambda t: t.replace("\n", ",0\n").replace("Volume,0", "Volume,Dividends", 1),
        "drawdown",
    ),
    ("spaces-around-values", XLK, set_cell(DAY, "Close", " 142.372986 "), "drawdown"),
    ("fred-dot-is-missing", DGS10, set_cell(FRED_DAY, "DGS10", "."), "beta"),
    ("fred-blank-is-missing", DGS10, set_cell(FRED_DAY, "DGS10", ""), "beta"),
    ("fred-header-case", DGS10, header("DATE,dgs10"), "beta"),
    ("flow-ticker-lower-case", FLOWS, lambda t: t.replace(",XLK,", ",xlk,"), "tech_first_weeks"),
    ("flow-headers-capitalised", FLOWS, header("Date,Ticker,Flow_USD"), "tech_first_weeks"),
]


@pytest.mark.parametrize(
    ("relative", "edit", "headline"), [c[1:] for c in SAME], ids=[c[0] for c in SAME]
)
def test_harmless_differences_give_the_clean_headlines(
    market_csv, tmp_path, report_on, clean_report, relative, edit, headline
):
    code, err, out = report_on(damaged(market_csv, tmp_path / "data", {relative: edit}), headline)
    assert code == 0, err
    assert figures(out) == {headline: figures(clean_report)[headline]}
    assert {q["problem"] for q in quality(out)} <= CLEAN_FLAGS


def test_a_blank_flow_is_a_day_not_reported_and_shown_as_missing(
    market_csv, tmp_path, clean_headlines
):
    edit = set_cell(FLOW_DAY, "flow_usd", "")
    src = open_csv(damaged(market_csv, tmp_path, {FLOWS: edit}))
    rows = src.flows(blank=True)
    day = rows[(rows["ticker"] == "XLK") & (rows["date"] == pd.Timestamp("2026-01-06"))]
    assert day["flow_usd"].isna().all() and len(day) == 1
    by_fund, _ = flows.weekly_flows(src, "W-FRI")
    week = by_fund[
        (by_fund["ticker"] == "XLK") & (by_fund["week_end"] == pd.Timestamp("2026-01-09"))
    ]
    assert int(week["missing_days"].iloc[0]) == 1  # the gap is counted and shown
    clean = open_csv(market_csv).flows()
    that_day = clean[(clean["ticker"] == "XLK") & (clean["date"] == pd.Timestamp("2026-01-06"))]
    moved = clean_headlines["tech_first_weeks"] - float(that_day["flow_usd"].iloc[0])
    assert tech_first_weeks(src) == pytest.approx(moved)


# --- implausible values: flagged, never silent -----------------------------------------------

FLAGGED = [
    ("close-1e300", XLK, set_cell(DAY, "Close", "1e300"), "drawdown", ("Close", DAY)),
    ("close-two-places-off", XLK, set_cell(DAY, "Close", "14237.2986"), "drawdown", ("Close", DAY)),
    ("fred-4e10", DGS10, set_cell(FRIDAY, "DGS10", "4e10"), "beta", ("DGS10", FRIDAY)),
    (
        "flow-1e308",
        FLOWS,
        set_cell(FLOW_DAY, "flow_usd", "1e308"),
        "tech_first_weeks",
        ("flow_usd", "2026-01-06"),
    ),
]


@pytest.mark.parametrize(
    ("relative", "edit", "headline", "where"), [c[1:] for c in FLAGGED], ids=[c[0] for c in FLAGGED]
)
def test_an_implausible_value_is_a_data_quality_flag_not_a_silent_change(
    market_csv, tmp_path, report_on, clean_report, relative, edit, headline, where
):
    folder = damaged(market_csv, tmp_path / "data", {relative: edit})
    code, err, out = report_on(folder, headline)
    assert code == 0, err
    assert figures(out)[headline] != figures(clean_report)[headline]  # the figure moved ...
    column, day = where
    # figures.json is shared: the data folder by its last part (issue 21 point 2)
    named = [q for q in quality(out) if q["input"] == f"{folder.name}/{relative}"]
    assert named and {q["column"] for q in named} == {column}, quality(out)
    assert min(q["date"] for q in named) == day  # ... and a flag in the report says where, why
    assert all(("in one day" in q["problem"]) != ("larger than" in q["problem"]) for q in named)


def test_the_clean_folder_has_one_real_flag_a_flow_larger_than_its_fund(market_csv):
    src = open_csv(market_csv)
    src.flows()
    flags = src.quality
    assert len(flags) == 1
    assert "GSG flow of 3.39e+09 USD is larger than the fund's assets" in flags["problem"][0]


# --- reference tables in data/ --------------------------------------------------------------


def test_universe_and_reference_tables(tmp_path):
    from techflows.analysis import fundamentals
    from techflows.claims import ledger
    from techflows.config import DATA_DIR
    from techflows.monitor import analyst_table

    made = iter(range(100))

    def broken(name: str, edit) -> object:
        path = tmp_path / str(next(made)) / name
        path.parent.mkdir()
        path.write_text(edit((DATA_DIR / name).read_text()))
        return path

    cases = [
        (
            broken("universe.csv", set_cell("XLK", "group", "techs")),
            lambda p: tf.open_source("sample", universe=p).universe,
            "column group: 'techs' is not one of",
        ),
        (
            broken("universe.csv", duplicate_row("XLK")),
            lambda p: tf.open_source("sample", universe=p).universe,
            "duplicate ticker XLK",
        ),
        (
            tmp_path / "missing.csv",
            lambda p: tf.open_source("sample", universe=p).universe,
            "file not found",
        ),
        (
            broken("claims.csv", set_cell("A000-01", "metric", "vibes")),
            ledger.load_claims,
            "column metric: 'vibes' is not one of",
        ),
        (
            broken("claims.csv", set_cell("A000-01", "start", "02/10/2026")),
            ledger.load_claims,
            "column start: '02/10/2026' is not a date",
        ),
        (
            broken("claims.csv", duplicate_row("A000-01")),
            ledger.load_claims,
            "duplicate id A000-01",
        ),
        (
            broken("claims.csv", set_cell("A000-01", "tolerance", "-1")),
            ledger.load_claims,
            "-1.0 is negative",
        ),
        (
            broken("analyst_signals.csv", set_cell("eps_revisions", "basis", "quoted")),
            analyst_table.read_analyst_table,
            "'quoted' is not one of observed, reported",
        ),
        (
            broken("analyst_signals.csv", set_cell("eps_revisions", "date", "2026")),
            analyst_table.read_analyst_table,
            "column date: '2026' is not a date",
        ),
        (
            broken("analyst_signals.csv", set_cell("eps_revisions", "value", "lots")),
            analyst_table.read_analyst_table,
            "'lots' is not a number",
        ),
        (
            broken("reported_figures.csv", set_cell("fed_cuts_2025", "value", "two")),
            fundamentals.reported_figures,
            "column value: 'two' is not a number",
        ),
        (
            broken("reported_figures.csv", set_cell("fed_cuts_2025", "date", "13/02/2026")),
            fundamentals.reported_figures,
            "'13/02/2026' is not a date",
        ),
    ]
    for path, read, words in cases:
        with pytest.raises(tf.DataError) as caught:
            read(path)
        assert str(path) in str(caught.value) and words in str(caught.value), caught.value


def test_a_lower_case_universe_ticker_still_classes_the_fund(tmp_path, market_csv, clean_headlines):
    from techflows.config import UNIVERSE_FILE

    universe = tmp_path / "universe.csv"
    universe.write_text(UNIVERSE_FILE.read_text().replace("\nXLK,", "\nxlk,"))
    src = tf.open_source("csv", data_dir=market_csv, as_of="2026-02-13", universe=universe)
    assert "XLK" in src.universe.index
    assert tech_first_weeks(src) == pytest.approx(clean_headlines["tech_first_weeks"])
