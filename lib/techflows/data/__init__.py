"""Data layer: sources, the parquet cache, validation and the universe, behind one Source."""

from techflows.data.source import Source, open_source

__all__ = ["Source", "open_source"]
