"""Calls into yfinance: failures raised rather than logged, and back-off on rate limits.

yfinance hides most failures by default: a rate-limited cash-flow request comes back as an
empty table, a failed share count as None. Every call here runs with
`yf.config.debug.hide_exceptions = False`, so a failure is an exception (FetchFailed with a
one-line reason) and an empty answer really means Yahoo has none.
"""

from __future__ import annotations

import ast
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pandas as pd
import yfinance as yf
from yfinance.exceptions import YFRateLimitError

from techflows.data.sources import retry
from techflows.data.sources.retry import FetchFailed, short, waited, with_backoff
from techflows.data.sources.yahoo_tidy import split_download

T = TypeVar("T")

YF_RETRIES = 2  # yfinance's own retries of timeouts and dropped connections
TRIES, FIRST_DELAY_S = 4, 2.0  # our back-off on HTTP 429: wait 2, 4, 8 s
# yfinance 1.7 still uses inplace=True, deprecated in pandas 3 (Pandas4Warning, which pandas
# 2.x does not have; both are DeprecationWarnings).
PANDAS_DEPRECATION = getattr(pd.errors, "Pandas4Warning", DeprecationWarning)
# yf.download ends with one line per distinct error: "['XLK', 'IYW']: YFRateLimitError(...)"
SUMMARY_LINE = re.compile(r"^(\[[^\]]*\]):\s*(.*)$", re.DOTALL)


def rate_limited(message: str) -> bool:
    """True if yfinance reported an HTTP 429."""
    return "YFRateLimitError" in message or "Too Many Requests" in message


@contextmanager
def yfinance_raising() -> Iterator[list[str]]:
    """Run yfinance with exceptions raised, collecting what it still logs at ERROR level."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.ERROR)
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    hidden = yf.config.debug.hide_exceptions
    yf.config.debug.hide_exceptions = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=PANDAS_DEPRECATION)  # raised in yfinance
            yield messages
    finally:
        yf.config.debug.hide_exceptions = hidden
        logger.removeHandler(handler)


def per_ticker_errors(messages: list[str]) -> dict[str, str]:
    """yf.download's closing summary as {ticker: error}."""
    errors: dict[str, str] = {}
    for message in messages:
        match = SUMMARY_LINE.match(message.strip())
        if not match:
            continue
        try:
            symbols = ast.literal_eval(match.group(1))
        except (ValueError, SyntaxError):
            continue
        errors.update({str(s).upper(): short(match.group(2)) for s in symbols})
    return errors


def rate_limit_reason(tries: int) -> str:
    """Why a request was given up after back-off."""
    return (
        f"Yahoo Finance rate-limited it {tries} times in {waited(tries, FIRST_DELAY_S):g} s; "
        "wait a few minutes and run again"
    )


class YahooClient:
    """yf.download and yf.Ticker calls with back-off; failures become FetchFailed."""

    def __init__(self, sleep: Callable[[float], None] | None = None, tries: int = TRIES) -> None:
        self.sleep = sleep
        self.tries = tries
        yf.config.network.retries = YF_RETRIES

    def download(
        self, tickers: list[str], **kwargs: object
    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        """Batched yf.download; only rate-limited tickers are asked again, after back-off.

        Returns the bars of each ticker that came, and the reason for each that did not.
        """
        found: dict[str, pd.DataFrame] = {}
        failed: dict[str, str] = {}
        todo = list(tickers)
        for attempt in range(self.tries):
            frame, errors = self._download_once(todo, **kwargs)
            found.update(split_download(frame, todo))
            for ticker in todo:
                failed.pop(ticker, None)
                if ticker not in found:
                    failed[ticker] = errors.get(ticker.upper(), "Yahoo Finance returned no bars")
            limited = [t for t in todo if t in failed and rate_limited(failed[t])]
            if not limited:
                break
            if attempt == self.tries - 1:
                failed.update({t: rate_limit_reason(self.tries) for t in limited})
                break
            (self.sleep or retry.pause)(FIRST_DELAY_S * 2**attempt)
            todo = limited
        return found, failed

    def _download_once(
        self, tickers: list[str], **kwargs: object
    ) -> tuple[pd.DataFrame | None, dict[str, str]]:
        try:
            with yfinance_raising() as logged:
                frame = yf.download(tickers, progress=False, multi_level_index=True, **kwargs)
        except Exception as exc:  # the whole batch failed: every ticker gets the reason
            reason = f"{type(exc).__name__}: {short(str(exc))}"
            return None, {t.upper(): reason for t in tickers}
        return frame, per_ticker_errors(logged)

    def ask(self, ticker: str, fetch: Callable[[yf.Ticker], T]) -> T:
        """One yf.Ticker call with back-off on HTTP 429; any failure raises FetchFailed."""

        def call() -> T:
            with yfinance_raising():
                return fetch(yf.Ticker(ticker))

        try:
            return with_backoff(call, (YFRateLimitError,), self.tries, FIRST_DELAY_S, self.sleep)
        except YFRateLimitError as exc:
            raise FetchFailed(rate_limit_reason(self.tries)) from exc
        except Exception as exc:
            reason = f"Yahoo Finance failed: {type(exc).__name__}: {short(str(exc))}"
            raise FetchFailed(reason) from exc
