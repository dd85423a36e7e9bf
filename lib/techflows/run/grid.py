"""A sweep's grid: as-of dates (a list, or ranges with a step) crossed with parameter values."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from techflows.errors import DataError

RANGE = re.compile(r"^(?P<start>[^.]+)\.\.(?P<end>[^/]+)/(?P<step>.+)$")
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
EXAMPLE = "e.g. 2026-01-02,2026-01-09 or 2025-10-03..2026-06-26/W-FRI (every Friday)"


@dataclass(frozen=True)
class Point:
    """One run of a sweep: its as-of date and the values of the swept parameters."""

    as_of: str
    values: tuple[tuple[str, Any], ...] = ()

    @property
    def name(self) -> str:
        """The run's folder name: the date, then name=value per parameter (filename-safe)."""
        parts = [self.as_of, *(f"{k}={UNSAFE.sub('-', str(v))}" for k, v in self.values)]
        return "_".join(parts)

    def parameters(self) -> dict[str, Any]:
        """The notebook parameters this point sets."""
        return {"as_of": self.as_of, **dict(self.values)}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DataError(f"--as-of {text.strip()!r}: not a date YYYY-MM-DD ({EXAMPLE})") from None


def _range(start: str, end: str, step: str) -> list[date]:
    import pandas as pd

    first, last = _date(start), _date(end)
    if last < first:
        raise DataError(f"--as-of {start}..{end}: the range ends before it starts")
    try:
        dates = pd.date_range(first, last, freq=step.strip())
    except ValueError:
        raise DataError(
            f"--as-of step {step.strip()!r}: not a pandas frequency (W-FRI, 7D, B, MS, ...)"
        ) from None
    if dates.empty:
        raise DataError(f"--as-of {start}..{end}/{step}: no date of that step in the range")
    return [d.date() for d in dates]


def as_of_dates(spec: str) -> list[str]:
    """The dates of a list and/or START..END/STEP ranges, comma-separated: distinct, sorted."""
    found: set[date] = set()
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        if ".." in item:
            match = RANGE.match(item)
            if not match:
                raise DataError(f"--as-of {item!r}: a range is START..END/STEP ({EXAMPLE})")
            found.update(_range(match["start"], match["end"], match["step"]))
        else:
            found.add(_date(item))
    if not found:
        raise DataError(f"--as-of: no date given ({EXAMPLE})")
    return [d.isoformat() for d in sorted(found)]


def parameter_values(text: str) -> tuple[str, list[str]]:
    """NAME=V1,V2 for sweep --param: the name and its values, as text (notebooks type them)."""
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise DataError(f"--param {text!r}: not NAME=VALUE[,VALUE...] (NAME a Python identifier)")
    parsed = [v.strip() for v in values.split(",")]
    if len(set(map(repr, parsed))) != len(parsed):
        raise DataError(f"--param {name}: a value is given twice")
    return name, parsed


def points(dates: Sequence[str], swept: Mapping[str, Sequence[object]]) -> list[Point]:
    """Every as-of date crossed with every combination of the parameter values."""
    names = sorted(swept)
    grid = [
        Point(as_of, tuple(zip(names, combo, strict=True)))
        for as_of in dates
        for combo in itertools.product(*(swept[n] for n in names))
    ]
    seen: dict[str, Point] = {}
    for point in grid:
        other = seen.setdefault(point.name, point)
        if other != point:
            raise DataError(
                f"runs {other.parameters()} and {point.parameters()} would share the folder "
                f"{point.name}: use values that differ in letters, digits or . _ -"
            )
    return grid
