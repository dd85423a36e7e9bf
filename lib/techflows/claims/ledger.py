"""The claims ledger: every quantitative claim of the articles, measured and given a verdict."""

from __future__ import annotations

import calendar
import math
from pathlib import Path

import pandas as pd

from techflows import config
from techflows.analysis import weeks
from techflows.claims.claim import Claim, Measurement, NotMeasurable, NotYetObservable
from techflows.claims.metrics import METRICS, weekly
from techflows.data import schemas, validate
from techflows.data.source import Source
from techflows.errors import DataError, DataUnavailable

CLAIMS_FILE = config.DATA_DIR / "claims.csv"
COLUMNS = (
    "id",
    "article",
    "section",
    "quote",
    "metric",
    "params",
    "reported_value",
    "unit",
    "start",
    "end",
    "source",
    "tolerance",
    "tolerance_kind",
    "week_end",
)
ARTICLES = ("000", "001", "002")
KINDS = ("abs", "rel", "at_least", "at_most")

CONSISTENT = "consistent"
DIFFERS = "differs"
NOT_MEASURABLE = "not measurable from this source"
NOT_YET = "not yet observable"
VERDICTS = (CONSISTENT, DIFFERS, NOT_MEASURABLE, NOT_YET)
# A measured claim is checked exactly (the quantity it states) or through a proxy (a stand-in
# measure, such as ETF flows for EPFR's fund totals: Metric.stands_in).
EXACT, PROXY = "exact", "proxy"
CHECKS = (EXACT, PROXY)
# Float noise must not turn an exact boundary (196.33 vs 196.32 +- 0.01) into a miss.
EPSILON = 1e-9


def parse_params(text: object) -> dict[str, str]:
    """'a=XLK;b=SPY' -> {'a': 'XLK', 'b': 'SPY'}; blank -> {}."""
    if not isinstance(text, str) or not text.strip():
        return {}
    pairs = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise DataError(f"params {text!r}: expected key=value pairs separated by ';'")
        pairs[key.strip()] = value.strip()
    return pairs


def _as_number(value: object, unit: str) -> float:
    """Reported or measured value as a float (dates as days since the epoch)."""
    if unit == "date":
        return float(pd.Timestamp(value).value / 86_400e9)
    return float(value)


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read the claims file, validated by its schema (known metrics, ISO dates, tolerances)."""
    path = Path(path) if path else CLAIMS_FILE
    if not path.is_file():
        raise DataError(f"claims '{path}': file not found")
    schema = schemas.claims(METRICS, ARTICLES, KINDS, weekly())
    frame = validate.read_csv(path, schema, f"claims '{path}'")
    return frame.set_index("id", drop=False)


def claim_of(row: pd.Series, week_end: str = weeks.DEFAULT) -> Claim:
    """The Claim a measurement function receives, on its source's week (claims.csv week_end).

    Only a claim that is not measured on weeks has no week of its own; it gets week_end.
    """
    reported = (
        pd.Timestamp(row["reported_value"])
        if row["unit"] == "date"
        else float(row["reported_value"])
    )
    return Claim(
        id=row["id"],
        metric=row["metric"],
        start=pd.Timestamp(row["start"]),
        end=pd.Timestamp(row["end"]),
        reported=reported,
        unit=row["unit"],
        params=parse_params(row["params"]),
        week_end=row.get("week_end") or week_end,
    )


def judge(
    reported: float, measured: float, tolerance: float, kind: str, lower_bound: bool = False
) -> str | None:
    """consistent / differs for one comparison; None if a lower bound cannot decide it.

    abs: |measured - reported| <= tolerance; rel: the same with tolerance x |reported|;
    at_least: measured >= reported - tolerance; at_most: measured <= reported + tolerance.
    Boundaries count as consistent.
    """
    if kind not in KINDS:
        raise DataError(f"tolerance kind {kind!r}: use one of {', '.join(KINDS)}")
    if measured is None or not math.isfinite(measured):
        return None
    slack = EPSILON * max(1.0, abs(reported))
    if kind == "abs":
        low, high = reported - tolerance, reported + tolerance
    elif kind == "rel":
        low, high = reported - tolerance * abs(reported), reported + tolerance * abs(reported)
    elif kind == "at_least":
        low, high = reported - tolerance, math.inf
    else:
        low, high = -math.inf, reported + tolerance
    if lower_bound:
        # The true value is >= measured: too high is certain, in range only if low is reached.
        if measured > high + slack:
            return DIFFERS
        return CONSISTENT if measured >= low - slack and high == math.inf else None
    return CONSISTENT if low - slack <= measured <= high + slack else DIFFERS


def format_value(value: object, unit: str) -> str:
    """A value with its unit, for reading."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if unit == "date":
        return str(pd.Timestamp(value).date())
    v = float(value)
    sign = "-" if v < 0 else ""
    formats = {
        "USD bn": f"{sign}${abs(v):,.2f}bn",
        "USD mn": f"{sign}${abs(v):,.1f}mn",
        "USD": f"{sign}${abs(v):,.2f}",
        "%": f"{v:.2f}%",
        "pp": f"{v:+.1f} pp",
        "bp": f"{v:+.0f} bp",
        "x": f"{v:.2f}x",
        "rank": f"#{v:.0f}",
        "sd": f"{v:.1f} sd",
        "percentile": f"percentile {v:.0f}",
    }
    if unit in formats:
        return formats[unit]
    # counts: "1 week", "3 cuts"
    return f"{v:g} {unit[:-1] if v == 1 and unit.endswith('s') else unit}".strip()


