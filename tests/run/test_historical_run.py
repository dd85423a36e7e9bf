"""A historical run sees nothing after its as-of date: every section, every figure, every table.

Runs every notebook once at --as-of 2025-06-30 on the snapshot (its flows start in 2026) and
scans each figures.json and each CSV. The only dates allowed after the as-of date are those of
forecasts (the weeks they forecast) and the claims' own dates (what an article said, and when).
"""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from conftest import REPO_ROOT
from techflows.run import report

pytestmark = pytest.mark.notebook

AS_OF = pd.Timestamp("2025-06-30")
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
# Tables whose later dates are the point: the weeks a model forecasts, an article's own dates.
LATER_BY_DESIGN = {"forecast_next_weeks.csv", "flow_forecast_next_weeks.csv", "claims_ledger.csv"}
A_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


@pytest.fixture(scope="module")
def historical_reports(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("historical_reports")
    parameters = {"source": "snapshot", "as_of": str(AS_OF.date())}
    results = report.run_reports(NOTEBOOKS, output_dir=output_dir, parameters=parameters, jobs=2)
    return output_dir, {r.name: r for r in results}


def _later(value: object) -> bool:
    text = str(value).strip()
    return bool(A_DATE.match(text)) and pd.Timestamp(text) > AS_OF


def test_every_section_runs_as_of_2025(historical_reports):
    _, results = historical_reports
    failed = {name: str(r.error) for name, r in results.items() if not r.ok}
    assert not failed


def test_no_figure_is_dated_after_the_as_of_date(historical_reports):
    output_dir, _ = historical_reports
    later = []
    for path in sorted(output_dir.glob("*/figures.json")):
        payload = json.loads(path.read_text())
        assert payload["as_of"] == str(AS_OF.date())
        for figure in payload["figures"]:
            if _later(figure["as_of"]) or _later(figure["value"]):
                later.append(f"{path.parent.name}: {figure['name']} ({figure['as_of']})")
        for row in payload.get("inputs", []):
            if _later(row["last"]):
                later.append(f"{path.parent.name}: input {row['input']} ({row['last']})")
    assert not later, "\n".join(later)


def test_no_table_row_is_dated_after_the_as_of_date(historical_reports):
    output_dir, _ = historical_reports
    later = []
    for path in sorted(output_dir.glob("*/*.csv")):
        if path.name in LATER_BY_DESIGN:
            continue
        with path.open(newline="") as handle:
            for number, row in enumerate(csv.reader(handle)):
                cells = [cell for cell in row if _later(cell)]
                if cells:
                    later.append(f"{path.parent.name}/{path.name} row {number}: {cells}")
    assert not later, "\n".join(later[:40])


def test_forecasts_start_after_the_as_of_date(historical_reports):
    output_dir, _ = historical_reports
    ahead = pd.read_csv(output_dir / "04_predictions" / "forecast_next_weeks.csv")
    first = pd.Timestamp(ahead.iloc[0, 0])
    assert AS_OF < first <= AS_OF + pd.Timedelta(days=7)
