"""One table style for every report: column labels, units and number formats from one catalogue.

Every table a report shows goes through `show`: columns are relabelled from COLUMNS (a
`table.column` entry overrides the plain one where a name means different things in different
tables), values are formatted by their unit (flows in signed USD bn, fractions as percentages,
dates as dates), the index is shown as an ordinary column, and a table cut to its first or last
rows says so in its caption. Wide tables scroll inside their own box (the report template's
CSS); long text columns wrap.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from techflows.analysis import weeks
from techflows.markup import NO_MATH, escape

Format = Callable[[object], str]
MISSING = "–"


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: object) -> float | None:
    """value as a finite float, or None (missing, text, infinite)."""
    if _missing(value) or isinstance(value, bool | str):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _numeric(render: Callable[[float], str]) -> Format:
    """A formatter that renders numbers and passes text through ('not yet', '—')."""

    def fmt(value: object) -> str:
        number = _number(value)
        if number is not None:
            return render(number)
        return MISSING if _missing(value) else str(value)

    return fmt


def number(digits: int = 2, signed: bool = False) -> Format:
    """1234.5 -> '1,234.50' (signed: '+1,234.50')."""
    return _numeric(lambda v: f"{v:{'+' if signed else ''},.{digits}f}")


def fraction_pct(digits: int = 1, signed: bool = False) -> Format:
    """A fraction as a percentage: 0.0812 -> '8.1%' (signed: '+8.1%')."""
    return _numeric(lambda v: f"{100 * v:{'+' if signed else ''}.{digits}f}%")


def percent(digits: int = 1, signed: bool = False) -> Format:
    """A value already in percent: 8.12 -> '8.1%'."""
    return _numeric(lambda v: f"{v:{'+' if signed else ''}.{digits}f}%")


def usd_bn(digits: int = 2, signed: bool = True) -> Format:
    """US dollars in billions: -4.94e9 -> '-4.94' (the column label carries 'USD bn')."""
    return _numeric(lambda v: f"{v / 1e9:{'+' if signed else ''},.{digits}f}")


def p_value(value: object) -> str:
    """A p-value: '< 0.001' when smaller, else three decimals."""
    return _numeric(lambda v: "< 0.001" if v < 0.001 else f"{v:.3f}")(value)


def date(value: object) -> str:
    """A timestamp as YYYY-MM-DD; text ('not yet') passes through."""
    if _missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp | np.datetime64):
        return str(pd.Timestamp(value).date())
    return str(value)


def yes_no(value: object) -> str:
    """True/False as yes/no."""
    if _missing(value):
        return MISSING
    return "yes" if bool(value) else "no"


def weekday(week_end: str) -> str:
    """The day a week calendar ends on, for prose: 'W-WED' -> 'Wednesday'."""
    return calendar.day_name[weeks.weekday(week_end)]


def text(value: object) -> str:
    """Any value as text; missing as a dash."""
    return MISSING if _missing(value) else str(value)


COUNT = number(0)
SIGNED_PCT = fraction_pct(1, signed=True)
PCT = fraction_pct(1)
PCT2 = fraction_pct(2)
SIGNED_PCT2 = fraction_pct(2, signed=True)
FLOW = usd_bn(2)
LEVEL = number(2)
SIGNED = number(2, signed=True)
RATIO = number(2)
STAT = number(3)
BP = number(0, signed=True)
PRICE = number(2)


LONG_TEXT = 30  # text columns with longer values wrap; shorter ones stay on one line
TABLE_ATTRIBUTES = f'class="tf-table {NO_MATH}"'


def _label(header: str) -> str:
    """A column label for Styler.relabel_index, which reads a label as a format string."""
    return escape(header).replace("{", "{{").replace("}", "}}")


def as_html(fmt: Format) -> Format:
    """fmt, its text escaped for HTML: a value is shown as written, never read as markup."""
    return lambda value: escape(fmt(value))


WIDE_CELL = "white-space: normal; width: 20em; min-width: 14em; max-width: 32em"


@dataclass(frozen=True)
class Column:
    """How one column reads: its label (with its unit) and its format; wide text wraps."""

    label: str
    format: Format = text
    wide: bool = False


def _c(label: str, fmt: Format = text, wide: bool = False) -> Column:
    return Column(label, fmt, wide)


# The one catalogue of column labels, units and formats. "table.column" entries override the
# plain name inside that table (show(..., table="table")).
COLUMNS: dict[str, Column] = {
    # dates and identifiers
    "date": _c("date", date),
    "week_end": _c("week ending", date),
    "ticker": _c("ticker"),
    "fund": _c("fund"),
    "entity": _c("company"),
    "class": _c("class"),
    "segment": _c("segment"),
    "group": _c("group"),
    "kind": _c("kind"),
    "basis": _c("basis"),
    "source": _c("source", wide=True),
    "note": _c("note", wide=True),
    "status": _c("status", wide=True),
    "period": _c("period"),
    "from": _c("from", date),
    "to": _c("to", date),
    "start": _c("start", date),
    "end": _c("end", date),
    "since": _c("since", date),
    "through": _c("through", date),
    "n": _c("n", COUNT),
    "weeks": _c("weeks", COUNT),
    "funds": _c("funds", text),
    "tickers": _c("tickers", wide=True),
    "item": _c("item"),
    "metric": _c("metric"),
    "value": _c("value", number(1)),
    "unit": _c("unit"),
    "reported_by": _c("reported by"),
    "cited_in": _c("cited in"),
    "model": _c("model"),
    "window": _c("window"),
    # fund flows (USD -> signed USD bn)
    "flow_usd": _c("net flow (USD bn)", FLOW),
    "net_flow_usd": _c("net flow (USD bn)", FLOW),
    "total_flow_usd": _c("total flow (USD bn)", FLOW),
    "peak_flow_usd": _c("peak week flow (USD bn)", FLOW),
    "aum_usd": _c("assets (USD bn)", usd_bn(1, signed=False)),
    "pct_aum": _c("% of assets", percent(1, signed=True)),
    "reported_days": _c("days reported", COUNT),
    "expected_days": _c("trading days", COUNT),
    "share_reported": _c("share reported", PCT),
    "first_reported": _c("first day", date),
    "last_reported": _c("last day", date),
    "flagged_prints": _c("flagged prints", COUNT),
    "missing_days": _c("days not reported", COUNT),
    "days": _c("days", COUNT),
    "quality": _c("quality"),
    "n_weeks": _c("weeks", COUNT),
    "peak_week": _c("peak week", date),
    "peak_z": _c("peak z", SIGNED),
    "peak_z_others": _c("peak z vs other weeks", SIGNED),
    "z_cap": _c("largest z possible", LEVEL),
    "last_week": _c("last week", date),
    "last_z": _c("last z", SIGNED),
    # flows against fund size and performance
    "flow_week_pct_aum": _c("week's flow (% of assets)", percent(2, signed=True)),
    "flow_4w_pct_aum": _c("4-week flow (% of assets)", percent(2, signed=True)),
    "flow_week_usd": _c("week's flow (USD bn)", FLOW),
    "flow_4w_usd": _c("4-week flow (USD bn)", FLOW),
    "return_week": _c("week's return", SIGNED_PCT),
    "return_4w": _c("4-week return", SIGNED_PCT),
    # prices and the status table
    "close": _c("close", PRICE),
    "phase_start": _c("phase start", date),
    "phase_low": _c("phase low", PRICE),
    "phase_low_date": _c("phase low on", date),
    "from_phase_low": _c("from phase low", SIGNED_PCT2),
    "phase_high": _c("phase high", PRICE),
    "phase_high_date": _c("phase high on", date),
    "from_phase_high": _c("from phase high", SIGNED_PCT2),
    "high_52w": _c("52-week high", PRICE),
    "high_52w_date": _c("52-week high on", date),
    "from_52w_high": _c("from 52-week high", SIGNED_PCT2),
    "volume_day": _c("volume, last day (m)", number(1)),
    "volume_5d": _c("volume, 5-day avg (m)", number(1)),
    "volume_20d": _c("volume, 20-day avg (m)", number(1)),
    "volume_50d": _c("volume, 50-day avg (m)", number(1)),
    "volume_5d_vs_20d": _c("5-day vs 20-day volume", SIGNED_PCT),
    "volume_5d_vs_50d": _c("5-day vs 50-day volume", SIGNED_PCT),
    "article": _c("article", wide=True),
    "measured": _c("measured", wide=True),
    # segment returns (fractions)
    "1w": _c("1 week", SIGNED_PCT),
    "1m": _c("1 month", SIGNED_PCT),
    "3m": _c("3 months", SIGNED_PCT),
    "YTD": _c("year to date", SIGNED_PCT),
    "1w vs market": _c("1 week vs market", SIGNED_PCT),
    "1m vs market": _c("1 month vs market", SIGNED_PCT),
    "3m vs market": _c("3 months vs market", SIGNED_PCT),
    "YTD vs market": _c("year to date vs market", SIGNED_PCT),
    "mean_relative": _c("mean return vs market", SIGNED_PCT),
    "best": _c("best"),
    "worst": _c("worst"),
    # notional
    "notional": _c("dollar volume (USD bn)", usd_bn(0, signed=False)),
    "rank": _c("rank", COUNT),
    "rank at the time": _c("rank at the time", COUNT),
    "window_weeks": _c("weeks in window", COUNT),
    "zscore": _c("z-score", SIGNED),
    "full_window": _c("full window", yes_no),
    "is_record": _c("record", yes_no),
    "tech_return": _c("tech return", SIGNED_PCT),
    "market_return": _c("market return", SIGNED_PCT),
    "tech_vs_market": _c("tech minus market", SIGNED_PCT),
    # drawdowns and analogues
    "episode": _c("episode"),
    "peak": _c("peak", date),
    "peak_close": _c("close at peak", PRICE),
    "trough": _c("trough", date),
    "trough_close": _c("close at trough", PRICE),
    "depth": _c("depth", SIGNED_PCT),
    "recovery": _c("recovered on", date),
    "days_to_trough": _c("days to trough", COUNT),
    "days_to_recover": _c("days to recover", COUNT),
    "recovered": _c("recovered", yes_no),
    "peak_to_recovery_days": _c("days peak to recovery", COUNT),
    "reached": _c("reached today's trough on", date),
    "matched": _c("stood where today stands on", date),
    "went_deeper": _c("went deeper", yes_no),
    "deeper_date": _c("deeper on", date),
    "days_to_deeper": _c("days to deeper", COUNT),
    "return_6m": _c("return, next 6 months", SIGNED_PCT),
    "return_12m": _c("return, next 12 months", SIGNED_PCT),
    "leg": _c("leg"),
    "years": _c("years", number(1)),
    "tech_annualised": _c("tech, a year", SIGNED_PCT),
    "market": _c("market"),
    "relative_return": _c("tech minus market", SIGNED_PCT),
    "DFII10_start": _c("10y real yield at start (%)", LEVEL),
    "DFII10_end": _c("10y real yield at end (%)", LEVEL),
    "DFII10_change": _c("10y real yield change (pp)", SIGNED),
    "DFII10_from": _c("10y real yield from", date),
    "DGS10_start": _c("10y yield at start (%)", LEVEL),
    "DGS10_end": _c("10y yield at end (%)", LEVEL),
    "DGS10_change": _c("10y yield change (pp)", SIGNED),
    "DGS10_from": _c("10y yield from", date),
    # the Fed
    "effective": _c("effective", date),
    "announced": _c("announced", date),
    "lower": _c("lower bound (%)", LEVEL),
    "upper": _c("upper bound (%)", LEVEL),
    "change_bp": _c("change (bp)", BP),
    "moves": _c("moves", COUNT),
    "cumulative_bp": _c("cumulative (bp)", BP),
    "from_range": _c("from range"),
    "to_range": _c("to range"),
    "spread_change": _c("2y minus funds, change (pp)", SIGNED),
    "day0": _c("tech vs market, decision day", SIGNED_PCT),
    "last_day": _c("tech vs market, window end", SIGNED_PCT),
    # rate sensitivity, correlations
    "yield": _c("yield"),
    "beta_pct_per_pp": _c("beta (% per +1pp)", SIGNED),
    "hac_se": _c("HAC se", LEVEL),
    "t": _c("t", SIGNED),
    "p": _c("p", p_value),
    "r2": _c("R²", STAT),
    "driver": _c("driver"),
    "corr_full": _c("correlation, full period", SIGNED),
    "n_full": _c("weeks, full period", COUNT),
    "corr_recent": _c("correlation, recent", SIGNED),
    "n_recent": _c("weeks, recent", COUNT),
    "recent_from": _c("recent from", date),
    # capex and fundamentals (USD bn already)
    "period_capex": _c("capex fiscal year"),
    "capex": _c("capex (USD bn)", number(1)),
    "period_ocf": _c("cash-flow fiscal year"),
    "operating_cash_flow": _c("operating cash flow (USD bn)", number(1)),
    "capex_to_ocf": _c("capex / OCF", RATIO),
    "ocf_minus_capex": _c("OCF minus capex (USD bn)", number(1, signed=True)),
    "eps_current": _c("EPS now", RATIO),
    "rev_7d_pct": _c("revision, 7 days", percent(2, signed=True)),
    "rev_30d_pct": _c("revision, 30 days", percent(2, signed=True)),
    "rev_60d_pct": _c("revision, 60 days", percent(2, signed=True)),
    "rev_90d_pct": _c("revision, 90 days", percent(2, signed=True)),
    "up_30d": _c("upgrades, 30 days", COUNT),
    "down_30d": _c("downgrades, 30 days", COUNT),
    # rate shocks
    "horizon": _c("horizon"),
    "periods": _c("weeks", COUNT),
    "shocked": _c("yield shocked"),
    "sd_multiple": _c("size (sd)", number(0)),
    "shock_bp": _c("size (bp)", BP),
    "impact": _c("tech minus market", SIGNED_PCT2),
    "rate_shocks.se": _c("standard error", PCT2),
    "rate_shocks.lower": _c("95% CI low", SIGNED_PCT2),
    "rate_shocks.upper": _c("95% CI high", SIGNED_PCT2),
    "pvalue": _c("p (impact)", p_value),
    "beta": _c("beta (% per +1pp)", SIGNED),
    "beta_p": _c("p (beta)", p_value),
    "offsets": _c("phase offsets", COUNT),
    "p_low": _c("p, lowest offset", p_value),
    "p_high": _c("p, highest offset", p_value),
    "p_below": _c("offsets with p < 0.05", COUNT),
    "yields_from": _c("yields from", wide=True),
    "move_bp": _c("move (bp)", number(0)),
    "move_in_sd": _c("move (sd)", number(1)),
    "share_at_least": _c("windows moving that much", PCT),
    # volatility
    "innovations": _c("innovations"),
    "nu": _c("degrees of freedom", LEVEL),
    "vol_last_day": _c("volatility, last day (a year)", PCT),
    "vol_next_day": _c("volatility, next day (a year)", PCT),
    "vol_long_run": _c("long-run volatility (a year)", PCT),
    "persistence": _c("persistence", STAT),
    "half_life_days": _c("half-life (days)", COUNT),
    "VaR99_hist": _c("99% VaR, historical", PCT2),
    "ES99_hist": _c("99% ES, historical", PCT2),
    "VaR99_garch": _c("99% VaR, GARCH", PCT2),
    "ES99_garch": _c("99% ES, GARCH", PCT2),
    "loglik": _c("log-likelihood", number(1)),
    "params": _c("parameters", COUNT),
    "aic": _c("AIC", number(1)),
    "bic": _c("BIC", number(1)),
    "lr": _c("likelihood ratio", number(1)),
    "lr_p": _c("p (likelihood ratio)", p_value),
    "chosen": _c("chosen", yes_no),
    "level": _c("confidence", fraction_pct(0)),
    "method": _c("method"),
    "VaR": _c("VaR (one day)", PCT2),
    "ES": _c("ES (one day)", PCT2),
    "return": _c("return", SIGNED_PCT2),
    # concentration
    "top10_weight": _c("top-10 weight", PCT),
    "holdings_listed": _c("holdings listed", COUNT),
    "largest": _c("largest holding"),
    "largest_weight": _c("largest weight", PCT),
    "pair": _c("pair"),
    "equal_weight": _c("equal weight", SIGNED_PCT),
    "cap_weight": _c("cap weight", SIGNED_PCT),
    "spread": _c("equal minus cap", SIGNED_PCT),
    # forecasts (values in % per week)
    "parameter": _c("parameter"),
    "coef": _c("coefficient", STAT),
    "forecast_parameters.se": _c("standard error", STAT),
    "forecast.mean": _c("forecast (% a week)", SIGNED),
    "forecast.se": _c("standard error (pp)", LEVEL),
    "forecast.lower": _c("90% interval low", SIGNED),
    "forecast.upper": _c("90% interval high", SIGNED),
    "forecaster": _c("forecaster"),
    "mae": _c("MAE (pp)", STAT),
    "mase": _c("MASE", RATIO),
    "mae_vs_best_naive": _c("MAE vs best naive", RATIO),
    "dm_p": _c("p (Diebold-Mariano)", p_value),
    "hit_rate": _c("hit rate", PCT),
    "hit_p": _c("p (hit rate)", p_value),
    # scenario readings and forward returns
    "bull": _c("bull", PCT),
    "base": _c("base", PCT),
    "bear": _c("bear", PCT),
    "most_weeks": _c("most weeks"),
    "independent": _c("independent events", COUNT),
    "mean": _c("mean", percent(2, signed=True)),
    "q10": _c("10th pct", percent(2, signed=True)),
    "q25": _c("25th pct", percent(2, signed=True)),
    "median": _c("median", percent(2, signed=True)),
    "q75": _c("75th pct", percent(2, signed=True)),
    "q90": _c("90th pct", percent(2, signed=True)),
    "share_positive": _c("share positive", PCT),
    "scenario": _c("scenario"),
    "condition": _c("condition", wide=True),
    "result": _c("result"),
    "evidence": _c("evidence", wide=True),
    "met": _c("met", COUNT),
    "not met": _c("not met", COUNT),
    "no data": _c("no data", COUNT),
    "evaluable": _c("can be judged", COUNT),
    "share_met": _c("share met", fraction_pct(0)),
    "favoured": _c("favoured", yes_no),
    # the checklist (values in each signal's own unit)
    "signal": _c("signal", wide=True),
    "shown": _c("value", wide=True),
    "rule": _c("rule", wide=True),
    "trend": _c("trend (vs 4 weeks)"),
    "p10": _c("10th pct", SIGNED),
    "p90": _c("90th pct", SIGNED),
    "now": _c("now", SIGNED),
    "now_percentile": _c("now, percentile", COUNT),
    "signal_history.median": _c("median", SIGNED),
    "indicator": _c("indicator", wide=True),
    "measured by": _c("measured by", wide=True),
    # claims
    "id": _c("claim"),
    "claim": _c("what the article says", wide=True),
    "section": _c("article section"),
    "cited_source": _c("cited source"),
    "reported": _c("article"),
    "claims.measured": _c("data"),
    "tolerance": _c("tolerance"),
    "claims.window": _c("window measured", wide=True),
    "claims.basis": _c("basis", wide=True),
    "verdict": _c("verdict"),
    "check": _c("check (exact or proxy)"),
    "measured_without_flagged": _c("data without flagged prints"),
    "verdict_without_flagged": _c("verdict without flagged prints"),
    "claims": _c("claims", COUNT),
    "consistent": _c("consistent", COUNT),
    "differs": _c("differs", COUNT),
    "not measurable from this source": _c("not measurable here", COUNT),
    "not yet observable": _c("not yet observable", COUNT),
    "consistent, exact": _c("consistent, exact check", COUNT),
    "consistent, proxy": _c("consistent, proxy check", COUNT),
    "differs, exact": _c("differs, exact check", COUNT),
    "differs, proxy": _c("differs, proxy check", COUNT),
    # monthly relative returns
    "year": _c("year", text),
}


def column(name: object, table: str | None = None) -> Column:
    """A column's catalogue entry (the table's own first); unknown names are humanised."""
    key = str(name)
    if table and f"{table}.{key}" in COLUMNS:
        return COLUMNS[f"{table}.{key}"]
    if key in COLUMNS:
        return COLUMNS[key]
    return Column(key.replace("_", " "))


def _fallback(series: pd.Series) -> Format:
    """The format of a column the catalogue does not list, from its dtype."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return date
    if pd.api.types.is_bool_dtype(series):
        return yes_no
    if pd.api.types.is_integer_dtype(series):
        return COUNT
    if pd.api.types.is_float_dtype(series):
        return LEVEL
    return text


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The index as ordinary leading columns (unless it is a plain 0..n-1 range)."""
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    unnamed = all(n is None for n in out.index.names)
    if unnamed and pd.api.types.is_integer_dtype(out.index):
        return out.reset_index(drop=True)  # a row number carries nothing a reader needs
    names = [n if n is not None else "" for n in out.index.names]
    return out.rename_axis(names).reset_index()


def caption_with_rows(caption: str, shown: int, total: int, where: str, file: str) -> str:
    """'caption (the last 6 of 15 rows; all in file.csv)' when rows are hidden."""
    if shown >= total:
        return caption
    which = "last" if where == "tail" else "first"
    rest = f"; all {total} in {file}" if file else ""
    note = f"the {which} {shown} of {total} rows{rest}"
    return f"{caption} ({note})" if caption else note[0].upper() + note[1:]


def show(
    frame: pd.DataFrame,
    caption: str = "",
    table: str | None = None,
    rows: int | None = None,
    where: str = "head",
    file: str = "",
    values: Format | None = None,
    labels: Mapping[str, str] | None = None,
) -> Styler:
    """A table for reading: catalogue labels and formats, no index, hidden rows counted.

    table: the catalogue scope for names that differ between tables ("rate_shocks");
    rows/where: show only the first ("head") or last ("tail") rows, the caption says how many
    are hidden and names `file` (the CSV with all of them); values: the format of columns the
    catalogue does not list (wide tables whose columns are data, e.g. one per fund class);
    labels: a label for such columns.
    """
    flat = _flat(frame)
    total = len(flat)
    if rows is not None and total > rows:
        flat = flat.tail(rows) if where == "tail" else flat.head(rows)
    entries = {c: column(c, table) for c in flat.columns}
    known = {c for c in flat.columns if c in COLUMNS or (table and f"{table}.{c}" in COLUMNS)}
    formats = {
        c: (entries[c].format if c in known else values or _fallback(flat[c])) for c in flat.columns
    }
    headers = [
        (labels or {}).get(c, entries[c].label if c in known or not values else c)
        for c in flat.columns
    ]
    styler = (
        flat.reset_index(drop=True)
        .style.format({c: as_html(f) for c, f in formats.items()}, na_rep=MISSING)
        .hide(axis="index")
        .relabel_index([_label(h) for h in headers], axis="columns")
        .set_table_attributes(TABLE_ATTRIBUTES)
    )
    rules = []
    for i, name in enumerate(flat.columns):
        wide = name in known and entries[name].wide
        if formats[name] in (text, date):
            rules.append({"selector": f"td.col{i}, th.col{i}", "props": "text-align: left"})
        if wide:
            rules.append({"selector": f"td.col{i}", "props": WIDE_CELL})
        elif formats[name] is text and flat[name].astype(str).str.len().max() > LONG_TEXT:
            rules.append({"selector": f"td.col{i}", "props": "white-space: normal"})
    styler = styler.set_table_styles(rules, overwrite=False)
    caption = caption_with_rows(caption, len(flat), total, where, file)
    return styler.set_caption(escape(caption)) if caption else styler


def not_yet(episodes: pd.DataFrame) -> pd.DataFrame:
    """Drawdown episodes with 'not yet' where a recovery date or duration is still open."""
    out = episodes.copy()
    for name in ("recovery", "days_to_recover", "peak_to_recovery_days"):
        if name in out:
            out[name] = out[name].astype(object).where(out[name].notna(), "not yet")
    return out


def show_by_row(frame: pd.DataFrame, caption: str = "", table: str | None = None) -> Styler:
    """A table with one entity (ticker, fund) per column and one measure per row: each value
    formatted by its column's catalogue entry, each row labelled by it."""
    rows = {
        column(name, table).label: frame[name].map(column(name, table).format) for name in frame
    }
    shown = pd.DataFrame(rows).T.rename_axis(frame.index.name or "").reset_index()
    styler = (
        shown.style.format(escape)
        .format_index(escape, axis="columns")
        .hide(axis="index")
        .set_table_attributes(TABLE_ATTRIBUTES)
        .set_table_styles([{"selector": "td.col0, th.col0", "props": "text-align: left"}])
    )
    return styler.set_caption(escape(caption)) if caption else styler