def tolerance_text(row: pd.Series) -> str:
    """The stated tolerance in words."""
    tol, kind, unit = float(row["tolerance"]), row["tolerance_kind"], row["unit"]
    reported = _as_number(row["reported_value"], unit)
    if kind == "rel":
        return f"±{100 * tol:g}% of reported"
    if kind == "abs":
        return f"±{tol:g} days" if unit == "date" else f"±{tol:g} {unit}"
    bound = reported - tol if kind == "at_least" else reported + tol
    return f"{'≥' if kind == 'at_least' else '≤'} {format_value(bound, unit)}"


def claim_dates(row: pd.Series) -> str:
    """The claim's own dates as the claims file gives them."""
    return row["start"] if row["start"] == row["end"] else f"{row['start']} to {row['end']}"


def evaluate(src: Source, row: pd.Series, week_end: str = weeks.DEFAULT) -> dict[str, object]:
    """Measure one claim and give its verdict, the exact window measured, basis and notes.

    A weekly claim is measured on its source's week whatever the run's week_end; the note
    says so when the two differ. check says whether a measured claim was checked exactly or
    through a proxy (Metric.stands_in). Flow claims are also judged without flagged prints
    (without_flagged, verdict_without).
    """
    claim = claim_of(row, week_end)
    metric = METRICS[row["metric"]]
    out: dict[str, object] = {
        "measured_value": None,
        "basis": "",
        "note": "",
        "window": claim_dates(row),
        "without_flagged": None,
        "verdict_without": "",
        "check": "",
    }
    if metric.measure is None:
        return out | {"verdict": NOT_MEASURABLE, "note": f"would need {metric.external}"}
    try:
        found: Measurement = metric.measure(src, claim)
    except NotYetObservable as wait:
        return out | {"verdict": NOT_YET, "note": str(wait)}
    except (DataUnavailable, NotMeasurable) as gap:
        return out | {"verdict": NOT_MEASURABLE, "note": str(gap)}
    unit = row["unit"]
    measured = _as_number(found.value, unit)
    verdict = judge(
        _as_number(claim.reported, unit),
        measured,
        float(row["tolerance"]),
        row["tolerance_kind"],
        found.lower_bound,
    )
    note = found.detail
    if metric.weekly and claim.week_end != week_end:
        own, run = (calendar.day_name[weeks.weekday(w)] for w in (claim.week_end, week_end))
        note = (
            f"{note}; measured on weeks ending {own} (its source's), not the run's {run} weeks"
        ).lstrip("; ")
    if verdict is None:
        verdict = NOT_MEASURABLE
        note = f"{note}; history too short to decide, would need {found.needs}".lstrip("; ")
    value = str(pd.Timestamp(found.value).date()) if unit == "date" else found.value
    if found.without_flagged is not None:
        clean = judge(
            _as_number(claim.reported, unit),
            found.without_flagged,
            float(row["tolerance"]),
            row["tolerance_kind"],
            found.lower_bound,
        )
        out |= {"without_flagged": found.without_flagged, "verdict_without": clean or ""}
    return out | {
        "measured_value": value,
        "lower_bound": found.lower_bound,
        "basis": found.basis,
        "note": note,
        "verdict": verdict,
        "window": found.window or out["window"],
        "check": "" if verdict == NOT_MEASURABLE else (PROXY if metric.stands_in else EXACT),
    }


