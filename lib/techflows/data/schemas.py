"""The declared shape of every tabular input: market data, reference tables and cache files.

Each column says how it is written in a file (a number, an ISO date, a symbol, a choice, text)
and which values are valid. techflows.data.validate applies a schema and turns the first
failure into one DataError naming the input, the row and the column.

Numbers of market data also declare their unit and what a believable column looks like (a
Scale), and a table the days its rows count on (Sessions); techflows.data.quality applies
these declarations: a whole column in another unit, or a flow on a day the market was closed,
is an error; a value hard to believe against the column's own history is a data-quality flag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

# How a value is written in a CSV file (checked on the text, before it is converted).
NUMBER_TEXT = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"
# Yahoo symbols (^GSPC, DX-Y.NYB, BRK-B) and FRED ids (DGS10), upper case: safe file names.
SYMBOL_TEXT = r"^\^?[A-Z0-9][A-Z0-9.=\-_]{0,23}$"

# Column kinds (a column's metadata["kind"]): how validate reads and normalises it.
NUMBER, DATE, SYMBOL, CHOICE, TEXT, FLAG = "number", "date", "symbol", "choice", "text", "flag"

PRICE_COLUMNS = ("Open", "High", "Low", "Close", "Adj Close")
BAR_COLUMNS = ("Date", *PRICE_COLUMNS, "Volume")
GROUPS = ("tech_etf", "sector_etf", "benchmark", "rates", "mega_cap", "macro")
BASES = ("observed", "reported")


def _finite(values: pd.Series) -> pd.Series:
    return pd.Series(np.isfinite(values.to_numpy(dtype=float)), index=values.index)


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _filled(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip() != ""


POSITIVE = pa.Check.gt(0, error="is not positive")
NON_NEGATIVE = pa.Check.ge(0, error="is negative")


@dataclass(frozen=True)
class Scale:
    """A number's unit and what a believable column of it looks like (techflows.data.quality).

    Each screen is off when None. Errors, about the whole column: its size (the 90th
    percentile of its non-zero |values|) below `least` or above `most` means the file is in
    another unit (USD millions, fractions for percent); `usual` is the size it usually has,
    to name that unit. Flags, about one value against the column's own history: `jump`, a
    move by this factor or more from the value before (and by `points` or more: rates near
    zero move by large factors, by little); `outlier`, this many times larger or smaller than
    the median of the 21 values around it; `spike`, this many times that median and larger
    than every ordinary value of the column (a typo, not the busiest day in years);
    `constant`, this many equal values in a row (a feed that stopped updating).
    """

    unit: str
    least: float | None = None
    most: float | None = None
    usual: float | None = None
    jump: float | None = None
    points: float = 0.0
    outlier: float | None = None
    spike: float | None = None
    constant: int | None = None


@dataclass(frozen=True)
class Sessions:
    """The days a table's rows count on: NYSE sessions (techflows.data.market_calendar).

    date: the date column (the index once a frame is indexed by date); value: a row counts
    only when this column holds a non-zero value (a blank flow on a holiday is a day listed,
    not reported); error: a row on another day is refused, else flagged; listed: only for
    symbols listed in the US (an index, a future or a currency keeps its own exchange's days);
    why: what an error adds to say why the day cannot be right.
    """

    date: str
    error: bool
    value: str | None = None
    listed: bool = False
    why: str = ""


# A symbol listed on a US exchange: no ^ (an index), = (a future, a currency) or .XXX suffix
# (another exchange: DX-Y.NYB trades on ICE on some NYSE holidays). Share classes use '-'.
US_LISTED = r"^[A-Z0-9][A-Z0-9\-]*$"

# The units of market data. Sizes are the 90th percentile of a column's non-zero |values|.
PRICE = Scale("USD per share", jump=10.0, constant=10)
RATE = Scale("percent", jump=10.0, points=10.0, outlier=50.0)  # a yield index (^TNX)
VOLUME = Scale("shares traded", spike=50.0)
FLOW = Scale("USD", least=1e6, usual=5e8)  # a fund's daily creations less redemptions
ASSETS = Scale("USD", least=1e7, usual=1e11)
SHARE_COUNT = Scale("shares", least=1e4, usual=1e9, jump=10.0)
PERCENT = Scale("percent", most=30.0, usual=5.0, jump=10.0, points=10.0, outlier=50.0)
LEVEL = Scale("value", jump=10.0, points=10.0)  # a series of unknown unit: a rate's bounds
# The least size a series has in percent, where fractions are always below it: the 10-year
# yield has never closed under 0.5%, the real yield's 90th percentile of |value| stays above
# 0.03 (fractions: under 0.025). Policy rates at the zero bound (0.05%) and the 2s10s spread
# near zero are as small as fractions of ordinary rates, so only their upper bound is checked.
PERCENT_LEAST = {"DGS10": 0.2, "DFII10": 0.03}
PERCENT_SERIES = ("DGS10", "DFII10", "DGS2", "DFF", "EFFR", "T10Y2Y", "DFEDTARU", "DFEDTARL")


def number(
    *checks: pa.Check,
    nullable: bool = False,
    required: bool = True,
    unique: bool = False,
    scale: Scale | None = None,
) -> pa.Column:
    """A finite number; nullable: a blank is allowed (a missing value, as documented)."""
    finite = pa.Check(_finite, error="is not a finite number")
    kind = pa.Check(_numeric, element_wise=False, error="is not numeric", ignore_na=False)
    return pa.Column(
        None,
        [kind, finite, *checks],
        nullable=nullable,
        required=required,
        unique=unique,
        metadata={"kind": NUMBER, "scale": scale},
    )


def date(
    *checks: pa.Check, unique: bool = False, required: bool = True, as_text: bool = False
) -> pa.Column:
    """A calendar date written YYYY-MM-DD; as_text keeps the checked text (reference tables)."""
    dtype = None if as_text else "datetime64[ns]"
    return pa.Column(
        dtype,
        list(checks),
        unique=unique,
        required=required,
        metadata={"kind": DATE, "as_text": as_text},
    )


def symbol(unique: bool = False, required: bool = True) -> pa.Column:
    """A ticker or series id, upper-cased on the way in."""
    check = pa.Check.str_matches(SYMBOL_TEXT, error="is not a ticker (letters, digits, ^ . - = _)")
    return pa.Column(str, check, unique=unique, required=required, metadata={"kind": SYMBOL})


def choice(values: Collection[str], blank: bool = False, required: bool = True) -> pa.Column:
    """One of a few words, compared in lower case; blank allowed when blank is True."""
    allowed = sorted(values) + ([""] if blank else [])
    words = ", ".join(sorted(values)[:8]) + (", ..." if len(values) > 8 else "")
    checks = [] if blank else [pa.Check(_filled, error="is blank")]
    checks.append(pa.Check.isin(allowed, error=f"is not one of {words}"))
    return pa.Column(str, checks, required=required, metadata={"kind": CHOICE})


def text(
    *checks: pa.Check, blank: bool = True, unique: bool = False, required: bool = True
) -> pa.Column:
    """Free text; blank: an empty cell is allowed."""
    rules = list(checks) if blank else [pa.Check(_filled, error="is blank"), *checks]
    return pa.Column(str, rules, unique=unique, required=required, metadata={"kind": TEXT})


def flag(required: bool = False) -> pa.Column:
    """A true/false column our own code adds (yahoo's share-count jump flag)."""
    return pa.Column(bool, required=required, metadata={"kind": FLAG})


def _has_rows(frame: pd.DataFrame) -> bool:
    return len(frame) > 0


HAS_ROWS = pa.Check(_has_rows, error="has no rows")


def _bars(positive: bool, rows: bool) -> pa.DataFrameSchema:
    price = (POSITIVE,) if positive else ()
    scale = PRICE if positive else RATE
    return pa.DataFrameSchema(
        {
            "Date": date(unique=True),
            # A blank Open, High, Low or Volume is a missing value; a bar needs its Close.
            **{
                c: number(
                    *price,
                    required=c == "Close",
                    nullable=c != "Close",
                    scale=scale if c in ("Close", "Adj Close") else Scale(scale.unit),
                )
                for c in PRICE_COLUMNS
            },
            "Volume": number(NON_NEGATIVE, required=False, nullable=True, scale=VOLUME),
        },
        checks=[HAS_ROWS] if rows else [],
        name="daily bars",
        # A bar of a US-listed fund or stock on a day the NYSE was closed is flagged: Yahoo's
        # stray rows are harmless, and an index or a future keeps its own days.
        metadata={"order": "Date", "days": Sessions("Date", error=False, listed=True)},
    )


# Daily bars: a file (at least one row), a cached frame (may be empty: "no such ticker").
BARS = _bars(positive=True, rows=True)
RATE_BARS = _bars(positive=False, rows=True)  # yield indices (^TNX) quote a rate: <= 0 is real
CACHED_BARS = _bars(positive=True, rows=False)
CACHED_RATE_BARS = _bars(positive=False, rows=False)

# A FRED series: date, value; FRED's '.' and a blank mark a missing day (nullable).
SERIES = pa.DataFrameSchema(
    {"Date": date(unique=True), "value": number(nullable=True, scale=LEVEL)},
    checks=[HAS_ROWS],
    name="series",
    metadata={"order": "Date"},
)


def series(sid: str) -> pa.DataFrameSchema:
    """The schema of one FRED series: yields and policy rates are in percent (4.06 for 4.06%)."""
    if sid.upper() not in PERCENT_SERIES:
        return SERIES
    least = PERCENT_LEAST.get(sid.upper())
    value = number(nullable=True, scale=dataclasses.replace(PERCENT, least=least))
    return SERIES.update_columns({"value": {"metadata": value.metadata}})


CACHED_SERIES = pa.DataFrameSchema(
    {"Date": date(unique=True), "value": number(nullable=True)}, name="cached series"
)

# Daily net fund flows: a blank flow is a day the fund did not report. A fund creates and
# redeems shares on trading days only, so a flow dated on another day is an export error.
FLOWS = pa.DataFrameSchema(
    {"date": date(), "ticker": symbol(), "flow_usd": number(nullable=True, scale=FLOW)},
    unique=["date", "ticker"],
    checks=[HAS_ROWS],
    name="fund flows",
    metadata={
        "days": Sessions(
            "date",
            error=True,
            value="flow_usd",
            why="a fund creates and redeems shares on trading days only",
        )
    },
)
SHARES = pa.DataFrameSchema(
    {
        "date": date(),
        "ticker": symbol(),
        "shares": number(NON_NEGATIVE, scale=SHARE_COUNT),
        "price": number(POSITIVE, nullable=True, required=False, scale=Scale("USD per share")),
        "jump": flag(),
    },
    unique=["date", "ticker"],
    name="shares outstanding",
)
CACHED_SHARES = pa.DataFrameSchema(
    {"Date": date(unique=True), "shares": number(NON_NEGATIVE, scale=SHARE_COUNT)},
    name="cached shares",
)
AUM = pa.DataFrameSchema(
    {
        "ticker": symbol(unique=True),
        "aum_usd": number(POSITIVE, scale=ASSETS),
        "updated_date": date(),
    },
    checks=[HAS_ROWS],
    name="fund assets",
)
CONSTITUENTS = pa.DataFrameSchema(
    {
        "Symbol": symbol(unique=True),
        "Security": text(required=False),
        "GICS Sector": text(blank=False),
        "GICS Sub-Industry": text(required=False),
    },
    checks=[HAS_ROWS],
    name="index constituents",
)

# Live statements, estimates and holdings (yahoo_tidy's frames, as handed out and cached).
CASHFLOW = pa.DataFrameSchema(
    {
        "ticker": symbol(),
        "fiscal_year": number(),
        "period_end": date(),
        "capex": number(nullable=True),
        "operating_cash_flow": number(nullable=True),
        "free_cash_flow": number(nullable=True),
    },
    name="cash flows",
)
EPS_TREND = pa.DataFrameSchema(
    {"ticker": symbol(), "period": text(blank=False), "eps_current": number(nullable=True)},
    name="EPS trend",
)
HOLDINGS = pa.DataFrameSchema(
    {
        "fund": symbol(),
        "symbol": text(blank=False),
        "name": text(),
        "weight": number(nullable=True),
    },
    name="holdings",
)

# The reference tables in data/.
UNIVERSE = pa.DataFrameSchema(
    {
        "ticker": symbol(unique=True),
        "name": text(),
        "group": choice(GROUPS),
        "segment": text(),
    },
    checks=[HAS_ROWS],
    name="universe",
)
REPORTED_FIGURES = pa.DataFrameSchema(
    {
        "id": text(blank=False, unique=True),
        "metric": text(blank=False),
        "entity": text(blank=False),
        "period": text(),
        "value": number(),
        "unit": text(),
        "reported_by": text(blank=False),
        "cited_in": text(),
        "date": date(),
        "note": text(),
    },
    name="reported figures",
)


def _ends_after_start(frame: pd.DataFrame) -> pd.Series:
    return frame["end"] >= frame["start"]


def _value_fits_unit(frame: pd.DataFrame) -> pd.Series:
    """A reported value is a YYYY-MM-DD date when its unit is 'date', else a number."""
    values = frame["reported_value"].astype(str).str.strip()
    dated = frame["unit"] == "date"
    is_date = (
        values.str.fullmatch(DATE_TEXT[1:-1])
        & pd.to_datetime(values.where(dated), format="%Y-%m-%d", errors="coerce").notna()
    )
    is_number = values.str.fullmatch(NUMBER_TEXT[1:-1])
    return is_date.where(dated, is_number)


def _params_are_pairs(params: pd.Series) -> pd.Series:
    """'a=XLK;b=SPY' or blank."""
    pair = r"\s*[^=;\s][^=;]*=[^;]*"
    return params.str.strip().eq("") | params.str.fullmatch(rf"{pair}(?:;{pair})*")


WEEK_END_TEXT = r"^(?:W-(?:MON|TUE|WED|THU|FRI|SAT|SUN))?$"


def claims(
    metrics: Collection[str],
    articles: Collection[str],
    kinds: Collection[str],
    weekly: Collection[str] = (),
) -> pa.DataFrameSchema:
    """data/claims.csv; the metric names are those the claims layer knows how to measure.

    weekly: the metrics measured on weeks; their claims declare the week their source uses
    (week_end, e.g. W-WED for EPFR and BofA), every other claim leaves it blank.
    """

    def _week_declared(frame: pd.DataFrame) -> pd.Series:
        unknown = ~frame["metric"].isin(list(metrics))  # the metric column's own error
        declared = frame["week_end"].astype(str).ne("")
        return unknown | (frame["metric"].isin(list(weekly)) == declared)

    return pa.DataFrameSchema(
        {
            "id": text(blank=False, unique=True),
            "article": choice(articles),
            "section": text(),
            "quote": text(blank=False),
            "metric": choice(metrics),
            "params": text(pa.Check(_params_are_pairs, error="is not key=value pairs")),
            "reported_value": text(),
            "unit": text(),
            "start": date(as_text=True),
            "end": date(as_text=True),
            "source": text(),
            "tolerance": number(NON_NEGATIVE),
            "tolerance_kind": choice(kinds),
            "week_end": text(
                pa.Check.str_matches(WEEK_END_TEXT, error="is not a week (W-MON .. W-SUN)")
            ),
        },
        checks=[
            pa.Check(_ends_after_start, error="ends before it starts"),
            pa.Check(_value_fits_unit, error="reported_value does not fit its unit"),
            pa.Check(
                _week_declared,
                error="week_end: a weekly claim names its source's week (W-WED for EPFR and "
                "BofA), any other claim leaves it blank",
            ),
        ],
        name="claims",
    )


def analyst_signals(
    items: Collection[str] | None, rated: Collection[str], unrated: Collection[str]
) -> pa.DataFrameSchema:
    """data/analyst_signals.csv: dated entries; a reported figure is shown, never rated.

    rated: the statuses that vote (green, amber, red); unrated: those that do not (or blank).
    """
    item = choice(items) if items is not None else text(blank=False)
    statuses = (*rated, *unrated)

    def _reported_not_rated(frame: pd.DataFrame) -> pd.Series:
        return (frame["basis"] != "reported") | ~frame["status"].isin(rated)

    return pa.DataFrameSchema(
        {
            "item": item,
            "date": date(),
            "value": number(nullable=True),
            "unit": text(),
            "basis": choice(BASES),
            "status": choice(statuses, blank=True),
            "note": text(),
            "source": text(),
        },
        checks=[
            pa.Check(
                _reported_not_rated,
                error="is a reported figure with a status: a reported figure is shown, never "
                "scored (leave its status empty)",
            )
        ],
        name="analyst signals",
    )
