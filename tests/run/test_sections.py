"""End to end: every section notebook through the runner, on the snapshot and on the sample."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import ARTICLES_WEEK, REPO_ROOT
from techflows.run import report
from techflows.views import answers

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.notebook


def _run(output_dir, **parameters):
    results = report.run_reports(NOTEBOOKS, output_dir=output_dir, parameters=parameters, jobs=2)
    return {r.name: r for r in results}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """Every notebook on the arch sample (1999-2018): no flows, no 2026, still no errors."""
    output_dir = tmp_path_factory.mktemp("sample_reports")
    return output_dir, _run(output_dir, source="sample")


@pytest.fixture(scope="module")
def snapshot_run(articles_week_reports):
    """Every notebook on the snapshot of real 2026 data, at the articles' date, EPFR weeks."""
    return articles_week_reports


def _check_reports(output_dir, results, source):
    assert sorted(results) == [p.stem for p in NOTEBOOKS]
    for name, result in results.items():
        assert result.ok, f"{name} failed: {result.error}"
        folder = output_dir / name
        executed = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        errors = [
            o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"
        ]
        assert errors == [], f"{name} has error cells"
        html = (folder / f"{name}.html").read_text()
        assert "techflows-banner" in html and "data:image/png;base64" in html
        figures = json.loads((folder / "figures.json").read_text())
        assert figures["source"] == source and figures["figures"]
        for table in figures["tables"]:
            assert (folder / table).exists()
    assert (output_dir / "index.html").exists()


def test_every_section_renders_on_the_sample(sample_run):
    output_dir, results = sample_run
    _check_reports(output_dir, results, "sample")
    flows = json.loads((output_dir / "01_current_status" / "figures.json").read_text())
    assert any("flows" in line.lower() for line in flows["missing"]), "sample has no fund flows"


def _figures(output_dir, section):
    payload = json.loads((output_dir / section / "figures.json").read_text())
    return {f["name"]: f["value"] for f in payload["figures"]}


def test_every_section_renders_the_2026_analysis_on_the_snapshot(snapshot_run):
    output_dir, results = snapshot_run
    _check_reports(output_dir, results, "snapshot")
    status = _figures(output_dir, "01_current_status")
    assert status["IYW close (quoted)"] == pytest.approx(196.32, abs=0.005)
    assert status["IYW move from phase low"] == pytest.approx(5.12, abs=0.005)
    assert status["latest weekly tech net flow"] is not None
    assert status["tech notional: latest record week in trailing window"] == "2026-02-04"
    drivers = _figures(output_dir, "02_drivers")
    assert drivers["FOMC cuts in 2025"] == 3
    assert drivers["Fed funds target range, upper bound"] == 3.75
    claims = _figures(output_dir, "06_claims")
    measured = (
        claims["Claims consistent with the data"] + claims["Claims the data contradicts (differs)"]
    )
    assert measured > claims["Claims checked"] / 2
    html = (output_dir / "01_current_status" / "01_current_status.html").read_text()
    index = (output_dir / "index.html").read_text()
    for page in (html, index):
        assert "snapshot of real market data through 2026-08-21, built " in page
        assert "guydekowski/market-lab" in page and "; offline" in page
    # The real data's one implausible value is flagged under the answer, and recorded.
    slots = html.split('class="tf-answer-slot"')
    assert "Data-quality flags (1)" in slots[2] and "GSG flow of 3.39e+09 USD" in slots[2]
    flags = json.loads((output_dir / "01_current_status" / "figures.json").read_text())
    assert [f["column"] for f in flags["data_quality"]] == ["flow_usd"]


def test_figures_are_byte_identical_across_runs(snapshot_run, tmp_path):
    output_dir, _ = snapshot_run
    again = report.run_reports(
        [REPO_ROOT / "notebooks" / "01_current_status.ipynb"],
        output_dir=tmp_path,
        parameters=ARTICLES_WEEK,
    )
    assert again[0].ok
    first = output_dir / "01_current_status"
    produced_files = sorted((tmp_path / "01_current_status").glob("*.csv"))
    for produced in [tmp_path / "01_current_status" / "figures.json", *produced_files]:
        assert produced.read_bytes() == (first / produced.name).read_bytes(), produced.name


SNAKE_CASE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def test_reports_read_answer_first_with_human_tables(snapshot_run):
    """Every section stores its answer; its links land; no table shows a snake_case header."""
    from bs4 import BeautifulSoup

    output_dir, _ = snapshot_run
    ids = {}
    for path in NOTEBOOKS:
        soup = BeautifulSoup(
            (output_dir / path.stem / f"{path.stem}.html").read_text(), "html.parser"
        )
        ids[path.stem] = {tag["id"] for tag in soup.select("[id]")}
        headers = {th.get_text(strip=True) for th in soup.select("th")}
        assert not {h for h in headers if SNAKE_CASE.match(h)}, path.stem
        assert not soup.select("table.dataframe"), f"{path.stem} shows a raw DataFrame"
        assert soup.select_one("main > .tf-answer-slot #answer"), f"{path.stem}: no answer box"
    for path in NOTEBOOKS:
        stored = json.loads((output_dir / path.stem / "figures.json").read_text())["answer"]
        box = answers.from_dict(stored)
        assert box.verdict and box.sentences and len(box.numbers) <= 5, path.stem
        # Stored as JupyterLab follows them; the page's own links are answers.page_link's.
        for href in [s.href for s in box.sentences] + [n.href for n in box.numbers]:
            page = answers.page_link(href)
            assert page.startswith("#") and page[1:] in ids[path.stem], (path.stem, href)
        for claim in box.contradicted:
            link = answers.page_link(claim.href)
            section, _, anchor = link.removeprefix("../").partition("/")
            assert anchor.split("#")[1] in ids[section], (path.stem, link)
