"""Claims about prices, returns, volume and dollar volume, measured from closes."""

from __future__ import annotations

import contextlib
import math

import pandas as pd

from techflows.analysis import drawdowns, markets, notional, rates, weeks
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
    """Is volume expanding in the rebound: markets.rebound_volume from the low (start) to end."""
    ticker = claim.param("ticker")
    bars = _quoted_bars(src, claim)
    found = markets.rebound_volume(
        bars["Volume"], claim.start, claim.end, int(claim.param("sessions", "20"))
    )
    if not math.isfinite(found["ratio"]):
        what = f"{ticker} volume on both sides of the low, {window_text(claim)}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    after = found["after"]
    detail = (
        f"daily volume {', '.join(f'{v / 1e6:.2f}M' for v in after)} after the low vs "
        f"{found['before_mean'] / 1e6:.2f}M average of the {found['before_sessions']} sessions "
        "to the low"
    )
    basis = (
        f"{ticker} share volume: sessions after the low vs the {found['before_sessions']} "
        "sessions to it (section 01's definition of volume expanding)"
    )
    window = (
        f"{after.index[0].date()} to {after.index[-1].date()} vs the "
        f"{found['before_sessions']} sessions to {claim.start.date()}"
    )
    return Measurement(found["ratio"], basis, detail, window=window)


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


def _returns(closes: pd.DataFrame, claim: Claim) -> tuple[pd.Series, str]:
    """Total return per ticker over the claim window, and the closes it runs between."""
    returns = pd.Series(
        {t: markets.period_return(closes[t], claim.start, claim.end) for t in closes}
    )
    used = closes.dropna(how="all")
    base, last = used.loc[: claim.start].index[-1], used.loc[: claim.end].index[-1]
    return returns, f"closes of {base.date()} to {last.date()}"


def relative_return(src: Source, claim: Claim) -> Measurement:
    """Total return of a minus that of b (an equal-weighted basket if several), in pp."""
    a, b = claim.tickers("a"), claim.tickers("b")
    returns, window = _returns(_closes_in_window(src, a + b, claim), claim)
    ra, rb = float(returns[a].mean()), float(returns[b].mean())
    label_b = b[0] if len(b) == 1 else f"equal-weighted {'+'.join(b)}"
    basis = f"adjusted-close total return {'+'.join(a)} minus {label_b}, {window}"
    detail = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.items())
    return Measurement(100 * (ra - rb), basis, detail, window=window)


def count_rising(src: Source, claim: Claim) -> Measurement:
    """How many of the tickers rose over the window (total return above zero)."""
    tickers = claim.tickers()
    returns, window = _returns(_closes_in_window(src, tickers, claim), claim)
    detail = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.sort_values().items())
    basis = (
        f"funds with a positive total return (adjusted closes) of {', '.join(tickers)}, {window}"
    )
    return Measurement(float((returns > 0).sum()), basis, detail, window=window)


def return_dispersion(src: Source, claim: Claim) -> Measurement:
    """Percentile of the window's best-minus-worst return among all windows as long before it.

    "Uneven across subsectors" is a claim about dispersion: the spread of the tickers' returns
    over the window, ranked among every window of the same number of sessions in the prior
    `years` (default 10). 50 = a typical spread; above it, more uneven than usual.
    """
    tickers = claim.tickers()
    closes = _closes_in_window(src, tickers, claim)[tickers].dropna()
    returns, window = _returns(closes, claim)
    spread = float(returns.max() - returns.min())
    base = closes.loc[: claim.start].index[-1]
    sessions = len(closes.loc[base : claim.end]) - 1  # returns run from the base close
    moves = closes.pct_change(sessions)
    history = (moves.max(axis=1) - moves.min(axis=1)).dropna()
    start = claim.end - pd.DateOffset(years=int(claim.param("years", "10")))
    history = history.loc[start:base]
    if len(history) < 250:
        what = f"A year of {sessions}-session return spreads of {', '.join(tickers)}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    percentile = 100 * float((history < spread).mean())
    each = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.sort_values().items())
    detail = (
        f"best minus worst {100 * spread:.1f} pp ({each}); median of {len(history)} earlier "
        f"{sessions}-session windows {100 * history.median():.1f} pp"
    )
    basis = (
        f"spread of adjusted-close total returns of {', '.join(tickers)}, {window}, as a "
        f"percentile of every {sessions}-session window since {history.index[0].date()}"
    )
    return Measurement(percentile, basis, detail, window=window)


