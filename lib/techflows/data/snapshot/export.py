"""Write a snapshot back out as a csv folder in the documented layout (the inverse of build).

Building a snapshot from the folder this writes gives the same data files again; the tests and
the benchmarks use it as a csv folder that every machine has.
"""

from __future__ import annotations

from pathlib import Path

from techflows import atomic, config
from techflows.data.snapshot import layout
from techflows.data.snapshot.manifest import read_manifest
from techflows.data.sources.snapshot import SnapshotAdapter


def export_csv(folder: str | Path, snapshot_dir: str | Path = config.SNAPSHOT_DIR) -> Path:
    """Write every dataset of the snapshot under folder as the csv source reads it."""
    folder, snapshot = Path(folder), SnapshotAdapter(snapshot_dir)
    datasets = read_manifest(Path(snapshot_dir))["datasets"]
    for dataset, (subfolder, _) in layout.BARS.items():
        if dataset in datasets:
            bars = snapshot.keyed(dataset)
            for ticker in bars.names():
                atomic.write_csv(folder / subfolder / f"{ticker}.csv", bars[ticker])
    if layout.FRED in datasets:
        for sid, values in snapshot.series(datasets[layout.FRED]["series"]).items():
            frame = values.rename_axis("observation_date").to_frame(sid)
            atomic.write_csv(folder / layout.FRED / f"{sid}.csv", frame)
    for dataset, entry in datasets.items():
        if dataset not in layout.BARS and dataset != layout.FRED:
            table = snapshot.table(dataset)
            dates = [c for c in layout.TABLE_DATES if c in table.columns]
            table[dates] = table[dates].apply(lambda d: d.dt.strftime("%Y-%m-%d"))
            atomic.write_csv(folder / entry["from"], table, index=False)
    return folder
