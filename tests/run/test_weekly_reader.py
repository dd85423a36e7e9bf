"""The real notebooks as a weekly reader gets them: dated pages, the archive, the change panel.

Reuses the session's run of every section at the articles' date (articles_week_reports), then
runs 05_monitor once more, a week later, into a copy of that output folder.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from conftest import ARTICLES_DATE, ARTICLES_WEEK, REPO_ROOT
from techflows.run import report

pytestmark = pytest.mark.notebook
NEXT_WEEK = "2026-02-20"


def dates(output_dir) -> list[str]:
    """The archived dates (folders of archive/)."""
    return sorted(p.name for p in (output_dir / "archive").iterdir() if p.is_dir())


def visible(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_every_page_carries_its_as_of_date_and_is_archived(articles_week_reports):
    output_dir, results = articles_week_reports
    kept = output_dir / "archive" / ARTICLES_DATE
    for name in results:
        page = (output_dir / name / f"{name}.html").read_text()
        title = re.search(r"<title>(.*?)</title>", page)[1]
        assert title.endswith(f" · as of {ARTICLES_DATE}"), title
        box = page[page.index('<section class="tf-answer') :]
        box = visible(box[: box.index("</section>")])
        assert f"As of {ARTICLES_DATE}. No earlier report in the archive" in box, name
        assert {p.name for p in (kept / name).iterdir()} >= {f"{name}.html", "figures.json"}
        assert not list((kept / name).glob("*.ipynb")), "executed notebooks are left out"
        assert (kept / name / f"{name}.html").read_text() == page
    assert "as of 2026-02-13</title>" in (output_dir / "index.html").read_text()
    # What a date costs: each section's page with its images, its PDF, figures and tables
    # (about 1.3 MB a section at the articles' week).
    assert sum(p.stat().st_size for p in kept.rglob("*") if p.is_file()) < 1.6e6 * len(results)


def test_the_checklist_signals_carry_their_status_and_thresholds(articles_week_reports):
    output_dir, _ = articles_week_reports
    folder = output_dir / "05_monitor"
    recorded = json.loads((folder / "figures.json").read_text())["figures"]
    signals = {f["name"]: f for f in recorded if "status" in f}
    table = pd.read_csv(folder / "checklist.csv")
    measured = table[table["value"].notna() & ~table["source"].str.startswith("analyst table")]
    assert set(signals) == set(measured["signal"])
    for row in measured.itertuples():
        found = signals[row.signal]
        assert found["status"] == row.status and found["rule"] == row.rule
        green, red = found["thresholds"]["green"], found["thresholds"]["red"]
        shown = re.findall(r"[-+]?\d+\.?\d*", row.rule)  # the rule's words give the same
        assert [float(x) for x in shown[:2]] == [green, red]


@pytest.fixture(scope="module")
def next_week(articles_week_reports, tmp_path_factory):
    """A copy of the articles' week, then 05_monitor a week later into the same folder."""
    source, _ = articles_week_reports
    output_dir = tmp_path_factory.mktemp("weekly") / "outputs"
    shutil.copytree(source, output_dir)
    notebook = REPO_ROOT / "notebooks" / "05_monitor.ipynb"
    parameters = {**ARTICLES_WEEK, "as_of": NEXT_WEEK}
    (result,) = report.run_reports([notebook], output_dir, parameters, jobs=1)
    return output_dir, result


def test_a_week_later_the_index_says_what_changed_and_last_week_stays(next_week):
    output_dir, result = next_week
    assert result.ok
    assert dates(output_dir) == [ARTICLES_DATE, NEXT_WEEK]
    figures = json.loads((output_dir / "05_monitor" / "figures.json").read_text())
    found = figures["changes"]
    assert (found["as_of"], found["previous"]) == (NEXT_WEEK, ARTICLES_DATE)
    index = visible((output_dir / "index.html").read_text())
    assert f"Since the report of {ARTICLES_DATE}" in index
    page = visible((output_dir / "05_monitor" / "05_monitor.html").read_text())
    assert f"As of {NEXT_WEEK}. Since the report of {ARTICLES_DATE}" in page
    earlier = output_dir / "archive" / ARTICLES_DATE / "05_monitor" / "figures.json"
    assert json.loads(earlier.read_text())["as_of"] == ARTICLES_DATE
    for name in ("01_current_status", "06_claims"):  # not rerun: last week's pages stay
        assert (output_dir / "archive" / ARTICLES_DATE / name / f"{name}.html").is_file()
