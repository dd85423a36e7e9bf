"""The one table style: catalogue labels and units, formats, hidden rows, index as columns."""

import re

import numpy as np
import pandas as pd
import pytest

from techflows.views import tables

SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


@pytest.mark.parametrize(
    ("fmt", "value", "text"),
    [
        (tables.FLOW, -4.94383e9, "-4.94"),
        (tables.FLOW, 2.3e8, "+0.23"),
        (tables.SIGNED_PCT, -0.0808, "-8.1%"),
        (tables.PCT2, 0.05452, "5.45%"),
        (tables.percent(1, signed=True), 9.8, "+9.8%"),
        (tables.number(0), 1234567.0, "1,234,567"),
        (tables.p_value, 2e-6, "< 0.001"),
        (tables.p_value, 0.0932, "0.093"),
        (tables.date, pd.Timestamp("2026-02-13 00:00"), "2026-02-13"),
        (tables.yes_no, True, "yes"),
        (tables.SIGNED_PCT, "not yet", "not yet"),  # words pass through number formats
        (tables.SIGNED_PCT, np.nan, tables.MISSING),
        (tables.date, pd.NaT, tables.MISSING),
    ],
)
def test_formats(fmt, value, text):
    assert fmt(value) == text


def test_catalogue_labels_are_human():
    for name, entry in tables.COLUMNS.items():
        assert not SNAKE.match(entry.label), f"{name}: label {entry.label!r} is snake_case"


def test_column_lookup_prefers_the_tables_own_entry():
    assert tables.column("lower").label == "lower bound (%)"
    assert tables.column("lower", table="rate_shocks").label == "95% CI low"
    assert tables.column("some_new_column").label == "some new column"


def test_show_relabels_formats_and_hides_the_row_number():
    frame = pd.DataFrame(
        {
            "week_end": pd.to_datetime(["2026-02-04", "2026-02-11"]),
            "flow_usd": [2.3e8, -4.94383e9],
            "from_52w_high": [-0.0808, 0.01],
            "note": ["a", "b"],
        },
        index=[5, 9],
    )
    html = tables.show(frame, "Tech flows").to_html()
    assert "week ending" in html and "net flow (USD bn)" in html and "from 52-week high" in html
    assert "-4.94" in html and "+0.23" in html and "-8.08%" in html and "2026-02-11" in html
    assert not re.search(r">\s*[59]\s*<", html)  # the index's row numbers are not shown
    assert "<caption>Tech flows</caption>" in html and 'class="tf-table ' in html


def test_show_makes_a_named_index_a_column_and_formats_data_columns():
    wide = pd.DataFrame(
        {"tech": [-4.94e9], "non-tech sector": [1.0e9]},
        index=pd.DatetimeIndex(["2026-02-11"], name="week_end"),
    ).rename_axis(columns="class")
    html = tables.show(wide, values=tables.FLOW).to_html()
    assert "week ending" in html and "2026-02-11" in html and "-4.94" in html and "+1.00" in html


def test_show_says_how_many_rows_it_hides():
    frame = pd.DataFrame({"depth": np.linspace(-0.1, -0.5, 15)})
    styler = tables.show(frame, "Drawdowns", rows=6, where="tail", file="episodes.csv")
    assert styler.caption == "Drawdowns (the last 6 of 15 rows; all 15 in episodes.csv)"
    assert styler.data["depth"].iloc[0] == pytest.approx(frame["depth"].iloc[9])
    assert tables.show(frame, rows=20).caption is None
    assert tables.caption_with_rows("", 3, 10, "head", "") == "The first 3 of 10 rows"


def test_show_by_row_puts_one_entity_per_column():
    status = pd.DataFrame(
        {"close": [139.387, 679.893], "from_52w_high": [-0.0808, -0.0198]}, index=["XLK", "SPY"]
    )
    styler = tables.show_by_row(status.rename_axis(""))
    assert list(styler.data.columns) == ["", "XLK", "SPY"]
    assert styler.data.iloc[:, 0].tolist() == ["close", "from 52-week high"]
    assert styler.data.loc[1, "XLK"] == "-8.08%"


def test_not_yet_marks_open_recoveries():
    episodes = pd.DataFrame({"recovery": [pd.Timestamp("2020-06-09"), pd.NaT]})
    shown = tables.not_yet(episodes)
    assert shown["recovery"].tolist() == [pd.Timestamp("2020-06-09"), "not yet"]


def test_weekday_names_the_calendar():
    assert tables.weekday("W-WED") == "Wednesday" and tables.weekday("W-FRI") == "Friday"
