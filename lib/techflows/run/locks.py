"""One run at a time in an output folder: a report's folder, a sweep's folder.

A run holds an advisory lock (flock) on LOCK_FILE in its folder from before it decides what to
reuse until its index is written. The kernel drops the lock with the process however the
process ends (kill -9 included), so a crash never leaves a stale lock behind. A second run
into the same folder says once that it waits, and for whom, then waits; when its turn comes it
sees the first run's stamps, so it reuses what the first made if its inputs are the same.

Without fcntl (Windows) runs are not locked.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

LOCK_FILE = ".run.lock"


def _holder(handle: IO[str]) -> str:
    """Who holds the lock, as the holder wrote it: 'techflows report (pid 12, since 10:02:03)'."""
    handle.seek(0)
    try:
        found = json.loads(handle.read() or "{}")
    except ValueError:
        found = {}
    if not isinstance(found, dict) or not found.get("pid"):
        return "another run"
    where = f"pid {found['pid']}" + (f" on {found['host']}" if found.get("host") else "")
    return f"{found.get('what') or 'another run'} ({where}, since {found.get('since', '?')})"


@contextlib.contextmanager
def holding(folder: Path, what: str, log: Callable[[str], None]) -> Iterator[None]:
    """Hold folder's run lock for the block; if another run holds it, say so once and wait."""
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform
        yield
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for {_holder(handle)} to finish with {folder}")
            fcntl.flock(handle, fcntl.LOCK_EX)  # Ctrl-C interrupts the wait
        me = {
            "what": what,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now().strftime("%H:%M:%S"),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(me))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
