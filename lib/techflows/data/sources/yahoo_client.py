"""Calls into yfinance: failures raised, never read from its log, and back-off on rate limits.

yfinance hides most failures by default: a rate-limited cash-flow request comes back as an
empty table, a failed share count as None, and yf.download reports a failed ticker only in
its log (which a user's logging settings can silence). Every call here runs with
`yf.config.debug.hide_exceptions = False`, one ticker per yf.Ticker call, so a failure is an
exception (FetchFailed with a one-line reason) and an empty answer really means Yahoo has
none. Requests go through a guarded session (sessions.py): the outage memory, the timeout
cap and the run's budget apply to each.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

import pandas as pd
import yfinance as yf
from yfinance.exceptions import YFRateLimitError

from techflows.data import market_calendar
from techflows.data.sources import retry
from techflows.data.sources.outages import NetworkDown, Outages
from techflows.data.sources.retry import FetchFailed, short, waited, with_backoff
from techflows.data.sources.sessions import forget_failure, last_failure, yahoo_session
from techflows.data.sources.yahoo_tidy import tidy_history

T = TypeVar("T")

# yfinance's own retries are off: the guarded session tries a timeout or a refused connection
# again itself, under the outage memory and the budget, and yfinance's waits are real sleeps.
YF_RETRIES = 0
TRIES, FIRST_DELAY_S = 4, 2.0  # our back-off on HTTP 429: wait 2, 4, 8 s
THREADS = 8  # tickers downloaded at once (yf.download uses 2 per CPU)
# yfinance 1.7 still uses inplace=True, deprecated in pandas 3 (Pandas4Warning, which pandas
# 2.x does not have; both are DeprecationWarnings).
PANDAS_DEPRECATION = getattr(pd.errors, "Pandas4Warning", DeprecationWarning)
PERMANENT_WORDS = ("delisted", "Not Found", "404", "YFTzMissingError", "YFPricesMissingError")
_raising = threading.Lock()
_raising_calls = 0  # calls (threads) inside yfinance_raising
_hidden = True  # yfinance's setting before the first of them


def rate_limited(message: str) -> bool:
    """True if yfinance reported an HTTP 429."""
    return any(word in message for word in ("YFRateLimitError", "Too Many Requests", "HTTP 429"))


@contextmanager
def yfinance_raising(quiet: bool = True) -> Iterator[None]:
    """Run yfinance with exceptions raised (threads of a batch share the setting).

    quiet: also silence the pandas deprecations yfinance triggers; warning filters are the
    process's, so only the thread that starts a batch sets them (not its workers).
    """
    global _raising_calls, _hidden
    with _raising:
        if _raising_calls == 0:
            _hidden = yf.config.debug.hide_exceptions
            yf.config.debug.hide_exceptions = False
        _raising_calls += 1
    try:
        with warnings.catch_warnings() if quiet else nullcontext():
            if quiet:
                warnings.filterwarnings("ignore", category=PANDAS_DEPRECATION)  # in yfinance
            yield
    finally:
        with _raising:
            _raising_calls -= 1
            if _raising_calls == 0:
                yf.config.debug.hide_exceptions = _hidden


def rate_limit_reason(tries: int) -> str:
    """Why a request was given up after back-off."""
    return (
        f"Yahoo Finance rate-limited it {tries} times in {waited(tries, FIRST_DELAY_S):g} s; "
        "wait a few minutes and run again"
    )


def reason(exc: BaseException) -> str:
    """Why a yfinance call failed, in one line; the transport's reason when it had one.

    yfinance turns some network failures into others (a refused connection surfaces as
    "possibly delisted; no timezone found"): the guarded session's last failure in this
    thread says what really happened.
    """
    if isinstance(exc, YFRateLimitError):
        return "YFRateLimitError: Yahoo Finance rate-limited it (HTTP 429)"
    transport = last_failure()
    if transport or isinstance(exc, NetworkDown):
        return transport or str(exc)
    text = short(str(exc)) or type(exc).__name__
    if any(word in text for word in ("delisted", "Not Found", "404")):
        return f"delisted, or not a ticker Yahoo Finance knows ({type(exc).__name__}: {text})"
    return f"Yahoo Finance failed: {type(exc).__name__}: {text}"


def permanent(why: str) -> bool:
    """True for a failure asking again today will not cure (a delisted or unknown ticker)."""
    return not rate_limited(why) and any(word in why for word in PERMANENT_WORDS)


class YahooClient:
    """Daily bars in batches and yf.Ticker calls, with back-off; failures become FetchFailed.

    wait: the wait between tries (LiveAdapter.wait: charged to the run's budget; False when
    it is spent).
    """

    def __init__(
        self,
        outages: Outages,
        wait: Callable[[float], bool | None] | None = None,
        tries: int = TRIES,
    ) -> None:
        self.outages = outages
        self.wait = wait or retry.pause
        self.tries = tries
        self.session = yahoo_session(outages)
        yf.config.network.retries = YF_RETRIES

    def download(
        self,
        tickers: list[str],
        auto_adjust: bool = True,
        start: str | None = None,
        period: str | None = None,
    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        """Daily bars (with a 'Stock Splits' column) of each ticker, from start or over period.

        Only rate-limited tickers are asked again, after back-off. Returns the bars of each
        ticker that came, and the reason for each that did not.
        """
        found: dict[str, pd.DataFrame] = {}
        failed: dict[str, str] = {}
        todo = list(dict.fromkeys(tickers))
        for attempt in range(self.tries):
            bars, errors = self._batch(todo, auto_adjust=auto_adjust, start=start, period=period)
            found.update(bars)
            for ticker in todo:
                failed.pop(ticker, None)
                if ticker not in found:
                    failed[ticker] = errors.get(ticker, "Yahoo Finance returned no bars")
            limited = [t for t in todo if t in failed and rate_limited(failed[t])]
            if not limited:
                break
            if attempt == self.tries - 1 or self.wait(FIRST_DELAY_S * 2**attempt) is False:
                spent = "" if attempt == self.tries - 1 else f"; {self.outages.spent_reason()}"
                failed.update({t: rate_limit_reason(attempt + 1) + spent for t in limited})
                break
            todo = limited
        return found, failed

    def _batch(
        self, tickers: list[str], **span: Any
    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        """One try of every ticker: the first alone (a site found down then costs one request,
        not one per ticker), the rest THREADS at a time."""
        found: dict[str, pd.DataFrame] = {}
        failed: dict[str, str] = {}

        def one(ticker: str) -> None:
            try:
                bars = self.history(ticker, **span)
            except FetchFailed as exc:
                failed[ticker] = str(exc)
                return
            if bars is not None and not bars.empty:
                found[ticker] = bars

        if not tickers:
            return found, failed
        with yfinance_raising():  # the workers' warnings are filtered here
            return self._each(one, tickers, found, failed)

    def _each(
        self,
        one: Callable[[str], None],
        tickers: list[str],
        found: dict[str, pd.DataFrame],
        failed: dict[str, str],
    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        one(tickers[0])
        rest = tickers[1:]
        down = self.outages.down("https://query2.finance.yahoo.com/v8/finance/chart/")
        if down:
            failed.update(dict.fromkeys(rest, down))
            return found, failed
        with ThreadPoolExecutor(max_workers=max(1, min(THREADS, len(rest)))) as pool:
            list(pool.map(one, rest))
        return found, failed

    def history(
        self, ticker: str, auto_adjust: bool, start: str | None, period: str | None
    ) -> pd.DataFrame | None:
        """One ticker's daily bars; FetchFailed (with the reason) when Yahoo does not deliver."""
        span = {"start": start} if start else {"period": period or "max"}
        # Up to the latest settled session, by the market clock (yfinance would take the
        # computer's): a bar of a session still trading is not asked for.
        span["end"] = f"{market_calendar.last_final_session() + pd.Timedelta(days=1):%Y-%m-%d}"
        forget_failure()
        try:
            with yfinance_raising(quiet=False):
                handle = yf.Ticker(ticker, session=self.session)
                frame = handle.history(interval="1d", auto_adjust=auto_adjust, actions=True, **span)
        except Exception as exc:  # rate limits included: the batch backs off for them
            raise FetchFailed(reason(exc)) from exc
        return tidy_history(frame)

    def ask(self, ticker: str, fetch: Callable[[yf.Ticker], T]) -> T:
        """One yf.Ticker call with back-off on HTTP 429; any failure raises FetchFailed."""

        def call() -> T:
            forget_failure()
            try:
                with yfinance_raising():
                    return fetch(yf.Ticker(ticker, session=self.session))
            except YFRateLimitError:
                raise
            except Exception as exc:
                if rate_limited(last_failure()):  # a 429 yfinance reported as another error
                    raise YFRateLimitError() from exc
                raise

        try:
            return with_backoff(call, (YFRateLimitError,), self.tries, FIRST_DELAY_S, self.wait)
        except YFRateLimitError as exc:
            raise FetchFailed(rate_limit_reason(self.tries)) from exc
        except Exception as exc:
            raise FetchFailed(reason(exc)) from exc
