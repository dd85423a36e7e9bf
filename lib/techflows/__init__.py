"""techflows: capital flows into US technology funds and the tech-recovery question, from data."""

from techflows.data.source import Source, open_source
from techflows.errors import DataError, DataUnavailable

__all__ = ["DataError", "DataUnavailable", "Source", "open_source"]
__version__ = "0.1.0"
