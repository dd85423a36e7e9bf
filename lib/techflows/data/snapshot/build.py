"""Build the snapshot from a csv folder: one compressed long parquet file per dataset + manifest.

Every file goes through the csv source's readers, validated by the data layer's schemas, so a
bad input stops the build with one message naming the file, row and column. The snapshot is
therefore validated once, here: reading it back checks each file's sha256 against the
manifest, which proves the bytes are those that were validated, and validates nothing again.
The same input gives byte-identical data files: fixed row order, encodings and compression,
no pandas or wall-clock metadata.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from techflows import atomic, config
from techflows.data import schemas, validate
from techflows.data.snapshot import layout
from techflows.data.snapshot.manifest import manifest_text
from techflows.data.snapshot.origins import read_origins
from techflows.data.snapshot.selection import Selection, default_selection
from techflows.data.sources.csvdir import read_bars, read_fred
from techflows.data.validate import check_symbol
from techflows.errors import DataError

Log = Callable[[str], None]

# Whole tables: the schema the csv source reads each with.
TABLE_SCHEMAS = {
    "etf_flows": schemas.FLOWS,
    "etf_shares": schemas.SHARES,
    "etf_aum": schemas.AUM,
    "sp500_constituents": schemas.CONSTITUENTS,
}
COMPRESSION_LEVEL = 19


@dataclass
class Dataset:
    """One long table on its way into the snapshot, with the origin of each name or file."""

    name: str
    source: str  # the csv path (pattern) it was read from
    frame: pd.DataFrame
    key: str | None = None  # the ticker / series column of keyed datasets
    origins: dict[str, list[str]] = field(default_factory=dict)  # repository -> names


def parse_through(through: object) -> pd.Timestamp | None:
    """None or '' keep every row; otherwise a YYYY-MM-DD date."""
    if through is None or str(through).strip() == "":
        return None
    try:
        return pd.to_datetime(str(through).strip(), format="%Y-%m-%d")
    except ValueError as exc:
        raise DataError(f"--through {through!r}: not a date (use YYYY-MM-DD)") from exc


def built_date() -> date:
    """The build date: SOURCE_DATE_EPOCH (seconds, UTC) when set, for reproducible manifests."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise DataError(f"SOURCE_DATE_EPOCH {epoch!r}: not a number of seconds") from exc


