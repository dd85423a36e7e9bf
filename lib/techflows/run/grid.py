"""A sweep's grid: as-of dates (a list, or ranges with a step) crossed with parameter values."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
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


LIST_KINDS = ("ints", "floats")  # declared `N ints` / `floats`: one value is a list
MAX_RUNS = 1000  # a larger grid is a typo until --max-runs says otherwise


def parameter_values(text: str, kind: str = "") -> tuple[str, list[str]]:
    """NAME=V1,V2 for sweep --param: the name and its values, as text (notebooks type them).

    kind: the parameter's declared kind. A list parameter's value holds commas itself
    (event_window=-5,20 is one value), so its values are separated by semicolons
    (shock_sds=1,2;0.5,1 is two); any other parameter's values by commas.
    """
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise DataError(f"--param {text!r}: not NAME=VALUE[,VALUE...] (NAME a Python identifier)")
    parsed = [v.strip() for v in values.split(";" if kind in LIST_KINDS else ",")]
    if len(set(map(repr, parsed))) != len(parsed):
        raise DataError(f"--param {name}: a value is given twice")
    return name, parsed


def swept_values(given: Sequence[str], notebooks: Sequence[Path]) -> dict[str, list[str]]:
    """Each --param NAME=VALUES of a sweep: its values, split as the notebooks declare NAME.

    Every value is checked against the declarations here, before anything runs.
    """
    from techflows.run.parameters import declarations, for_notebooks

    declared = {}
    for notebook in notebooks:
        for name, declaration in declarations(notebook).items():
            declared.setdefault(name, declaration)
    found = {}
    for text in given:
        name = text.partition("=")[0].strip()
        kind = declared[name].kind if name in declared else ""
        name, values = parameter_values(text, kind)
        for value in values:
            for_notebooks(list(notebooks), {name: value})
        found[name] = values
    return found


def check_size(dates: int, swept: Mapping[str, Sequence[object]], notebooks: int, cap: int) -> int:
    """The number of runs of a grid; DataError in one line when it is more than cap."""
    runs = dates * math.prod(len(v) for v in swept.values()) * notebooks
    if runs > cap:
        parts = [f"{dates:,} as-of date{'s' if dates != 1 else ''}"]
        parts += [f"{len(v)} values of {k}" for k, v in sorted(swept.items())]
        parts.append(f"{notebooks} notebook{'s' if notebooks != 1 else ''}")
        raise DataError(
            f"the grid has {runs:,} runs ({' x '.join(parts)}), more than --max-runs {cap:,}: "
            f"narrow it, or pass --max-runs {runs}"
        )
    return runs


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