def max_drawdown(src: Source, claim: Claim) -> Measurement:
    """Deepest fall (%) below a running peak set inside the window."""
    ticker = claim.param("ticker")
    close = _closes_in_window(src, [ticker], claim)[ticker].loc[claim.start : claim.end]
    path = drawdowns.drawdown(close)
    trough = path.idxmin()
    peak = close.loc[:trough].idxmax()
    detail = f"peak {peak.date()}, trough {trough.date()}"
    window = f"closes of {close.index[0].date()} to {close.index[-1].date()}"
    basis = f"{ticker} adjusted closes, peak-to-trough within {window}"
    return Measurement(100 * float(path.min()), basis, detail, window=window)


def _ranked_weeks(src: Source, claim: Claim) -> tuple[pd.DataFrame, str]:
    """Complete weeks of tech dollar volume ranked over `years`, with each week's price move."""
    close, volume, label = notional.tech_dollar_volume(src)
    observed(src, claim)
    weekly = notional.weekly_notional(close, volume, claim.week_end)
    ranks = notional.notional_rank(weekly, years=int(claim.param("years", "10")))
    with contextlib.suppress(DataUnavailable):  # no proxies: the rank stands alone
        ranks = notional.with_moves(ranks, rates.weekly_moves(src, claim.week_end))
    return ranks, label


def _top_week(src: Source, claim: Claim, ranks: pd.DataFrame) -> pd.Timestamp:
    """The best-ranked complete week inside the claim window (the week of the record)."""
    first = weeks.containing(claim.start, claim.week_end)
    last = weeks.containing(claim.end, claim.week_end)
    inside = ranks.loc[first:last]
    if inside.empty:
        what = f"Tech dollar volume in the {weeks.span_text(first, last, claim.week_end)}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    # Ties (rank 1 shared with equal weeks) go to the week with the most dollar volume.
    return inside.sort_values(["rank", "notional"], ascending=[True, False]).index[0]


def notional_rank(src: Source, claim: Claim) -> Measurement:
    """Best rank of a complete week in the window by tech dollar volume over `years`."""
    ranks, label = _ranked_weeks(src, claim)
    best = _top_week(src, claim, ranks)
    row = ranks.loc[best]
    tech, market = ranks.attrs.get("tech", "tech"), ranks.attrs.get("market", "market")
    detail = (
        f"top week ending {best.date()}: ${row['notional'] / 1e9:,.0f}bn, rank {row['rank']:.0f} "
        f"of {row['window_weeks']} weeks, z {row['zscore']:+.1f}; that week "
        f"{notional.move_text(row, tech, market)}"
    )
    if not row["full_window"]:
        detail += " (history shorter than the window)"
    year_before = ranks.loc[best - pd.Timedelta(days=364) : best]
    detail += f"; {int(year_before['is_record'].sum())} record weeks in the 52 weeks to it"
    basis = (
        f"PROXY for notional buying: weekly close x volume of {label}, nominal dollars "
        "(gross trading, not net buying)"
    )
    window = weeks.span_text(best, week_end=claim.week_end)
    return Measurement(float(row["rank"]), basis, detail, window=window)


def record_week_move(src: Source, claim: Claim) -> Measurement:
    """Tech's return minus the market's (pp) in the window's top dollar-volume week.

    Dollar volume cannot tell buying from selling; the price move can: heavy buying lifts
    prices, heavy selling sinks them. This judges "record buying" by what prices did.
    """
    ranks, label = _ranked_weeks(src, claim)
    if "tech_vs_market" not in ranks:
        raise DataUnavailable("Prices of the tech and market proxies", src.name, PRICES_PROVIDER)
    best = _top_week(src, claim, ranks)
    row = ranks.loc[best]
    tech, market = ranks.attrs["tech"], ranks.attrs["market"]
    window = weeks.span_text(best, week_end=claim.week_end)
    detail = (
        f"the week of rank {row['rank']:.0f} by dollar volume: {tech} {row['tech_return']:+.1%}, "
        f"{market} {row['market_return']:+.1%}"
    )
    basis = f"{tech} minus {market} weekly return in the top dollar-volume week of {label}"
    return Measurement(100 * float(row["tech_vs_market"]), basis, detail, window=window)
