"""Write profiles.csv: the shape of each simulated ticker, measured once from real data.

Run by hand (`.venv/bin/python tests/simulator/make_profiles.py ../shared/market-data`); the
tests only read the CSV it writes. Per ticker it keeps what makes a synthetic history look
like the real one, and no prices: first trading day, close on the anchor day, which factor
drives it and how strongly (beta and residual volatility of daily log returns over ten
years), dividend yield (quoted vs adjusted closes over the last year) and typical volume.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ANCHOR = "2026-02-13"
UNIVERSE = Path(__file__).resolve().parents[2] / "data" / "universe.csv"
FACTOR = {  # which synthetic factor drives a ticker (see market.py)
    "rates": "rates",
    "macro": "market",
}
SPECIAL = {
    "^TNX": "rates",
    "^IRX": "rates",
    "^VIX": "vix",
    "DX-Y.NYB": "dollar",
    "UUP": "dollar",
    "GLD": "gold",
    "HYG": "market",
}
BOND_DURATION = {"TLT": 17.0, "IEF": 7.5, "SHY": 1.9, "TIP": 6.8}


def read(folder: Path, ticker: str) -> pd.DataFrame | None:
    for sub in ("prices", "constituents/prices"):
        path = folder / sub / f"{ticker}.csv"
        if path.exists():
            return pd.read_csv(path, index_col="Date", parse_dates=True)
    return None


def main(folder: Path) -> None:
    universe = pd.read_csv(UNIVERSE)
    spx = read(folder, "^GSPC")["Close"]
    ixic = read(folder, "^IXIC")["Close"]
    rows = []
    for ticker, group in zip(universe["ticker"], universe["group"], strict=True):
        bars = read(folder, ticker)
        if bars is None:
            continue
        close = bars["Close"].dropna()
        factor = SPECIAL.get(ticker) or (
            "tech" if group in ("tech_etf", "mega_cap") or ticker == "^IXIC" else "market"
        )
        factor = "bonds" if ticker in BOND_DURATION else FACTOR.get(group, factor)
        factor = SPECIAL.get(ticker, factor)
        recent = close.loc["2016-01-01":]
        beta, vol = 1.0, 0.0
        if factor in ("market", "tech"):
            base = (ixic if factor == "tech" else spx).reindex(recent.index).ffill()
            x, y = np.log(base).diff().dropna(), np.log(recent).diff().dropna()
            x, y = x.align(y, join="inner")
            beta = float(np.cov(x, y)[0, 1] / x.var())
            vol = float((y - beta * x).std() * np.sqrt(252))
        quoted = folder / "prices_quoted" / f"{ticker}.csv"
        dividend_yield = 0.0
        if quoted.exists():
            q = pd.read_csv(quoted, index_col="Date", parse_dates=True).loc[:ANCHOR].tail(252)
            ratio = (q["Adj Close"] / q["Close"]).dropna()
            dividend_yield = float(max(0.0, ratio.iloc[-1] / ratio.iloc[0] - 1))
        volume = float(bars["Volume"].loc[:ANCHOR].tail(252).median()) if "Volume" in bars else 0.0
        rows.append(
            {
                "ticker": ticker,
                "start": str(close.index[0].date())
                if close.index[0].year >= 1999
                else "1999-01-04",
                "level": round(float(close.loc[:ANCHOR].iloc[-1]), 4),
                "factor": factor,
                "beta": round(beta, 3),
                "vol": round(vol, 4),
                "duration": BOND_DURATION.get(ticker, 0.0),
                "dividend_yield": round(dividend_yield, 4),
                "volume": round(volume, -2),
                "ohlc": int({"Open", "High", "Low"} <= set(bars.columns)),
            }
        )
    out = Path(__file__).with_name("profiles.csv")
    pd.DataFrame(rows).to_csv(out, index=False)
    print(f"wrote {len(rows)} profiles to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
