"""HTTP sessions that consult the outage memory before every request (yfinance's and FRED's).

yfinance takes a session of its own HTTP backend (curl_cffi, else requests); FRED is read with
requests. Each guarded session checks the memory when a request is about to be made, caps
its timeout (and by the run's remaining budget), tries a timeout or a refused connection once
more, charges failed time to the budget, and records a failure for every other notebook.
The last reason a thread's requests failed for is kept, because yfinance turns some failures
into misleading ones (a refused connection becomes "possibly delisted; no timezone found").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from techflows.data.sources.network import proxy_url, proxy_variable
from techflows.data.sources.outages import (
    NetworkDown,
    Outages,
    endpoint,
    endpoint_name,
    site_name,
)

_last = threading.local()


def last_failure() -> str:
    """Why this thread's latest failed request failed ('' since forget_failure, if none)."""
    return getattr(_last, "reason", "")


def forget_failure() -> None:
    """Start a new call: its failures are its own."""
    _last.reason = ""


RATE_LIMITED = "Yahoo Finance rate-limited it (HTTP 429)"


def _note_answer(url: str, response: Any) -> None:
    """Keep what a finance API answer says that yfinance may turn into another error."""
    host = urlsplit(url).hostname or ""
    status = getattr(response, "status_code", 200)
    if not host.endswith("finance.yahoo.com"):
        return
    if status == 429:
        _last.reason = RATE_LIMITED
    elif status == 404:
        try:
            error = next(iter(response.json().values()))["error"] or {}
        except (ValueError, TypeError, KeyError, AttributeError, StopIteration):
            error = {}
        said = error.get("description") or "Not Found"
        _last.reason = f"delisted, or not a ticker Yahoo Finance knows (HTTP 404: {said})"
    elif status < 400 and last_failure() == RATE_LIMITED:
        _last.reason = ""


def describe(exc: BaseException, url: str, timeout: float) -> tuple[str, bool]:
    """A failed request in words, and whether the whole site is down (not one endpoint)."""
    host = urlsplit(url).hostname or ""
    text = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
    if "Timeout" in type(exc).__name__ or "timed out" in text.lower():
        return f"{endpoint_name(host, endpoint(url))} timed out after {timeout:g} s", False
    proxy = proxy_url(host)
    if proxy:
        return (
            f"{site_name(host)} could not be reached through the proxy {proxy} "
            f"({proxy_variable()}): {text}"
        ), True
    return f"{site_name(host)} refused the connection ({text})", True


def guarded(
    send: Callable[..., Any],
    outages: Outages,
    errors: tuple[type[BaseException], ...],
    method: str,
    url: str,
    **options: Any,
) -> Any:
    """send(method, url, **options) under the memory, the timeout cap and the budget."""
    policy = outages.policy
    for attempt in range(policy.tries):
        reason = outages.down(url)
        left = outages.left()
        if not reason and left <= 0:
            reason = outages.spent_reason()
        if reason:
            _last.reason = reason
            raise NetworkDown(reason)
        asked = options.get("timeout") or policy.timeout_s
        read = asked[-1] if isinstance(asked, tuple | list) else asked
        read = max(0.001, min(float(read), policy.timeout_s, left))
        options["timeout"] = (min(policy.connect_s, read), read)
        started = time.monotonic()
        try:
            response = send(method, url, **options)
        except errors as exc:
            outages.charge(time.monotonic() - started)
            reason, whole_site = describe(exc, url, read)
            _last.reason = reason
            last = attempt == policy.tries - 1
            if last or not outages.wait(policy.first_delay_s * 2**attempt):
                reason += f" ({attempt + 1} tries)" if attempt else ""
                if not last:
                    reason += f"; {outages.spent_reason()}"
                outages.record(url, reason, whole_site)
                reason = outages.down(url) or reason  # as every later request will say it
                _last.reason = reason
                raise NetworkDown(reason) from exc
        else:
            _note_answer(url, response)
            return response
    raise NetworkDown("no tries")  # policy.tries < 1


def _backend_errors(backend: Any) -> tuple[type[BaseException], ...]:
    exceptions = backend.exceptions
    names = ("Timeout", "ConnectionError", "ProxyError", "SSLError")
    return tuple(getattr(exceptions, n) for n in names if hasattr(exceptions, n))


def yahoo_session(outages: Outages) -> Any:
    """A session of yfinance's HTTP backend (curl_cffi or requests), guarded, set up as
    yfinance sets up its own."""
    from yfinance import _http

    backend = _http.requests
    errors = _backend_errors(backend)

    class Guarded(backend.Session):  # type: ignore[misc, name-defined]
        def request(self, method: str, url: str, *args: Any, **options: Any) -> Any:
            def send(m: str, u: str, **o: Any) -> Any:
                return super(Guarded, self).request(m, u, *args, **o)

            return guarded(send, outages, errors, method, url, **options)

    if _http.HAS_CURL_CFFI:
        return Guarded(impersonate="chrome")
    session = Guarded()
    session.headers.update(_http.new_session().headers)
    return session


class FredSession(requests.Session):
    """requests, guarded: FRED's CSV downloads."""

    def __init__(self, outages: Outages) -> None:
        super().__init__()
        self.outages = outages

    def request(self, method: str, url: str, *args: Any, **options: Any) -> Any:  # type: ignore[override]
        """One request under the outage memory and the budget."""

        def send(m: str, u: str, **o: Any) -> Any:
            return super(FredSession, self).request(m, u, *args, **o)

        errors = (requests.Timeout, requests.ConnectionError)
        return guarded(send, self.outages, errors, method, url, **options)
