"""Adding a section: `techflows new`, which notebooks are published, an index without ghosts."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from conftest import ARTICLES_DATE, FIXTURES, REPO_ROOT
from techflows.errors import DataError
from techflows.run import cli, parameters, report
from techflows.run.execute import RunResult


def quiet(message: str) -> None:
    """A log that drops progress lines."""


@pytest.fixture(scope="module")
def new_section(tmp_path_factory):
    """`techflows new 07_example` in an empty notebooks folder, then that notebook reported."""
    folder = tmp_path_factory.mktemp("notebooks")
    code = cli.main(["new", "07_example", "--notebook-dir", str(folder)])
    path = folder / "07_example.ipynb"
    out = tmp_path_factory.mktemp("reports")
    results = report.run_reports(
        [path], out, {"source": "snapshot", "as_of": ARTICLES_DATE}, jobs=1, log=quiet
    )
    return code, path, out, results[0]


def test_new_writes_a_section_with_the_conventions(new_section):
    code, path, _, _ = new_section
    assert code == 0
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "techflows"
    tags = [t for c in notebook.cells for t in c.metadata.get("tags", [])]
    assert tags.count("parameters") == 1 and tags.count("answer") == 1 and "method" in tags
    cell = parameters.parameters_cell(notebook)
    assert parameters.parameter_lines(cell) == parameters.parameter_lines(parameters.SHARED_CELL)
    code_text = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    conventions = ("check_parameters(globals())", "nb.banner(src)", "nb.Figures(", "figs.write()")
    for convention in conventions:
        assert convention in code_text
    assert notebook.cells[0].source.startswith("# 07 · ")
    assert all(c.outputs == [] for c in notebook.cells if c.cell_type == "code")


@pytest.mark.notebook
def test_the_new_section_runs_as_a_report(new_section):
    _, _, out, result = new_section
    assert result.ok, result.error
    html = (out / "07_example" / "07_example.html").read_text()
    assert "techflows-banner" in html and 'id="answer"' in html
    assert "celltag_method" in html and "data:image/png;base64" in html
    figures = json.loads((out / "07_example" / "figures.json").read_text())
    assert figures["answer"]["verdict"] and figures["figures"] and figures["tables"]


def test_new_refuses_a_name_that_is_not_nn_name_and_keeps_an_existing_notebook(tmp_path, capsys):
    assert cli.main(["new", "Untitled", "--notebook-dir", str(tmp_path)]) == 2
    assert "NN_name" in capsys.readouterr().err
    existing = tmp_path / "07_mine.ipynb"
    existing.write_text("{}")
    assert cli.main(["new", "07_mine", "--notebook-dir", str(tmp_path)]) == 2
    assert "exists" in capsys.readouterr().err and existing.read_text() == "{}"


def test_only_nn_name_notebooks_are_published_and_the_others_are_named(tmp_path):
    for name in ("01_ok.ipynb", "02_raises.ipynb"):
        shutil.copy(FIXTURES / "notebooks" / name, tmp_path / name)
    for name in ("Untitled.ipynb", "01_ok-Copy1.ipynb", "scratch.ipynb"):
        shutil.copy(FIXTURES / "notebooks" / "01_ok.ipynb", tmp_path / name)
    lines: list[str] = []
    found = report.find_notebooks(notebook_dir=tmp_path, log=lines.append)
    assert [p.name for p in found] == ["01_ok.ipynb", "02_raises.ipynb"]
    assert len(lines) == 1
    for skipped in ("Untitled.ipynb", "01_ok-Copy1.ipynb", "scratch.ipynb"):
        assert skipped in lines[0]
    with pytest.raises(DataError, match="NN_name"):
        report.find_notebooks(["Untitled"], notebook_dir=tmp_path)


def _result(name: str, notebook: str) -> RunResult:
    return RunResult(name, notebook, name, "ok", "2026-02-13T21:00:00+00:00", 1.0, 1, {})


def test_the_index_drops_sections_whose_notebook_is_gone(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    kept, gone = notebooks / "01_kept.ipynb", notebooks / "02_gone.ipynb"
    for path in (kept, gone):
        shutil.copy(FIXTURES / "notebooks" / "01_ok.ipynb", path)
        (tmp_path / "out" / path.stem).mkdir(parents=True)
    out = tmp_path / "out"
    report.write_summary([_result("01_kept", str(kept)), _result("02_gone", str(gone))], out)
    gone.unlink()
    records = report.write_summary([_result("01_kept", str(kept))], out)
    assert [r["name"] for r in records] == ["01_kept"]
    assert "02_gone" not in (out / "index.html").read_text()


def test_an_answer_cell_without_claims_of_its_own_runs(snapshot_source):
    from techflows.claims import ledger
    from techflows.views import answers

    table = ledger.ledger(snapshot_source, answers.section_claims("07_example"))
    assert table.empty and "verdict" in table.columns
    assert answers.checked(table) == 0 and answers.contradicted(table) == ()


def test_the_readme_says_how_to_add_a_section():
    readme = (REPO_ROOT / "README.md").read_text()
    assert "## Adding a section" in readme
    section = readme.split("## Adding a section", 1)[1].split("\n## ", 1)[0]
    for step in ("techflows new", "NN_name", "parameters", "figs.answer", "method", "make clean"):
        assert step in section, step
