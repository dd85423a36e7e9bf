"""The embedded offline default: real historical data that ships inside arch.data."""

from __future__ import annotations

from types import ModuleType

import pandas as pd

from techflows.data.sources.base import Adapter

# Fama-French columns are not FRED series; their ids say so.
FRENCH_IDS = {"Mkt-RF": "FF_MKT_RF", "SMB": "FF_SMB", "HML": "FF_HML", "RF": "FF_RF"}


def _dataset(name: str) -> ModuleType:
    """One of arch.data's datasets, imported on first use (importing arch takes 1-2 s)."""
    from arch.data import core_cpi, default, frenchdata, nasdaq, sp500, vix

    modules = (core_cpi, default, frenchdata, nasdaq, sp500, vix)
    return {m.__name__.rsplit(".", 1)[-1]: m for m in modules}[name]


def _index_bars(name: str) -> pd.DataFrame:
    frame = _dataset(name).load()
    frame.index = pd.DatetimeIndex(frame.index, name="Date").astype("datetime64[ns]")
    return frame.astype(float)


def _french() -> pd.DataFrame:
    frame = _dataset("frenchdata").load()
    # arch stores YYYYMM integers; newer pandas reads them as nanosecond timestamps.
    codes = frame.index.asi8 if isinstance(frame.index, pd.DatetimeIndex) else frame.index
    frame.index = pd.to_datetime(pd.Index(codes).astype(str), format="%Y%m").rename("Date")
    return frame.rename(columns=FRENCH_IDS)


class SampleAdapter(Adapter):
    """NASDAQ Composite and S&P 500 (1999-2018), VIX, Fama-French, Moody's yields, core CPI."""

    name = "sample"
    description = (
        "sample: real historical data shipped inside the arch package (NASDAQ Composite and "
        "S&P 500 daily 1999-2018, VIX 2014-2019, Fama-French monthly, Moody's AAA/BAA, core CPI)"
    )

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """^IXIC and ^GSPC as OHLCV bars, ^VIX as a close."""
        loaders = {
            "^IXIC": lambda: _index_bars("nasdaq"),
            "^GSPC": lambda: _index_bars("sp500"),
            # arch's VIX lists every weekday; a market holiday is blank, like FRED's '.'.
            "^VIX": lambda: _index_bars("vix").dropna().rename(columns={"vix": "Close"}),
        }
        return {t: loaders[t]() for t in tickers if t in loaders}

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """VIXCLS, AAA, BAA, CPILFESL and the Fama-French factors (FF_*), in percent."""
        wanted = set(ids)
        found: dict[str, pd.Series] = {}
        if "VIXCLS" in wanted:
            found["VIXCLS"] = _index_bars("vix")["vix"].rename("VIXCLS")
        if wanted & {"AAA", "BAA"}:
            yields = _index_bars("default")
            found.update({c: yields[c] for c in ("AAA", "BAA") if c in wanted})
        if "CPILFESL" in wanted:
            found["CPILFESL"] = _index_bars("core_cpi")["CPILFESL"]
        if wanted & set(FRENCH_IDS.values()):
            factors = _french()
            found.update({c: factors[c] for c in factors.columns if c in wanted})
        return {k: v.rename(k).rename_axis("Date") for k, v in found.items()}
