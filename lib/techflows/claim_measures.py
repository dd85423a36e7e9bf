"""One measurement per metric key of data/claims.csv: what the data says about a claim."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from techflows import drawdowns, fed, flows, fundamentals, markets, notional
from techflows.data import Source
from techflows.errors import DataError, DataUnavailable
from techflows.sources.base import FLOWS_PROVIDER, PRICES_PROVIDER, YAHOO_PROVIDER

EPFR = "EPFR Global weekly fund-flow data (the basis of BofA's and Deutsche Bank's flow notes)"
ETF_PROXY = (
    "PROXY: net creations/redemptions of the US-listed ETFs in the flows file, not "
    "EPFR's mutual-fund + ETF totals the article cites"
)


@dataclass(frozen=True)
class Claim:
    """One row of the claims file, parsed."""

    id: str
    metric: str
    start: pd.Timestamp
    end: pd.Timestamp
    reported: float
    unit: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def param(self, key: str, default: str | None = None) -> str:
        """A parameter from the params column; DataError if missing and no default."""
        if key in self.params:
            return self.params[key]
        if default is None:
            raise DataError(f"claim {self.id}: parameter {key!r} missing in params")
        return default

    def tickers(self, key: str = "tickers") -> list[str]:
        """A comma-separated ticker list parameter."""
        return [t.strip() for t in self.param(key).split(",") if t.strip()]


@dataclass(frozen=True)
class Measurement:
    """A measured value with what exactly was measured (basis) and supporting detail."""

    value: float
    basis: str
    detail: str = ""
    lower_bound: bool = False  # the true value is at least this (history too short)
    needs: str = ""  # who would measure past the lower bound


class NotMeasurable(LookupError):
    """The source cannot measure this claim; names the source that would."""

    def __init__(self, provider: str, why: str = "") -> None:
        self.provider = provider
        self.why = why
        super().__init__(f"{why + '; ' if why else ''}would need {provider}")


class NotYetObservable(LookupError):
    """The claim's window ends after the as-of date."""


def observed(src: Source, claim: Claim) -> None:
    """Raise NotYetObservable when the claim's window ends after the as-of date.

    With as_of 'latest' a source whose data end before the window even starts is not a matter
    of time but of coverage: the measurement then reports the data as unavailable.
    """
    horizon = src.as_of if src.as_of is not None else src.end
    if claim.end > horizon and (src.as_of is not None or claim.start <= src.end):
        cut = "as-of date" if src.as_of is not None else "end of the data"
        raise NotYetObservable(
            f"the window ends {claim.end.date()}, after the {cut} {horizon.date()}"
        )


def _bn(usd: float) -> float:
    return usd / 1e9


def _window(claim: Claim) -> str:
    return f"{claim.start.date()} to {claim.end.date()}"


# ---- fund flows -------------------------------------------------------------------------


def _flow_selection(src: Source, claim: Claim, prefix: str = "") -> tuple[pd.DataFrame, str]:
    """Daily flows of the funds a claim names: class=<flows class> or tickers=<list>."""
    daily = src.flows()
    if f"{prefix}class" in claim.params:
        wanted = claim.param(f"{prefix}class")
        classes = flows.classify(daily["ticker"].unique(), src.universe)
        members = list(classes.index[classes["class"] == wanted])
        label = f"{wanted} funds"
    else:
        members = claim.tickers(f"{prefix}tickers")
        label = "+".join(members)
    chosen = daily[daily["ticker"].isin(members)]
    if chosen.empty:
        raise DataUnavailable(f"Fund flows for {label}", src.name, FLOWS_PROVIDER)
    found = sorted(chosen["ticker"].unique())
    missing = [t for t in members if t not in found]
    label = (
        f"{label} ({', '.join(found)}{'; no flows for ' + ', '.join(missing) if missing else ''})"
    )
    return chosen, label


