"""Clean notebooks in git: nbstripout as the git filter `make` installs, a fingerprint blind to
outputs and run metadata, and the project kernel."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

from conftest import FIXTURES, REPO_ROOT
from techflows.run import fingerprint

VENV = Path(sys.executable).parent.parent
FIXTURE = FIXTURES / "notebooks" / "01_ok.ipynb"


def run(*argv: str, cwd: Path) -> str:
    return subprocess.run(
        argv, cwd=cwd, check=True, capture_output=True, text=True, timeout=120
    ).stdout


def as_after_a_run(path: Path) -> None:
    """What saving after Run All in JupyterLab adds: outputs, counts and run metadata."""
    notebook = nbformat.read(path, as_version=4)
    for i, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [new_output("stream", name="stdout", text=f"output {i}\n")]
        cell.metadata["execution"] = {"iopub.execute_input": "2026-02-13T10:00:00.000Z"}
        cell.metadata["papermill"] = {"duration": 1.5}
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    notebook.metadata["papermill"] = {"input_path": "x.ipynb"}
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "techflows",
    }
    nbformat.write(notebook, path)


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None, reason="no git")
def test_make_installs_nbstripout_as_the_git_filter(tmp_path):
    repo = tmp_path / "clone"
    repo.mkdir()
    run("git", "init", "-q", cwd=repo)
    for name in ("Makefile", ".gitattributes"):
        shutil.copy(REPO_ROOT / name, repo / name)
    stamp = VENV / ".installed-stamp"
    run("make", "-s", "-o", str(stamp), "git-filter", f"VENV={VENV}", cwd=repo)
    notebook = repo / "section.ipynb"
    shutil.copy(FIXTURE, notebook)
    as_after_a_run(notebook)
    run("git", "add", "section.ipynb", cwd=repo)
    staged = json.loads(run("git", "show", ":section.ipynb", cwd=repo))
    assert "language_info" not in staged["metadata"] and "papermill" not in staged["metadata"]
    source = json.loads(FIXTURE.read_text())
    assert [c["id"] for c in staged["cells"]] == [c["id"] for c in source["cells"]]
    for cell in staged["cells"]:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
        assert not {"execution", "papermill"} & set(cell["metadata"])
    # What git shows as a diff is the cleaned notebook too.
    assert "output 0" not in run("git", "diff", "--cached", cwd=repo)


def test_the_fingerprint_hashes_sources_and_parameters_not_outputs(tmp_path):
    clean = tmp_path / "a" / "01_ok.ipynb"
    ran = tmp_path / "b" / "01_ok.ipynb"
    for path in (clean, ran):
        path.parent.mkdir()
        shutil.copy(FIXTURE, path)
    as_after_a_run(ran)
    params = {"source": "sample", "as_of": "latest"}
    before = fingerprint.run_inputs(clean, params, "sample")
    assert fingerprint.run_inputs(ran, params, "sample").notebook == before.notebook
    notebook = nbformat.read(ran, as_version=4)
    notebook.cells[-1].source += "\n# an edit"
    nbformat.write(notebook, ran)
    assert fingerprint.run_inputs(ran, params, "sample").notebook != before.notebook
    other = fingerprint.run_inputs(clean, {**params, "lookback_years": 5}, "sample")
    assert other.digest != before.digest
