"""Decide quickly whether the live sources can be reached."""

from __future__ import annotations

import socket

from techflows.config import NETWORK_PROBE_HOSTS, NETWORK_PROBE_TIMEOUT_S


def network_available(
    hosts: tuple[tuple[str, int], ...] = NETWORK_PROBE_HOSTS,
    timeout: float = NETWORK_PROBE_TIMEOUT_S,
) -> bool:
    """True if any probe host accepts a TCP connection within timeout seconds."""
    for host, port in hosts:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False