def _in_window(src: Source, daily: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    """Rows of daily flows inside the claim window; DataUnavailable if the file misses it."""
    all_dates = src.flows()["date"]
    first, last = all_dates.min(), all_dates.max()
    # A window may open on a holiday or weekend before the file's first day (2026-01-01).
    if first > claim.start + pd.Timedelta(days=6) or last < claim.end:
        what = (
            f"Fund flows covering {_window(claim)} (the file has {first.date()} to {last.date()})"
        )
        raise DataUnavailable(what, src.name, FLOWS_PROVIDER)
    return daily[(daily["date"] >= claim.start) & (daily["date"] <= claim.end)]


def window_flow(src: Source, claim: Claim) -> Measurement:
    """Net flow (USD bn) of a class of funds or a ticker list over the claim window."""
    daily, label = _flow_selection(src, claim)
    observed(src, claim)
    per_fund = _in_window(src, daily, claim).groupby("ticker")["flow_usd"].sum().div(1e9)
    detail = ", ".join(f"{t} {v:+.2f}" for t, v in per_fund.sort_values().items())
    basis = f"{ETF_PROXY}: {label}, daily flows summed {_window(claim)}"
    return Measurement(float(per_fund.sum()), basis, f"USD bn by fund: {detail}")


def flow_difference(src: Source, claim: Claim) -> Measurement:
    """Net flow of selection a minus selection b (USD bn) over the claim window."""
    daily_a, label_a = _flow_selection(src, claim, "a_")
    daily_b, label_b = _flow_selection(src, claim, "b_")
    observed(src, claim)
    a = _bn(_in_window(src, daily_a, claim)["flow_usd"].sum())
    b = _bn(_in_window(src, daily_b, claim)["flow_usd"].sum())
    basis = f"{ETF_PROXY}: {label_a} minus {label_b}, {_window(claim)}"
    return Measurement(a - b, basis, f"{a:+.2f} vs {b:+.2f} USD bn")


def _weekly_total(daily: pd.DataFrame, claim: Claim) -> tuple[pd.Series, str]:
    """Weekly summed flows of the selection, weeks ending on the claim end's weekday."""
    week_end = f"W-{claim.end.day_name()[:3].upper()}"
    weekly = flows.weekly_by_fund(daily, week_end)
    return weekly.groupby("week_end")["flow_usd"].sum(), week_end


def flow_weeks_since_larger(src: Source, claim: Claim) -> Measurement:
    """How many weeks the claim week's inflow is the largest in (weeks end on the claim date)."""
    daily, label = _flow_selection(src, claim)
    observed(src, claim)
    total, week_end = _weekly_total(daily, claim)
    total = flows.complete_weeks(total, claim.end)
    if claim.end not in total.index:
        raise DataUnavailable(
            f"Fund flows for the week ending {claim.end.date()}", src.name, FLOWS_PROVIDER
        )
    span = flows.record_span(total, at=claim.end)
    detail = f"week ending {claim.end.date()}: {_bn(span['value']):+.2f} USD bn"
    if span["previous_larger"] is not None:
        detail += (
            f"; beaten by {_bn(span['previous_value']):+.2f} in the week ending "
            f"{span['previous_larger'].date()}"
        )
    else:
        detail += f"; largest of all {span['history_weeks']} weeks in the file"
    basis = f"{ETF_PROXY}: {label}, weeks ending {week_end[2:].title()}"
    return Measurement(
        float(span["weeks"]), basis, detail, lower_bound=bool(span["censored"]), needs=EPFR
    )


def flow_zscore(src: Source, claim: Claim) -> Measurement:
    """Largest weekly flow in the window in standard deviations from the prior-history mean."""
    daily, label = _flow_selection(src, claim)
    observed(src, claim)
    weekly, _ = _weekly_total(daily, claim)
    prior = weekly.loc[: claim.start - pd.Timedelta(days=1)]
    inside = weekly.loc[claim.start : claim.end]
    needed = int(claim.param("history_weeks", "52"))
    if len(prior) < needed or inside.empty:
        raise NotMeasurable(
            EPFR,
            f"the flows file has {len(prior)} weeks before {claim.start.date()}; "
            f"a historical average needs at least {needed}",
        )
    z = (inside.max() - prior.mean()) / prior.std()
    basis = f"{ETF_PROXY}: {label}, z-score of the largest week vs {len(prior)} prior weeks"
    return Measurement(float(z), basis)


# ---- prices -----------------------------------------------------------------------------


def _sessions(index: pd.DatetimeIndex, claim: Claim) -> int:
    return int(((index >= claim.start) & (index <= claim.end)).sum())


def _quoted_bars(src: Source, claim: Claim) -> pd.DataFrame:
    ticker = claim.param("ticker")
    bars = src.ohlcv(ticker, quoted=True)
    observed(src, claim)
    if _sessions(bars.index, claim) == 0:
        what = f"Quoted prices for {ticker} in {_window(claim)}"
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
    basis = f"{ticker} quoted closes, lowest close of {_window(claim)} to the last"
    return Measurement(100 * float(status["from_phase_low"]), basis, detail)


def low_date(src: Source, claim: Claim) -> Measurement:
    """Date of the lowest quoted close in the claim window."""
    ticker = claim.param("ticker")
    bars = _quoted_bars(src, claim)
    status = markets.price_status(bars, claim.end, window=_sessions(bars.index, claim))
    basis = f"{ticker} quoted closes, lowest close of {_window(claim)}"
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
        raise DataUnavailable(f"{ticker} volume around {_window(claim)}", src.name, PRICES_PROVIDER)
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
        what = f"Prices for {', '.join(tickers)} covering {_window(claim)}"
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
    basis = f"adjusted-close total return {'+'.join(a)} minus {label_b}, {_window(claim)}"
    detail = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.items())
    return Measurement(100 * (ra - rb), basis, detail)


