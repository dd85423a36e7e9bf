"""Repository hygiene: one dependency list, clean notebooks, a parameters cell everywhere."""

from __future__ import annotations

import tomllib

import nbformat
import pytest
import yaml
from packaging.specifiers import SpecifierSet

from conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
SHARED_PARAMETERS = (
    "as_of",
    "lookback_years",
    "source",
    "data_dir",
    "universe",
    "week_end",
    "output_dir",
)
# Run records git must never see: they change with every run, not with the analysis.
RUN_METADATA = ("language_info", "papermill", "widgets", "signature")
CELL_RUN_METADATA = ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled")


def test_environment_yml_installs_exactly_the_pyproject_set():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert sorted(name.split("=")[0] for name in conda) == ["pip", "python"]
    assert pip == [{"pip": ["-c constraints.txt", "-e .[dev]"]}], (
        "environment.yml must install pyproject's set at the tested versions, nothing else"
    )
    python = next(d for d in conda if d.startswith("python="))
    assert python.split("=")[1] + ".0" in SpecifierSet(project["requires-python"])
    assert "dev" in project["optional-dependencies"]


def test_there_are_section_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a code cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_has_the_shared_parameters_cell(path):
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    names = {line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line}
    assert set(SHARED_PARAMETERS) <= names


def test_the_shared_parameters_are_declared_once_in_lib():
    from techflows.run.parameters import SHARED

    assert tuple(SHARED) == SHARED_PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_saves_the_shared_defaults(path):
    """A saved edit to a shared parameter fails the suite, naming the parameter."""
    from techflows.run import parameters

    assert parameters.saved_edits(path) == [], f"{path.name}: saved values differ from the defaults"
    shared = parameters.parameter_lines(parameters.SHARED_CELL)
    mine = parameters.parameter_lines(parameters.parameters_cell(nbformat.read(path, as_version=4)))
    for name, line in shared.items():
        assert mine[name] == line, f"{path.name}: {name} is declared unlike the shared one"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_names_the_project_kernel_and_keeps_no_run_metadata(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"] == {
        "display_name": "techflows",
        "language": "python",
        "name": "techflows",
    }
    assert not set(RUN_METADATA) & set(notebook.metadata), path.name
    for cell in notebook.cells:
        assert not set(CELL_RUN_METADATA) & set(cell.metadata), f"{path.name}: cell {cell.id}"


def test_git_strips_notebooks_through_nbstripout():
    attributes = (REPO_ROOT / ".gitattributes").read_text().splitlines()
    assert "*.ipynb filter=nbstripout diff=ipynb" in attributes


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_section_notebooks_are_named_nn_name(path):
    from techflows.run.sections import is_section

    assert is_section(path), f"{path.name}: sections are named NN_name.ipynb"
