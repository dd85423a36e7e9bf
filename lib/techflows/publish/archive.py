"""The dated archive: every report run also keeps its pages under archive/<as-of>/.

archive/<as-of>/ holds what a reader needs of each section (its page, figures.json, tables and
the record of its inputs; not the executed notebook, whose outputs the page already has), plus
that date's index.html and runs.json. A rerun for the same date replaces its sections there;
the date's other sections stay. A date's folder is built beside the archive and swapped in by
renames, so a run that fails, or stops half-way, leaves the previous archive as it was (a swap
cut short is completed or undone by the next call). Nothing is removed except by prune().
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

ARCHIVE = "archive"
LEFT_OUT = ("*.ipynb",)  # the executed (and failed) notebooks: the page holds their outputs
DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
BUILDING, REPLACED, PRUNED = ".new-", ".old-", ".pruned-"


def report_as_of(folder: Path) -> str:
    """The as-of date of the report in folder (its figures.json), '' when it has none."""
    try:
        figures = json.loads((Path(folder) / "figures.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    as_of = figures.get("as_of") if isinstance(figures, dict) else None
    return str(as_of) if as_of and DATE.match(str(as_of)) else ""


def root(output_dir: Path) -> Path:
    """The archive folder of an output folder."""
    return Path(output_dir) / ARCHIVE


def folder(output_dir: Path, as_of: str) -> Path:
    """The archive folder of one date."""
    return root(output_dir) / as_of


def recover(output_dir: Path) -> None:
    """Finish what an interrupted save or prune left: drop half-built and pruned folders, and
    put back a date whose replacement never arrived. Only save and prune call it: a folder
    being built looks like one left half-built."""
    base = root(output_dir)
    if not base.is_dir():
        return
    for path in sorted(base.iterdir()):
        name = path.name
        if not (name.startswith(".") and path.is_dir()):
            continue
        date = name[1:11]
        if REPLACED in name and not (base / date).exists() and DATE.match(date):
            os.rename(path, base / date)
        elif BUILDING in name or REPLACED in name or PRUNED in name:
            shutil.rmtree(path, ignore_errors=True)


def dates(output_dir: Path) -> list[str]:
    """The archived as-of dates, oldest first."""
    base = root(output_dir)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and DATE.match(p.name))


def previous(output_dir: Path, as_of: str, section: str) -> str | None:
    """The latest archived date before as_of that holds this section, or None."""
    earlier = [
        d
        for d in dates(output_dir)
        if d < as_of and (folder(output_dir, d) / section / "figures.json").is_file()
    ]
    return earlier[-1] if earlier else None


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # archived files are never written in place
    except OSError:
        shutil.copy2(source, target)


def save(
    output_dir: Path,
    as_of: str,
    sections: Iterable[str],
    write_index: Callable[[Path], None],
) -> Path:
    """Put the sections of output_dir into archive/<as_of>/, replacing theirs, keeping the rest.

    write_index(folder) writes the date's index into the new folder before it is swapped in.
    Raises OSError (then the previous archive is untouched).
    """
    if not DATE.match(as_of):
        raise ValueError(f"archive date {as_of!r} is not YYYY-MM-DD")
    output_dir = Path(output_dir)
    base = root(output_dir)
    base.mkdir(parents=True, exist_ok=True)
    recover(output_dir)
    final = base / as_of
    names = set(sections)
    new = Path(tempfile.mkdtemp(prefix=f".{as_of}{BUILDING}", dir=base))
    try:
        if final.is_dir():
            for kept in sorted(final.iterdir()):
                if kept.is_dir() and kept.name not in names:
                    shutil.copytree(kept, new / kept.name, copy_function=_link_or_copy)
        for name in sorted(names):
            shutil.copytree(output_dir / name, new / name, ignore=shutil.ignore_patterns(*LEFT_OUT))
        write_index(new)
        os.chmod(new, 0o755)  # mkdtemp makes folders private; the archive is meant to be read
        if final.exists():
            # Between these two renames the date is missing; recover() puts the old one back.
            replaced = new.with_name(new.name.replace(BUILDING, REPLACED))
            os.rename(final, replaced)
            os.rename(new, final)
            shutil.rmtree(replaced, ignore_errors=True)
        else:
            os.rename(new, final)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return final


def prune(output_dir: Path, keep: int | None = None, before: str | None = None) -> list[str]:
    """Remove archived dates: all but the newest keep, or those before a date. Returns them."""
    recover(output_dir)
    every = dates(output_dir)
    doomed = set()
    if keep is not None:
        doomed |= set(every[: max(len(every) - keep, 0)])
    if before is not None:
        doomed |= {d for d in every if d < before}
    base = root(output_dir)
    for date in sorted(doomed):
        gone = Path(tempfile.mkdtemp(prefix=f".{date}{PRUNED}", dir=base))
        os.rename(base / date, gone / date)  # out of sight in one step, then deleted
        shutil.rmtree(gone, ignore_errors=True)
    return sorted(doomed)


def size(path: Path) -> int:
    """Bytes held by the files under path (hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for file in Path(path).rglob("*"):
        if file.is_file():
            stat = file.stat()
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_size
    return total
