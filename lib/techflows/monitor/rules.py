"""The checklist's vocabulary: status and trend words, a signal's rule, and what it measures."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from techflows.data.source import Source

# The status words: the checklist rates signals with them, analysts record them in the table.
GREEN, AMBER, RED, NO_DATA = "green", "amber", "red", "no data"
STATUSES = (GREEN, AMBER, RED, NO_DATA)
SCORED = (GREEN, AMBER, RED)  # the statuses that vote in the concordance and the scenarios
# A figure the articles or companies reported: shown beside the signal, never evidence for it.
REPORTED = "reported, not scored"
IMPROVING, WORSENING, FLAT, NO_TREND = "improving", "worsening", "flat", "n/a"
TREND_DAYS = 28  # trend: the value now against the value four weeks earlier


@dataclass(frozen=True)
class Rule:
    """Green at or beyond `green`, red at or beyond `red`, amber between (direction from order)."""

    green: float
    red: float
    unit: str
    flat: float = 0.0  # changes within +-flat count as a flat trend
    fmt: str = "{:+.2f}"

    @property
    def higher_is_better(self) -> bool:
        """True when larger values are greener."""
        return self.green > self.red

    def status(self, value: float) -> str:
        """green, amber or red for a value; 'no data' when it is missing."""
        if value is None or not math.isfinite(value):
            return NO_DATA
        if self.higher_is_better:
            return GREEN if value >= self.green else RED if value <= self.red else AMBER
        return GREEN if value <= self.green else RED if value >= self.red else AMBER

    def trend(self, now: float, before: float) -> str:
        """improving, worsening or flat (within the flat band) from before to now."""
        if not all(v is not None and math.isfinite(v) for v in (now, before)):
            return NO_TREND
        change = now - before
        if abs(change) <= self.flat:
            return FLAT
        better = change > 0 if self.higher_is_better else change < 0
        return IMPROVING if better else WORSENING

    def show(self, value: float) -> str:
        """A value in this rule's format and unit."""
        return f"{self.fmt.format(value)}{self.unit}" if math.isfinite(value) else "—"

    def describe(self) -> str:
        """The thresholds in words, e.g. 'green ≥ +2.00%, red ≤ -2.00%, amber between'."""
        ge, le = ("≥", "≤") if self.higher_is_better else ("≤", "≥")
        return f"green {ge} {self.show(self.green)}, red {le} {self.show(self.red)}, amber between"


@dataclass
class Measure:
    """A signal's history (in its rule's unit), what fed it, and context for its latest value."""

    series: pd.Series
    source: str
    detail: str = ""
    trend: pd.Series | None = None  # what the trend compares, when not the series itself
    label: str = ""  # replaces the signal's label (e.g. when a proxy stands in)
    note: str = ""
    inputs: tuple[str, ...] = ()  # the input ledger's names of what it was measured from


@dataclass(frozen=True)
class Signal:
    """One checklist row: the seed's item, what is measured, its rule and how it is measured."""

    key: str
    item: str
    label: str
    rule: Rule
    measure: Callable[[Source, str], Measure] | None = None
    analyst: bool = False  # read from the analyst table (when the measure is missing)
