"""A claim as the measures see it: its window and parameters, and what a measure returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from techflows.analysis import weeks
from techflows.data.source import Source
from techflows.errors import DataError


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
    week_end: str = weeks.DEFAULT  # the week its source uses (claims.csv week_end)

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
    """A measured value with what exactly was measured (basis, window) and supporting detail."""

    value: float
    basis: str
    detail: str = ""
    lower_bound: bool = False  # the true value is at least this (history too short)
    needs: str = ""  # who would measure past the lower bound
    window: str = ""  # the exact dates measured, when they differ from the claim's
    without_flagged: float | None = None  # the value without suspect prints (flow claims)


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


def usd_bn(usd: float) -> float:
    """US dollars in billions."""
    return usd / 1e9


def window_text(claim: Claim) -> str:
    """The claim window as 'start to end'."""
    return f"{claim.start.date()} to {claim.end.date()}"
