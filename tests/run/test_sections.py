"""End to end: every section notebook through the runner, offline sample and real CSV data."""

from __future__ import annotations

import json

import nbformat
import pytest

from conftest import REPO_ROOT
from techflows.run import report

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.notebook


def _run(output_dir, **parameters):
    results = report.run_reports(NOTEBOOKS, output_dir=output_dir, parameters=parameters, jobs=2)
    return {r.name: r for r in results}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """Every notebook on the embedded sample data: what `make report` gives offline."""
    output_dir = tmp_path_factory.mktemp("sample_reports")
    return output_dir, _run(output_dir, source="sample")


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory, market_data):
    """Every notebook on the real 2026 data, cut at the articles' date, EPFR-style weeks."""
    output_dir = tmp_path_factory.mktemp("csv_reports")
    parameters = {"source": "csv", "data_dir": str(market_data), "as_of": "2026-02-13"}
    return output_dir, _run(output_dir, week_end="W-WED", **parameters)


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


def test_every_section_renders_offline_on_the_sample(sample_run):
    output_dir, results = sample_run
    _check_reports(output_dir, results, "sample")
    flows = json.loads((output_dir / "01_current_status" / "figures.json").read_text())
    assert any("flows" in line.lower() for line in flows["missing"]), "sample has no fund flows"


@pytest.mark.integration
def test_every_section_renders_on_real_2026_data(csv_run):
    output_dir, results = csv_run
    _check_reports(output_dir, results, "csv")


@pytest.mark.integration
def test_figures_are_byte_identical_across_runs(csv_run, tmp_path, market_data):
    output_dir, _ = csv_run
    again = report.run_reports(
        [REPO_ROOT / "notebooks" / "01_current_status.ipynb"],
        output_dir=tmp_path,
        parameters={
            "source": "csv",
            "data_dir": str(market_data),
            "as_of": "2026-02-13",
            "week_end": "W-WED",
        },
    )
    assert again[0].ok
    first = output_dir / "01_current_status"
    produced_files = sorted((tmp_path / "01_current_status").glob("*.csv"))
    for produced in [tmp_path / "01_current_status" / "figures.json", *produced_files]:
        assert produced.read_bytes() == (first / produced.name).read_bytes(), produced.name
