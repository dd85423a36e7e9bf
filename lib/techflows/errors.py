"""The two errors analysts see: bad input, and data a source does not have."""

from __future__ import annotations

import warnings


class DataError(ValueError):
    """Bad input: names the input (ticker, file, parameter) and what is wrong with it."""


class DataUnavailable(LookupError):
    """A source lacks something; names what is missing and which source would provide it.

    reason, when given, says why a source that normally has it could not deliver it now
    (Yahoo rate-limited the request, FRED timed out, ...); note adds what the source does
    have (e.g. its flows start after the as-of date). A gap raised while handling another
    (an analysis that tried its inputs in turn) takes that one's reason when it has none.
    """

    def __init__(
        self, what: str, source: str, provider: str, reason: str = "", note: str = ""
    ) -> None:
        self.what = what
        self.source = source
        self.provider = provider
        self.reason = reason
        self.note = note
        super().__init__(self._message(reason))

    def _message(self, reason: str) -> str:
        if reason:
            message = (
                f"{self.what} could not be fetched from {self.source} ({reason}); "
                f"{self.provider} would"
            )
        else:
            aside = f" ({self.note})" if self.note else ""
            message = f"{self.what} are not in the {self.source} source{aside}; {self.provider}"
            message += " would"
        return f"{message} provide them."

    @property
    def why(self) -> str:
        """The reason, this gap's own or that of the gap it was raised from; '' if none."""
        seen: set[int] = set()
        gap: BaseException | None = self
        while gap is not None and id(gap) not in seen:
            seen.add(id(gap))
            if isinstance(gap, DataUnavailable) and gap.reason:
                return gap.reason
            gap = gap.__cause__ or gap.__context__
        return ""

    def __str__(self) -> str:
        return self._message(self.why)


class OfflineFallbackWarning(UserWarning):
    """The live sources cannot be reached, so offline data (the embedded snapshot) is used."""


class StaleDataWarning(UserWarning):
    """A live source failed, so data cached earlier is used; names what and up to when."""


class CacheWarning(UserWarning):
    """A cache file was unreadable (moved aside) or the cache folder is not writable."""


class SourceWarning(UserWarning):
    """A live source failed and nothing was cached: the part is left out, with the reason."""


OWN_PREFIX = "techflows:"
_format_warning = warnings.formatwarning


def format_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, line=None
) -> str:
    """Our warnings in one line, without the file they were raised in (pages are shared)."""
    if str(message).startswith(OWN_PREFIX):
        return f"{category.__name__}: {message}\n"
    return _format_warning(message, category, filename, lineno, line)


warnings.formatwarning = format_warning
