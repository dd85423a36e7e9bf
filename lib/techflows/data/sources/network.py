"""Decide quickly whether the live sources can be reached."""

from __future__ import annotations

import queue
import socket
import threading
import time

from techflows.config import NETWORK_PROBE_HOSTS, NETWORK_PROBE_TIMEOUT_S


def _probe(host: str, port: int, timeout: float, answers: queue.Queue[bool]) -> None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            answers.put(True)
    except OSError:
        answers.put(False)


def network_available(
    hosts: tuple[tuple[str, int], ...] = NETWORK_PROBE_HOSTS,
    timeout: float = NETWORK_PROBE_TIMEOUT_S,
) -> bool:
    """True if any probe host accepts a TCP connection within timeout seconds in total."""
    answers: queue.Queue[bool] = queue.Queue()
    # Daemon threads: a DNS lookup that hangs (it has no timeout of its own) can neither
    # stall this call past the deadline nor keep the process alive at exit.
    for host, port in hosts:
        threading.Thread(target=_probe, args=(host, port, timeout, answers), daemon=True).start()
    deadline = time.monotonic() + timeout
    for _ in hosts:
        try:
            if answers.get(timeout=max(0.0, deadline - time.monotonic())):
                return True
        except queue.Empty:
            return False
    return False
