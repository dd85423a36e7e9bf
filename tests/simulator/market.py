"""A synthetic market with real shapes: what the simulated Yahoo and FRED serve.

Prices follow two correlated factors (the S&P 500 and the NASDAQ) pinned to their real
levels at the turning points since 1999 (dot-com peak and trough, 2008, 2020, 2022, 2025),
with volatility clustering; each ticker loads on its factor with the beta and residual
volatility measured from real data (profiles.csv, see make_profiles.py) and closes on
2026-02-13 at its real level. ETFs pay quarterly dividends; yields, the Fed's target range
and the dollar follow their real paths in the same way. Everything is deterministic.
"""

from __future__ import annotations

import pickle
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

PROFILES = Path(__file__).with_name("profiles.csv")
FIRST, LAST = "1999-01-04", "2026-12-31"
ANCHOR = pd.Timestamp("2026-02-13")
DIVIDENDS_FROM = pd.Timestamp("2015-01-01")  # older payouts only slow yfinance's parsing down
SHARES_FROM = pd.Timestamp("2019-01-02")  # Yahoo keeps few years of ETF share counts
SEED = 20260213

# Real closes at turning points (approximate): the factors pass through them.
FACTOR_ANCHORS = {
    "market": [
        ("1999-01-04", 1228),
        ("2000-03-24", 1527),
        ("2002-10-09", 777),
        ("2007-10-09", 1565),
        ("2009-03-09", 677),
        ("2015-05-21", 2131),
        ("2016-02-11", 1829),
        ("2018-09-20", 2930),
        ("2018-12-24", 2351),
        ("2020-02-19", 3386),
        ("2020-03-23", 2237),
        ("2022-01-03", 4797),
        ("2022-10-12", 3577),
        ("2024-07-16", 5667),
        ("2025-02-19", 6144),
        ("2025-04-08", 4983),
        ("2025-10-28", 6890),
        ("2026-02-13", 6836.17),
    ],
    "tech": [
        ("1999-01-04", 2208),
        ("2000-03-10", 5049),
        ("2002-10-09", 1114),
        ("2007-10-31", 2859),
        ("2009-03-09", 1269),
        ("2015-07-20", 5219),
        ("2016-02-11", 4266),
        ("2018-08-29", 8110),
        ("2018-12-24", 6193),
        ("2020-02-19", 9817),
        ("2020-03-23", 6861),
        ("2021-11-19", 16057),
        ("2022-12-28", 10213),
        ("2024-07-10", 18647),
        ("2024-12-16", 20174),
        ("2025-04-08", 15268),
        ("2025-10-29", 23958),
        ("2026-02-13", 22546.67),
    ],
    "rates": [
        ("1999-01-04", 4.69),
        ("2000-01-20", 6.79),
        ("2003-06-13", 3.11),
        ("2007-06-12", 5.26),
        ("2008-12-18", 2.08),
        ("2011-02-08", 3.74),
        ("2012-07-24", 1.39),
        ("2013-12-31", 3.03),
        ("2016-07-08", 1.37),
        ("2018-11-08", 3.24),
        ("2020-08-04", 0.51),
        ("2022-10-24", 4.25),
        ("2023-10-19", 4.99),
        ("2024-09-16", 3.62),
        ("2025-01-13", 4.79),
        ("2026-02-13", 4.056),
    ],
    "dollar": [
        ("1999-01-04", 94.2),
        ("2001-07-05", 121.0),
        ("2008-04-22", 71.3),
        ("2015-03-13", 100.3),
        ("2018-02-15", 88.2),
        ("2020-03-19", 102.8),
        ("2021-05-25", 89.6),
        ("2022-09-27", 114.1),
        ("2025-01-13", 109.9),
        ("2026-02-13", 96.88),
    ],
    "gold": [
        ("1999-01-04", 28.7),
        ("2001-04-02", 25.6),
        ("2011-09-06", 184.6),
        ("2015-12-17", 102.0),
        ("2020-08-06", 193.9),
        ("2022-09-26", 153.2),
        ("2024-10-30", 258.0),
        ("2026-02-13", 462.62),
    ],
}
# The Fed's target range, upper bound, after each change since 2008 (percent).
FED_UPPER = [
    ("2008-12-16", 0.25),
    ("2015-12-17", 0.50),
    ("2016-12-15", 0.75),
    ("2017-03-16", 1.00),
    ("2017-06-15", 1.25),
    ("2017-12-14", 1.50),
    ("2018-03-22", 1.75),
    ("2018-06-14", 2.00),
    ("2018-09-27", 2.25),
    ("2018-12-20", 2.50),
    ("2019-08-01", 2.25),
    ("2019-09-19", 2.00),
    ("2019-10-31", 1.75),
    ("2020-03-04", 1.25),
    ("2020-03-16", 0.25),
    ("2022-03-17", 0.50),
    ("2022-05-05", 1.00),
    ("2022-06-16", 1.75),
    ("2022-07-28", 2.50),
    ("2022-09-22", 3.25),
    ("2022-11-03", 4.00),
    ("2022-12-15", 4.50),
    ("2023-02-02", 4.75),
    ("2023-03-23", 5.00),
    ("2023-05-04", 5.25),
    ("2023-07-27", 5.50),
    ("2024-09-19", 5.00),
    ("2024-11-08", 4.75),
    ("2024-12-19", 4.50),
    ("2025-09-18", 4.25),
    ("2025-10-30", 4.00),
    ("2025-12-11", 3.75),
]
DAILY_VOL = {"market": 0.011, "tech": 0.015, "rates": 0.055, "dollar": 0.004, "gold": 0.011}
QUOTE_TYPE = {"^": "INDEX", "DX-Y.NYB": "INDEX"}
EXCHANGE = {"INDEX": "SNP", "ETF": "PCX", "EQUITY": "NMS"}

