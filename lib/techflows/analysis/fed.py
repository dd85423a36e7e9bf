"""The Fed's policy path: the target range, every change to it, the current cycle, and the rate
path the market prices (the 2-year yield against the effective funds rate, the 2s10s curve)."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import fundamentals
from techflows.analysis.markets import last_years
from techflows.data.source import Source
from techflows.data.sources.base import LATER_PROVIDER, SERIES_PROVIDER
from techflows.errors import DataUnavailable

TARGET_IDS = ("DFEDTARL", "DFEDTARU")
PROXY_ID = "FF_RF"
TARGET_LABEL = "Fed funds target range (FRED DFEDTARL/DFEDTARU)"
TARGET_SHORT = "Fed funds target range, upper bound"
PROXY_SHORT = "Policy-rate proxy: FF_RF annualised (not the Fed target)"
PROXY_LABEL = (
    "PROXY: Fama-French 1-month T-bill return (FF_RF), annualised x12; not the Fed's target range"
)
TWO_YEAR, CURVE = "DGS2", "T10Y2Y"
FUNDS_IDS = ("DFF", "EFFR")  # effective fed funds rate: daily (DFF), else business days (EFFR)
MARKET_COLUMNS = {
    "two_year": "2-year Treasury yield (DGS2)",
    "funds": "effective fed funds rate",
    "spread": "2-year yield minus effective fed funds rate",
    "curve": "10-year minus 2-year Treasury spread (T10Y2Y)",
}


def policy_path(src: Source) -> pd.DataFrame:
    """Daily target range (lower, upper, in %); else the annualised FF_RF proxy (lower = upper).

    attrs: kind ('target range' or 'proxy'), label (what the numbers are).
    """
    note = ""  # the range may start after the as-of date: the source says so
    try:
        found = src.series(list(TARGET_IDS))
    except DataUnavailable as gap:
        found, note = pd.DataFrame(), gap.note
    if set(TARGET_IDS) <= set(found.columns):
        path = found.rename(columns={"DFEDTARL": "lower", "DFEDTARU": "upper"})
        path = path[["lower", "upper"]].dropna()
        path.attrs.update(
            {
                "kind": "target range",
                "label": TARGET_LABEL,
                "short": TARGET_SHORT,
                "source": src.name,
            }
        )
        return path
    try:
        rf = src.series([PROXY_ID])[PROXY_ID].dropna()
    except DataUnavailable:
        raise DataUnavailable(
            "The Fed funds target range (DFEDTARU/DFEDTARL) or a proxy (FF_RF)",
            src.name,
            SERIES_PROVIDER,
            note=note,
        ) from None
    annual = 12 * rf
    path = pd.DataFrame({"lower": annual, "upper": annual})
    path.attrs.update(
        {"kind": "proxy", "label": PROXY_LABEL, "short": PROXY_SHORT, "source": src.name}
    )
    return path


def rate_changes(path: pd.DataFrame) -> pd.DataFrame:
    """Every change of the target range: effective date, announcement date, range, size in bp.

    FRED dates a new range from the day it takes effect, the day after the FOMC announcement
    (announced = effective - 1 calendar day). Proxy paths have no decisions: DataUnavailable.
    """
    if path.attrs.get("kind") != "target range":
        raise DataUnavailable(
            "FOMC target-range changes (DFEDTARU/DFEDTARL)",
            path.attrs.get("source", "given"),
            SERIES_PROVIDER,
        )
    step = path["upper"].diff()
    moved = step.fillna(0).ne(0)
    changes = pd.DataFrame(
        {
            "effective": path.index[moved],
            "announced": path.index[moved] - pd.Timedelta(days=1),
            "lower": path["lower"][moved].to_numpy(),
            "upper": path["upper"][moved].to_numpy(),
            "change_bp": (100 * step[moved]).round().astype(int).to_numpy(),
        }
    )
    changes["kind"] = changes["change_bp"].map(lambda bp: "cut" if bp < 0 else "hike")
    changes.attrs.update(
        {
            "source": path.attrs.get("source", "given"),
            "first_date": str(path.index[0].date()) if len(path) else "",
            "last_date": str(path.index[-1].date()) if len(path) else "",
            "range": f"{path['lower'].iloc[-1]:.2f}-{path['upper'].iloc[-1]:.2f}%"
            if len(path)
            else "",
        }
    )
    return changes


def no_changes(changes: pd.DataFrame) -> DataUnavailable:
    """The gap when the range did not move between its first date and the as-of date
    (rate_changes' attrs): the range series start 2008-12-16, and it held until 2015-12-16."""
    first, last = changes.attrs.get("first_date"), changes.attrs.get("last_date")
    note = ""
    if first and last:
        held = changes.attrs.get("range", "")
        note = f"none from {first}, where DFEDTARU/DFEDTARL start, to {last}" + (
            f": the range held at {held}" if held else ""
        )
    return DataUnavailable(
        "FOMC target-range changes",
        changes.attrs.get("source", "given"),
        LATER_PROVIDER,
        note=note,
    )


def cycle_summary(changes: pd.DataFrame, pause_days: int = 180) -> pd.DataFrame:
    """The current cycle (run of same-direction moves) and its latest leg (after a long pause).

    Columns: period, kind, start, end, moves, cumulative_bp, from_range, to_range.
    """
    run, leg = _current_run(changes), latest_leg(changes, pause_days)
    rows = []
    for label, moves in (("cycle", run), (f"latest leg (after a pause > {pause_days} days)", leg)):
        first = moves.iloc[0]
        before_lower = first["lower"] - first["change_bp"] / 100
        before_upper = first["upper"] - first["change_bp"] / 100
        last = moves.iloc[-1]
        rows.append(
            {
                "period": label,
                "kind": last["kind"],
                "start": first["effective"],
                "end": last["effective"],
                "moves": len(moves),
                "cumulative_bp": int(moves["change_bp"].sum()),
                "from_range": f"{before_lower:.2f}-{before_upper:.2f}%",
                "to_range": f"{last['lower']:.2f}-{last['upper']:.2f}%",
            }
        )
    return pd.DataFrame(rows)


def _current_run(changes: pd.DataFrame) -> pd.DataFrame:
    """The last run of same-direction moves."""
    if changes.empty:
        raise no_changes(changes)
    kind = changes["kind"]
    run_id = kind.ne(kind.shift()).cumsum()
    return changes[run_id == run_id.iloc[-1]]


def latest_leg(changes: pd.DataFrame, pause_days: int = 180) -> pd.DataFrame:
    """The moves of the current cycle since its last pause longer than pause_days."""
    run = _current_run(changes)
    leg_id = run["effective"].diff().dt.days.gt(pause_days).cumsum()
    return run[leg_id == leg_id.iloc[-1]]


def moves_in_year(changes: pd.DataFrame, year: int) -> pd.DataFrame:
    """The changes announced in one calendar year."""
    return changes[changes["announced"].dt.year == int(year)].reset_index(drop=True)


def current_range(path: pd.DataFrame) -> dict[str, object]:
    """The latest observation of the path: date, lower, upper and a 'x.xx-y.yy%' label."""
    last = path.dropna().iloc[-1]
    label = (
        f"{last['lower']:.2f}-{last['upper']:.2f}%"
        if path.attrs.get("kind") == "target range"
        else f"{last['upper']:.2f}% (proxy)"
    )
    return {
        "date": path.dropna().index[-1],
        "lower": float(last["lower"]),
        "upper": float(last["upper"]),
        "label": label,
    }


def plot_frame(path: pd.DataFrame, years: int | None = None) -> pd.DataFrame:
    """The path's last years with readable column names (one column for a proxy)."""
    path = last_years(path, years)
    if path.attrs.get("kind") == "target range":
        return path.rename(columns={"lower": "lower bound", "upper": "upper bound"})
    return path[["upper"]].rename(columns={"upper": "FF_RF x12 (proxy)"})


def versus_articles(changes: pd.DataFrame) -> pd.DataFrame:
    """The articles' Fed statements (data/reported_figures.csv) next to the measured moves."""
    reported = fundamentals.reported_figures().set_index("id")
    year = int(str(reported.loc["fed_dec2025_cut", "period"])[:4])
    moves = moves_in_year(changes, year)
    cuts = moves[moves["kind"] == "cut"]
    december = moves[moves["announced"].dt.month == 12]
    after = changes[changes["announced"].dt.year > year]
    dots_next = reported.loc["fed_dots_2026"]
    last_date = changes.attrs.get("last_date", "the as-of date")

    def listed(frame: pd.DataFrame) -> str:
        dates = ", ".join(frame["announced"].dt.strftime("%Y-%m-%d"))
        return f"{len(frame)} ({dates})" if len(frame) else "0"

    rows = [
        (
            f"FOMC cuts in {year}",
            f"{reported.loc['fed_cuts_2025', 'value']:.0f} "
            f"({reported.loc['fed_cuts_2025', 'period']})",
            listed(cuts),
        ),
        (
            f"December {year} move",
            f"{reported.loc['fed_dec2025_cut', 'value']:+.0f} bp",
            f"{december['change_bp'].sum():+d} bp" if len(december) else "no move",
        ),
        (
            f"Range after December {year}",
            f"{reported.loc['fed_range_lower_dec2025', 'value']:.2f}-"
            f"{reported.loc['fed_range_upper_dec2025', 'value']:.2f}%",
            f"{december['lower'].iloc[-1]:.2f}-{december['upper'].iloc[-1]:.2f}%"
            if len(december)
            else "no move",
        ),
        (
            f"Moves after {year} (dot plot: {dots_next['value']:+.0f} bp in {dots_next['period']})",
            f"{dots_next['value']:+.0f} bp expected",
            f"{listed(after)}, {int(after['change_bp'].sum()):+d} bp to {last_date}",
        ),
    ]
    table = pd.DataFrame(rows, columns=["item", "article", "measured"])
    table.attrs.update({"year": year, "cuts_in_year": len(cuts)})
    return table


def market_path(src: Source) -> pd.DataFrame:
    """The rate path the market prices, daily on the 2-year yield's dates (percent).

    Columns: two_year (DGS2), funds (DFF, else EFFR, as of that day), spread (two_year - funds,
    pp: below zero the market prices a lower average funds rate over the next two years, term
    premium aside), curve (T10Y2Y, pp; NaN without it). attrs: funds_id, curve_source.
    """
    lacking = None  # why the source could not deliver them, said with the gap
    try:
        found = src.series([TWO_YEAR, *FUNDS_IDS, CURVE])
    except DataUnavailable as gap:
        found, lacking = pd.DataFrame(), gap
    funds_id = next((i for i in FUNDS_IDS if i in found and found[i].notna().any()), None)
    if TWO_YEAR not in found or found[TWO_YEAR].isna().all() or funds_id is None:
        raise DataUnavailable(
            "The 2-year Treasury yield and the effective fed funds rate (DGS2, DFF or EFFR)",
            src.name,
            SERIES_PROVIDER,
        ) from lacking
    two_year = found[TWO_YEAR].dropna()
    funds = found[funds_id].dropna()
    path = pd.DataFrame(
        {"two_year": two_year, "funds": funds.reindex(two_year.index, method="ffill")}
    )
    path = path.dropna()
    path["spread"] = path["two_year"] - path["funds"]
    has_curve = CURVE in found and found[CURVE].notna().any()
    path["curve"] = found[CURVE].reindex(path.index) if has_curve else float("nan")
    path.attrs.update(
        {"funds_id": funds_id, "curve_source": f"FRED {CURVE}" if has_curve else "not available"}
    )
    return path


# Within half a standard 25 bp move of the funds rate, the 2-year prices about no change.
HALF_MOVE = 0.125


def priced_moves(spread: float) -> str:
    """What the 2-year minus funds spread (pp, market_path) prices, term premium aside: 'cuts'
    (a lower average funds rate over two years), 'hikes' (a higher one) or 'no change' (within
    half a 25 bp move)."""
    if spread <= -HALF_MOVE:
        return "cuts"
    return "hikes" if spread >= HALF_MOVE else "no change"


def around_moves(moves: pd.DataFrame, market: pd.DataFrame, days: int = 30) -> pd.DataFrame:
    """For each FOMC move (rate_changes rows): the 2-year yield, the funds rate, their spread and
    the 2s10s curve `days` calendar days before the announcement, on the day before it, and
    `days` after it (NaN past the data), and the spread's change from the day before to after.

    Each value is the last observation on or before its date.
    """
    rows = []
    last = market.index[-1]
    for move in moves.itertuples():
        row: dict[str, object] = {"announced": move.announced, "change_bp": move.change_bp}
        for label, offset in (
            (f"{days}d_before", -days),
            ("day_before", -1),
            (f"{days}d_after", days),
        ):
            when = move.announced + pd.Timedelta(days=offset)
            known = when <= last and when >= market.index[0]
            for column in ("two_year", "funds", "spread", "curve"):
                row[f"{column}_{label}"] = market[column].asof(when) if known else float("nan")
        row["spread_change"] = row[f"spread_{days}d_after"] - row["spread_day_before"]
        rows.append(row)
    return pd.DataFrame(rows)
