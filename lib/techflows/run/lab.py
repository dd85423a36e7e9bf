"""The project kernel's session set-up: the kernel "techflows" (`make lab` registers it) loads
this IPython extension.

In a session JupyterLab started, library edits reload on the next cell (autoreload), so no
Restart and Run All after editing lib/; batch runs (papermill, the runner) do not reload. In every
session, a bad input (techflows.DataError: a parameter, an option, a damaged file) is shown as
the one line that names the input and the problem, without a traceback; any other error keeps
its traceback, since it is a bug to find.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from techflows.errors import DataError

KERNEL = "techflows"  # the kernel's name, which the notebooks' metadata names
EXTENSION = "techflows.run.lab"  # this module, also when run as __main__


def interactive() -> bool:
    """True in a session a Jupyter server started (JupyterLab names the notebook in the kernel's
    environment); False under papermill and the runner."""
    return bool(os.environ.get("JPY_SESSION_NAME"))


def one_line(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    """Show a DataError as one line, 'DataError: parameter lookback_years=0: ...'."""
    shown = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, shown)  # what IPython itself calls to show an error
    return shown


def load_ipython_extension(shell: Any) -> None:
    """Set up a kernel session: one-line input errors; autoreload when interactive."""
    shell.set_custom_exc((DataError,), one_line)
    if interactive():
        shell.extension_manager.load_extension("autoreload")
        shell.run_line_magic("autoreload", "2")


def kernel_argv(python: str) -> list[str]:
    """The project kernel's command: ipykernel on this Python, with this extension loaded."""
    return [python, "-m", "ipykernel_launcher", "-f", "{connection_file}", f"--ext={EXTENSION}"]


def install(prefix: str = sys.prefix) -> Path:
    """Register the project kernel in this environment (`make lab` runs this)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = {
        "argv": kernel_argv(sys.executable),
        "display_name": KERNEL,
        "language": "python",
        "metadata": {"debugger": True},
    }
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
        where = KernelSpecManager().install_kernel_spec(folder, KERNEL, prefix=prefix)
    return Path(where)


if __name__ == "__main__":
    print(f"techflows: kernel {KERNEL!r} registered in {install()}")
