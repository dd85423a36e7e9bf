"""Exponential back-off for rate-limited calls; the sleep function is injectable for tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def with_backoff(
    call: Callable[[], T],
    retry_on: tuple[type[BaseException], ...],
    tries: int = 4,
    first_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call, retrying on retry_on after first_delay, 2x, 4x... seconds; re-raise the last one."""
    for attempt in range(tries):
        try:
            return call()
        except retry_on:
            if attempt == tries - 1:
                raise
            sleep(first_delay * 2**attempt)
    raise ValueError("tries must be at least 1")
