"""A stopped sweep takes its workers and kernels with it, and Ctrl-C prints one line.

Issue 21 point 13. A real `techflows sweep` in its own session (as a terminal would start it)
runs a notebook that sleeps, three runs in one or two real kernels at a time (forked from the
warm-kernel zygote, or started the plain way); once they are up, the sweep is killed (kill -9),
terminated (kill) or interrupted (Ctrl-C to its process group), and every process it had
started, or starts after, must be gone soon after.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = [
    pytest.mark.notebook,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)"),
]

PARAMETERS = """\
as_of = "latest"  # date or latest: cut all data at this date
source = "sample"  # one of auto, yahoo, csv, snapshot, sample: where the data come from
data_dir = ""  # folder: the csv folder
output_dir = ""  # text: where figures go
"""
SLEEPS = """\
import os, pathlib, time
pathlib.Path(os.environ["TECHFLOWS_TEST_MARKERS"], str(os.getpid())).touch()
time.sleep(600)
"""
START_S = 180.0  # workers, their kernels' zygotes and kernels all starting on a busy machine
GONE_S = 30.0


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a live process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[0]


def descendants(root: int) -> set[int]:
    """Every live process below root (children, theirs, ...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))):
            parents[int(entry.name)] = found[0]
    below, todo = set(), [root]
    while todo:
        pid = todo.pop()
        children = [c for c, p in parents.items() if p == pid and c not in below]
        below.update(children)
        todo += children
    return below


def alive(pids: set[int]) -> set[int]:
    return {p for p in pids if (found := _stat(p)) is not None and found[1] != "Z"}


def started_with(marker: str) -> set[int]:
    """Live processes whose environment holds marker: every process a sweep of the test made."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            environ = (entry / "environ").read_bytes() if entry.name.isdigit() else b""
        except OSError:
            continue
        if marker.encode() in environ.split(b"\0"):
            found.add(int(entry.name))
    return alive(found) - {os.getpid()}


@pytest.fixture
def sweep_running(tmp_path):
    """A function starting a sweep of three sleeping runs (the fixture ends what it leaves)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    cells = [
        new_markdown_cell("# Sleeps"),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(SLEEPS),
    ]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = folder / "01_sleeps.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": kernel}), notebook)
    markers = tmp_path / "markers"
    markers.mkdir()
    started: list[subprocess.Popen] = []
    seen: set[int] = set()

    def start(warm: bool, jobs: int) -> tuple[subprocess.Popen, Any, list[str], threading.Thread]:
        """Start the sweep (3 runs, jobs at a time) and wait until jobs kernels run."""
        env = {**os.environ, "TECHFLOWS_TEST_MARKERS": str(markers)}
        env["TECHFLOWS_WARM_KERNELS"] = "1" if warm else "0"
        argv = [sys.executable, "-m", "techflows", "sweep", str(notebook), "--as-of"]
        argv += ["2015-01-02,2015-01-09,2015-01-16", "--source", "sample", "--jobs", str(jobs)]
        argv += ["--output-dir", str(tmp_path / "sweeps")]
        process = subprocess.Popen(
            argv, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        started.append(process)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + START_S
        while len(list(markers.iterdir())) < jobs:
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, f"the kernels never started: {''.join(lines)}"
            time.sleep(0.2)
        kernels = {int(p.name) for p in markers.iterdir()}
        below = descendants(process.pid)
        assert kernels <= below, (kernels, below)
        seen.update(below)

        def ours() -> set[int]:
            """Its processes of then, and any it started since (a kernel for a queued run)."""
            return alive(below) | started_with(f"TECHFLOWS_TEST_MARKERS={markers}")

        return process, ours, lines, reader

    yield start
    for process in started:  # whatever the outcome, leave nothing of ours running
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    for pid in alive(seen) | started_with(f"TECHFLOWS_TEST_MARKERS={markers}"):
        os.kill(pid, signal.SIGKILL)


def gone_soon(ours) -> set[int]:
    """The processes of the sweep still alive after GONE_S."""
    deadline = time.monotonic() + GONE_S
    while ours() and time.monotonic() < deadline:
        time.sleep(0.2)
    return ours()


def test_kill_9_of_a_sweep_ends_its_workers_and_kernels(sweep_running):
    process, ours, _, _ = sweep_running(warm=True, jobs=1)
    process.kill()
    process.wait(timeout=30)
    assert not gone_soon(ours), "still running after the sweep was killed"


def test_kill_of_a_sweep_with_plain_kernels_ends_everything_in_one_line(sweep_running):
    process, ours, lines, reader = sweep_running(warm=False, jobs=1)
    before = len(lines)
    process.terminate()
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    reader.join(GONE_S)  # stderr ends when the last process holding it has gone
    assert not gone_soon(ours), "still running after the sweep was terminated"
    said = [s for s in re.split(r"[\r\n]", "".join(lines[before:])) if s.strip() and "%|" not in s]
    assert len(said) == 1 and "stopped" in said[0], said


def test_ctrl_c_of_a_sweep_prints_one_line_and_ends_everything(sweep_running):
    process, ours, lines, reader = sweep_running(warm=False, jobs=2)
    before = len(lines)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends to its foreground group
    assert process.wait(timeout=60) == 130
    reader.join(GONE_S)  # stderr ends when the last process holding it has gone
    err = "".join(lines[before:])
    assert "Traceback" not in err, err
    said = [s for s in re.split(r"[\r\n]", err) if s.strip() and "%|" not in s]
    assert len(said) == 1 and "interrupted" in said[0], said
    assert not gone_soon(ours), "still running after Ctrl-C"
