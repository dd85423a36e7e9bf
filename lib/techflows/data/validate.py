"""The one validation layer: every table entering the data layer passes its schema here.

A CSV file is checked twice over, in one pass: its text (a number is written as a number, a
date as YYYY-MM-DD, nothing is silently dropped), then its values (finite, positive prices,
no duplicate dates, tickers in upper case). Frames from other sources get the second half.
Either way the first failure becomes one DataError naming the input, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from techflows.data import quality, schemas
from techflows.errors import DataError

# File and cache names: a symbol or a kind of data (prices_quoted); no separators, no "..".
_SAFE_NAME = re.compile(r"^\^?[A-Za-z0-9][A-Za-z0-9.=\-_]{0,23}$")
_SYMBOL = re.compile(schemas.SYMBOL_TEXT)
_DATE = re.compile(schemas.DATE_TEXT)
CONTEXT_COLUMNS = ("ticker", "Symbol", "id", "item", "Date", "date")


def check_symbol(symbol: object) -> str:
    """Return the name if it is safe as a file name and query key, else raise."""
    if not isinstance(symbol, str) or not _SAFE_NAME.match(symbol) or ".." in symbol:
        raise DataError(f"ticker {symbol!r}: not a valid symbol (letters, digits, ^ . - = _ only)")
    return symbol


def ticker(value: object) -> str:
    """One ticker or series id, upper-cased: 'xlk' -> 'XLK'."""
    if not isinstance(value, str):
        raise DataError(f"ticker {value!r}: not a ticker (give a symbol such as 'XLK')")
    symbol = value.strip().upper()
    if not _SYMBOL.match(symbol) or ".." in symbol:
        raise DataError(f"ticker {value!r}: not a valid symbol (letters, digits, ^ . - = _ only)")
    return symbol


def tickers(values: object) -> list[str]:
    """Tickers from one symbol ('XLK', never X, L, K) or a list of them; de-duplicated, in order."""
    if isinstance(values, str):
        return [ticker(values)]
    if not isinstance(values, Iterable) or isinstance(values, bytes | dict):
        raise DataError(f"tickers {values!r}: give a ticker ('XLK') or a list of them")
    return list(dict.fromkeys(ticker(v) for v in values))


def parse_date(value: object, what: str) -> pd.Timestamp:
    """A calendar date: 'YYYY-MM-DD' text, or a date/Timestamp without a time zone.

    Anything else ('2026', '02/01/2026', 12345, a time-zone-aware time) is a DataError: a
    guess would silently move the date.
    """
    if isinstance(value, str):
        text = value.strip()
        if _DATE.match(text):
            parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            if not pd.isna(parsed):
                return pd.Timestamp(parsed)
        raise DataError(f"{what} {value!r}: not a date (use YYYY-MM-DD)")
    if isinstance(value, dt.date | np.datetime64) and not isinstance(value, bool):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            raise DataError(f"{what} {value!r}: has a time zone; give the calendar date")
        return stamp.normalize()
    raise DataError(f"{what} {value!r}: not a date (use YYYY-MM-DD)")


# --- columns -------------------------------------------------------------------------------


def match_columns(frame: pd.DataFrame, schema, name: str) -> pd.DataFrame:
    """Rename columns to the schema's spelling, ignoring case and spaces around them."""
    spelling = {str(c).strip().casefold(): c for c in schema.columns}
    renamed = [spelling.get(str(c).strip().casefold(), str(c).strip()) for c in frame.columns]
    twice = sorted({c for c in renamed if renamed.count(c) > 1})
    if twice:
        raise DataError(f"{name}: column {twice[0]!r} appears twice (names ignore case)")
    frame = frame.set_axis(renamed, axis=1)
    missing = [c for c, col in schema.columns.items() if col.required and c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise DataError(f"{name}: missing column(s) {', '.join(missing)}; found {found}")
    return frame


def _kind(column) -> str:
    return (column.metadata or {}).get("kind", "")


def normalise(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """Symbols in upper case, choices in lower case, text stripped (in a copy)."""
    out = frame.copy(deep=False)
    for name, column in schema.columns.items():
        if name not in out.columns or _kind(column) not in (
            schemas.SYMBOL,
            schemas.CHOICE,
            schemas.TEXT,
        ):
            continue
        values = out[name].astype(str).str.strip().where(out[name].notna(), out[name])
        if _kind(column) == schemas.SYMBOL:
            values = values.str.upper()
        elif _kind(column) == schemas.CHOICE:
            values = values.str.lower()
        out[name] = values
    return out


# --- the check -----------------------------------------------------------------------------


def check(
    frame: pd.DataFrame, schema, name: str, csv: bool = False, missing: Iterable[str] = ()
) -> pd.DataFrame:
    """Validate a frame (dates and keys as columns) against its schema; one DataError.

    Columns matched by name ignoring case (a file's extra columns left out). A number or date column
    that holds text (a CSV file's, or an adapter's) is read strictly: a number written as a
    number, a date as YYYY-MM-DD; a blank (or a missing marker) is a missing value only where
    the schema allows one. Then the schema's declared plausibility errors (quality.refusals):
    a column in another unit, a row on a day that does not count. csv: the index counts the
    file's data rows, so errors name lines.
    """
    import pandera.pandas as pa

    frame = normalise(match_columns(frame, schema, name), schema)
    if csv:  # what the schema does not declare is not read
        frame = frame[[c for c in schema.columns if c in frame.columns]]
    frame = _from_text(frame, schema, name, csv, missing)
    try:
        valid = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(describe(exc.failure_cases, frame, name, csv)) from None
    for refused in quality.refusals(valid, schema)[:1]:
        where = _where(valid, refused.row, csv, skip=refused.column)
        raise DataError(f"{name}: {where}, column {refused.column}: {refused.problem}")
    return valid


def _from_text(
    frame: pd.DataFrame, schema, name: str, csv: bool, missing: Iterable[str]
) -> pd.DataFrame:
    """Number and date columns written as text, converted; the first bad cell raises."""
    markers = {"", *missing}
    typed = frame.copy(deep=False)
    bad: list[tuple[int, str, object, str]] = []
    for column_name, column in schema.columns.items():
        kind = _kind(column)
        if column_name not in frame.columns or kind not in (schemas.NUMBER, schemas.DATE):
            continue
        values = frame[column_name]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        text = values.astype(str).str.strip().where(values.notna(), "")
        blank = text.isin(markers)
        if kind == schemas.NUMBER:
            written = text.str.fullmatch(schemas.NUMBER_TEXT[1:-1])
            bad += _bad_cells(frame, column_name, ~written & ~blank, "is not a number")
            if not column.nullable:
                bad += _bad_cells(frame, column_name, blank, "is blank")
            typed[column_name] = pd.to_numeric(text.where(~blank & written))
        else:
            dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            written = text.str.fullmatch(schemas.DATE_TEXT[1:-1]) & dates.notna()
            bad += _bad_cells(frame, column_name, ~written, "is not a date (YYYY-MM-DD)")
            if not (column.metadata or {}).get("as_text"):
                typed[column_name] = dates.astype("datetime64[ns]")
    if bad:
        row, column_name, value, problem = min(bad, key=lambda b: (b[0], str(b[1])))
        where = _where(frame, frame.index[row], csv, skip=column_name)
        shown = "" if problem == "is blank" else f"{_shown(value)} "
        raise DataError(f"{name}: {where}, column {column_name}: {shown}{problem}")
    return typed


def check_dated(frame: pd.DataFrame, schema, name: str) -> pd.DataFrame:
    """check() for a frame indexed by date (bars, a series): the index is the Date column."""
    flat = frame.rename_axis("Date").reset_index()
    return check(flat, schema, name).set_index("Date")


def describe(cases: pd.DataFrame, frame: pd.DataFrame, name: str, csv: bool) -> str:
    """The first failure in file order, in words: input, row, column, value and problem."""
    cases = cases.assign(_row=pd.to_numeric(cases["index"], errors="coerce"))
    cases = cases.sort_values("_row", kind="stable", na_position="first")
    first = cases.iloc[0]
    check, column, value = str(first["check"]), first["column"], first["failure_case"]
    if pd.isna(first["_row"]):  # about the whole table or a whole column
        if check.startswith("column_in_dataframe"):
            return f"{name}: missing column {value}"
        what = f"column {column}" if isinstance(column, str) and column else "the table"
        return f"{name}: {what} {_phrase(check)}"
    row = int(first["_row"])
    if "uniqueness" in check:
        same = cases[cases["check"] == first["check"]]
        rows = sorted(set(same["_row"].dropna().astype(int)))
        lines = f" (rows {rows[0] + 2} and {rows[1] + 2})" if csv and len(rows) > 1 else ""
        return f"{name}: duplicate {_duplicate(frame, row, column, check)}{lines}"
    where = _where(frame, row, csv, skip=column)
    if check in ("not_nullable", "is blank"):
        return f"{name}: {where}, column {column}: is blank"
    if check.startswith(("dtype(", "coerce_dtype(")):
        return f"{name}: column {column} has type {frame[column].dtype}, not {check[6:-1]}"
    if first["schema_context"] == "DataFrameSchema":  # a rule across the row's columns
        return f"{name}: {where}: {_phrase(check)}"
    return f"{name}: {where}, column {column}: {_shown(value)} {_phrase(check)}"


def _shown(value: object) -> str:
    """A failing value as the message shows it: text quoted, numbers plain."""
    if hasattr(value, "item"):
        value = value.item()
    return repr(value) if isinstance(value, str) else _text(value)


def _phrase(check: str) -> str:
    """Our checks carry their own words (error=...); pandera's built-ins get a few."""
    builtin = {"not_nullable": "has blanks", "has no rows": "has no rows"}
    return builtin.get(check, check)


def _duplicate(frame: pd.DataFrame, row: int, column: object, check: str) -> str:
    if check == "multiple_fields_uniqueness":
        keys = [c for c in CONTEXT_COLUMNS if c in frame.columns]
        return "row for " + " on ".join(_text(frame.at[row, c]) for c in keys)
    return f"{column} {_text(frame.at[row, column])}"


def _where(frame: pd.DataFrame, row: int, csv: bool, skip: object = None) -> str:
    """'row 7 (XLK, 2026-01-05)' for a file, else 'XLK, 2026-01-05' (leaving out skip)."""
    shown = [c for c in CONTEXT_COLUMNS if c in frame.columns and c != skip]
    context = ", ".join(_text(frame.at[row, c]) for c in shown if row in frame.index)
    if not csv:
        return context or f"row {row + 1}"
    return f"row {row + 2}" + (f" ({context})" if context else "")  # the header is row 1


def _text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value)


# --- CSV files -----------------------------------------------------------------------------


def read_text(source: Path | IO[str], name: str) -> pd.DataFrame:
    """A CSV file as text: every cell a string, blanks as ''; nothing converted or dropped."""
    try:
        return pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.EmptyDataError:
        raise DataError(f"{name}: the file is empty") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{name}: cannot be read as CSV ({exc})") from exc


def _bad_cells(raw: pd.DataFrame, column: str, mask: pd.Series, problem: str) -> list:
    rows = np.flatnonzero(mask.to_numpy())
    if not len(rows):
        return []
    row = int(rows[0])
    return [(row, column, raw[column].iloc[row], problem)]


def read_csv(
    source: Path | IO[str], schema, name: str = "", missing: Iterable[str] = ()
) -> pd.DataFrame:
    """Read and validate a CSV file: one DataError naming the file, row and column."""
    name = name or str(source)
    return check(read_text(source, name), schema, name, csv=True, missing=missing)
