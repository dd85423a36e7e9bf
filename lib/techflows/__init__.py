"""techflows: capital flows into US technology funds and the tech-recovery question, from data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from techflows.errors import DataError, DataUnavailable

if TYPE_CHECKING:
    from techflows.data.source import Source, open_source

__all__ = ["DataError", "DataUnavailable", "Source", "open_source"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Source and open_source on first use: `import techflows.run.cli` need not load pandas."""
    if name in ("Source", "open_source"):
        from techflows.data import source

        return getattr(source, name)
    raise AttributeError(f"module 'techflows' has no attribute {name!r}")
