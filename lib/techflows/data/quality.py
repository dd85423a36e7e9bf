"""Plausibility: the one engine that applies the schemas' Scale and Sessions declarations.

Two outcomes, decided per declaration (techflows.data.schemas):

- refusals, errors raised by techflows.data.validate with the file, row and column: a whole
  column in another unit than declared (flows in USD millions, yields as fractions) makes
  every figure from it wrong by the same factor, so the report stops; a flow dated on a day
  the NYSE was closed cannot be put in any week, so it is refused too;
- flags, shown in the report and kept in figures.json: a value that may be real but is hard
  to believe against the column's own history (a price moving 10x in a day, a yield 50 times
  off the days around it, a volume 50 times its neighbours and above every ordinary day, the
  same close ten sessions in a row), a bar dated on a day the NYSE was closed, rows out of
  date order (read in date order), a day's fund flow larger than the fund's assets. The
  report runs; the flag says why a figure may have moved.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from techflows.data import market_calendar, schemas

FACTOR = 10.0  # a move by this factor or more in one day (prices, share counts, rates)
NEIGHBOURS = 21  # the values around one value that outlier and spike screens compare it with
COLUMNS = ["input", "date", "column", "value", "problem"]
# How many times too small (negative powers) or large a column is, in words, by unit.
UNITS_OFF = {
    "percent": {-2: "fractions (0.0406 for 4.06%)", 2: "basis points (406 for 4.06%)"},
    "USD": {-3: "USD thousands", -6: "USD millions", -9: "USD billions"},
    "shares": {-3: "thousands of shares", -6: "millions of shares"},
}


@dataclass(frozen=True)
class Flag:
    """One implausible value: where it is, what it is, and why it is flagged."""

    input: str
    date: pd.Timestamp
    column: str
    value: float
    problem: str

    def record(self) -> dict[str, object]:
        """The flag as figures.json stores it."""
        return {**asdict(self), "date": str(self.date.date())}

    def sentence(self) -> str:
        """One line for the report."""
        return f"{self.input}, {self.column} on {self.date.date()}: {self.problem}"


@dataclass(frozen=True)
class Refusal:
    """A declared error: the row (frame label) and column validate names, and the problem."""

    row: object
    column: str
    problem: str


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:.3g}"


def _scales(schema) -> dict[str, schemas.Scale]:
    return {
        name: scale
        for name, column in schema.columns.items()
        if (scale := (column.metadata or {}).get("scale")) is not None
    }


# --- refusals: a column in another unit, a row on a closed day -------------------------------


def refusals(frame: pd.DataFrame, schema) -> list[Refusal]:
    """The declared errors of a validated frame (columns by name, rows by label), in order."""
    found = [
        refusal
        for name, scale in _scales(schema).items()
        if name in frame.columns and (refusal := _off_scale(frame[name], scale)) is not None
    ]
    days = (schema.metadata or {}).get("days")
    if days is not None and days.error and days.date in frame.columns:
        found += _closed_days(frame, days)
    return found


def _off_scale(values: pd.Series, scale: schemas.Scale) -> Refusal | None:
    """A column whose size is outside [least, most]: another unit than the declared one."""
    if scale.least is None and scale.most is None:
        return None
    size = values.abs()
    size = size[size > 0].dropna()
    if size.empty:
        return None
    typical = float(np.percentile(size.to_numpy(dtype=float), 90))
    small = scale.least is not None and typical < scale.least
    if not small and (scale.most is None or typical <= scale.most):
        return None
    usual = scale.usual or (scale.least if small else scale.most)
    power = round(np.log10(typical / usual))
    words = UNITS_OFF.get(scale.unit, {})
    nearest = min(words, key=lambda p: abs(p - power), default=None)
    guess = words[nearest] if nearest is not None and abs(nearest - power) <= 1 else ""
    row = size.idxmax()
    problem = (
        f"{_number(values[row])} is the largest in size and 90% are under {_number(typical)}, "
        f"about {10 ** abs(power):,} times too {'small' if small else 'large'} for a column in "
        f"{scale.unit} (usually about {_number(usual)}): "
        + (f"the file looks to be in {guess}" if guess else f"is it in {scale.unit}?")
    )
    return Refusal(row, str(values.name), problem)


def _closed(dates: pd.Series | pd.Index) -> np.ndarray:
    """True where a date falls inside the NYSE calendar but is not one of its sessions."""
    sessions = market_calendar.sessions().as_unit("ns").asi8  # sorted
    stamps = pd.DatetimeIndex(dates).normalize().as_unit("ns").asi8
    at = np.minimum(np.searchsorted(sessions, stamps), len(sessions) - 1)
    inside = (stamps >= sessions[0]) & (stamps <= sessions[-1])
    return inside & (sessions[at] != stamps)


def _day(stamp: pd.Timestamp) -> str:
    weekday = stamp.day_name()
    return f"a {weekday}" if stamp.day_of_week >= 5 else f"a {weekday} the NYSE was closed"


def _closed_days(frame: pd.DataFrame, days: schemas.Sessions) -> list[Refusal]:
    """Rows (with a non-zero value, when declared) dated on a day the NYSE was closed."""
    counted = frame[days.value].fillna(0).ne(0) if days.value else True
    hit = frame.index[_closed(frame[days.date]) & np.asarray(counted)]
    return [
        Refusal(
            row,
            days.date,
            f"{stamp.date()} is {_day(stamp)}, not a NYSE session ({days.why})",
        )
        for row in hit[:1]
        for stamp in [pd.Timestamp(frame.at[row, days.date])]
    ]


# --- flags: one value against the column's own history --------------------------------------


def screen(
    frame: pd.DataFrame,
    schema,
    where: str,
    symbol: str = "",
    names: dict[str, str] | None = None,
    until: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, list[Flag]]:
    """A date-indexed frame in date order, and the flags its schema's declarations raise.

    where names the input (its file); symbol, the ticker (for declarations about listed
    symbols); names, what the flags call a column (a series' value column by its id); until,
    the as-of date: each value is judged against the history up to it, never a later one.
    """
    meta = schema.metadata or {}
    flags: list[Flag] = []
    known = frame.index <= until if until is not None else slice(None)
    if meta.get("order") and not frame.index[known].is_monotonic_increasing:
        flags.append(_out_of_order(frame.index[known], where, meta["order"]))
    if meta.get("order") and not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    seen = frame if until is None else frame.loc[:until]
    days = meta.get("days")
    listed = days is not None and (not days.listed or re.match(schemas.US_LISTED, symbol))
    if listed and not days.error:
        flags += _off_session_rows(seen, where, days.date)
    for name, scale in _scales(schema).items():
        if name in seen.columns:
            label = (names or {}).get(name, name)
            flags += _column_flags(seen[name], scale, where, label)
    return frame, flags


def _out_of_order(index: pd.Index, where: str, column: str) -> Flag:
    """Rows not in date order: which, and that they are read in date order."""
    dates = pd.DatetimeIndex(index)
    before = pd.Series(dates).cummax().shift(1)
    late = np.flatnonzero(np.asarray(dates < before))
    first = late[0]
    how = (
        "the rows run newest first"
        if dates.is_monotonic_decreasing
        else f"{dates[first].date()} comes after {before.iloc[first].date()}; "
        f"{len(late):,} of {len(dates):,} rows out of place"
    )
    when = dates[late].min()
    problem = f"rows are not in date order ({how}): they are read in date order"
    return Flag(where, when, column, float(len(late)), problem)


def _off_session_rows(frame: pd.DataFrame, where: str, column: str) -> list[Flag]:
    """One flag for the rows dated on days the NYSE was closed (the first, and how many)."""
    closed = _closed(frame.index)
    if not closed.any():
        return []
    stamps = frame.index[closed]
    first = pd.Timestamp(stamps[0])
    more = f" ({len(stamps):,} such rows)" if len(stamps) > 1 else ""
    problem = f"a row dated {first.date()}, {_day(first)}: not a NYSE session{more}"
    value = frame.iloc[np.flatnonzero(closed)[0], 0] if frame.shape[1] else np.nan
    return [Flag(where, first, column, float(value), problem)]


def _column_flags(values: pd.Series, scale: schemas.Scale, where: str, label: str) -> list[Flag]:
    """Every flag a column's Scale declares, one per day (a jump wins over an outlier)."""
    values = values.dropna()
    flags: list[Flag] = []
    if scale.jump is not None:
        flags += jumps(values, where, label, factor=scale.jump, points=scale.points)
    if scale.outlier is not None:
        flags += _off_neighbours(values, where, label, scale.outlier, spike=False)
    if scale.spike is not None:
        flags += _off_neighbours(values, where, label, scale.spike, spike=True)
    if scale.constant is not None:
        flags += _constant(values, where, label, scale.constant)
    seen: set[pd.Timestamp] = set()
    return [f for f in flags if not (f.date in seen or seen.add(f.date))]


def jumps(
    values: pd.Series,
    where: str,
    column: str,
    rate: bool = False,
    factor: float = FACTOR,
    points: float = 0.0,
) -> list[Flag]:
    """Days whose value moved by `factor` or more from the previous one (and by `points`).

    rate: the bounds of a rate, 10x and 10 points (rates near zero move by large factors).
    """
    values = values.dropna()
    if len(values) < 2:
        return []
    points = max(points, 10.0) if rate else points
    now, before = values.to_numpy(dtype=float)[1:], values.to_numpy(dtype=float)[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        big, small = np.maximum(abs(now), abs(before)), np.minimum(abs(now), abs(before))
        moved = np.where(small > 0, big / small, np.where(big > 0, np.inf, 1.0))
    hit = (moved >= factor) & (abs(now - before) >= points)
    flags = []
    for i in np.flatnonzero(hit):
        times = "a factor of more than 1000" if moved[i] > 1000 else f"{moved[i]:.1f}x"
        problem = (
            f"{_number(now[i])} after {_number(before[i])} the day before: a move of {times} "
            "in one day"
        )
        flags.append(Flag(where, values.index[i + 1], column, float(now[i]), problem))
    return flags


def _off_neighbours(
    values: pd.Series, where: str, column: str, factor: float, spike: bool
) -> list[Flag]:
    """Values `factor` times off the median of the 21 around them (zeros aside).

    spike: only values that many times larger, and larger than every value not so flagged.
    """
    size = values.abs()
    size = size[size > 0]
    if len(size) < 5:
        return []
    array = size.to_numpy(dtype=float)
    if spike:  # spikes are the largest values: walk down from the top until one is not
        half, middle = NEIGHBOURS // 2, np.full(len(array), np.nan)
        off = np.zeros(len(array), dtype=bool)
        for i in np.argsort(array, kind="stable")[::-1]:
            middle[i] = np.median(array[max(0, i - half) : i + half + 1])
            if array[i] < factor * middle[i]:
                break
            off[i] = True
    else:
        middle = size.rolling(NEIGHBOURS, center=True, min_periods=5).median().to_numpy()
        off = (array >= factor * middle) | (array * factor <= middle)
    flags = []
    for i in np.flatnonzero(off):
        ratio = array[i] / middle[i]
        times = ratio if ratio >= 1 else 1 / ratio
        side = "times" if ratio >= 1 else "times smaller than"
        extra = ", and larger than any other day" if spike else ""
        problem = (
            f"{_number(values[size.index[i]])} is {times:,.0f} {side} the median of the "
            f"{NEIGHBOURS} values around it ({_number(middle[i])}){extra}"
        )
        flags.append(Flag(where, size.index[i], column, float(values[size.index[i]]), problem))
    return flags


def _constant(values: pd.Series, where: str, column: str, length: int) -> list[Flag]:
    """Runs of `length` or more equal values: one flag each, dated on the run's first day."""
    array = values.to_numpy(dtype=float)
    if len(array) < length:
        return []
    starts = np.flatnonzero(np.r_[True, array[1:] != array[:-1]])
    ends = np.r_[starts[1:], len(array)]
    long = ends - starts >= length
    flags = []
    for start, end in zip(starts[long], ends[long], strict=True):
        first, last = values.index[start], values.index[end - 1]
        everything = " (every value)" if end - start == len(array) else ""
        problem = (
            f"the same value, {_number(array[start])}, {end - start:,} times in a row from "
            f"{pd.Timestamp(first).date()} to {pd.Timestamp(last).date()}{everything}: a "
            "feed that stopped updating? Figures from these days show no movement"
        )
        flags.append(Flag(where, first, column, float(array[start]), problem))
    return flags


# --- flags across tables ---------------------------------------------------------------------


def flows_over_assets(flows: pd.DataFrame, aum: pd.DataFrame | None, where: str) -> list[Flag]:
    """Days a fund's flow exceeded its assets (aum indexed by ticker: aum_usd, updated_date)."""
    if aum is None or flows.empty:
        return []
    assets = flows["ticker"].map(aum["aum_usd"])
    over = flows[flows["flow_usd"].abs() > assets]
    flags = []
    for row in over.itertuples():
        size, when = aum.at[row.ticker, "aum_usd"], aum.at[row.ticker, "updated_date"]
        problem = (
            f"{row.ticker} flow of {_number(row.flow_usd)} USD is larger than the fund's assets "
            f"({_number(size)} USD on {pd.Timestamp(when).date()})"
        )
        flags.append(Flag(where, row.date, "flow_usd", float(row.flow_usd), problem))
    return flags


def table(flags: list[Flag], as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The flags dated on or before as_of, in date order, one row each."""
    rows = [asdict(f) for f in flags if as_of is None or f.date <= as_of]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["date", "input"], kind="stable").reset_index(drop=True)


# --- splits and missing sessions (issue 19) ------------------------------------------------

# A one-day move by one of these factors (or its inverse), within SPLIT_TOLERANCE in log
# terms, is what a split the history has not absorbed looks like: a 10-for-1 split on a day
# the fund rose 0.7% moves the price 9.93x, under the 10x screen above.
SPLIT_RATIOS = (2, 3, 4, 5, 10, 20)
SPLIT_TOLERANCE = 0.08


def split_name(ratio: float) -> str:
    """'4:1' for a 4-for-1 split, '1:5' for a 1-for-5 reverse split."""
    return f"{ratio:g}:1" if ratio >= 1 else f"1:{1 / ratio:g}"


def split_like_jumps(values: pd.Series, where: str, column: str) -> list[Flag]:
    """Days whose price moved by a common split ratio (2, 3, 4, 5, 10, 20 or the inverse)."""
    values = values.dropna()
    if len(values) < 2:
        return []
    now, before = values.to_numpy(dtype=float)[1:], values.to_numpy(dtype=float)[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        move = np.log(before / now)  # log of the split ratio a move would be
    flags = []
    for ratio in (*SPLIT_RATIOS, *(1 / r for r in SPLIT_RATIOS)):
        for i in np.flatnonzero(np.abs(move - np.log(ratio)) < SPLIT_TOLERANCE):
            problem = (
                f"{_number(now[i])} after {_number(before[i])} the day before: a move of "
                f"{before[i] / now[i]:.2f}x in one day, as a {split_name(ratio)} split the "
                "prices before it do not reflect would make"
            )
            flags.append(Flag(where, values.index[i + 1], column, float(now[i]), problem))
    return flags


def applied_splits(splits: dict[str, float] | None, where: str) -> list[Flag]:
    """Splits the source listed but its prices did not reflect, adjusted by us (date: ratio)."""
    return [
        Flag(
            where,
            pd.Timestamp(day),
            "Close",
            float(ratio),
            f"a {split_name(ratio)} split on {pd.Timestamp(day).date()} (listed in Yahoo "
            "Finance's events) that its prices before that day did not reflect; they are "
            f"divided by {ratio:g} here",
        )
        for day, ratio in sorted((splits or {}).items())
    ]


def missing_sessions(gaps: pd.DatetimeIndex, sessions: pd.DatetimeIndex, where: str) -> list[Flag]:
    """One flag per run of consecutive exchange sessions a series lacks.

    gaps: the missing sessions; sessions: every session over the series' span (to find runs).
    """
    if len(gaps) == 0:
        return []
    position = pd.Series(np.arange(len(sessions)), index=sessions).reindex(gaps).to_numpy()
    runs = np.split(np.asarray(gaps), np.flatnonzero(np.diff(position) != 1) + 1)
    flags = []
    for run in runs:
        first, last = pd.Timestamp(run[0]), pd.Timestamp(run[-1])
        span = f"{first.date()}" if first == last else f"{first.date()} to {last.date()}"
        count = f"{len(run)} session{'s' * (len(run) > 1)}"
        problem = (
            f"{count} missing ({span}) against the exchange calendar; no weekly figure is "
            "computed across them"
        )
        flags.append(Flag(where, first, "sessions", float(len(run)), problem))
    return flags
