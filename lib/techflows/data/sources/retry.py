"""Failed live fetches: back-off for refused calls, the error they raise, the stale warning."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import TypeVar

from techflows.data.sources.base import Adapter
from techflows.data.sources.outages import Outages
from techflows.data.store import Store
from techflows.errors import SourceWarning, StaleDataWarning

T = TypeVar("T")


class FetchFailed(Exception):
    """A live source did not deliver (rate limit, timeout, server error); str() is the reason."""


class LiveAdapter(Adapter):
    """A source fetched over the network into the cache; remembers what failed this session.

    sleep: the wait between tries (tests pass a recorder); offline: serve the cache only;
    outages: the network memory and budget every notebook on this cache shares.
    """

    def __init__(
        self,
        store: Store,
        sleep: Callable[[float], None] | None = None,
        tries: int = 3,
        offline: bool = False,
        outages: Outages | None = None,
    ) -> None:
        self.store = store
        self.sleep = sleep
        self.tries = tries
        self.offline = offline
        self.outages = outages or Outages(store, sleep=self._pause)
        self.tried: set[object] = set()  # refreshed this session, found or not
        self.failures: dict[str, str] = {}

    def failure(self, key: str) -> str:
        """Why key (ticker, series id) could not be fetched this session; '' if it did not."""
        return self.failures.get(key, "")

    def failed(self, failed: dict[str, str]) -> None:
        """Remember why keys could not be fetched (this session, and that the run met trouble)."""
        if failed:
            self.failures.update(failed)
            self.outages.note_failure()

    def wait(self, seconds: float) -> bool:
        """Wait between tries, charged to the run's budget; False when the budget is spent."""
        return self.outages.wait(seconds, self._pause)

    def _pause(self, seconds: float) -> None:
        (self.sleep or pause)(seconds)


def pause(seconds: float) -> None:
    """Wait between tries (the default sleep of every back-off)."""
    time.sleep(seconds)


def with_backoff(
    call: Callable[[], T],
    retry_on: tuple[type[BaseException], ...],
    tries: int = 4,
    first_delay: float = 2.0,
    sleep: Callable[[float], bool | None] | None = None,
) -> T:
    """Call, retrying on retry_on after first_delay, 2x, 4x... seconds; re-raise the last one.

    sleep waits; when it returns False (the run's network budget is spent), the last error
    is raised at once.
    """
    for attempt in range(tries):
        try:
            return call()
        except retry_on:
            if attempt == tries - 1:
                raise
            if (sleep or pause)(first_delay * 2**attempt) is False:
                raise
    raise ValueError("tries must be at least 1")


def waited(tries: int, first_delay: float) -> float:
    """Seconds with_backoff sleeps in all before giving up after tries attempts."""
    return first_delay * (2 ** (tries - 1) - 1)


def short(message: str, width: int = 160) -> str:
    """The last line of a message, cut to width: reasons go into one-line notes."""
    text = message.strip()
    line = text.splitlines()[-1].strip() if text else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def warn_failed(what: str, failed: dict[str, str], cached_to: Callable[[str], str | None]) -> None:
    """One warning per reason: which keys are served stale from the cache (up to when), which not.

    cached_to(key) gives how far the cached copy reaches ("2026-02-12"), None if none is cached.
    """
    by_reason: dict[str, list[str]] = {}
    for key, reason in failed.items():
        by_reason.setdefault(reason, []).append(key)
    for reason, keys in by_reason.items():
        reach = {key: cached_to(key) for key in keys}
        stale = [f"{key} up to {when}" for key, when in reach.items() if when]
        none = [key for key, when in reach.items() if not when]
        parts = ([f"using the cached {', '.join(stale)}"] if stale else []) + (
            [f"nothing cached for {', '.join(none)}"] if none else []
        )
        category = StaleDataWarning if stale else SourceWarning
        message = f"techflows: {what} could not be refreshed ({reason}); {'; '.join(parts)}"
        warnings.warn(message, category, stacklevel=4)
