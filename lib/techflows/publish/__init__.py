"""Publishing what the runner made: pages that travel, the dated archive, what changed.

Pages that travel: what a report run hands to readers away from the repository.

A PDF of each section and one of the whole report (the index first), printed by the system
Chromium through Playwright (pdf), and one zip of the whole report: the index, the sections,
their figures, tables and PDFs (bundle). The run's index and pages are made by techflows.run;
this layer only prints and packs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from techflows.publish.bundle import BUNDLE, write_bundle
from techflows.publish.pdf import REPORT_PDF, print_pdfs

__all__ = ["BUNDLE", "REPORT_PDF", "publish_report"]


def publish_report(
    output_dir: Path, records: Sequence[dict[str, Any]], log: Callable[[str], None]
) -> Path:
    """Print the PDFs (or say in one line why not), then write the zip; returns the zip's path."""
    print_pdfs(Path(output_dir), records, log)
    return write_bundle(Path(output_dir), records)
