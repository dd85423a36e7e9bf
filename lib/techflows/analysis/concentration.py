"""Concentration: top-holding weights of cap-weighted tech funds, equal- vs cap-weight spreads."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import markets
from techflows.data.source import Source
from techflows.data.sources.base import LATER_PROVIDER, PRICES_PROVIDER
from techflows.errors import DataError, DataUnavailable

PAIRS = (("RSPT", "XLK"), ("RSP", "SPY"))
WINDOWS = ("1m", "3m", "YTD", "1y")
WEIGHT_COLUMNS = ("Holding Percent", "holding_percent", "weight", "Weight")
SYMBOL_COLUMNS = ("symbol", "Symbol")


def holding_weights(holdings: pd.DataFrame) -> pd.Series:
    """The weight column of a fund's holdings table as numbers (unreadable cells NaN)."""
    column = next((c for c in WEIGHT_COLUMNS if c in holdings.columns), None)
    if column is None:
        raise DataError(f"holdings table has no weight column; found {list(holdings.columns)}")
    return pd.to_numeric(holdings[column], errors="coerce")


def top_weight(holdings: pd.DataFrame, n: int = 10) -> float:
    """Combined weight (fraction) of the n largest holdings in a fund's holdings table."""
    weights = holding_weights(holdings).dropna().nlargest(n)
    # yfinance reports fractions; a table summing above 1.5 can only be in percent.
    return float(weights.sum() / 100 if weights.sum() > 1.5 else weights.sum())


def top_holdings_table(
    src: Source, funds: tuple[str, ...] = ("XLK", "QQQ"), n: int = 10
) -> pd.DataFrame:
    """Per fund: top-n weight, the largest holding (its symbol) and its weight (live only)."""
    rows = []
    for fund in funds:
        holdings = src.top_holdings(fund)
        row = holding_weights(holdings).idxmax()
        rows.append(
            {
                "fund": fund,
                f"top{n}_weight": top_weight(holdings, n),
                "holdings_listed": len(holdings),
                "largest": holding_symbol(holdings, row),
                "largest_weight": top_weight(holdings.loc[[row]], 1),
            }
        )
    return pd.DataFrame(rows)


def holding_symbol(holdings: pd.DataFrame, row: object) -> str:
    """The symbol of one holding: its symbol column (the data layer's layout), else its label."""
    column = next((c for c in SYMBOL_COLUMNS if c in holdings.columns), None)
    return str(holdings.loc[row, column] if column else row)


def pair_label(equal: str, cap: str) -> str:
    """How a pair is named in tables and charts."""
    return f"{equal} vs {cap}"


def equal_vs_cap(
    closes: pd.DataFrame,
    pairs: tuple[tuple[str, str], ...] = PAIRS,
    windows: tuple[str, ...] = WINDOWS,
) -> pd.DataFrame:
    """Equal- minus cap-weight return per pair and window, to the pair's last common day."""
    rows = []
    for equal, cap in pairs:
        if equal not in closes or cap not in closes:
            continue
        both = closes[[equal, cap]].dropna()
        end = both.index[-1]
        for window in windows:
            start = markets.window_start(end, window)
            eq, cw = (
                markets.period_return(both[equal], start, end),
                markets.period_return(both[cap], start, end),
            )
            rows.append(
                {
                    "pair": pair_label(equal, cap),
                    "window": window,
                    "through": end,
                    "equal_weight": eq,
                    "cap_weight": cw,
                    "spread": eq - cw,
                }
            )
    return pd.DataFrame(
        rows, columns=["pair", "window", "through", "equal_weight", "cap_weight", "spread"]
    )


def rolling_spread(
    closes: pd.DataFrame, pairs: tuple[tuple[str, str], ...] = PAIRS, days: int = 63
) -> pd.DataFrame:
    """Rolling `days`-day return of equal weight minus cap weight, one column per pair; a pair
    with fewer than days + 1 common closes (RSPT in its first three months) is left out, and
    DataUnavailable when every pair is."""
    spreads, common = {}, {}
    for equal, cap in pairs:
        if equal in closes and cap in closes:
            both = closes[[equal, cap]].dropna()
            label = pair_label(equal, cap)
            common[label] = both.index
            if len(both) > days:
                moves = both.pct_change(days)
                spreads[label] = moves[equal] - moves[cap]
    if not spreads:
        counts = "; ".join(f"{label}: {len(index)} common days" for label, index in common.items())
        last = max((index[-1] for index in common.values() if len(index)), default=None)
        up_to = f" up to {last.date()}" if last is not None else ""
        raise DataUnavailable(
            f"{days}-day returns of equal against cap weight",
            closes.attrs.get("source", "given"),
            LATER_PROVIDER,
            note=f"{counts}{up_to}; a window needs {days + 1}",
        )
    return pd.DataFrame(spreads).dropna(how="all").rename_axis(columns="pair")


def pair_closes(src: Source, pairs: tuple[tuple[str, str], ...] = PAIRS) -> pd.DataFrame:
    """Closes of the complete pairs the source has; raises DataUnavailable if there are none."""
    closes = src.close([t for pair in pairs for t in pair])
    complete = [t for pair in pairs if set(pair) <= set(closes.columns) for t in pair]
    if not complete:
        wanted = ", ".join(pair_label(*pair) for pair in pairs)
        raise DataUnavailable(f"Equal- and cap-weight prices ({wanted})", src.name, PRICES_PROVIDER)
    out = closes[complete]
    out.attrs["source"] = src.name
    return out
