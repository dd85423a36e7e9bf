"""Plausible mistakes that used to pass silently: wrong units, a day off its calendar, a volume
typo, a dead feed (issue 21, points 5 to 8).

Each case damages a copy of the clean csv folder (written from the snapshot) the way a careless
export would, then asserts what the analyst sees: one error line naming the file, the row and
the column (exit 2, previous report untouched), or a data-quality flag in the report naming
the input, the column and the day. The schemas declare what a believable column looks like
(techflows.data.schemas: unit and scale, the days that count); these tests check the
declarations hold on real data, and that real data raises none of them.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from conftest import REPO_ROOT
from faults.conftest import (
    damaged,
    error_line,
    figures,
    in_process,
    open_csv,
    quality,
    set_cell,
)
from techflows.analysis import notional, rates
from techflows.data import quality as screens
from techflows.data import schemas
from techflows.run import cli, execute

FLOWS, AUM, SHARES = "flows/etf_flows.csv", "flows/etf_aum.csv", "flows/etf_shares.csv"
XLK, DGS10, DFII10 = "prices/XLK.csv", "fred/DGS10.csv", "fred/DFII10.csv"
NVDA = "constituents/prices/NVDA.csv"
FRIDAY = "2026-01-09"  # a week's last day: its yield makes the week's change


def scaled(column: str, factor: float):
    """An edit: every value of `column` multiplied by factor (blanks stay blank)."""

    def edit(text: str) -> str:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        values = pd.to_numeric(frame[column].replace({"": None, ".": None}))
        frame[column] = [
            "" if pd.isna(v) else repr(float(v) * factor) for v in values.astype(float)
        ]
        return frame.to_csv(index=False)

    return edit


def every(column: str, value: str):
    """An edit: every cell of `column` set to value (a feed that stopped updating)."""

    def edit(text: str) -> str:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        frame[column] = value
        return frame.to_csv(index=False)

    return edit


def appended(line: str):
    """An edit: one more row at the end of the file."""
    return lambda text: text.rstrip("\n") + "\n" + line + "\n"


def inserted(line: str):
    """An edit: one more row, in date order (before the first row dated after it)."""

    def edit(text: str) -> str:
        lines = text.rstrip("\n").split("\n")
        at = next(i for i, x in enumerate(lines[1:], 1) if x[:10] > line[:10])
        return "\n".join([*lines[:at], line, *lines[at:]]) + "\n"

    return edit


def times(key: str, column: str, factor: float):
    """An edit: one cell (row starting with key) multiplied by factor."""

    def edit(text: str) -> str:
        row = next(x for x in text.split("\n") if x.startswith(key))
        value = row.split(",")[pd.read_csv(io.StringIO(text), nrows=0).columns.get_loc(column)]
        return set_cell(key, column, repr(float(value) * factor))(text)

    return edit


def line_of(path: Path, key: str) -> int:
    """The file line (header = 1) of the row starting with key."""
    lines = path.read_text().split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(key))


# --- 5. units and scale: the whole column off by 100 or 1e6 is an error ---------------------


def test_flows_exported_in_usd_millions_stop_the_report_in_one_line(
    market_csv, tmp_path, report_on
):
    # On main the weekly tech flow went from -4.94 to -0.000005 bn and the one real flag vanished.
    folder = damaged(market_csv, tmp_path / "data", {FLOWS: scaled("flow_usd", 1e-6)})
    code, err, _ = report_on(folder, "tech_first_weeks")
    line = error_line(err)
    assert code == 2, err
    assert f"{folder / FLOWS}: " in line and "column flow_usd" in line, line
    assert "USD millions" in line, line


def test_a_yield_given_as_fractions_stops_the_report_in_one_line(market_csv, tmp_path, report_on):
    folder = damaged(market_csv, tmp_path / "data", {DGS10: scaled("DGS10", 0.01)})
    code, err, _ = report_on(folder, "beta")
    line = error_line(err)
    assert code == 2, err
    assert f"{folder / DGS10}: " in line and "column DGS10" in line and "fractions" in line, line


def test_the_real_yield_as_fractions_is_refused_not_a_beta_of_minus_98(market_csv, tmp_path):
    # On main the real-yield beta went from -0.99 to -98.8 (% per +1pp).
    folder = damaged(market_csv, tmp_path, {DFII10: scaled("DFII10", 0.01)})
    with pytest.raises(tf.DataError) as caught:
        rates.headline_beta(rates.weekly_rate_panel(open_csv(folder), "W-WED", 10))
    message = str(caught.value)
    assert message.startswith(f"{folder / DFII10}: ") and "column DFII10" in message
    assert "percent" in message and "fractions" in message and "\n" not in message


@pytest.mark.parametrize(
    ("relative", "edit", "read", "words"),
    [
        (AUM, scaled("aum_usd", 1e-6), lambda s: s.aum(), ("column aum_usd", "USD millions")),
        (
            SHARES,
            scaled("shares", 1e-6),
            lambda s: s.shares(["XLK"]),
            ("column shares", "millions"),
        ),
        (
            DGS10,
            scaled("DGS10", 100),
            lambda s: s.series("DGS10"),
            ("column DGS10", "basis points"),
        ),
        (FLOWS, scaled("flow_usd", 1e-3), lambda s: s.flows(), ("column flow_usd", "thousands")),
    ],
    ids=["aum-in-millions", "shares-in-millions", "yield-in-basis-points", "flows-in-thousands"],
)
def test_every_declared_scale_is_checked(market_csv, tmp_path, relative, edit, read, words):
    folder = damaged(market_csv, tmp_path, {relative: edit})
    with pytest.raises(tf.DataError) as caught:
        read(open_csv(folder))
    message = str(caught.value)
    assert message.startswith(f"{folder / relative}: "), message
    assert all(w in message for w in words), message


def test_one_yield_given_as_a_fraction_is_flagged(market_csv, tmp_path, report_on, clean_report):
    # 4.18 written 0.0418 on one day: a move of 100x but only 4 points, under the old bound.
    folder = damaged(market_csv, tmp_path / "data", {DGS10: times(FRIDAY, "DGS10", 0.01)})
    code, err, out = report_on(folder, "beta")
    assert code == 0, err
    assert figures(out)["beta"] != figures(clean_report)["beta"]  # the figure moved ...
    named = [q for q in quality(out) if q["input"].endswith("DGS10.csv")]
    assert named and {q["column"] for q in named} == {"DGS10"}, quality(out)
    assert min(q["date"] for q in named) == FRIDAY  # ... and a flag names the day


# --- 6. volume is screened like price ------------------------------------------------------


def test_a_volume_typo_that_makes_a_record_week_is_flagged(market_csv, tmp_path):
    # On main one day of NVDA volume x100 made the week to 2026-02-11 a record (rank 2 -> 1).
    def week(src: tf.Source) -> pd.Series:
        close, volume, _ = notional.tech_dollar_volume(src)
        ranked = notional.notional_rank(notional.weekly_notional(close, volume, "W-WED"), 10)
        return ranked.loc["2026-02-11"]

    clean = open_csv(market_csv)
    assert week(clean)["rank"] == 2 and clean.quality["column"].tolist() == []
    folder = damaged(market_csv, tmp_path, {NVDA: times("2026-02-10", "Volume", 100)})
    src = open_csv(folder)
    assert week(src)["rank"] == 1  # the figure moved ...
    flags = src.quality
    named = flags[flags["input"] == str(folder / NVDA)]
    assert named["column"].tolist() == ["Volume"], flags  # ... and a flag says where
    assert named["date"].tolist() == [pd.Timestamp("2026-02-10")]
    assert "median" in named["problem"].iloc[0]


def test_a_fund_volume_typo_is_flagged_like_a_price(market_csv, tmp_path):
    folder = damaged(market_csv, tmp_path, {XLK: times("2026-02-10", "Volume", 100)})
    src = open_csv(folder)
    src.ohlcv("XLK")
    flags = src.quality
    assert flags["input"].tolist() == [str(folder / XLK)], flags
    assert flags["column"].tolist() == ["Volume"] and flags["date"].iloc[0] == pd.Timestamp(
        "2026-02-10"
    )


# --- 7. the days that count: trading sessions ------------------------------------------------


def test_a_flow_dated_on_a_saturday_stops_the_report_in_one_line(market_csv, tmp_path, report_on):
    # On main +1 bn on Saturday 2026-02-07 moved the week from -4.94 to -3.94 bn.
    folder = damaged(market_csv, tmp_path / "data", {FLOWS: appended("2026-02-07,XLK,1e9")})
    code, err, _ = report_on(folder, "tech_first_weeks")
    line = error_line(err)
    assert code == 2, err
    row = line_of(folder / FLOWS, "2026-02-07,XLK")
    where = f"{folder / FLOWS}: row {row} (XLK), column date: 2026-02-07 is a Saturday"
    assert where in line and "not a NYSE session" in line, line


def test_a_flow_on_a_market_holiday_is_refused_but_a_blank_one_is_not(market_csv, tmp_path):
    # The real file lists holidays with blank flows (a day not reported): that stays allowed.
    assert open_csv(market_csv).flows(blank=True)["date"].eq("2026-01-19").any()
    edit = set_cell("2026-01-19,XLK", "flow_usd", "5e8")  # Martin Luther King Jr. Day
    folder = damaged(market_csv, tmp_path, {FLOWS: edit})
    with pytest.raises(tf.DataError) as caught:
        open_csv(folder).flows()
    message = str(caught.value)
    row = line_of(folder / FLOWS, "2026-01-19,XLK")
    assert f"row {row} (XLK), column date: 2026-01-19 is a Monday" in message, message
    assert "not a NYSE session" in message


def test_a_price_bar_on_a_weekend_is_flagged(market_csv, tmp_path):
    folder = damaged(market_csv, tmp_path, {XLK: inserted("2026-02-14,139.5,1000000")})
    src = tf.open_source("csv", data_dir=folder, as_of="2026-02-20")
    src.close("XLK")
    flags = src.quality
    named = flags[flags["input"] == str(folder / XLK)]
    assert named["date"].tolist() == [pd.Timestamp("2026-02-14")], flags
    assert "not a NYSE session" in named["problem"].iloc[0]


# --- 8. a dead feed --------------------------------------------------------------------------


def test_a_dead_feed_is_flagged(market_csv, tmp_path, report_on, clean_report):
    # On main every XLK close at 100.0 gave a 0.0% drawdown with no word about it.
    folder = damaged(market_csv, tmp_path / "data", {XLK: every("Close", "100.0")})
    code, err, out = report_on(folder, "drawdown")
    assert code == 0, err
    assert figures(out)["drawdown"] == 0.0 != figures(clean_report)["drawdown"]
    named = [q for q in quality(out) if q["input"].endswith("XLK.csv")]
    assert [q["column"] for q in named] == ["Close"], quality(out)
    assert named[0]["date"] == "1998-12-22" and "in a row" in named[0]["problem"]


def test_flags_judge_a_value_on_the_history_up_to_the_as_of_date(market_csv, tmp_path):
    """A feed that dies after the as-of date is no flag then; its text never names later days."""

    def dies(text: str) -> str:
        head, *rows = text.rstrip("\n").split("\n")
        dead = [x if x[:10] <= "2026-02-20" else f"{x[:10]},100.0,{x.split(',')[2]}" for x in rows]
        return "\n".join([head, *dead]) + "\n"

    folder = damaged(market_csv, tmp_path, {XLK: dies})
    before = tf.open_source("csv", data_dir=folder, as_of="2026-02-13")
    before.close("XLK")
    assert before.quality.empty
    after = tf.open_source("csv", data_dir=folder, as_of="2026-03-31")
    after.close("XLK")
    flags = after.quality
    assert flags["date"].tolist() == [pd.Timestamp("2026-02-23")], flags
    assert "to 2026-03-31" in flags["problem"].iloc[0]  # the run as far as the as-of date


def test_the_risks_report_runs_on_a_dead_feed_and_says_so(market_csv, tmp_path):
    # On main 03 crashed (KeyError 'days_to_deeper') on a constant XLK.
    folder = damaged(market_csv, tmp_path / "data", {XLK: every("Close", "100.0")})
    out, err = tmp_path / "out", io.StringIO()
    argv = ["report", str(REPO_ROOT / "notebooks" / "03_risks.ipynb"), "--source", "csv"]
    argv += ["--data-dir", str(folder), "--as-of", "2026-02-13", "--output-dir", str(out)]
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        patch.setattr(execute, "_execute", in_process)
        patch.setattr("sys.stderr", err)
        code = cli.main(argv)
    assert code == 0, err.getvalue()
    payload = (out / "03_risks" / "figures.json").read_text()
    flags = json.loads(payload)["data_quality"]
    assert [f["column"] for f in flags if f["input"].endswith("XLK.csv")] == ["Close"], flags
    assert "in a row" in payload


# --- the declarations, and real data -------------------------------------------------------


def test_every_number_of_market_data_declares_its_unit():
    from techflows.data import schemas

    for schema in (schemas.BARS, schemas.RATE_BARS, schemas.FLOWS, schemas.SHARES, schemas.AUM):
        for name, column in schema.columns.items():
            if (column.metadata or {}).get("kind") == schemas.NUMBER:
                scale = column.metadata.get("scale")
                assert scale is not None and scale.unit, f"{schema.name}: {name} has no unit"
    for series in ("DGS10", "DFII10", "DGS2", "DFF", "EFFR", "T10Y2Y", "DFEDTARU", "DFEDTARL"):
        assert schemas.series(series).columns["value"].metadata["scale"].unit == "percent"


def test_real_data_raises_no_new_flag(market_csv):
    """Every price, volume, series and table of the clean folder: only the real GSG print."""
    src = tf.open_source("csv", data_dir=market_csv)
    src.bars(list(src.universe.index))
    src.bars(list(src.universe.index), quoted=True)
    src.constituent_close()
    src.series(["DGS10", "DFII10", "DGS2", "DFF", "EFFR", "T10Y2Y", "DFEDTARU", "DFEDTARL"])
    src.flows(), src.shares(), src.aum()
    problems = src.quality["problem"].tolist()
    assert len(problems) == 1 and problems[0].startswith("GSG flow of 3.39e+09 USD"), problems


def test_the_screens_are_one_engine_over_declarations():
    """A hand-made schema: each declared screen fires on its own mistake, and only there."""
    import pandera.pandas as pa

    days = pd.DatetimeIndex(pd.bdate_range("2026-03-02", periods=60))
    volume = pd.Series(np.linspace(1e6, 2e6, 60), index=days)
    volume.iloc[30] *= 100
    close = pd.Series(100 + np.arange(60.0), index=days)
    close.iloc[40:52] = 140.0
    frame = pd.DataFrame({"Close": close, "Volume": volume}).rename_axis("Date")
    schema = pa.DataFrameSchema(
        {
            "Date": schemas.date(unique=True),
            "Close": schemas.number(scale=schemas.Scale("USD", constant=10)),
            "Volume": schemas.number(scale=schemas.Scale("shares", spike=50)),
        },
        name="test bars",
    )
    _, flags = screens.screen(frame, schema, "made by hand")
    assert sorted((f.column, str(f.date.date())) for f in flags) == [
        ("Close", "2026-04-27"),
        ("Volume", "2026-04-13"),
    ]


@pytest.mark.parametrize(
    ("sid", "values"),
    [
        ("DFF", [0.09, 0.08, 0.08, 0.07, 0.06, 0.08, 0.08, 0.07, 0.08, 0.09]),  # 2021, at zero
        ("DGS2", [0.11, 0.13, 0.16, 0.14, 0.16, 0.21, 0.25, 0.20, 0.22, 0.23]),  # 2021
        ("T10Y2Y", [0.05, 0.02, -0.04, 0.01, 0.06, 0.03, 0.08, 0.11, 0.13, 0.10]),  # Aug 2019
        ("DFII10", [0.11, 0.05, 0.07, 0.13, 0.16, 0.12, 0.09, 0.14, 0.15, 0.17]),  # late 2019
    ],
)
def test_rates_near_zero_in_percent_are_not_refused_as_fractions(sid, values):
    # The live report failed on a month of T10Y2Y under 0.2: a spread, or a rate at the zero
    # bound, is that small in percent; size cannot tell it from fractions there.
    dates = pd.bdate_range("2021-03-01", periods=len(values))
    frame = pd.DataFrame({"Date": dates, "value": values})
    assert screens.refusals(frame, schemas.series(sid)) == []


def test_a_ten_year_yield_in_fractions_is_still_refused():
    frame = pd.DataFrame({"Date": pd.bdate_range("2021-03-01", periods=5), "value": [0.016] * 5})
    [refusal] = screens.refusals(frame, schemas.series("DGS10"))
    assert "fractions" in refusal.problem
