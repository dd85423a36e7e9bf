"""The two errors analysts see: bad input, and data a source does not have."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input: names the input (ticker, file, parameter) and what is wrong with it."""


class DataUnavailable(LookupError):
    """A source lacks something; names what is missing and which source would provide it."""

    def __init__(self, what: str, source: str, provider: str) -> None:
        self.what = what
        self.source = source
        self.provider = provider
        super().__init__(f"{what} are not in the {source} source; {provider} would provide them.")


class OfflineFallbackWarning(UserWarning):
    """The live sources cannot be reached, so offline data (the embedded snapshot) is used."""
