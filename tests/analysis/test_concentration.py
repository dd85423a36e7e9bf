"""Top-holding weights and equal- vs cap-weight spreads on hand-made frames."""

import pandas as pd
import pytest

from handmade import closes, sessions, source
from techflows.analysis import concentration, markets
from techflows.errors import DataUnavailable
from techflows.models import volatility


def test_top_weight_in_yfinance_layout_and_in_percent():
    holdings = pd.DataFrame(
        {"Name": list("ABCDE"), "Holding Percent": [0.05, 0.2, 0.1, 0.15, 0.01]},
        index=pd.Index(list("ABCDE"), name="Symbol"),
    )
    assert concentration.top_weight(holdings, n=3) == pytest.approx(0.45)
    in_percent = holdings.rename(columns={"Holding Percent": "weight"}).assign(
        weight=lambda f: f["weight"] * 100
    )
    assert concentration.top_weight(in_percent, n=3) == pytest.approx(0.45)


def test_window_starts():
    end = pd.Timestamp("2026-02-13")
    assert markets.window_start(end, "YTD") == pd.Timestamp("2025-12-31")
    assert markets.window_start(end, "1m") == pd.Timestamp("2026-01-13")
    assert markets.window_start(end, "1y") == pd.Timestamp("2025-02-13")


def test_equal_vs_cap_by_hand():
    dates = pd.to_datetime(["2025-12-31", "2026-01-13", "2026-01-30", "2026-02-13"])
    closes = pd.DataFrame(
        {"RSPT": [100, 102, 104, 110.0], "XLK": [200, 190, 195, 199.0]}, index=dates
    )
    table = concentration.equal_vs_cap(closes, windows=("1m", "YTD")).set_index("window")
    assert table.loc["YTD", "equal_weight"] == pytest.approx(0.10)
    assert table.loc["YTD", "cap_weight"] == pytest.approx(-0.005)
    assert table.loc["1m", "spread"] == pytest.approx(110 / 102 - 199 / 190)
    assert table.loc["1m", "through"] == dates[-1]
    rolling = concentration.rolling_spread(closes, days=2)
    assert rolling["RSPT vs XLK"].iloc[-1] == pytest.approx(110 / 102 - 199 / 190)


def test_a_pair_is_measured_to_its_last_common_day():
    dates = pd.bdate_range("2026-01-01", periods=30)
    closes = pd.DataFrame({"RSP": range(1, 31), "SPY": range(2, 32)}, index=dates, dtype=float)
    closes.loc[dates[-5:], "RSP"] = float("nan")
    table = concentration.equal_vs_cap(closes, windows=("1m",))
    assert table.iloc[0]["through"] == dates[-6]


def test_sample_source_has_no_pairs_and_no_holdings(sample_source):
    with pytest.raises(DataUnavailable):
        concentration.pair_closes(sample_source)
    with pytest.raises(DataUnavailable):
        concentration.top_holdings_table(sample_source)


def test_csv_pairs_on_real_data(snapshot_source):
    table = concentration.equal_vs_cap(concentration.pair_closes(snapshot_source))
    assert set(table["pair"]) == {"RSPT vs XLK", "RSP vs SPY"}
    assert table["through"].max() <= pd.Timestamp("2026-02-13")


class _HoldingsOnly:
    """Stands in for a live source: yfinance's funds_data.top_holdings layout."""

    def top_holdings(self, fund: str) -> pd.DataFrame:
        weights = {"XLK": [0.14, 0.13, 0.12], "QQQ": [0.09, 0.08, 0.07]}[fund]
        symbols = pd.Index(["NVDA", "AAPL", "MSFT"], name="Symbol")
        return pd.DataFrame({"Name": list(symbols), "Holding Percent": weights}, index=symbols)


def test_top_holdings_table_from_a_live_layout():
    table = concentration.top_holdings_table(_HoldingsOnly(), ("XLK", "QQQ"), n=2)
    xlk = table.set_index("fund").loc["XLK"]
    assert xlk["top2_weight"] == pytest.approx(0.27)
    assert xlk["largest"] == "NVDA" and xlk["largest_weight"] == pytest.approx(0.14)
    assert xlk["holdings_listed"] == 3


def _pairs(rspt_days: int, rsp_days: int, end: str = "2006-11-17"):
    """XLK and SPY for years; RSPT and RSP for the last rspt_days and rsp_days sessions."""
    days = sessions("2000-01-03", end)
    prices = {t: closes("2000-01-03", end, 100, w) for t, w in (("XLK", 0.003), ("SPY", 0.002))}
    prices["RSPT"] = closes(str(days[-rspt_days].date()), end, 50, 0.004)
    prices["RSP"] = closes(str(days[-rsp_days].date()), end, 50, 0.001)
    return source(as_of=end, prices=prices)


def test_a_pair_younger_than_the_window_is_left_out_of_the_rolling_chart():
    """2006-11-17 on the snapshot: RSPT has 9 sessions, RSP years. The rolling 63-day spread
    of RSP vs SPY is charted (03 failed: the window of a frame with an empty column was
    empty); when no pair has 64 common days (RSP in mid-2003) it is one 'Not available' line."""
    closes = concentration.pair_closes(_pairs(9, 900))
    rolling = volatility.window(concentration.rolling_spread(closes, days=63), 10)
    assert list(rolling.columns) == ["RSP vs SPY"] and len(rolling) == 900 - 63
    young = concentration.pair_closes(_pairs(9, 41))
    with pytest.raises(DataUnavailable, match=r"63-day.*handmade.*RSP vs SPY: 41 common days"):
        concentration.rolling_spread(young, days=63)