class Reader:
    """Reads a csv folder's selected files, without intraday last rows or rows after through."""

    def __init__(self, folder: Path, selection: Selection, through: pd.Timestamp | None) -> None:
        self.folder = folder
        self.selection = selection
        self.through = through
        self.origins = read_origins(folder)
        self.dropped: list[str] = []
        self.keys: dict[str, str] = {}  # display name -> origin key, of the origins met

    def origin(self, relative: str) -> str:
        """Display name of a file's origin (owner/repo)."""
        key = self.origins.of(relative)
        if key is not None:
            self.keys[self.origins.name(key)] = key
        return self.origins.name(key)

    def repositories(self, datasets: list[Dataset]) -> dict[str, dict[str, str]]:
        """Address and commit of every repository the datasets draw on, by display name."""
        names = {name for d in datasets for name in d.origins if name in self.keys}
        return {n: self.origins.repository(self.keys[n]) for n in sorted(names, key=str.lower)}

    def _cut(self, frame: pd.DataFrame, relative: str) -> pd.DataFrame:
        intraday = self.selection.intraday_last_rows.get(self.origins.of(relative) or "")
        if intraday and len(frame) and frame.index[-1] == pd.Timestamp(intraday):
            self.dropped.append(f"{relative} {intraday}")
            frame = frame.iloc[:-1]
        return frame if self.through is None else frame[frame.index <= self.through]

    def bars(self, dataset: str, names: Iterable[str]) -> Dataset:
        """Daily bars of the names present in the dataset's folder, in long format."""
        folder, columns = layout.BARS[dataset]
        frames: dict[str, pd.DataFrame] = {}
        for name in names:
            relative = f"{folder}/{check_symbol(name)}.csv"
            path = self.folder / relative
            if path.exists():
                rate = name in config.YIELD_INDICES
                bars = self._cut(read_bars(path, rate=rate), relative)
                frames[name] = bars[[c for c in columns if c in bars.columns]]
        long = _long(frames, layout.TICKER, list(columns))
        return self._keyed(dataset, f"{folder}/<TICKER>.csv", long, layout.TICKER, folder)

    def fred(self, ids: Iterable[str]) -> Dataset:
        """FRED series present in fred/, in long format (date, series, value)."""
        frames: dict[str, pd.DataFrame] = {}
        for sid in ids:
            relative = f"{layout.FRED}/{check_symbol(sid)}.csv"
            if (self.folder / relative).exists():
                values = read_fred(self.folder / relative).to_frame(layout.VALUE)
                frames[sid] = self._cut(values, relative)
        long = _long(frames, layout.SERIES, [layout.VALUE])
        source = f"{layout.FRED}/<SERIES>.csv"
        return self._keyed(layout.FRED, source, long, layout.SERIES, layout.FRED)

    def _keyed(self, name: str, source: str, long: pd.DataFrame, key: str, folder: str) -> Dataset:
        origins: dict[str, list[str]] = {}
        for value in long[key].unique():
            origins.setdefault(self.origin(f"{folder}/{value}.csv"), []).append(str(value))
        origins = {repo: sorted(names) for repo, names in sorted(origins.items())}
        return Dataset(name, source, long, key, origins)

    def table(self, relative: str) -> Dataset | None:
        """A whole table as the csv source reads it (rows in file order), dates parsed, cut."""
        path = self.folder / relative
        if not path.exists():
            return None
        name = layout.table_dataset(relative)
        if name not in TABLE_SCHEMAS:
            raise DataError(f"{path}: no schema declared for {name} (see TABLE_SCHEMAS)")
        table = validate.read_csv(path, TABLE_SCHEMAS[name], str(path))
        if self.through is not None:
            for column in [c for c in layout.TABLE_DATES if c in table.columns]:
                table = table[table[column] <= self.through]
        origins = {self.origin(relative): [relative]}
        return Dataset(name, relative, table.reset_index(drop=True), origins=origins)


def _long(frames: dict[str, pd.DataFrame], key: str, columns: list[str]) -> pd.DataFrame:
    """Stack per-name frames into date, key, columns (snake case), sorted by key then date."""
    names = [layout.column(c) for c in columns]
    parts = [
        f.reindex(columns=columns).set_axis(names, axis=1).rename_axis(layout.DATE).reset_index()
        for f in frames.values()
    ]
    keys = [name for name, f in frames.items() for _ in range(len(f))]
    if parts:
        long = pd.concat(parts, ignore_index=True)
    else:
        long = pd.DataFrame({layout.DATE: pd.Series(dtype="datetime64[ns]")})
    long.insert(1, key, pd.Series(keys, dtype=str))
    long[names] = long.reindex(columns=names).astype(float)
    long[layout.DATE] = long[layout.DATE].astype("datetime64[ns]")
    return long.sort_values([key, layout.DATE], kind="stable").reset_index(drop=True)


def read_datasets(
    folder: Path, selection: Selection, through: pd.Timestamp | None
) -> tuple[list[Dataset], Reader]:
    """Every dataset of the selection that the folder has rows for, and the reader's record."""
    reader = Reader(folder, selection, through)
    constituents = selection.constituents
    if constituents is None:
        listed = folder / layout.BARS["constituent_prices"][0]
        constituents = tuple(sorted(p.stem for p in listed.glob("*.csv")))
    datasets = [
        reader.bars("prices", selection.tickers),
        reader.bars("prices_quoted", selection.tickers),
        reader.bars("constituent_prices", constituents),
        reader.fred(selection.series),
        *[t for relative in selection.tables if (t := reader.table(relative)) is not None],
    ]
    return [d for d in datasets if len(d.frame)], reader


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as zstd parquet, written the same way every time (no pandas metadata)."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    strings = [f.name for f in table.schema if pa.types.is_string(f.type)]
    strings += [f.name for f in table.schema if pa.types.is_large_string(f.type)]
    encodings = {
        f.name: "BYTE_STREAM_SPLIT" if pa.types.is_floating(f.type) else "DELTA_BINARY_PACKED"
        for f in table.schema
        if pa.types.is_floating(f.type)
        or pa.types.is_integer(f.type)
        or pa.types.is_timestamp(f.type)
    }
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression="zstd",
        compression_level=COMPRESSION_LEVEL,
        use_dictionary=strings or False,
        column_encoding=encodings or None,
        store_schema=False,
    )
    return sink.getvalue().to_pybytes()


