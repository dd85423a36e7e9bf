"""Tech flows by kind, funds reporting too few days, and offsetting swings between funds."""

import pandas as pd
import pytest

from handmade import closes, source
from techflows.analysis import flows
from techflows.views import status as view

DAYS = pd.bdate_range("2026-01-05", "2026-01-16")  # two whole Friday weeks, 10 sessions
DAILY = {"QQQ": 1e9, "XLK": 0.2e9, "XLC": -0.1e9, "ARKK": -0.05e9}


def _flows() -> pd.DataFrame:
    rows = [(d, t, v) for d in DAYS for t, v in DAILY.items()]
    rows += [(d, "SOXX", 0.5e9 if d in DAYS[[3, 7]] else None) for d in DAYS]  # 2 of 10 days
    return pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])


@pytest.fixture(scope="module")
def src():
    prices = {t: closes("2025-06-02", "2026-01-16", 100.0) for t in ("SPY", "XLK")}
    return source(prices=prices, flows=_flows())


def test_tech_flows_split_by_kind_and_a_sparse_fund_is_left_out(src):
    by_fund, by_group = flows.weekly_flows(src, "W-FRI")
    week = pd.Timestamp("2026-01-09")
    # SOXX reported 2 of 10 sessions: shown per fund, never summed as if complete.
    assert by_group.loc[week, "tech"] == pytest.approx(5 * sum(DAILY.values()))
    assert by_group.attrs["left_out"] == {"SOXX": "reported 2 of its 10 listed days"}
    soxx = by_fund[by_fund["ticker"] == "SOXX"]
    assert not soxx["in_sums"].any() and soxx["flow_usd"].sum() == pytest.approx(1e9)
    kinds = by_group.attrs["by_kind"]
    assert kinds.loc[week].to_dict() == pytest.approx(
        {"Nasdaq-100": 5e9, "sector tech": 0.5e9, "active/thematic": -0.25e9}
    )
    assert kinds.sum(axis=1).tolist() == pytest.approx(by_group["tech"].tolist())


def test_each_kinds_share_of_gross_tech_flow(src):
    by_fund, _ = flows.weekly_flows(src, "W-FRI")
    shares = flows.kind_shares(by_fund)
    gross = 5 * 2 * sum(abs(v) for v in DAILY.values())
    assert shares["Nasdaq-100"] == pytest.approx(10e9 / gross)  # QQQ: 74% of gross flow
    assert shares.sum() == pytest.approx(1.0)


def test_the_headline_says_what_tech_flows_are_made_of(src):
    by_fund, by_group = flows.weekly_flows(src, "W-FRI")
    text = view.tech_makeup_text(by_group, by_fund)
    assert "Nasdaq-100 (QQQ" in text and "74%" in text
    assert "sector tech (XLC, XLK" in text or "sector tech (XLK, XLC" in text
    assert "active/thematic (ARKK" in text
    assert "SOXX" in text and "left out" in text and "2 of its 10" in text


def _swings(ivv: float, voo: float) -> pd.DataFrame:
    quiet = [0.5e9, -0.4e9, 0.3e9, -0.6e9, 0.2e9, -0.3e9, 0.4e9, -0.5e9, 0.6e9]
    rows = [(d, "IVV", v) for d, v in zip(DAYS[:9], quiet, strict=True)]
    rows += [(d, "VOO", -v) for d, v in zip(DAYS[:9], quiet, strict=True)]
    rows += [(DAYS[9], "IVV", ivv), (DAYS[9], "VOO", voo)]
    frame = pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])
    return frame


AUM = pd.DataFrame({"aum_usd": [700e9, 800e9]}, index=["IVV", "VOO"])
SEGMENTS = pd.Series({"IVV": "broad market", "VOO": "broad market"})


def test_offsetting_swings_between_two_funds_are_flagged():
    # +10bn into IVV and -10bn out of VOO on one day: 1.4% and 1.25% of their assets, under
    # the single-fund screen's 2%, but together a swap of S&P 500 funds, not a flow.
    marked = flows.flag_prints(_swings(10e9, -10e9), AUM, SEGMENTS)
    flagged = marked[marked["flagged"]]
    assert sorted(flagged["ticker"]) == ["IVV", "VOO"]
    assert (flagged["date"] == DAYS[9]).all()
    assert not flows.flag_prints(_swings(10e9, -10e9), AUM)["flagged"].any()  # one fund at a time


@pytest.mark.parametrize(("ivv", "voo"), [(10e9, 10e9), (10e9, -2e9), (1e9, -1e9)])
def test_same_side_lopsided_or_small_moves_are_not_offsetting_swings(ivv, voo):
    assert not flows.flag_prints(_swings(ivv, voo), AUM, SEGMENTS)["flagged"].any()


def test_offsetting_weekly_swings_of_40bn_are_flagged():
    # IVV +8bn a day and VOO -7bn a day for a week: each day is about 1% of its fund's assets
    # (no single print stands out), but the week moves $40bn into one S&P 500 fund and $35bn
    # out of the other, 5.7% and 4.4% of their assets: a swap, not money coming or going.
    days = pd.bdate_range("2026-03-02", periods=15)
    rows = [(d, "IVV", 0.3e9 * (-1) ** i) for i, d in enumerate(days[:10])]
    rows += [(d, "VOO", -0.2e9 * (-1) ** i) for i, d in enumerate(days[:10])]
    rows += [(d, "IVV", 8e9) for d in days[10:]] + [(d, "VOO", -7e9) for d in days[10:]]
    daily = pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])
    marked = flows.flag_prints(daily, AUM, SEGMENTS)
    flagged = marked[marked["flagged"]]
    assert len(flagged) == 10 and set(flagged["date"]) == set(days[10:])
    weekly = flows.weekly_by_fund(marked, "W-FRI").set_index(["week_end", "ticker"])
    swing = weekly.xs(pd.Timestamp("2026-03-20"), level="week_end")
    assert swing["flow_usd"].to_dict() == pytest.approx({"IVV": 40e9, "VOO": -35e9})
    assert swing["flow_ex_flagged_usd"].to_dict() == pytest.approx({"IVV": 0.0, "VOO": 0.0})
    lopsided = daily.assign(flow_usd=daily["flow_usd"].where(daily["ticker"] != "VOO", -1e9))
    assert not flows.flag_prints(lopsided, AUM, SEGMENTS)["flagged"].any()
