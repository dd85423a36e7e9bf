"""The two errors analysts see: bad input, and data a source does not have."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input: names the input (ticker, file, parameter) and what is wrong with it."""


class DataUnavailable(LookupError):
    """A source lacks something; names what is missing and which source would provide it.

    reason, when given, says why a source that normally has it could not deliver it now
    (Yahoo rate-limited the request, FRED timed out, ...); note adds what the source does
    have (e.g. its flows start after the as-of date).
    """

    def __init__(
        self, what: str, source: str, provider: str, reason: str = "", note: str = ""
    ) -> None:
        self.what = what
        self.source = source
        self.provider = provider
        self.reason = reason
        if reason:
            message = f"{what} could not be fetched from {source} ({reason}); {provider} would"
        else:
            aside = f" ({note})" if note else ""
            message = f"{what} are not in the {source} source{aside}; {provider} would"
        super().__init__(f"{message} provide them.")


class OfflineFallbackWarning(UserWarning):
    """The live sources cannot be reached, so offline data (the embedded snapshot) is used."""


class StaleDataWarning(UserWarning):
    """A live source failed, so data cached earlier is used; names what and up to when."""


class CacheWarning(UserWarning):
    """A cache file was unreadable (moved aside) or the cache folder is not writable."""
