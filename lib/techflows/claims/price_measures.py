"""Claims about prices, returns, volume and dollar volume, measured from closes."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import drawdowns, markets, notional
from techflows.claims.claim import Claim, Measurement, observed, window_text
from techflows.data.source import Source
from techflows.data.sources.base import PRICES_PROVIDER
from techflows.errors import DataUnavailable


def _sessions(index: pd.DatetimeIndex, claim: Claim) -> int:
    return int(((index >= claim.start) & (index <= claim.end)).sum())


def _quoted_bars(src: Source, claim: Claim) -> pd.DataFrame:
    ticker = claim.param("ticker")
    bars = src.ohlcv(ticker, quoted=True)
    observed(src, claim)
    if _sessions(bars.index, claim) == 0:
        what = f"Quoted prices for {ticker} in {window_text(claim)}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    return bars


def quoted_close(src: Source, claim: Claim) -> Measurement:
    """Close as quoted (not dividend-adjusted) on the claim date."""
    ticker = claim.param("ticker")
    bars = _quoted_bars(src, claim)
    status = markets.price_status(bars, claim.end)
    if status["date"] != claim.end:
        raise DataUnavailable(f"{ticker} closes on {claim.end.date()}", src.name, PRICES_PROVIDER)
    basis = f"{ticker} close as quoted (prices_quoted, not dividend-adjusted)"
    return Measurement(float(status["close"]), basis)


def rebound_from_low(src: Source, claim: Claim) -> Measurement:
    """Percent move of the quoted close at the end date from the lowest close in the window."""
    ticker = claim.param("ticker")
    bars = _quoted_bars(src, claim)
    status = markets.price_status(bars, claim.end, window=_sessions(bars.index, claim))
    detail = (
        f"low close {status['phase_low']:.2f} on {status['phase_low_date'].date()}, "
        f"close {status['close']:.2f} on {status['date'].date()}"
    )
    basis = f"{ticker} quoted closes, lowest close of {window_text(claim)} to the last"
    return Measurement(100 * float(status["from_phase_low"]), basis, detail)


def low_date(src: Source, claim: Claim) -> Measurement:
    """Date of the lowest quoted close in the claim window."""
    ticker = claim.param("ticker")
    bars = _quoted_bars(src, claim)
    status = markets.price_status(bars, claim.end, window=_sessions(bars.index, claim))
    basis = f"{ticker} quoted closes, lowest close of {window_text(claim)}"
    detail = f"low close {status['phase_low']:.2f}"
    return Measurement(pd.Timestamp(status["phase_low_date"]), basis, detail)


def volume_ratio(src: Source, claim: Claim) -> Measurement:
    """Mean volume of the sessions after the low through the end, over the mean before the low.

    The "before" average covers the `sessions` sessions up to and including the start (the low).
    """
    ticker = claim.param("ticker")
    bars = _quoted_bars(src, claim)
    volume = bars["Volume"].dropna()
    volume = volume[volume > 0]
    after = volume.loc[claim.start + pd.Timedelta(days=1) : claim.end]
    before = volume.loc[: claim.start].iloc[-int(claim.param("sessions", "20")) :]
    if after.empty or before.empty:
        raise DataUnavailable(
            f"{ticker} volume around {window_text(claim)}", src.name, PRICES_PROVIDER
        )
    status = markets.price_status(bars, claim.end)
    detail = (
        f"daily volume {', '.join(f'{v / 1e6:.2f}M' for v in after)} after the low vs "
        f"{before.mean() / 1e6:.2f}M average of the {len(before)} sessions to the low; "
        f"5-day vs 20-day average at {claim.end.date()}: {status['volume_5d_vs_20d']:+.0%}"
    )
    basis = f"{ticker} share volume: rebound sessions vs the {len(before)} sessions before"
    return Measurement(float(after.mean() / before.mean()), basis, detail)


def _closes_in_window(src: Source, tickers: list[str], claim: Claim) -> pd.DataFrame:
    closes = src.close(tickers)
    observed(src, claim)
    missing = [t for t in tickers if t not in closes.columns]
    if missing:
        raise DataUnavailable(f"Prices for {', '.join(missing)}", src.name, PRICES_PROVIDER)
    covered = closes.loc[: claim.start].dropna(how="any")
    if covered.empty or closes.index[-1] < claim.end:
        what = f"Prices for {', '.join(tickers)} covering {window_text(claim)}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    return closes


def _returns(closes: pd.DataFrame, claim: Claim) -> pd.Series:
    return pd.Series({t: markets.period_return(closes[t], claim.start, claim.end) for t in closes})


def relative_return(src: Source, claim: Claim) -> Measurement:
    """Total return of a minus that of b (an equal-weighted basket if several), in pp."""
    a, b = claim.tickers("a"), claim.tickers("b")
    returns = _returns(_closes_in_window(src, a + b, claim), claim)
    ra, rb = float(returns[a].mean()), float(returns[b].mean())
    label_b = b[0] if len(b) == 1 else f"equal-weighted {'+'.join(b)}"
    basis = f"adjusted-close total return {'+'.join(a)} minus {label_b}, {window_text(claim)}"
    detail = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.items())
    return Measurement(100 * (ra - rb), basis, detail)


def _extreme_return(src: Source, claim: Claim, best: bool) -> Measurement:
    """Highest (best) or lowest total return (%) among the tickers over the window."""
    tickers = claim.tickers()
    returns = _returns(_closes_in_window(src, tickers, claim), claim)
    detail = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.sort_values().items())
    word, value = ("best", returns.max()) if best else ("worst", returns.min())
    basis = f"{word} adjusted-close total return of {', '.join(tickers)}, {window_text(claim)}"
    return Measurement(100 * float(value), basis, detail)


def best_return(src: Source, claim: Claim) -> Measurement:
    """Highest total return (%) among the tickers over the window."""
    return _extreme_return(src, claim, best=True)


def worst_return(src: Source, claim: Claim) -> Measurement:
    """Lowest total return (%) among the tickers over the window."""
    return _extreme_return(src, claim, best=False)


def max_drawdown(src: Source, claim: Claim) -> Measurement:
    """Deepest fall (%) below a running peak set inside the window."""
    ticker = claim.param("ticker")
    close = _closes_in_window(src, [ticker], claim)[ticker].loc[claim.start : claim.end]
    path = drawdowns.drawdown(close)
    trough = path.idxmin()
    peak = close.loc[:trough].idxmax()
    detail = f"peak {peak.date()}, trough {trough.date()}"
    basis = f"{ticker} adjusted closes, peak-to-trough within {window_text(claim)}"
    return Measurement(100 * float(path.min()), basis, detail)


def notional_rank(src: Source, claim: Claim) -> Measurement:
    """Best rank of a week in the window by tech dollar volume over the trailing `years`."""
    close, volume, label = notional.tech_dollar_volume(src)
    observed(src, claim)
    weekly = notional.weekly_notional(close, volume, claim.param("week_end", "W-FRI"))
    ranks = notional.notional_rank(weekly, years=int(claim.param("years", "10")))
    inside = ranks.loc[claim.start : claim.end]
    if inside.empty:
        what = f"Tech dollar volume in {window_text(claim)}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    best = inside["rank"].idxmin()
    row = inside.loc[best]
    detail = (
        f"top week ending {best.date()}: ${row['notional'] / 1e9:,.0f}bn, rank {row['rank']:.0f} "
        f"of {row['window_weeks']} weeks, z {row['zscore']:+.1f}"
    )
    if not row["full_window"]:
        detail += " (history shorter than the window)"
    year_before = ranks.loc[best - pd.Timedelta(days=364) : best]
    detail += f"; {int(year_before['is_record'].sum())} record weeks in the 52 weeks to it"
    basis = (
        f"PROXY for notional buying: weekly close x volume of {label}, nominal dollars "
        "(gross trading, not net buying)"
    )
    return Measurement(float(row["rank"]), basis, detail)
