"""Decide quickly whether the live sources can be reached, directly or through a proxy."""

from __future__ import annotations

import queue
import socket
import threading
import time
import urllib.request
from urllib.parse import urlsplit

from techflows.config import NETWORK_PROBE_HOSTS, NETWORK_PROBE_TIMEOUT_S


def https_proxy(host: str) -> tuple[str, int] | None:
    """The proxy HTTPS requests to host go through (HTTPS_PROXY/ALL_PROXY, NO_PROXY), if any.

    The same environment variables yfinance (curl) and requests honour.
    """
    proxies = urllib.request.getproxies()
    url = proxies.get("https") or proxies.get("all")
    if not url or urllib.request.proxy_bypass(host):
        return None
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        return None
    return parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80)


def _tunnel_opens(proxy: tuple[str, int], host: str, port: int, timeout: float) -> bool:
    """True if the proxy accepts a CONNECT to host:port (HTTP 200)."""
    with socket.create_connection(proxy, timeout=timeout) as conn:
        request = f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n"
        conn.sendall(request.encode("ascii"))
        status = conn.recv(64).split(b"\r\n", 1)[0].split()
    return len(status) >= 2 and status[1] == b"200"


def _probe(host: str, port: int, timeout: float, answers: queue.Queue[bool]) -> None:
    try:
        proxy = https_proxy(host)
        if proxy is not None:
            answers.put(_tunnel_opens(proxy, host, port, timeout))
            return
        with socket.create_connection((host, port), timeout=timeout):
            answers.put(True)
    except OSError:
        answers.put(False)


def network_available(
    hosts: tuple[tuple[str, int], ...] = NETWORK_PROBE_HOSTS,
    timeout: float = NETWORK_PROBE_TIMEOUT_S,
) -> bool:
    """True if any probe host can be reached within timeout seconds in total."""
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
