"""The analyst in JupyterLab, without a browser: where interactive runs write, the project
kernel's session set-up (autoreload, one-line errors) and the make targets."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from conftest import REPO_ROOT
from techflows import config
from techflows.run import notebook as nb

VENV = Path(sys.executable).parent.parent
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_an_interactive_run_writes_to_the_scratch_folder_not_the_report(snapshot_source):
    figs = nb.Figures("06_claims", snapshot_source)
    assert figs.output_dir == config.OUTPUT_DIR / "lab" / "06_claims"
    assert figs.output_dir != config.OUTPUT_DIR / "06_claims"
    given = nb.Figures("06_claims", snapshot_source, "/tmp/somewhere")
    assert given.output_dir == Path("/tmp/somewhere")  # the runner's staging folder


@pytest.fixture
def shell():
    """A fresh IPython shell, as a kernel has."""
    from techflows.run import lab

    created = InteractiveShell()
    yield created, lab
    for loaded in list(created.extension_manager.loaded):
        created.extension_manager.unload_extension(loaded)
    InteractiveShell.clear_instance()


def test_interactive_sessions_get_autoreload(shell, monkeypatch):
    ipython, lab = shell
    monkeypatch.setenv("JPY_SESSION_NAME", str(REPO_ROOT / "notebooks" / "01_current_status.ipynb"))
    lab.load_ipython_extension(ipython)
    assert any(e.endswith("autoreload") for e in ipython.extension_manager.loaded)


def test_batch_runs_do_not(shell, monkeypatch):
    ipython, lab = shell
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    lab.load_ipython_extension(ipython)
    assert not any(e.endswith("autoreload") for e in ipython.extension_manager.loaded)


def test_a_bad_parameter_is_one_line_without_a_traceback(shell, capsys):
    ipython, lab = shell
    lab.load_ipython_extension(ipython)
    ipython.run_cell("lookback_years = 0  # int 1..100: years of history", store_history=True)
    ipython.run_cell(
        "from techflows.run.notebook import check_parameters\ncheck_parameters(globals())",
        store_history=True,
    )
    shown = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(shown) == 1, shown
    assert "lookback_years" in shown[0] and "Traceback" not in shown[0]
    # Other errors keep their traceback: they are bugs to find.
    ipython.run_cell("1 / 0")
    assert "Traceback" in capsys.readouterr().out


@needs_make
def test_make_lab_registers_the_kernel_and_opens_the_repository_on_notebooks():
    commands = subprocess.run(
        ["make", "-n", "-B", "lab", f"VENV={VENV}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-m techflows.run.lab" in commands  # registers the kernel "techflows"
    lab = next(line for line in commands.splitlines() if "jupyter lab" in line)
    assert f"--ServerApp.root_dir={REPO_ROOT}" in lab
    assert "--LabApp.default_url=/lab/tree/notebooks" in lab
    assert "--notebook-dir=notebooks" not in lab


@needs_make
def test_make_clean_keeps_the_environment():
    commands = subprocess.run(
        ["make", "-n", "clean"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "outputs" in commands
    assert ".venv" not in commands
