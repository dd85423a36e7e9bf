"""Kernels forked from the warm process behave as ordinary kernels: they die, fail and end alone."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from techflows.run import report, warm_kernels


def quiet(message: str) -> None:
    """A log that drops progress lines."""


def write_notebook(path: Path, code: str) -> Path:
    parameters = new_code_cell('source = "sample"\nas_of = "latest"')
    parameters.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(f"# {path.stem}"), parameters, new_code_cell(code)]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": kernel}), path)
    return path


def kernels_of(zygote_pid: int) -> list[int]:
    """The live processes whose parent is the zygote (its forked kernels)."""
    children = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == zygote_pid and fields[0] != "Z":
            children.append(int(status.parent.name))
    return children


@pytest.mark.notebook
def test_a_dying_kernel_a_failing_cell_and_a_fine_one_side_by_side(tmp_path):
    if not warm_kernels.enabled():
        pytest.skip("TECHFLOWS_WARM_KERNELS=0")
    notebooks = [
        write_notebook(tmp_path / "a_dies.ipynb", "import os\nos.kill(os.getpid(), 9)"),
        write_notebook(tmp_path / "b_fails.ipynb", "raise ValueError('no')"),
        write_notebook(
            tmp_path / "c_works.ipynb",
            "import signal\nassert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN",
        ),
        write_notebook(tmp_path / "d_hangs.ipynb", "import time\ntime.sleep(60)"),
    ]
    out = tmp_path / "out"
    dies, fails, works, hangs = report.run_reports(
        notebooks, out, {"source": "sample"}, timeout=4, jobs=2, log=quiet
    )
    assert not dies.ok and "Dead" in dies.error.ename
    assert not fails.ok and fails.error.ename == "ValueError"
    assert works.ok, works.error
    assert not hangs.ok and hangs.error.ename == "Timeout"
    zygote = warm_kernels._zygote
    assert zygote is not None and zygote.ready, "the kernels were not forked"
    assert zygote.process.poll() is None  # a dead kernel does not take the zygote with it
    assert kernels_of(zygote.process.pid) == []  # every kernel ended with its run
    os.kill(zygote.process.pid, signal.SIGKILL)  # a zygote that dies: kernels start the usual way
    zygote.process.wait()
    (fallback,) = report.run_reports(
        notebooks[2:3], out, {"source": "sample"}, log=quiet, force=True
    )
    assert fallback.ok
