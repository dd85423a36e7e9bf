"""One zip of a whole report, so that a page sent on keeps its links: the index, runs.json, the
whole-report PDF, and each section's folder (report, PDF, figures, tables, notebooks)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from techflows import atomic
from techflows.publish.pdf import REPORT_PDF

BUNDLE = "techflows-report.zip"
TOP_FILES = ("index.html", "runs.json", REPORT_PDF)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same report gives the same zip


def bundle_files(output_dir: Path, records: Sequence[dict[str, Any]]) -> list[str]:
    """The report's files, relative to output_dir: those the index reaches, no hidden ones."""
    files = [name for name in TOP_FILES if (output_dir / name).is_file()]
    for record in records:
        folder = output_dir / str(record.get("name") or "")
        if not record.get("name") or not folder.is_dir():
            continue
        files += sorted(
            str(p.relative_to(output_dir))
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
    return sorted(files)


def write_bundle(output_dir: Path, records: Sequence[dict[str, Any]]) -> Path:
    """Write output_dir/techflows-report.zip atomically; the same files give the same bytes."""
    buffer = io.BytesIO()
    # The fastest deflate: the pages are mostly base64 charts, which squeeze little further.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
        for name in bundle_files(output_dir, records):
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            bundle.writestr(entry, (output_dir / name).read_bytes(), compresslevel=1)
    return atomic.write_bytes(output_dir / BUNDLE, buffer.getvalue())
