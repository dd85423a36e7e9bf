"""A verdict on inputs older than the freshness limit names its date and is never present tense."""

import numpy as np
import pandas as pd

from techflows.analysis import notional
from techflows.views import status as view

WEEKS = pd.date_range("2026-01-02", "2026-03-27", freq="W-FRI", name="week_end")
CLAIMS = pd.DataFrame(
    columns=["id", "article", "claim", "reported", "measured", "window", "verdict"]
)


def _by_group() -> pd.DataFrame:
    tech = np.linspace(1e9, -2.5e9, len(WEEKS))
    return pd.DataFrame({"tech": tech, "non-tech sector": 0.5e9}, index=WEEKS).rename_axis(
        columns="class"
    )


def _answer(prices_date: str):
    day = pd.Timestamp(prices_date)
    now = {"date": day, "depth": -0.074, "peak": pd.Timestamp("2026-06-02")}
    phase = pd.Series({"from_phase_low": 0.001})
    weeks = pd.date_range(end=day, periods=120, freq="W-FRI", name="week_end")
    ranked = notional.notional_rank(
        pd.Series(np.linspace(1e9, 2e9, len(weeks)), index=weeks, name="notional"), years=1
    )
    return view.answer(_by_group(), "XLK", now, phase, 10, ranked, 1, CLAIMS)


def test_flows_21_weeks_old_give_no_present_tense_verdict():
    box = _answer("2026-08-21")  # the last flow week ends 2026-03-27: 147 days earlier
    assert box.verdict == "Unknown since 2026-03-27"
    flows = box.sentence("flows").text
    assert "2026-03-27" in flows and "147 days" in flows
    assert " had net " in flows or " was " in flows  # past tense
    assert "their net flow is" not in flows


def test_fresh_flows_keep_the_measured_verdict():
    box = _answer("2026-04-01")
    assert box.verdict == "Not yet"
    assert "Unknown" not in box.verdict
