"""Point in time: fund assets, reference figures and index membership as of the run's date."""

import pandas as pd
import pytest

from handmade import closes, sessions, source
from techflows.analysis import flows, fundamentals
from techflows.errors import DataUnavailable
from techflows.run import notebook as nb

AUM = pd.DataFrame(
    {
        "ticker": ["XLK", "QQQ"],
        "aum_usd": [86e9, 377e9],
        "updated_date": pd.to_datetime(["2026-04-03", "2026-04-03"]),
    }
)
SHARES = pd.DataFrame(
    {
        "date": pd.to_datetime(["2026-03-27", "2026-03-30"]),
        "ticker": ["XLK", "XLK"],
        "shares": [610e6, 600e6],
        "price": [141.0, 140.0],
    }
)
PRICES = {
    "XLK": closes("2025-01-02", "2026-08-21", 140.0),
    "QQQ": closes("2025-01-02", "2026-08-21", 500.0),
    "SPY": closes("2025-01-02", "2026-08-21", 600.0),
}


def _flows(start: str, end: str) -> pd.DataFrame:
    rows = [(d, t, 1e8) for d in sessions(start, end) for t in ("XLK", "QQQ")]
    return pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])


def test_assets_at_a_past_date_come_from_shares_times_price():
    src = source(as_of="2026-03-31", prices=PRICES, aum=AUM, shares=SHARES)
    aum = src.aum()
    # XLK: the last share count on or before the as-of date, times its price that day.
    assert aum.loc["XLK", "aum_usd"] == pytest.approx(600e6 * 140.0)
    assert aum.loc["XLK", "updated_date"] == pd.Timestamp("2026-03-30")
    assert aum.loc["XLK", "point_in_time"]
    # QQQ has no share count: the later snapshot is the only scale, and it says so.
    assert aum.loc["QQQ", "aum_usd"] == 377e9
    assert not aum.loc["QQQ", "point_in_time"]
    latest = source(prices=PRICES, aum=AUM, shares=SHARES).aum()
    assert latest.loc["XLK", "aum_usd"] == 86e9 and latest["point_in_time"].all()


def test_a_flow_table_scaled_by_later_assets_says_it_is_not_point_in_time():
    src = source(
        as_of="2026-02-13", prices=PRICES, aum=AUM, flows=_flows("2026-01-05", "2026-04-03")
    )
    cover = flows.coverage(src)
    assert "not point in time" in cover.attrs["aum_note"]
    assert "2026-04-03" in cover.attrs["aum_note"]
    current = flows.coverage(
        source(as_of="2026-04-10", prices=PRICES, aum=AUM, flows=_flows("2026-01-05", "2026-04-03"))
    )
    assert "not point in time" not in current.attrs["aum_note"]


def test_reported_figures_are_cut_at_the_as_of_date():
    early = source(as_of="2025-06-30", prices=PRICES)
    # The articles' figures are dated 2026-02-13: a run as of mid-2025 cannot know them.
    for table in (fundamentals.reported_figures(as_of=early.end),):
        assert (pd.to_datetime(table["date"]) <= early.end).all()
    with pytest.raises(DataUnavailable, match="2025-06-30"):
        fundamentals.capex_vs_cashflow(early)
    with pytest.raises(DataUnavailable, match="2025-06-30"):
        fundamentals.eps_revisions(early)
    later = source(as_of="2026-03-02", prices=PRICES)
    capex = fundamentals.capex_vs_cashflow(later)
    assert len(capex) and (pd.to_datetime(capex["date"]) <= later.end).all()


def test_a_historical_run_says_index_membership_is_todays(monkeypatch):
    shown = []
    monkeypatch.setattr(nb, "display", shown.append)
    members = {"AAPL": "Information Technology"}
    nb.banner(source(as_of="2025-06-30", prices=PRICES, members=members))
    assert "membership" in shown[-1].data and "today" in shown[-1].data
    nb.banner(source(prices=PRICES, members=members))
    assert "membership" not in shown[-1].data
