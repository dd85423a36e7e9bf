"""Where each file of a csv folder came from, as the folder's MANIFEST.csv and SOURCES.md say.

MANIFEST.csv rows are `dir,ticker,source,...` with source `owner+repo/path`; a row whose ticker
is not a symbol describes a whole folder (`constituents/prices`). SOURCES.md has one section per
repository: `### owner+repo`, an `Origin: <url> (snapshot commit(s): <sha>)` line, and a table
of its files. Files neither names are reported as undocumented, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from techflows.data.validate import check_symbol
from techflows.errors import DataError

UNDOCUMENTED = "not documented in MANIFEST.csv or SOURCES.md"

_SECTION = re.compile(r"^### (\S+)\s*$")
_ORIGIN = re.compile(r"^Origin: (\S+) \(snapshot commit\(s\): ([^)]*)\)")
_TABLE_FILE = re.compile(r"^\| *([^|/ ]+\.csv) *\|")


@dataclass
class Origins:
    """The origin (an `owner+repo` key) of each file, and each repository's address."""

    by_file: dict[str, str] = field(default_factory=dict)  # prices/IYW.csv -> key
    by_folder: dict[str, str] = field(default_factory=dict)  # constituents/prices -> key
    by_name: dict[str, str] = field(default_factory=dict)  # etf_flows.csv -> key, if unique
    repositories: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> url, commit

    def of(self, relative: str) -> str | None:
        """The origin key of a file given relative to the folder, or None when undocumented."""
        folder, _, name = relative.rpartition("/")
        return self.by_file.get(relative) or self.by_folder.get(folder) or self.by_name.get(name)

    def name(self, key: str | None) -> str:
        """A repository's display name: owner/repo."""
        if key is None:
            return UNDOCUMENTED
        url = self.repositories.get(key, {}).get("url", "")
        found = re.match(r"https?://github\.com/([^/]+/[^/]+?)/?$", url)
        return found.group(1) if found else key.replace("+", "/", 1)

    def repository(self, key: str) -> dict[str, str]:
        """url and commit of a repository, as SOURCES.md gives them (empty when it does not)."""
        return self.repositories.get(key, {})


def read_origins(folder: Path) -> Origins:
    """Origins from folder/MANIFEST.csv and folder/SOURCES.md (either may be absent)."""
    origins = Origins()
    manifest = folder / "MANIFEST.csv"
    if manifest.exists():
        _read_manifest(manifest, origins)
    sources = folder / "SOURCES.md"
    if sources.exists():
        _read_sources(sources.read_text(encoding="utf-8"), origins)
    return origins


def _read_manifest(path: Path, origins: Origins) -> None:
    try:
        rows = pd.read_csv(path, dtype=str).fillna("")
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from exc
    missing = {"dir", "ticker", "source"} - set(rows.columns)
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    for row in rows.itertuples():
        key = row.source.split("/", 1)[0]
        if not key:
            continue
        try:
            origins.by_file[f"{row.dir}/{check_symbol(row.ticker)}.csv"] = key
        except DataError:  # not a ticker: the row describes the whole folder
            origins.by_folder[row.dir] = key


def _read_sources(text: str, origins: Origins) -> None:
    files: dict[str, set[str]] = {}
    key = ""
    for line in text.splitlines():
        if section := _SECTION.match(line):
            key = section.group(1)
        elif line.startswith("## "):  # a section that is not a repository's
            key = ""
        elif key and (origin := _ORIGIN.match(line)):
            commit = origin.group(2).strip()
            origins.repositories[key] = {"url": origin.group(1), "commit": commit}
        elif key and (listed := _TABLE_FILE.match(line)):
            files.setdefault(listed.group(1), set()).add(key)
    origins.by_name = {name: next(iter(keys)) for name, keys in files.items() if len(keys) == 1}