def _dates(dataset: Dataset) -> tuple[str | None, str | None]:
    columns = [c for c in (layout.DATE, *layout.TABLE_DATES) if c in dataset.frame.columns]
    if not columns:
        return None, None
    dates = dataset.frame[columns[0]]
    return str(dates.min().date()), str(dates.max().date())


def manifest_entry(dataset: Dataset, data: bytes) -> dict[str, Any]:
    """What the manifest says about one dataset."""
    first, last = _dates(dataset)
    entry: dict[str, Any] = {
        "file": layout.file_name(dataset.name),
        "from": dataset.source,
        "columns": [str(c) for c in dataset.frame.columns],
        "rows": len(dataset.frame),
    }
    if dataset.key is not None:
        plural = "series" if dataset.key == layout.SERIES else "tickers"
        entry[plural] = sorted(dataset.frame[dataset.key].unique().tolist())
    entry.update(first=first, last=last, sha256=hashlib.sha256(data).hexdigest())
    entry["origins"] = dataset.origins
    return entry


def _not_found(datasets: list[Dataset], selection: Selection) -> dict[str, list[str]]:
    have: dict[str, set[str]] = {"tickers": set(), "series": set(), "tables": set()}
    for d in datasets:
        if d.key == layout.SERIES:
            have["series"] |= set(d.frame[d.key])
        elif d.key is not None:
            have["tickers"] |= set(d.frame[d.key])
        else:
            have["tables"].add(d.source)
    wanted = {"tickers": selection.tickers, "series": selection.series, "tables": selection.tables}
    return {kind: [n for n in names if n not in have[kind]] for kind, names in wanted.items()}


def build(
    folder: str | Path,
    output_dir: str | Path = config.SNAPSHOT_DIR,
    through: object = None,
    selection: Selection | None = None,
    log: Log | None = None,
) -> dict[str, Any]:
    """Write the snapshot of folder's selected data into output_dir; returns the manifest."""
    folder, output_dir = Path(folder).expanduser(), Path(output_dir)
    if not folder.is_dir():
        raise DataError(f"--from {folder}: folder not found")
    log = log or (lambda _message: None)
    selection = selection or default_selection()
    cut = parse_through(through)
    datasets, reader = read_datasets(folder, selection, cut)
    if not datasets:
        raise DataError(f"--from {folder}: none of the selected files is there (see README)")
    entries: dict[str, dict[str, Any]] = {}
    for dataset in datasets:
        data = parquet_bytes(dataset.frame)
        atomic.write_bytes(output_dir / layout.file_name(dataset.name), data)
        entries[dataset.name] = manifest_entry(dataset, data)
        log(f"{dataset.name}: {entries[dataset.name]['rows']:,} rows, {len(data) / 1e6:.2f} MB")
    written = {e["file"] for e in entries.values()}
    for stale in output_dir.glob("*.parquet"):
        if stale.name not in written:
            stale.unlink()
    manifest = {
        "title": "techflows snapshot of real market data",
        "through": max(e["last"] for e in entries.values() if e["last"]),
        "built": str(built_date()),
        "cut": None if cut is None else str(cut.date()),
        "from": folder.resolve().name,
        "writer": f"pyarrow {pa.__version__}",
        "repositories": reader.repositories(datasets),
        "not_found": _not_found(datasets, selection),
        "dropped_intraday_rows": sorted(reader.dropped),
        "datasets": entries,
    }
    atomic.write_text(output_dir / layout.MANIFEST, manifest_text(manifest))
    return manifest