def _extreme_return(src: Source, claim: Claim, best: bool) -> Measurement:
    """Highest (best) or lowest total return (%) among the tickers over the window."""
    tickers = claim.tickers()
    returns = _returns(_closes_in_window(src, tickers, claim), claim)
    detail = ", ".join(f"{t} {100 * r:+.1f}%" for t, r in returns.sort_values().items())
    word, value = ("best", returns.max()) if best else ("worst", returns.min())
    basis = f"{word} adjusted-close total return of {', '.join(tickers)}, {_window(claim)}"
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
    basis = f"{ticker} adjusted closes, peak-to-trough within {_window(claim)}"
    return Measurement(100 * float(path.min()), basis, detail)


def notional_rank(src: Source, claim: Claim) -> Measurement:
    """Best rank of a week in the window by tech dollar volume over the trailing `years`."""
    close, volume, label = notional.tech_dollar_volume(src)
    observed(src, claim)
    weekly = notional.weekly_notional(close, volume, claim.param("week_end", "W-FRI"))
    ranks = notional.notional_rank(weekly, years=int(claim.param("years", "10")))
    inside = ranks.loc[claim.start : claim.end]
    if inside.empty:
        what = f"Tech dollar volume in {_window(claim)}"
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


# ---- the Fed ----------------------------------------------------------------------------


