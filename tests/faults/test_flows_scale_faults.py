"""The flows steps grow linearly with the number of funds (issue 21, point 14).

On main a 2-million-row flows file of 2,000 funds read in seconds, but setting its flows
against assets would have taken hours: every fund re-checked the whole column of tickers.
These tests check the shape of the work, not the wall time (timings are `make bench`'s): the
source is asked once, and the tickers validated grow in proportion to the funds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from techflows.analysis import flows
from techflows.data import validate
from techflows.data.sources.base import Adapter

# Whole weeks of NYSE sessions without a holiday (Presidents' Day is 02-16, Good Friday 04-03).
DAYS = pd.bdate_range("2026-02-17", "2026-03-27")


class ManyFunds(Adapter):
    """n tech funds with daily flows, assets and closes, in memory."""

    name = "many funds"

    def __init__(self, n: int) -> None:
        self.funds = [f"F{i:04d}" for i in range(n)]
        rng = np.random.default_rng(n)
        self.table = pd.DataFrame(
            {
                "date": np.repeat(DAYS, n),
                "ticker": np.tile(self.funds, len(DAYS)),
                "flow_usd": rng.normal(0, 5e7, n * len(DAYS)).round(),
            }
        )
        self.close = pd.DataFrame({"Close": 100 + np.arange(len(DAYS), dtype=float)}, index=DAYS)

    def flows(self) -> pd.DataFrame:
        return self.table

    def aum(self) -> pd.DataFrame:
        return pd.DataFrame({"ticker": self.funds, "aum_usd": 1e10, "updated_date": DAYS[-1]})

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        return {t: self.close.rename_axis("Date") for t in tickers if t in [*self.funds, "SPY"]}


def _work(n: int, tmp_path, monkeypatch) -> tuple[int, int]:
    """(tickers validated, source look-ups) for flows_against_assets over n funds."""
    universe = tmp_path / f"universe{n}.csv"
    rows = [f"{f},Fund {f},tech_etf,broad tech" for f in [f"F{i:04d}" for i in range(n)]]
    universe.write_text("\n".join(["ticker,name,group,segment", *rows, "SPY,SPY,benchmark,m"]))
    src = tf.Source(ManyFunds(n), as_of="2026-03-27", universe=universe)
    src.flows()  # read before counting: reading grows with rows, as it should
    counted = {"tickers": 0, "lookups": 0}
    check, bars = validate.ticker, tf.Source.bars

    def counting_ticker(value):
        counted["tickers"] += 1
        return check(value)

    def counting_bars(self, *args, **kwargs):
        counted["lookups"] += 1
        return bars(self, *args, **kwargs)

    monkeypatch.setattr(validate, "ticker", counting_ticker)
    monkeypatch.setattr(tf.Source, "bars", counting_bars)
    table = flows.flows_against_assets(src, "W-FRI")
    monkeypatch.undo()
    assert len(table) == n
    return counted["tickers"], counted["lookups"]


@pytest.mark.parametrize("n", [40])
def test_flows_against_assets_does_work_in_proportion_to_the_funds(tmp_path, monkeypatch, n):
    tickers_n, lookups_n = _work(n, tmp_path, monkeypatch)
    tickers_2n, lookups_2n = _work(2 * n, tmp_path, monkeypatch)
    # Quadratic (main): each fund re-validated every row's ticker, 4x the work for 2x the funds.
    assert tickers_2n <= 2.2 * tickers_n, (tickers_n, tickers_2n)
    assert lookups_2n == lookups_n <= 10, (lookups_n, lookups_2n)  # on main: one per fund
