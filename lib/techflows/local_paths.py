"""Local folders as a shared file names them: relative to the repository, or by their last part.

Reports, runs.json, figures, tables and executed notebooks go to people outside the team. A
folder of this machine appears in them only as a reader can use it: inside the repository,
relative to it (`notebooks/01_current_status.ipynb`, `.venv/lib/...` in a traceback); elsewhere,
by its last part (`--data-dir ~/epfr-export` is `epfr-export`, its files `epfr-export/flows/...`);
the home folder as `~` and Python's own folders as `python`. The runner applies this to every
file it publishes (publish_files) and to every record it writes (redact).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techflows import config

# Files whose text is rewritten before publishing (others, e.g. parquet or PNG, hold no paths).
TEXT_SUFFIXES = (".html", ".ipynb", ".json", ".csv", ".txt", ".md")
PYTHON = "python"
HOME = "~"
# Where IPython keeps a kernel's cells as files: a warning from a cell names one.
KERNEL_CELLS = re.compile(re.escape(tempfile.gettempdir()) + r"/ipykernel_\d+(?=/)")

Encode = Callable[[str], str]


def _html_quotes(text: str) -> str:
    return html.escape(text).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")


# The forms a path takes in a published file: as is, HTML-escaped (stdlib and markupsafe/jinja
# flavours), JSON-escaped (a notebook), and HTML inside JSON (a notebook's HTML output).
ENCODINGS: tuple[Encode, ...] = (
    lambda s: s,
    html.escape,
    lambda s: html.escape(s, quote=False),
    _html_quotes,
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: json.dumps(html.escape(s), ensure_ascii=False)[1:-1],
    lambda s: json.dumps(_html_quotes(s), ensure_ascii=False)[1:-1],
)


@dataclass(frozen=True)
class Root:
    """A folder of this machine and what a shared file says instead ('' for the repository)."""

    folder: str
    shown: str


def _variants(path: Path) -> list[str]:
    found = [str(path)]
    try:
        resolved = str(path.resolve())
    except OSError:
        resolved = str(path)
    if resolved not in found:
        found.append(resolved)
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
    return True


def roots(folders: Iterable[tuple[str | Path, str] | str | Path] = ()) -> list[Root]:
    """The folders to rename, most specific first.

    folders: extra folders (a data folder, an output folder), each shown by its last part unless
    it is inside the repository, or (folder, shown) pairs that say what to show instead.
    """
    found: list[Root] = []
    for entry in folders:
        folder, shown = entry if isinstance(entry, tuple) else (entry, None)
        if not folder:
            continue
        path = Path(folder).expanduser()
        if shown is None:
            if _inside(path, config.REPO_ROOT):
                continue  # the repository's own rule gives its relative path
            shown = path.name or str(path)
        found += [Root(v, shown) for v in _variants(path)]
    found += [Root(v, "") for v in _variants(config.REPO_ROOT)]
    if not _inside(config.CACHE_DIR, config.REPO_ROOT):
        found += [Root(v, config.CACHE_DIR.name) for v in _variants(config.CACHE_DIR)]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        if not _inside(Path(prefix), config.REPO_ROOT):
            found += [Root(v, PYTHON) for v in _variants(Path(prefix))]
    home = os.environ.get("HOME") or str(Path.home())
    if home and Path(home) != Path(home).anchor and Path(home).is_absolute():
        found += [Root(v, HOME) for v in _variants(Path(home))]
    unique = {r.folder: r for r in found if r.folder and r.folder != os.sep}
    return sorted(unique.values(), key=lambda r: len(r.folder), reverse=True)


def _pattern(known: list[Root]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regex for every encoded form of every root, and each form's replacement."""
    replace: dict[str, str] = {}
    for root in known:
        for encode in ENCODINGS:
            form = encode(root.folder)
            replace.setdefault(form, encode(root.shown))
    if not replace:
        return None
    forms = sorted(replace, key=len, reverse=True)
    # A root ends where the path name ends: /tmp/out does not match /tmp/output.
    alternatives = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?:{alternatives})(?![\w.-])(/)?"), replace


def redact(value: Any, known: list[Root]) -> Any:
    """value (text, or lists and dicts of them) with every root renamed; other values as is."""
    compiled = _pattern(known)
    if compiled is None:
        return value
    pattern, replace = compiled

    def one(text: str) -> str:
        def sub(match: re.Match[str]) -> str:
            found = match[0][: len(match[0]) - len(match[1] or "")]
            shown = replace[found]
            if not shown:  # the repository: relative paths from it
                return "" if match[1] else "."
            return shown + (match[1] or "")

        return KERNEL_CELLS.sub("ipykernel", pattern.sub(sub, text))

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return one(item)
        if isinstance(item, dict):
            return type(item)(
                {one(str(k)) if isinstance(k, str) else k: walk(v) for k, v in item.items()}
            )
        if isinstance(item, list | tuple):
            return type(item)(walk(v) for v in item)
        return item

    return walk(value)


def publish_files(folder: Path, known: list[Root]) -> None:
    """Rewrite the text files under folder (pages, notebooks, figures, tables), roots renamed."""
    from techflows import atomic

    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            clean = redact(text, known)
            if clean != text:
                atomic.write_bytes(path, clean.encode("utf-8", errors="surrogateescape"))
