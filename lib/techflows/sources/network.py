"""Decide quickly whether the live sources can be reached."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor, wait

from techflows.config import NETWORK_PROBE_HOSTS, NETWORK_PROBE_TIMEOUT_S


def _reachable(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def network_available(
    hosts: tuple[tuple[str, int], ...] = NETWORK_PROBE_HOSTS,
    timeout: float = NETWORK_PROBE_TIMEOUT_S,
) -> bool:
    """True if any probe host accepts a TCP connection within timeout seconds in total."""
    # Probes run in daemon-like threads so a hanging DNS lookup cannot stall the caller.
    pool = ThreadPoolExecutor(max_workers=len(hosts))
    futures = [pool.submit(_reachable, host, port, timeout) for host, port in hosts]
    done, _ = wait(futures, timeout=timeout)
    pool.shutdown(wait=False, cancel_futures=True)
    return any(f.result() for f in done)
