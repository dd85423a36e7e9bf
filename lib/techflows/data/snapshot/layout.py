"""The snapshot's files: one long parquet table per dataset, named after it, and a manifest."""

from __future__ import annotations

MANIFEST = "manifest.json"

# Daily bars: dataset -> (folder of the csv layout, the bar columns kept).
BARS = {
    "prices": ("prices", ("Close", "Volume")),
    "prices_quoted": ("prices_quoted", ("Close", "Adj Close", "Volume")),
    "constituent_prices": ("constituents/prices", ("Close", "Volume")),
}
FRED = "fred"  # dataset and folder of the FRED series
DATE = "date"  # the date column of the long tables
TICKER = "ticker"  # the key column of bars
SERIES = "series"  # the key column of FRED series
VALUE = "value"  # the value column of FRED series
# Columns of whole tables that hold dates (parsed on the way in, cut at --through).
TABLE_DATES = ("date", "updated_date")


def file_name(dataset: str) -> str:
    """The parquet file of a dataset."""
    return f"{dataset}.parquet"


def table_dataset(relative: str) -> str:
    """A whole table's dataset: its file name without .csv (flows/etf_flows.csv -> etf_flows)."""
    return relative.rsplit("/", 1)[-1].removesuffix(".csv")


def column(bar_column: str) -> str:
    """A bar column's name in the long table: Adj Close -> adj_close."""
    return bar_column.lower().replace(" ", "_")