# Fund top holdings (symbol, name, weight as a fraction) and company figures in USD.
HOLDINGS = {
    "XLK": [
        ("NVDA", "NVIDIA Corp", 0.1482),
        ("AAPL", "Apple Inc", 0.1290),
        ("MSFT", "Microsoft Corp", 0.1175),
        ("AVGO", "Broadcom Inc", 0.0520),
        ("ORCL", "Oracle Corp", 0.0301),
        ("PLTR", "Palantir Technologies Inc", 0.0287),
        ("AMD", "Advanced Micro Devices Inc", 0.0262),
        ("CSCO", "Cisco Systems Inc", 0.0245),
        ("IBM", "International Business Machines Corp", 0.0231),
        ("CRM", "Salesforce Inc", 0.0198),
    ],
    "QQQ": [
        ("NVDA", "NVIDIA Corp", 0.0921),
        ("AAPL", "Apple Inc", 0.0803),
        ("MSFT", "Microsoft Corp", 0.0745),
        ("AMZN", "Amazon.com Inc", 0.0551),
        ("AVGO", "Broadcom Inc", 0.0498),
        ("META", "Meta Platforms Inc", 0.0372),
        ("GOOGL", "Alphabet Inc Class A", 0.0356),
        ("GOOG", "Alphabet Inc Class C", 0.0333),
        ("TSLA", "Tesla Inc", 0.0311),
        ("NFLX", "Netflix Inc", 0.0243),
    ],
}
CASHFLOW = {  # fiscal year end: (capex spent, operating cash flow), USD bn
    "MSFT": {
        "2022-06-30": (23.886, 89.035),
        "2023-06-30": (28.107, 87.582),
        "2024-06-30": (44.477, 118.548),
        "2025-06-30": (64.551, 136.162),
    },
    "AMZN": {
        "2022-12-31": (63.645, 46.752),
        "2023-12-31": (52.729, 84.946),
        "2024-12-31": (83.004, 115.877),
        "2025-12-31": (131.8, 139.5),
    },
    "GOOGL": {
        "2022-12-31": (31.485, 91.495),
        "2023-12-31": (32.251, 101.746),
        "2024-12-31": (52.535, 125.299),
        "2025-12-31": (91.4, 164.7),
    },
    "META": {
        "2022-12-31": (31.431, 50.475),
        "2023-12-31": (27.266, 71.113),
        "2024-12-31": (39.231, 91.328),
        "2025-12-31": (72.2, 115.8),
    },
}
EPS_TREND = {  # period: (current, 7d, 30d, 60d, 90d ago), revisions up7, up30, down7, down30
    "NVDA": {
        "0q": ((1.52, 1.51, 1.45, 1.40, 1.31), (3, 18, 0, 1)),
        "+1q": ((1.71, 1.70, 1.62, 1.58, 1.49), (2, 15, 1, 2)),
        "0y": ((6.42, 6.40, 6.21, 6.05, 5.80), (4, 22, 0, 1)),
        "+1y": ((8.10, 8.05, 7.80, 7.61, 7.30), (3, 19, 0, 3)),
    },
}