def _policy_path(src: Source, claim: Claim) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The target range covering the whole claim window and its changes (fed.rate_changes).

    DataUnavailable for a proxy path (no FOMC decisions) or one that misses the window.
    """
    path = fed.policy_path(src)
    changes = fed.rate_changes(path)
    observed(src, claim)
    if path.index[0] > claim.start or path.index[-1] < claim.end:
        what = f"The Fed target range over {_window(claim)}"
        raise DataUnavailable(what, src.name, fed.SERIES_PROVIDER)
    return path, changes


def _changes(src: Source, claim: Claim) -> pd.DataFrame:
    return _policy_path(src, claim)[1]


def _announced_in(changes: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    days = changes["announced"]
    return changes[(days >= claim.start) & (days <= claim.end)]


def _moves_text(moves: pd.DataFrame) -> str:
    if moves.empty:
        return "no changes"
    return ", ".join(
        f"{d.date()} {bp:+d}bp"
        for d, bp in zip(moves["announced"], moves["change_bp"], strict=True)
    )


FED_BASIS = "FOMC decisions from FRED DFEDTARU/DFEDTARL (announced = effective date - 1 day)"


def fed_cuts(src: Source, claim: Claim) -> Measurement:
    """Number of target-range cuts announced in the window."""
    moves = _announced_in(_changes(src, claim), claim)
    cuts = moves[moves["kind"] == "cut"]
    return Measurement(float(len(cuts)), FED_BASIS, _moves_text(moves))


def fed_change_bp(src: Source, claim: Claim) -> Measurement:
    """Total change of the target range (bp) announced in the window."""
    moves = _announced_in(_changes(src, claim), claim)
    return Measurement(float(moves["change_bp"].sum()), FED_BASIS, _moves_text(moves))


def fed_range(src: Source, claim: Claim) -> Measurement:
    """Lower or upper bound (%) of the target range in force at the claim date."""
    path, _ = _policy_path(src, claim)
    now = fed.current_range(path.loc[: claim.end])
    bound = claim.param("bound")
    return Measurement(
        float(now[bound]), FED_BASIS, f"range {now['label']} on {now['date'].date()}"
    )


def fed_cycle_start(src: Source, claim: Claim) -> Measurement:
    """Announcement date of the first move of the cycle in force at the claim's end."""
    changes = _changes(src, claim)
    known = changes[changes["announced"] <= claim.end]
    table = fed.cycle_summary(known).set_index("period")
    cycle = table.iloc[0]
    leg = table.iloc[1]
    first = known.loc[known["effective"] == cycle["start"], "announced"].iloc[0]
    leg_first = known.loc[known["effective"] == leg["start"], "announced"].iloc[0]
    detail = (
        f"{cycle['kind']} cycle of {cycle['moves']} moves ({cycle['cumulative_bp']:+d}bp, "
        f"{cycle['from_range']} to {cycle['to_range']}); its latest leg resumed "
        f"{leg_first.date()} after a pause"
    )
    return Measurement(pd.Timestamp(first), FED_BASIS, detail)


# ---- company fundamentals (live source only) --------------------------------------------


def _statements(src: Source, claim: Claim) -> pd.DataFrame:
    """Measured cash-flow rows (USD bn) of the claim's tickers, with the fiscal year's end year.

    Raises DataUnavailable if any ticker has no statement for the claim's year.
    """
    tickers = claim.tickers()
    table = pd.concat([fundamentals.measured_cashflow(src, t) for t in tickers], ignore_index=True)
    observed(src, claim)
    table = table.assign(year=pd.to_datetime(table["period"]).dt.year)
    year = claim.end.year
    missing = sorted(set(tickers) - set(table.loc[table["year"] == year, "entity"]))
    if missing:
        what = f"Fiscal {year} cash-flow statements for {', '.join(missing)}"
        raise DataUnavailable(what, src.name, YAHOO_PROVIDER)
    return table


CASHFLOW_BASIS = "annual cash-flow statements (company filings via Yahoo), fiscal years ending in"


def _capex_year(src: Source, claim: Claim) -> pd.Series:
    by_year = fundamentals.capex_by_year(_statements(src, claim)).set_index("year")
    return by_year.loc[claim.end.year]


def capex_total(src: Source, claim: Claim) -> Measurement:
    """Capital expenditure (USD bn) summed over the tickers, fiscal years ending in end's year."""
    row = _capex_year(src, claim)
    basis = f"{CASHFLOW_BASIS} {claim.end.year}: capex of {'+'.join(claim.tickers())}"
    return Measurement(float(row["capex_usd_bn"]), basis)


