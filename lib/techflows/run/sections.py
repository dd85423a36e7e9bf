"""Which notebooks are report sections: those named NN_name.ipynb (01_current_status.ipynb).

Anything else in notebooks/ (Untitled.ipynb, a "-Copy1", a scratch notebook) is the analyst's
own and is never published; `techflows new NN_name` starts a section.
"""

from __future__ import annotations

import re
from pathlib import Path

SECTION_NAME = re.compile(r"\d{2}_[a-z0-9]+(?:_[a-z0-9]+)*")
HOW = "sections are named NN_name.ipynb: two digits, an underscore, lower-case words joined by _"


def is_section(path: str | Path) -> bool:
    """True for a notebook named like a section (NN_name.ipynb)."""
    path = Path(path)
    return path.suffix == ".ipynb" and SECTION_NAME.fullmatch(path.stem) is not None


def sections(folder: Path) -> list[Path]:
    """The section notebooks of a folder, sorted (the reports' order)."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if is_section(p))
