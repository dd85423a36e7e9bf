"""AI capex against operating cash flow, and EPS revisions: measured live, else as reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from techflows import config
from techflows.data import schemas, validate
from techflows.data.source import Source
from techflows.errors import DataError, DataUnavailable

REPORTED_FILE = config.DATA_DIR / "reported_figures.csv"
REPORTED_INPUT = "reported figures (data/reported_figures.csv)"
# Columns every figure carries, reported or measured (after what it is and whom it is about).
FIGURE_COLUMNS = ["period", "value", "unit", "reported_by", "cited_in", "date", "note"]
REPORTED_COLUMNS = ["id", "metric", "entity", *FIGURE_COLUMNS]
OUTPUT_COLUMNS = ["basis", "entity", "metric", *FIGURE_COLUMNS]
HYPERSCALERS = ("AMZN", "MSFT", "GOOGL", "META")
# Columns of the yahoo source's tidy cash-flow table (USD; capex spent, positive) -> metrics.
CASHFLOW_COLUMNS = {
    "capex": "capital expenditure",
    "operating_cash_flow": "operating cash flow",
    "free_cash_flow": "free cash flow",
}
CAPEX_METRICS = tuple(CASHFLOW_COLUMNS.values())
EPS_HORIZONS = (7, 30, 60, 90)


def reported_figures(path: str | Path | None = None, as_of: object = None) -> pd.DataFrame:
    """The articles' own figures (data/reported_figures.csv), each with its source and date;
    with as_of, only those dated on or before it (a run cannot know what was said later)."""
    path = Path(path) if path else REPORTED_FILE
    if not path.is_file():
        raise DataError(f"reported figures '{path}': file not found")
    table = validate.read_csv(path, schemas.REPORTED_FIGURES, f"reported figures '{path}'")
    if as_of is not None:
        table = table[pd.to_datetime(table["date"]) <= pd.Timestamp(as_of)]
    return table.assign(basis="reported")


def reported(
    metric_prefixes: str | tuple[str, ...],
    path: str | Path | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Reported rows whose metric starts with a prefix (prefix by prefix), in output columns;
    with as_of, only those dated on or before it."""
    table = reported_figures(path, as_of)
    prefixes = (metric_prefixes,) if isinstance(metric_prefixes, str) else metric_prefixes
    rows = pd.concat([table[table["metric"].str.startswith(p)] for p in prefixes])
    return rows[["id", *OUTPUT_COLUMNS]].reset_index(drop=True)


def reported_by(src: Source, metric_prefixes: str | tuple[str, ...], what: str) -> pd.DataFrame:
    """reported() cut at the source's as-of date (when the run names one), noted in its input
    ledger; DataUnavailable when nothing had been reported by then."""
    rows = reported(metric_prefixes, as_of=src.as_of).drop(columns="id")
    if rows.empty:
        raise DataUnavailable(
            f"{what} as of {src.end.date()}",
            src.name,
            "a run with a later as-of date",
            note="the articles reported them later",
        )
    src.note_input(REPORTED_INPUT, pd.to_datetime(rows["date"]).max())
    return rows


def reported_value(figure_id: str, path: str | Path | None = None) -> float:
    """One reported figure by id (for printing the article's number next to the measured one)."""
    table = reported_figures(path).set_index("id")
    if figure_id not in table.index:
        raise DataError(f"reported figures: no id {figure_id!r}")
    return float(table.loc[figure_id, "value"])


