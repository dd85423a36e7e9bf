"""One declaration of the shared parameters: a saved edit never leaks into a batch report."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from conftest import FIXTURES
from techflows.run import parameters, report

FIXTURE = FIXTURES / "notebooks" / "01_ok.ipynb"


def saved_with(tmp_path, **values):
    """A copy of the fixture notebook whose parameters cell saves these values instead."""
    notebook = nbformat.read(FIXTURE, as_version=4)
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    lines = []
    for line in cell.source.splitlines():
        name, _, rest = line.partition(" = ")
        if name in values:
            comment = rest[rest.index("  #") :]
            line = f"{name} = {values[name]!r}{comment}".replace("'", '"')
        lines.append(line)
    cell.source = "\n".join(lines)
    folder = tmp_path / "notebooks"
    folder.mkdir(exist_ok=True)
    path = folder / FIXTURE.name
    nbformat.write(notebook, path)
    return path


def test_the_shared_declaration_types_and_defaults():
    assert parameters.SHARED["week_end"].default == "W-FRI"
    assert parameters.SHARED["lookback_years"].describe() == "int 1..100"
    assert parameters.SHARED["source"].choices == ("auto", "yahoo", "csv", "snapshot", "sample")


def test_the_runner_passes_every_declared_parameter(tmp_path):
    edited = saved_with(tmp_path, week_end="W-WED", lookback_years=3)
    typed = parameters.for_notebooks([edited], {"source": "sample"})[edited]
    declared = parameters.declarations(edited)
    assert set(typed) == set(declared)  # all of them, not only those given
    assert typed["week_end"] == "W-FRI" and typed["lookback_years"] == 10  # the shared defaults
    assert typed["source"] == "sample" and typed["fail"] is False


def test_saved_edits_name_the_parameter(tmp_path):
    edited = saved_with(tmp_path, week_end="W-WED")
    [line] = parameters.saved_edits(edited)
    assert "week_end" in line and "W-WED" in line and "W-FRI" in line
    assert parameters.saved_edits(FIXTURE) == []


@pytest.mark.notebook
def test_a_saved_edit_warns_and_every_parameter_is_recorded(tmp_path):
    edited = saved_with(tmp_path, week_end="W-WED")
    lines: list[str] = []
    out = tmp_path / "out"
    results = report.run_reports([edited], out, {"source": "sample"}, jobs=1, log=lines.append)
    assert results[0].ok, results[0].error
    warnings = [line for line in lines if line.startswith("warning")]
    assert len(warnings) == 1 and "week_end" in warnings[0] and "W-WED" in warnings[0]
    record = json.loads((out / "runs.json").read_text())["reports"][0]
    declared = parameters.declarations(edited)
    assert set(record["parameters"]) == set(declared)
    assert record["parameters"]["week_end"] == "W-FRI"
    executed = nbformat.read(out / "01_ok" / "01_ok.ipynb", as_version=4)
    tagged = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    injected = tagged[0]
    assert 'week_end = "W-FRI"' in injected.source
    index = (out / "index.html").read_text()
    assert "week_end=&#34;W-FRI&#34;" in index or 'week_end="W-FRI"' in index
    assert "lookback_years=10" in index
    shutil.rmtree(out)
