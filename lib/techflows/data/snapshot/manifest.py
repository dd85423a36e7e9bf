"""The snapshot's manifest: what each file holds, where it came from, and the one-line banner.

manifest.json: `through` (last date of any dataset), `built` (the build date: SOURCE_DATE_EPOCH
when set, else the day of the build; it lives only here, so the data files of two builds of the
same input are byte-identical), `cut` (the --through given, if any), `writer` (pyarrow version:
it is stamped into every parquet file), `from` (the csv folder's name), `repositories` (address
and commit of each origin), `not_found` (selected names the folder lacks),
`dropped_intraday_rows`, and per dataset: file, rows, tickers or series, first and last date,
sha256 of the file, and the origin of each ticker or file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from techflows.data.snapshot.layout import MANIFEST
from techflows.errors import DataError

REBUILD = "rebuild it with `techflows snapshot build --from DIR`"


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the snapshot in folder; raises DataError when there is none."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"snapshot {folder}: {MANIFEST} not found; {REBUILD}") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"snapshot {path}: unreadable ({exc}); {REBUILD}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("datasets"), dict):
        raise DataError(f"snapshot {path}: no datasets listed; {REBUILD}")
    return manifest


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as written: indented JSON, keys in a fixed order, a final newline."""
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def describe(manifest: dict[str, Any]) -> str:
    """'snapshot of real market data through <date>, built <date> from <origins>; offline'."""
    origins = ", ".join(manifest.get("repositories") or ["an undocumented csv folder"])
    return (
        f"snapshot of real market data through {manifest.get('through')}, built "
        f"{manifest.get('built')} from {origins}; offline"
    )
