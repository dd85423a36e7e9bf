"""Processes that end with the one that started them: a sweep's workers, forked kernels.

However a sweep ends (Ctrl-C, kill, kill -9), its workers must not run on: each asks the
operating system to end it when its parent goes (Linux: PR_SET_PDEATHSIG), or, elsewhere,
watches its parent from a thread. What a worker starts follows it: the warm-kernel zygote
reads its requests from the worker and ends its kernels when that pipe closes; each kernel
forked from the zygote ends with the zygote; a kernel started the ordinary way ends when
ipykernel sees its parent (JPY_PARENT_PID) gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_S = 1.0


def _pdeathsig(signum: int) -> bool:
    """Ask Linux to send signum to this process when the thread that started it ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    os.kill(os.getpid(), signal.SIGKILL)


def end_with_parent(parent: int | None = None) -> None:
    """End this process (SIGKILL) as soon as its parent has gone.

    parent: the pid this process was started by, when known (a process that was started by a
    thread of it: Linux ties the death signal to that thread, so call this only in processes
    started by a thread that lives as long as its process: the main thread, a zygote's loop).
    """
    parent = os.getppid() if parent is None else parent
    if not _pdeathsig(signal.SIGKILL):
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # it went before the request took effect
        os.kill(os.getpid(), signal.SIGKILL)


def sweep_worker(parent: int) -> None:
    """A sweep worker's start: Ctrl-C is the sweep's to handle; end with the sweep."""
    with contextlib.suppress(ValueError):  # not the main thread: nothing to set
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent(parent)
