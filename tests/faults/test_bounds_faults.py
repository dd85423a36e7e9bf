"""Notebooks without a parameters cell, and bounds: outputs per cell, sweep grids, list values.

Issue 21 points 11 and 15. No kernel: papermill is replaced where a notebook would run, and a
sweep's planning or running is replaced where the test is about what comes before it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import REPO_ROOT
from faults.conftest import NOTEBOOKS, digest, in_process, one_line
from techflows import config
from techflows.run import cli, execute, fingerprint, report, sweep

OK = NOTEBOOKS / "01_ok.ipynb"


def cli_run(capsys, *argv: str) -> tuple[int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = cli.main(list(argv))
    return code, capsys.readouterr().err


# --- point 11: a notebook without a parameters cell -------------------------------------------


@pytest.fixture
def untagged(tmp_path) -> Path:
    """A new section whose first cell sets parameters but is not tagged `parameters`."""
    cells = [
        new_markdown_cell("# 07 New section"),
        new_code_cell('source = "snapshot"\nas_of = "latest"\noutput_dir = ""'),
        new_code_cell("x = 1"),
    ]
    path = tmp_path / "notebooks" / "07_new.ipynb"
    path.parent.mkdir()
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": kernel}), path)
    return path


def test_report_refuses_a_notebook_without_a_parameters_cell(
    untagged, previous, capsys, monkeypatch
):
    monkeypatch.setattr(execute, "_execute", in_process)
    before = digest(previous)
    default = config.OUTPUT_DIR / untagged.stem
    assert not default.exists()
    code, err = cli_run(
        capsys, "report", str(OK), str(untagged), "--source", "sample", "--as-of", "2015-01-02",
        "--output-dir", str(previous),
    )  # fmt: skip
    assert code == 2, err
    line = one_line(err)
    assert "07_new" in line and "parameters" in line, line
    assert digest(previous) == before
    assert not default.exists(), "the notebook wrote outside --output-dir"


def test_sweep_refuses_a_notebook_without_a_parameters_cell(
    untagged, tmp_path, capsys, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("the sweep ran a notebook without a parameters cell")

    monkeypatch.setattr(sweep, "execute_task", never)
    code, err = cli_run(
        capsys, "sweep", str(untagged), "--as-of", "2015-01-02", "--source", "sample",
        "--output-dir", str(tmp_path / "sweeps"),
    )  # fmt: skip
    assert code == 2, err
    assert "07_new" in one_line(err) and "parameters" in err


def test_an_empty_parameters_cell_is_no_parameters_cell(untagged, previous, capsys):
    notebook = nbformat.read(untagged, as_version=4)
    notebook.cells[1] = new_code_cell("", metadata={"tags": ["parameters"]})
    nbformat.write(notebook, untagged)
    code, err = cli_run(capsys, "report", str(untagged), "--output-dir", str(previous))
    assert code == 2 and "07_new" in one_line(err)


# --- point 15: a set output size per cell -----------------------------------------------------


def huge(stream_mb: float, html_mb: float):
    """A papermill stand-in whose notebook printed stream_mb and displayed html_mb of HTML."""

    def run(job: execute.Job, executed: Path, folder: Path) -> None:
        printed = new_code_cell("print(big)", execution_count=1)
        printed.outputs = [new_output("stream", name="stdout", text="x" * int(stream_mb * 1e6))]
        shown = new_code_cell("display(table)", execution_count=2)
        html = "<table>" + "<tr><td>1</td></tr>" * int(html_mb * 1e6 / 18) + "</table>"
        shown.outputs = [new_output("display_data", data={"text/html": html})]
        small = new_code_cell("print('fine')", execution_count=3)
        small.outputs = [new_output("stream", name="stdout", text="fine\n")]
        cells = [new_markdown_cell("# 01 ok"), printed, shown, small]
        nbformat.write(new_notebook(cells=cells), executed)
        (folder / "figures.json").write_text('{"figures": []}\n')

    return run


def test_a_huge_cell_output_is_cut_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "_execute", huge(stream_mb=30, html_mb=8))
    lines: list[str] = []
    (result,) = report.run_reports([OK], tmp_path, {"source": "sample"}, jobs=1, log=lines.append)
    assert result.ok
    page = tmp_path / "01_ok" / "01_ok.html"
    executed = tmp_path / "01_ok" / "01_ok.ipynb"
    limit = 2_000_000  # per cell, as the README says
    assert page.stat().st_size < 3 * limit + 1_000_000, page.stat().st_size
    assert executed.stat().st_size < 3 * limit + 1_000_000
    html = page.read_text()
    assert html.count("output truncated") == 2 and "fine" in html
    warned = [line for line in lines if "truncated" in line]
    assert len(warned) == 2 and all("01_ok" in w and "MB" in w for w in warned), lines


# --- point 15: a cap on the grid, progress from the first second ------------------------------


class Planned(Exception):
    """Raised where a sweep would start planning its runs."""


def test_a_grid_too_large_is_refused_before_planning(tmp_path, capsys, monkeypatch):
    def stop(*args, **kwargs):
        raise Planned

    monkeypatch.setattr(sweep, "plan", stop)
    monkeypatch.setattr(fingerprint, "run_inputs", stop)
    argv = ["sweep", str(OK), "--as-of", "1990-01-01..2015-12-31/B", "--param"]
    argv += ["lookback_years=5,10", "--source", "sample", "--output-dir", str(tmp_path)]
    code, err = cli_run(capsys, *argv)
    assert code == 2, err
    line = one_line(err)
    assert "13,568 runs" in line and "--max-runs" in line, line
    with pytest.raises(Planned):
        cli.main([*argv, "--max-runs", "20000"])


def test_a_sweep_says_what_it_does_before_it_checks_its_inputs(tmp_path, monkeypatch):
    lines: list[str] = []
    seen: list[int] = []
    real = fingerprint.run_inputs

    def counted(*args, **kwargs):
        seen.append(len(lines))
        return real(*args, **kwargs)

    def stop(task):
        raise Planned

    monkeypatch.setattr(fingerprint, "run_inputs", counted)
    monkeypatch.setattr(sweep, "execute_task", stop)
    from techflows.run import engine, grid

    class Inline:
        description = "this process"

        def run(self, fn, tasks):
            for task in tasks:
                yield task, Planned()

        def close(self):
            pass

    monkeypatch.setattr(engine, "engine", lambda scheduler, jobs: Inline())
    spec = sweep.Sweep(
        name="weekly",
        notebooks=(OK,),
        points=tuple(grid.points(["2015-01-02", "2015-01-09"], {})),
        parameters={"source": "sample", "data_dir": ""},
        output_dir=tmp_path / "weekly",
    )
    sweep.run_sweep(spec, log=lines.append, progress=False)
    assert seen and seen[0] >= 1, f"inputs checked before any line: {lines}"
    assert "2 runs" in lines[0], lines


# --- point 15: list parameters in sweeps ------------------------------------------------------


@pytest.fixture
def planned(monkeypatch):
    """The Sweep the command line builds (nothing runs)."""
    got: list[sweep.Sweep] = []

    def capture(spec: sweep.Sweep, **kwargs):
        got.append(spec)
        raise Planned

    monkeypatch.setattr(sweep, "run_sweep", capture)

    def build(*argv: str) -> sweep.Sweep:
        with pytest.raises(Planned):
            cli.main(["sweep", *argv, "--as-of", "2026-01-02", "--source", "snapshot"])
        return got.pop()

    return build


def runs(spec: sweep.Sweep) -> list[dict[str, object]]:
    return [spec.run_parameters(p) for p in spec.points]


def test_a_list_parameter_is_one_value_in_a_sweep(planned):
    spec = planned("02_drivers", "--param", "event_window=-5,20")
    assert [r["event_window"] for r in runs(spec)] == ["-5,20"]


def test_a_list_value_is_not_silently_several_runs(planned):
    spec = planned("03_risks", "--param", "shock_sds=1,2")
    assert [r["shock_sds"] for r in runs(spec)] == ["1,2"]


def test_several_list_values_are_separated_by_semicolons(planned):
    spec = planned("03_risks", "--param", "shock_sds=1,2;0.5,1")
    assert sorted(r["shock_sds"] for r in runs(spec)) == ["0.5,1", "1,2"]


def test_several_plain_values_are_still_separated_by_commas(planned):
    spec = planned("01_current_status", "--param", "lookback_years=5,10")
    assert sorted(r["lookback_years"] for r in runs(spec)) == ["10", "5"]


def test_a_list_value_of_the_wrong_length_is_refused_in_one_line(tmp_path, capsys):
    code, err = cli_run(
        capsys, "sweep", "02_drivers", "--as-of", "2026-01-02", "--source", "snapshot",
        "--param", "event_window=-5,20;7", "--output-dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2 and "event_window=7: has 1 values, not 2" in one_line(err), err


def test_the_readme_documents_list_values_in_sweeps():
    readme = (REPO_ROOT / "README.md").read_text()
    assert "shock_sds=1,2;0.5,1" in readme