def measured_cashflow(src: Source, ticker: str) -> pd.DataFrame:
    """Capex (spent, positive), operating and free cash flow per fiscal year, USD bn."""
    statement = src.cashflow(ticker)
    if src.as_of is not None:  # fiscal years that had not ended by the as-of date
        statement = statement[pd.to_datetime(statement["period_end"]) <= src.as_of]
    rows = []
    for column, metric in CASHFLOW_COLUMNS.items():
        if column not in statement:
            continue
        for _, row in statement.dropna(subset=[column]).iterrows():
            rows.append(
                {
                    "basis": "measured",
                    "entity": ticker,
                    "metric": metric,
                    "period": str(pd.Timestamp(row["period_end"]).date()),
                    "value": float(row[column]) / 1e9,
                    "unit": "USD bn",
                    "reported_by": "company filings via yfinance (annual cash-flow statement)",
                    "cited_in": "",
                    "date": pd.Timestamp(row["period_end"]),
                    "note": f"fiscal year {row['fiscal_year']} ending on period",
                }
            )
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def capex_vs_cashflow(
    src: Source, tickers: list[str] | tuple[str, ...] = HYPERSCALERS
) -> pd.DataFrame:
    """Capex and operating cash flow: measured from the source, else the reported rows.

    Column basis says which: 'measured' (live statements) or 'reported' (articles' figures).
    """
    frames = []
    for ticker in tickers:
        try:
            frames.append(measured_cashflow(src, ticker))
        except DataUnavailable:
            continue
    measured = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not measured.empty:
        return measured
    return reported_by(src, CAPEX_METRICS, "The articles' capex and cash-flow figures")


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Capex against operating cash flow per entity: both (USD bn), their ratio and the gap.

    Measured rows pair the same fiscal year; reported rows pair what the article paired.
    """
    capex = table[table["metric"] == "capital expenditure"]
    ocf = table[table["metric"] == "operating cash flow"]
    keep = ["basis", "entity", "period", "value"]
    pairs = capex[keep].merge(ocf[keep], on=["basis", "entity"], suffixes=("_capex", "_ocf"))
    same_year = pairs["period_capex"] == pairs["period_ocf"]
    pairs = pairs[same_year | (pairs["basis"] == "reported")].rename(
        columns={"value_capex": "capex", "value_ocf": "operating_cash_flow"}
    )
    pairs["capex_to_ocf"] = pairs["capex"] / pairs["operating_cash_flow"]
    pairs["ocf_minus_capex"] = pairs["operating_cash_flow"] - pairs["capex"]
    return pairs.sort_values(["entity", "period_capex"]).reset_index(drop=True)


def capex_by_year(table: pd.DataFrame) -> pd.DataFrame:
    """Measured capex summed over companies per fiscal-year-end calendar year, with growth."""
    capex = table[(table["basis"] == "measured") & (table["metric"] == "capital expenditure")]
    if capex.empty:
        return pd.DataFrame(columns=["year", "companies", "capex_usd_bn", "growth"])
    years = pd.to_datetime(capex["period"]).dt.year.rename("year")
    grouped = capex.groupby(years).agg(
        companies=("entity", "nunique"), capex_usd_bn=("value", "sum")
    )
    # Growth only between years that cover the same number of companies.
    comparable = grouped["companies"].eq(grouped["companies"].shift())
    grouped["growth"] = grouped["capex_usd_bn"].pct_change().where(comparable)
    return grouped.reset_index()


def measured_eps_trend(src: Source, ticker: str) -> pd.DataFrame:
    """Consensus EPS per estimate period now and its % revision over 7/30/60/90 days."""
    trend = src.eps_trend(ticker)
    if "eps_current" not in trend.columns:
        raise DataError(f"EPS trend for {ticker}: no eps_current column; has {list(trend.columns)}")
    out = trend[["period", "eps_current"]].assign(entity=ticker)
    for days in EPS_HORIZONS:
        column = f"eps_{days}d_ago"
        if column in trend:
            before = trend[column].where(trend[column] != 0)
            out[f"rev_{days}d_pct"] = 100 * (trend["eps_current"] / before.abs() - 1)
    counts = [c for c in ("up_30d", "down_30d") if c in trend]
    return out.join(trend[counts])[["entity", *out.columns.drop("entity"), *counts]]


def eps_revisions(src: Source, tickers: list[str] | tuple[str, ...] = HYPERSCALERS) -> pd.DataFrame:
    """EPS revisions measured per mega-cap (basis 'measured'; live estimates are today's, so
    only without an as-of date), else the reported figures up to the as-of date."""
    frames = []
    for ticker in tickers if src.as_of is None else ():
        try:
            frames.append(measured_eps_trend(src, ticker))
        except DataUnavailable:
            continue
    if frames:
        return pd.concat(frames, ignore_index=True).assign(basis="measured")
    return reported_by(src, "EPS expectation revision", "The articles' EPS revision figures")
