"""Every section runs at any as-of date: the full report at 1999-03-05 on the snapshot.

Ten weeks after the snapshot's tech proxy (XLK) starts: no Fed range yet, no index members, no
fund flows, too few weeks for the rate regressions, the GARCH fits, the forecast backtest and
the drift. Before this was fixed four of the seven sections failed there (02, 03, 04, 07), with
17 error cells between them. What the data lack is one "Not available" line each; every other
figure is computed, and each answer box says what is unknown rather than a number.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO_ROOT
from techflows.run import report

pytestmark = pytest.mark.notebook

AS_OF = "1999-03-05"
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def early_reports(tmp_path_factory):
    """(output folder, {name: RunResult}) of every notebook at AS_OF (PDFs not printed)."""
    output_dir = tmp_path_factory.mktemp("early_reports")
    parameters = {"source": "snapshot", "as_of": AS_OF}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TECHFLOWS_CHROMIUM", str(output_dir / "no-chromium"))  # pages only
        results = report.run_reports(NOTEBOOKS, output_dir=output_dir, parameters=parameters)
    return output_dir, {r.name: r for r in results}


def _figures(output_dir, name: str) -> dict:
    return json.loads((output_dir / name / "figures.json").read_text())


def test_every_section_runs_without_an_error_cell(early_reports):
    output_dir, results = early_reports
    assert len(results) == len(NOTEBOOKS)
    failed = {name: str(r.error) for name, r in results.items() if not r.ok}
    assert not failed
    errors = []
    for name in results:
        executed = json.loads((output_dir / name / f"{name}.ipynb").read_text())
        for cell in executed["cells"]:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    errors.append(f"{name}: {output['ename']}: {output['evalue']}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(
    ("name", "gap"),
    [
        ("02_drivers", r"tech's return over the market beside yield changes.*9 complete weeks"),
        ("02_drivers", r"Fed funds target range.*DFEDTARU from 2008-12-16"),
        ("03_risks", r"daily returns of XLK.*GARCH"),
        ("04_predictions", r"SARIMAX.*9 weeks"),
        ("04_predictions", r"26-week drift.*9 weeks"),
        ("07_track_record", r"checklist signals week by week"),
        ("07_track_record", r"SARIMAX.*9 weeks"),
    ],
)
def test_what_the_date_lacks_is_one_not_available_line_saying_why(early_reports, name, gap):
    output_dir, _ = early_reports
    missing = _figures(output_dir, name)["missing"]
    found = [line for line in missing if re.search(gap, line, re.IGNORECASE)]
    assert len(found) == 1, missing
    assert "1999-03-05" in found[0] and "would provide" in found[0]


def test_the_answers_say_what_is_unknown_and_print_no_missing_number(early_reports):
    output_dir, results = early_reports
    verdicts = {name: _figures(output_dir, name)["answer"]["verdict"] for name in results}
    assert verdicts["02_drivers"] == "Unknown"
    assert verdicts["04_predictions"].startswith("Too short to tell")
    assert verdicts["07_track_record"] == "Too short to tell"
    for name in results:
        answer = json.dumps(_figures(output_dir, name)["answer"])
        # a missing number formatted into words: nan, or None not used as a word ("None has")
        assert not re.search(r"\bnan\b|\bNone\b(?! [a-z])", answer, re.I), (name, answer)
