"""Decide quickly whether the live sources can be reached, directly or through a proxy.

Yahoo and FRED are probed separately (one can be down while the other answers), and a host
that cannot be reached comes with the reason, naming the proxy when one is in the way.
"""

from __future__ import annotations

import queue
import socket
import threading
import time
import urllib.request
from urllib.parse import urlsplit

from techflows.config import NETWORK_PROBE_HOSTS, NETWORK_PROBE_TIMEOUT_S


def proxy_url(host: str) -> str | None:
    """The proxy URL HTTPS requests to host go through (HTTPS_PROXY/ALL_PROXY, NO_PROXY)."""
    proxies = urllib.request.getproxies()
    url = proxies.get("https") or proxies.get("all")
    if not url or urllib.request.proxy_bypass(host):
        return None
    return url


def proxy_variable() -> str:
    """The environment variable the proxy comes from, as users set it."""
    import os

    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        if os.environ.get(name):
            return name
    return "HTTPS_PROXY"


def https_proxy(host: str) -> tuple[str, int] | None:
    """The proxy (host, port) HTTPS requests to host go through, if any.

    The same environment variables yfinance (curl) and requests honour.
    """
    url = proxy_url(host)
    if url is None:
        return None
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        return None
    return parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80)


def _tunnel(proxy: tuple[str, int], host: str, port: int, timeout: float) -> str:
    """'' if the proxy accepts a CONNECT to host:port (HTTP 200), else what it answered."""
    with socket.create_connection(proxy, timeout=timeout) as conn:
        request = f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n"
        conn.sendall(request.encode("ascii"))
        status = conn.recv(64).split(b"\r\n", 1)[0].decode("ascii", "replace").split(None, 1)
    if len(status) >= 2 and status[1].startswith("200"):
        return ""
    answer = status[1] if len(status) >= 2 else "no answer"
    return f"the proxy {proxy_url(host)} ({proxy_variable()}) answered {answer}"


def _probe(host: str, port: int, timeout: float, answers: queue.Queue[tuple[str, str]]) -> None:
    proxy = https_proxy(host)
    try:
        if proxy is not None:
            answers.put((host, _tunnel(proxy, host, port, timeout)))
            return
        with socket.create_connection((host, port), timeout=timeout):
            answers.put((host, ""))
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        if proxy is not None:
            answers.put((host, f"the proxy {proxy_url(host)} ({proxy_variable()}) failed: {why}"))
        else:
            answers.put((host, f"{host} could not be reached: {why}"))


def unreachable(
    hosts: tuple[tuple[str, int], ...] = NETWORK_PROBE_HOSTS,
    timeout: float = NETWORK_PROBE_TIMEOUT_S,
) -> dict[str, str]:
    """Each probe host that cannot be reached within timeout seconds in all, with why.

    An empty dict: every host answered.
    """
    answers: queue.Queue[tuple[str, str]] = queue.Queue()
    # Daemon threads: a DNS lookup that hangs (it has no timeout of its own) can neither
    # stall this call past the deadline nor keep the process alive at exit.
    for host, port in hosts:
        threading.Thread(target=_probe, args=(host, port, timeout, answers), daemon=True).start()
    deadline = time.monotonic() + timeout
    down = {host: f"{host} did not answer within {timeout:g} s" for host, _ in hosts}
    for _ in hosts:
        try:
            host, why = answers.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if why:
            down[host] = why
        else:
            down.pop(host)
    return down


def network_available(
    hosts: tuple[tuple[str, int], ...] = NETWORK_PROBE_HOSTS,
    timeout: float = NETWORK_PROBE_TIMEOUT_S,
) -> bool:
    """True if any probe host can be reached within timeout seconds in total."""
    return len(unreachable(hosts, timeout)) < len(hosts)
