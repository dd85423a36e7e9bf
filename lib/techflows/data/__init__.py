"""Data layer: sources, the parquet cache, validation and the universe, behind one Source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from techflows.data.source import Source, open_source

__all__ = ["Source", "open_source"]


def __getattr__(name: str) -> Any:
    """Source and open_source on first use: light modules below data/ load without pandas."""
    if name in ("Source", "open_source"):
        from techflows.data import source

        return getattr(source, name)
    raise AttributeError(f"module 'techflows.data' has no attribute {name!r}")