COLUMNS = (
    *("id", "article", "section", "claim", "cited_source", "metric", "claim_dates", "window"),
    *("reported", "measured", "tolerance", "verdict", "measured_without_flagged"),
    *("verdict_without_flagged", "reported_value", "measured_value", "unit", "basis", "note"),
)


def ledger(
    src: Source, claims: pd.DataFrame | None = None, week_end: str = weeks.DEFAULT
) -> pd.DataFrame:
    """One row per claim: what the article says, what the data says, and the verdict.

    Each weekly claim is measured on its source's week (claims.csv week_end: EPFR and BofA
    weeks end Wednesday), so no verdict depends on the run's week_end; a note says when the
    two differ. window is the exact span measured; check is exact or proxy for a measured
    claim (what stands in for the claim's quantity is in basis); flow claims carry their
    value and verdict without flagged prints too.
    """
    claims = load_claims() if claims is None else claims
    rows = []
    for _, row in claims.iterrows():
        result = evaluate(src, row, week_end)
        clean = result["without_flagged"]
        measured = result["measured_value"]
        shown = format_value(measured, row["unit"]) if measured is not None else ""
        kind = row["tolerance_kind"]
        reported = format_value(row["reported_value"], row["unit"])
        if kind in ("at_least", "at_most") and float(row["tolerance"]) == 0:
            reported = f"{'≥' if kind == 'at_least' else '≤'} {reported}"
        rows.append(
            {
                "id": row["id"],
                "article": row["article"],
                "section": row["section"],
                "claim": row["quote"],
                "cited_source": row["source"],
                "metric": row["metric"],
                "claim_dates": claim_dates(row),
                "window": result["window"],
                "reported": reported,
                "measured": f"≥ {shown}" if result.get("lower_bound") and shown else shown,
                "tolerance": tolerance_text(row),
                "verdict": result["verdict"],
                "check": result["check"],
                "measured_without_flagged": ""
                if clean is None
                else format_value(clean, row["unit"]),
                "verdict_without_flagged": result["verdict_without"],
                "reported_value": row["reported_value"],
                "measured_value": measured,
                "unit": row["unit"],
                "basis": result["basis"],
                "note": result["note"],
            }
        )
    # A section without claims of its own (a new one) gets an empty ledger, not a shapeless one.
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=[*COLUMNS])


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Claims per article and verdict (all verdicts as columns, a total row), and the measured
    ones split by check: 'consistent, exact', 'consistent, proxy', 'differs, exact', ..."""
    counts = pd.crosstab(table["article"], table["verdict"]).reindex(
        columns=list(VERDICTS), fill_value=0
    )
    for verdict in (CONSISTENT, DIFFERS):
        for check in CHECKS:
            hit = (table["verdict"] == verdict) & (table["check"] == check)
            counts[split(verdict, check)] = (
                hit.groupby(table["article"]).sum().reindex(counts.index, fill_value=0)
            )
    counts.loc["all"] = counts.sum()
    counts["claims"] = counts[list(VERDICTS)].sum(axis=1)
    return counts.rename_axis(index="article", columns=None)


def split(verdict: str, check: str) -> str:
    """The column (and figure) name of one verdict and check: 'consistent, exact'."""
    return f"{verdict}, {check}"


# The figures.json label of each verdict's count.
HEADLINES = {
    CONSISTENT: "Claims consistent with the data",
    DIFFERS: "Claims the data contradicts (differs)",
    NOT_MEASURABLE: "Claims not measurable from this source",
    NOT_YET: "Claims not yet observable",
}
