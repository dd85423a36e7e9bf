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


def test_environment_yml_installs_exactly_the_pyproject_set():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert sorted(name.split("=")[0] for name in conda) == ["pip", "python"]
    assert pip == [{"pip": ["-e .[dev]"]}], (
        "environment.yml must install pyproject's set, nothing else"
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
    assert notebook.metadata["kernelspec"]["name"] == "python3"