@contextmanager
def quiet_pandas() -> Iterator[None]:
    """exchange-calendars reads .values of tz-aware data, deprecated in pandas 3.1."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", getattr(pd.errors, "Pandas4Warning", DeprecationWarning))
        yield


def _stable_seed(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, (SEED, *parts))).encode())


def sessions() -> pd.DatetimeIndex:
    """NYSE sessions from 1999 to the end of 2026."""
    import exchange_calendars

    with quiet_pandas():
        calendar = exchange_calendars.get_calendar("XNYS", start=FIRST, end=LAST)
    return pd.DatetimeIndex(calendar.sessions_in_range(FIRST, LAST)).astype("datetime64[ns]")


def _bridge(noise: np.ndarray, dates: pd.DatetimeIndex, anchors: list, log: bool) -> np.ndarray:
    """A random walk of the given daily shocks, pinned through every (date, level) anchor."""
    when = dates.searchsorted(pd.DatetimeIndex([pd.Timestamp(d) for d, _ in anchors]))
    level = np.array([np.log(v) if log else v for _, v in anchors], dtype=float)
    walk = np.concatenate([[0.0], np.cumsum(noise[1:])])
    path = np.empty(len(dates))
    path[: when[0] + 1] = level[0] + walk[: when[0] + 1] - walk[when[0]]
    for (i, j), (a, b) in zip(pairwise(when), pairwise(level), strict=True):
        steps = np.arange(j - i + 1) / (j - i)
        segment = walk[i : j + 1] - walk[i] - steps * (walk[j] - walk[i])
        path[i : j + 1] = a + steps * (b - a) + segment
    path[when[-1] :] = level[-1] + walk[when[-1] :] - walk[when[-1]]
    return np.exp(path) if log else path


class Market:
    """Every series the simulated services answer from, computed once (see warm, save, load)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], object] = {}

    def _remember(self, kind: str, ticker: str, make: Callable[[], T]) -> T:
        key = (kind, ticker)
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    def warm(self) -> Market:
        """Compute every ticker's bars, dividends and share counts now."""
        for ticker in self.profiles.index:
            self.bars(ticker)
            self.dividends(ticker)
            if not ticker.startswith("^"):
                self.shares_outstanding(ticker)
        return self

    def save(self, path: Path) -> Path:
        """Pickle the warmed market: notebook kernels load it instead of computing it again."""
        path.write_bytes(pickle.dumps(self.warm(), protocol=pickle.HIGHEST_PROTOCOL))
        return path

    @staticmethod
    def load(path: Path) -> Market:
        """A market saved by save()."""
        return pickle.loads(path.read_bytes())

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        """NYSE sessions the market trades on."""
        return sessions()

    @cached_property
    def profiles(self) -> pd.DataFrame:
        """Per ticker: start, level on the anchor day, factor, beta, vol, yield, volume."""
        return pd.read_csv(PROFILES, index_col="ticker", keep_default_na=False)

    @cached_property
    def regime(self) -> np.ndarray:
        """Volatility clustering: a slowly varying multiplier of every daily shock."""
        rng = np.random.default_rng(_stable_seed("regime"))
        state = np.zeros(len(self.dates))
        for i in range(1, len(state)):
            state[i] = 0.985 * state[i - 1] + rng.normal(0, 0.09)
        return np.exp(state - state.mean())

    @cached_property
    def factors(self) -> pd.DataFrame:
        """Factor levels per session: market, tech (index points), rates (%), dollar, gold."""
        rng = np.random.default_rng(_stable_seed("factors"))
        n = len(self.dates)
        common = rng.normal(0, 1, n)
        shocks = {
            "market": common,
            "tech": 0.85 * common + np.sqrt(1 - 0.85**2) * rng.normal(0, 1, n),
            "rates": 0.3 * common + np.sqrt(1 - 0.3**2) * rng.normal(0, 1, n),
            "dollar": rng.normal(0, 1, n),
            "gold": rng.normal(0, 1, n),
        }
        out = {
            name: _bridge(
                shocks[name] * DAILY_VOL[name] * self.regime,
                self.dates,
                FACTOR_ANCHORS[name],
                log=name != "rates",
            )
            for name in FACTOR_ANCHORS
        }
        frame = pd.DataFrame(out, index=self.dates)
        frame["rates"] = frame["rates"].clip(lower=0.3)
        market = np.log(frame["market"]).diff()
        realized = market.ewm(span=15).std() * np.sqrt(252) * 100
        frame["vix"] = (1.05 * realized + 3.5 + rng.normal(0, 0.6, n)).clip(9, 82).bfill()
        return frame

    def fed_upper(self, dates: pd.DatetimeIndex) -> pd.Series:
        """The target range's upper bound on each date (NaN before 2008-12-16)."""
        steps = pd.Series({pd.Timestamp(d): v for d, v in FED_UPPER})
        return steps.reindex(steps.index.union(dates)).ffill().reindex(dates)

    def bars(self, ticker: str) -> pd.DataFrame:
        """Daily Open, High, Low, Close (as quoted), Volume of one ticker over its life."""
        return self._remember("bars", ticker, lambda: self._make_bars(ticker))

    def _make_bars(self, ticker: str) -> pd.DataFrame:
        p = self.profiles.loc[ticker]
        rng = np.random.default_rng(_stable_seed("bars", ticker))
        f = self.factors
        at = f.index.get_loc(ANCHOR)
        n = len(f)
        idio = np.cumsum(rng.normal(0, p["vol"] / np.sqrt(252), n) * self.regime)
        idio -= idio[at]
        if p["factor"] in ("market", "tech"):
            log_f = np.log(f[p["factor"]].to_numpy())
            close = p["level"] * np.exp(p["beta"] * (log_f - log_f[at]) + idio)
        elif p["factor"] == "rates":
            base = f["rates"].to_numpy() if ticker == "^TNX" else self._bill_rate()
            close = np.maximum(base * p["level"] / base[at], 0.01)
        elif p["factor"] == "bonds":
            rate = f["rates"].to_numpy()
            close = p["level"] * np.exp(-p["duration"] * (rate - rate[at]) / 100 + idio / 4)
        elif p["factor"] == "vix":
            close = f["vix"].to_numpy() * p["level"] / f["vix"].iloc[at]
        else:  # dollar, gold
            series = f[p["factor"]].to_numpy()
            close = p["level"] * series / series[at]
        close = pd.Series(np.round(close, 4), index=f.index)
        bars = pd.DataFrame({"Close": close})
        step = np.log(close).diff().fillna(0).abs().to_numpy()
        spread = np.abs(rng.normal(0, 0.004, (3, n))) + step / 3
        bars["Open"] = (close.shift(1).bfill() * np.exp(rng.normal(0, 0.004, n))).round(4)
        top = np.maximum(bars["Open"], close)
        bottom = np.minimum(bars["Open"], close)
        bars["High"] = (top * (1 + spread[0])).round(4)
        bars["Low"] = (bottom * (1 - spread[1])).round(4)
        volume = p["volume"] or (0 if ticker.startswith("^") else 2e6)
        bars["Volume"] = (volume * np.exp(rng.normal(0, 0.25, n)) * (1 + 12 * step)).round(-2)
        start = pd.Timestamp(p["start"])
        return bars.loc[start:, ["Open", "High", "Low", "Close", "Volume"]]

    def _bill_rate(self) -> np.ndarray:
        upper = self.fed_upper(self.dates).to_numpy()
        fallback = self.factors["rates"].to_numpy() - 1.2
        return np.where(np.isnan(upper), fallback, upper - 0.15).clip(0.02)

    def dividends(self, ticker: str) -> pd.Series:
        """Cash dividends by ex-date: ETFs pay a quarter of their yield a quarter, since 2015."""
        return self._remember("dividends", ticker, lambda: self._make_dividends(ticker))

    def _make_dividends(self, ticker: str) -> pd.Series:
        p = self.profiles.loc[ticker]
        if ticker.startswith("^") or "." in ticker or p["factor"] == "vix":
            return pd.Series(dtype=float)
        dividend_yield = p["dividend_yield"] or (0.008 if p["factor"] != "tech" else 0.004)
        if ticker in ("AAPL", "MSFT", "NVDA", "GOOGL", "META", "AVGO"):
            dividend_yield = 0.005
        if ticker in ("AMZN", "TSLA"):
            return pd.Series(dtype=float)
        closes = self.bars(ticker)["Close"]
        quarters = pd.date_range(
            max(closes.index[0], DIVIDENDS_FROM), closes.index[-1], freq="QE-DEC"
        )
        ex = closes.index[closes.index.searchsorted(quarters - pd.Timedelta(days=10))[:-1]]
        prior = closes.shift(1).reindex(ex)
        return (prior * dividend_yield / 4).round(4).dropna().rename("amount")

    def shares_outstanding(self, ticker: str) -> pd.Series:
        """An ETF's reported share counts (UTC times): business days since 2019, noisy."""
        return self._remember("shares", ticker, lambda: self._make_shares(ticker))

    def _make_shares(self, ticker: str) -> pd.Series:
        bars = self.bars(ticker).loc[SHARES_FROM:]
        rng = np.random.default_rng(_stable_seed("shares", ticker))
        flows = rng.normal(0.0002, 0.006, len(bars))
        base = max(float(self.profiles.loc[ticker, "volume"]), 2e6) * 25
        counts = np.round(base * np.exp(np.cumsum(flows)), -4)
        stamps = bars.index + pd.Timedelta(hours=22)
        return pd.Series(counts, index=stamps.tz_localize("UTC"))

    def fred(self, sid: str) -> pd.Series | None:
        """A FRED series over its life (daily, business-daily or monthly); None if unknown."""
        f = self.factors
        rng = np.random.default_rng(_stable_seed("fred", sid))
        ten = (f["rates"] + rng.normal(0, 0.01, len(f))).round(2)
        if sid == "DGS10":
            return ten
        if sid == "DFII10":
            breakeven = 2.25 + 0.25 * np.sin(np.arange(len(f)) / 400) + rng.normal(0, 0.02, len(f))
            return (ten - breakeven).round(2).loc["2003-01-02":]
        if sid in ("DFEDTARU", "DFEDTARL"):
            days = pd.date_range("2008-12-16", LAST, freq="D")
            upper = self.fed_upper(days)
            return upper if sid == "DFEDTARU" else upper - 0.25
        if sid in ("DFF", "EFFR", "DGS2", "T10Y2Y"):
            policy = self.fed_upper(f.index).fillna(f["rates"] - 1.5) - 0.17
            if sid == "DFF":
                return policy.round(2).loc["2008-12-16":]
            if sid == "EFFR":  # the same rate on business days only, as FRED publishes it
                return (policy + 0.01).round(2).loc["2008-12-16":]
            two = (0.6 * policy + 0.4 * ten + rng.normal(0, 0.03, len(f))).round(2)
            return two if sid == "DGS2" else (ten - two).round(2)
        if sid == "VIXCLS":
            return self.bars("^VIX")["Close"].round(2)
        if sid == "DTWEXBGS":
            return (f["dollar"] * 1.245 + rng.normal(0, 0.05, len(f))).round(4).loc["2006-01-02":]
        if sid in ("AAA", "BAA", "CPILFESL"):
            monthly = ten.resample("MS").mean()
            if sid == "CPILFESL":
                months = np.arange(len(monthly))
                return pd.Series(173.0 * 1.0021**months, index=monthly.index).round(3)
            return (monthly + (0.9 if sid == "AAA" else 1.9)).round(2)
        return None