def capex_growth(src: Source, claim: Claim) -> Measurement:
    """Year-on-year growth (%) of the summed capex, fiscal years ending in end's year."""
    row = _capex_year(src, claim)
    if pd.isna(row["growth"]):
        what = f"Fiscal {claim.end.year - 1} capex for all of {', '.join(claim.tickers())}"
        raise DataUnavailable(what, src.name, YAHOO_PROVIDER)
    who = "+".join(claim.tickers())
    basis = f"{CASHFLOW_BASIS} {claim.end.year} vs the year before: capex of {who}"
    return Measurement(100 * float(row["growth"]), basis, f"{row['capex_usd_bn']:.1f} USD bn")


def operating_cash_flow(src: Source, claim: Claim) -> Measurement:
    """Operating cash flow (USD bn) summed over the tickers, fiscal years ending in end's year."""
    table = _statements(src, claim)
    rows = table[(table["metric"] == "operating cash flow") & (table["year"] == claim.end.year)]
    basis = f"{CASHFLOW_BASIS} {claim.end.year}: operating cash flow of {'+'.join(claim.tickers())}"
    return Measurement(float(rows["value"].sum()), basis, ", ".join(rows["period"]))


def eps_revision(src: Source, claim: Claim) -> Measurement:
    """Mean 90-day % revision of the consensus EPS estimate for one period (0y, +1y)."""
    period = claim.param("period")
    trends = [fundamentals.measured_eps_trend(src, t) for t in claim.tickers()]
    observed(src, claim)
    table = pd.concat(trends, ignore_index=True)
    rows = table[table["period"] == period].dropna(subset=["rev_90d_pct"])
    if rows.empty:
        raise DataUnavailable(f"90-day EPS revisions for period {period}", src.name, YAHOO_PROVIDER)
    detail = ", ".join(
        f"{e} {r:+.1f}%" for e, r in zip(rows["entity"], rows["rev_90d_pct"], strict=True)
    )
    basis = (
        f"consensus EPS ({period}) now vs 90 days ago (Yahoo), mean over the mega-caps; a "
        "snapshot at download time, not at the as-of date"
    )
    return Measurement(float(rows["rev_90d_pct"].mean()), basis, detail)


# ---- the registry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """How a metric key is measured; external metrics name who publishes the figure."""

    measure: Callable[[Source, Claim], Measurement] | None
    external: str = ""


METRICS: dict[str, Metric] = {
    "window_flow": Metric(window_flow),
    "flow_difference": Metric(flow_difference),
    "flow_weeks_since_larger": Metric(flow_weeks_since_larger),
    "flow_zscore": Metric(flow_zscore),
    "quoted_close": Metric(quoted_close),
    "rebound_from_low": Metric(rebound_from_low),
    "low_date": Metric(low_date),
    "volume_ratio": Metric(volume_ratio),
    "relative_return": Metric(relative_return),
    "best_return": Metric(best_return),
    "worst_return": Metric(worst_return),
    "max_drawdown": Metric(max_drawdown),
    "notional_rank": Metric(notional_rank),
    "fed_cuts": Metric(fed_cuts),
    "fed_change_bp": Metric(fed_change_bp),
    "fed_range": Metric(fed_range),
    "fed_cycle_start": Metric(fed_cycle_start),
    "capex_total": Metric(capex_total),
    "capex_growth": Metric(capex_growth),
    "operating_cash_flow": Metric(operating_cash_flow),
    "eps_revision": Metric(eps_revision),
    "fund_flow_record": Metric(None, f"{EPFR} with years of history"),
    "mutual_fund_flows": Metric(None, "ICI mutual-fund flow statistics (or Morningstar)"),
    "fed_projection": Metric(
        None, "the Fed's Summary of Economic Projections (dot plot; FRED FEDTARMD)"
    ),
    "enterprise_ai_survey": Metric(None, "Bain & Co's enterprise AI survey"),
    "client_flows": Metric(
        None, "broker client-flow data by client type (e.g. BofA) or 13F filings"
    ),
}
