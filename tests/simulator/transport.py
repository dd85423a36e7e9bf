"""Route yfinance's and requests' HTTP calls to a simulated Service, and set the clock.

Only the transport is replaced: the HTTP session's request method (curl_cffi's, which
yfinance uses, and requests', which the FRED adapter uses). Everything above it runs as in
production: yfinance's cookie and crumb handling, its retries, its parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import requests
import yfinance as yf
import yfinance._http as yf_http
from requests.cookies import create_cookie
from yfinance.data import YfData

from simulator.service import Answer, Service, SimulatedRefusal, SimulatedTimeout
from techflows.data import market_calendar

COOKIE_EXPIRES = 2_000_000_000  # 2033


def _response(backend: object, answer: Answer, url: str) -> object:
    """The backend's own Response object carrying the answer."""
    body = answer.body.encode()
    if backend is requests:
        response = requests.Response()
        response._content = body
        response.status_code = answer.status
        response.url = url
        response.headers["Content-Type"] = answer.content_type
        response.encoding = "utf-8"
        return response
    response = backend.Response()
    response.content = body
    response.status_code = answer.status
    response.ok = answer.status < 400
    response.reason = HTTPStatus(answer.status).phrase
    response.url = url
    response.headers["Content-Type"] = answer.content_type
    return response


def _request_method(service: Service, backend: object) -> Callable[..., object]:
    timeout_error = backend.exceptions.ReadTimeout
    connection_error = backend.exceptions.ConnectionError

    def request(session: object, method: str, url: str, params: object = None, **options: object):
        try:
            answer = service.respond(method, url, dict(params or {}), options.get("timeout"))
        except SimulatedTimeout as exc:
            raise timeout_error(str(exc)) from None
        except SimulatedRefusal as exc:
            raise connection_error(str(exc)) from None
        except ConnectionError as exc:
            raise connection_error(str(exc)) from None
        if answer.cookie:  # what fc.yahoo.com's Set-Cookie leaves in the session's jar
            name, value = answer.cookie
            jar = yf_http.cookie_jar(session)
            jar.set_cookie(create_cookie(name, value, domain=".yahoo.com", expires=COOKIE_EXPIRES))
        return _response(backend, answer, url)

    return request


def install(service: Service, cache_dir: str | Path | None = None) -> Callable[[], None]:
    """Send all Yahoo/FRED traffic of this process to service; returns the undo function."""
    undo: list[Callable[[], None]] = []

    def patch(owner: object, name: str, value: object) -> None:
        old = getattr(owner, name)
        setattr(owner, name, value)
        undo.append(lambda: setattr(owner, name, old))

    backends = {yf_http.requests, requests}
    for backend in backends:
        patch(backend.Session, "request", _request_method(service, backend))
    patch(market_calendar, "now", lambda: service.now)
    folder = cache_dir or service.yfinance_cache
    if folder:  # yfinance's own timezone and cookie caches, away from the user's
        yf.set_tz_cache_location(str(folder))
    _forget_yfinance_state()
    undo.append(_forget_yfinance_state)
    move_clock = service.set_now

    def set_now(now: object) -> None:  # a new day is a new process: yfinance's memo is gone
        move_clock(now)
        YfData.cache_get.cache_clear()

    service.set_now = set_now  # type: ignore[method-assign]
    return lambda: [step() for step in reversed(undo)]


def _forget_yfinance_state() -> None:
    """Drop yfinance's in-process caches: its crumb and its memo of recent GET answers."""
    data = YfData()
    data._crumb = None
    data._cookie = None
    data.fundamentals_use_chunked = False
    YfData.cache_get.cache_clear()
