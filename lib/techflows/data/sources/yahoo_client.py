"""Calls into yfinance: rate-limit back-off, and the errors it logs instead of raising."""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pandas as pd
import yfinance as yf
from pandas.errors import Pandas4Warning
from yfinance.exceptions import YFRateLimitError

from techflows.data.sources.retry import with_backoff
from techflows.errors import DataError, DataUnavailable

T = TypeVar("T")

YF_RETRIES = 2  # yfinance's own retries of timeouts and dropped connections
TRIES, FIRST_DELAY_S = 4, 2.0  # our back-off on HTTP 429: wait 2, 4, 8 s


@contextmanager
def _logged_errors() -> Iterator[list[str]]:
    """Collect what yfinance logs at ERROR level (it swallows most failures that way)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.ERROR)
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            # yfinance 1.7 still uses inplace=True, deprecated in pandas 3.1
            warnings.filterwarnings("ignore", category=Pandas4Warning, module=r"yfinance\.")
            yield messages
    finally:
        logger.removeHandler(handler)


def _short(message: str) -> str:
    line = message.strip().splitlines()[-1] if message.strip() else message
    return line if len(line) <= 200 else line[:197] + "..."


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, pd.DataFrame | pd.Series) and value.empty)


def _logged_call(call: Callable[[], T]) -> tuple[T, list[str]]:
    """Run call; raise YFRateLimitError if yfinance only logged that Yahoo throttled it."""
    with _logged_errors() as errors:
        value = call()
    if any("YFRateLimitError" in m or "Rate limited" in m for m in errors):
        raise YFRateLimitError()
    return value, [_short(m) for m in errors if m.strip()]


class YahooClient:
    """yf.download and yf.Ticker calls with back-off; failures become one clear message."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, tries: int = TRIES) -> None:
        self.sleep = sleep
        self.tries = tries
        yf.config.network.retries = YF_RETRIES

    def _retrying(self, call: Callable[[], T], what: str) -> T:
        try:
            return with_backoff(call, (YFRateLimitError,), self.tries, FIRST_DELAY_S, self.sleep)
        except YFRateLimitError as exc:
            waited = FIRST_DELAY_S * (2 ** (self.tries - 1) - 1)
            raise DataError(
                f"yahoo: Yahoo Finance refused {what} as rate-limited {self.tries} times "
                f"(waited {waited:g} s in all); wait a few minutes and run again, "
                "or use source='csv'"
            ) from exc

    def download(
        self, tickers: list[str], what: str, **kwargs: object
    ) -> tuple[pd.DataFrame | None, list[str]]:
        """One batched yf.download; returns the frame and the per-ticker errors it logged."""

        def call() -> pd.DataFrame | None:
            return yf.download(tickers, progress=False, multi_level_index=True, **kwargs)

        try:
            return self._retrying(lambda: _logged_call(call), what)
        except DataError:
            raise
        except Exception as exc:
            raise DataError(
                f"yahoo: downloading {what} failed ({type(exc).__name__}: {exc})"
            ) from exc

    def ask(
        self,
        ticker: str,
        fetch: Callable[[yf.Ticker], T],
        what: str,
        provider: str,
        required: bool = True,
    ) -> T:
        """One yf.Ticker call; a failure or (if required) an empty answer is DataUnavailable."""
        try:
            value, errors = self._retrying(
                lambda: _logged_call(lambda: fetch(yf.Ticker(ticker))), what
            )
        except DataError:
            raise
        except Exception as exc:
            reason = f"{what} (Yahoo Finance failed: {type(exc).__name__}: {_short(str(exc))})"
            raise DataUnavailable(reason, "yahoo", provider) from exc
        if required and _is_empty(value):
            why = f" (Yahoo Finance: {errors[-1]})" if errors else ""
            raise DataUnavailable(f"{what}{why}", "yahoo", provider)
        return value
