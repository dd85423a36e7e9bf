"""What a notebook run's outputs depend on, and whether a previous run of the same can be reused.

The inputs of a run, each hashed:
- the notebook's cells (kind, source, tags; not outputs or metadata), and the headings of the
  notebooks beside it (a report links to its neighbours by title);
- its parameters, with as_of=latest resolved to the date it stands for;
- code: every module of the repository the notebook imports, directly or through other
  modules: techflows's, and modules beside the notebook (`notebooks/mine_helpers.py`, which
  its kernel imports first), plus the runner code that turns the executed notebook into the
  report (html_export). Found by reading import statements, which is exact because techflows
  imports nothing dynamically (a test keeps it so). A module's parent packages count, since
  importing runs their __init__;
- versions: Python and every installed distribution the code imports, with everything those
  require (extras included, when installed), plus the kernel and the exporter (ipykernel,
  papermill, nbconvert); pip-installing a package nothing there requires changes nothing;
- data it can read: the reference tables in data/ and the universe file, then by source: the
  snapshot's files, the csv folder's files, or the live cache's files and the latest market
  close (live data changes with the clock).

A report folder keeps the inputs of its last good run in STAMP, with a hash of every file the
run published; a run with the same inputs reuses those files when they are all still intact.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from techflows import atomic, config

STAMP = ".inputs.json"
PACKAGE = "techflows"
# Runner code that shapes a report besides the notebook: the HTML exporter and its imports.
RUNNER_MODULES = ("techflows.run.html_export",)
# What runs every notebook: the kernel, the executor and the exporter.
RUNNER_DISTRIBUTIONS = ("ipykernel", "papermill", "nbconvert")
LIVE_SOURCES = ("yahoo",)
REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
# Optional features for developing a package, not for running it.
NOT_AT_RUNTIME = re.compile(r"(all|dev|develop|doc|docs|lint|test|tests|testing|typing)$", re.I)
STORED_SOURCES = ("snapshot", "csv", "sample")


@dataclass(frozen=True)
class Inputs:
    """Every input of one notebook run, hashed; equal Inputs give the same outputs."""

    notebook: str
    neighbours: dict[str, str]
    parameters: dict[str, Any]
    code: dict[str, str]
    versions: dict[str, str]
    data: dict[str, str]

    @property
    def digest(self) -> str:
        """One sha256 over all of them."""
        return _sha256(json.dumps(asdict(self), sort_keys=True).encode())

    def changed(self, other: Mapping[str, Any]) -> list[str]:
        """The names of the inputs that differ from a stamp's (other: Inputs as a dict)."""
        mine = asdict(self)
        return [k for k in mine if mine[k] != other.get(k)]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# Notebooks


def _cells(path: Path) -> list[dict[str, Any]]:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return [c for c in cells if isinstance(c, dict)]


def _text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def headings(path: Path) -> str:
    """sha256 of a notebook's markdown heading lines (its title is the first of them)."""
    lines = [
        line
        for cell in _cells(path)
        if cell.get("cell_type") == "markdown"
        for line in _text(cell).splitlines()
        if line.startswith("#")
    ]
    return _sha256("\n".join(lines).encode())


def notebook_digest(path: Path) -> str:
    """sha256 of what a notebook runs: each cell's kind, source and tags; not its outputs,
    execution counts or metadata, which change with every run or save in JupyterLab."""
    cells = [
        [c.get("cell_type"), _text(c), c.get("metadata", {}).get("tags", [])] for c in _cells(path)
    ]
    return _sha256(json.dumps(cells, sort_keys=True).encode())


def neighbour_inputs(notebook: Path) -> dict[str, str]:
    """The notebooks before and after this one in its folder, by name, with their headings."""
    siblings = sorted(notebook.parent.glob("*.ipynb"))
    if notebook not in siblings:
        return {}
    here = siblings.index(notebook)
    around = siblings[max(here - 1, 0) : here] + siblings[here + 1 : here + 2]
    return {p.stem: headings(p) for p in around}


def notebook_tree(path: Path) -> ast.Module:
    """The code cells of a notebook as one module (IPython magics and shell lines left out)."""
    body: list[ast.stmt] = []
    for cell in _cells(path):
        if cell.get("cell_type") != "code":
            continue
        lines = [ln for ln in _text(cell).splitlines() if not ln.lstrip().startswith(("%", "!"))]
        body += ast.parse("\n".join(lines)).body
    return ast.Module(body=body, type_ignores=[])


# Code


@cache
def _package_module(name: str) -> Path | None:
    parts = name.split(".")
    base = config.PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_path(name: str, local_dir: Path | None = None) -> Path | None:
    """The source file of a techflows module or package, or of a module beside the notebook.

    local_dir: the notebook's folder, where its kernel starts: `import mine_helpers` there
    loads local_dir/mine_helpers.py (or the package local_dir/mine_helpers/) before anything
    installed. None if there is no such file.
    """
    if name.split(".")[0] == PACKAGE:
        return _package_module(name)
    if local_dir is None:
        return None
    base = Path(local_dir).joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_names(tree: ast.AST, package: str = "") -> set[str]:
    """Every module an import statement in tree may load, wherever the statement sits.

    package: the package the code is in, for relative imports.
    """
    names: set[str] = set()
    for node in statements(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # `from package import name` loads package.name when it is a module.
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return {n for n in names if n}


def statements(tree: ast.AST) -> Iterable[ast.stmt]:
    """Every statement in tree, nested ones included (imports are statements; faster than walk)."""
    todo = list(getattr(tree, "body", []))
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo += getattr(node, field, [])


def with_parents(name: str) -> list[str]:
    """A module and the packages above it, whose __init__ run when it is imported."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@cache
def _module_imports(path: Path, stamp: tuple[int, int], module: str) -> frozenset[str]:
    del stamp  # part of the cache key only: a file edited in a long-lived worker is read again
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return frozenset(imported_names(ast.parse(path.read_text(encoding="utf-8")), package))


def closure(roots: Iterable[str], local_dir: Path | None = None) -> tuple[set[str], set[str]]:
    """(modules of the repository, other top-level modules) reachable from the imports in roots.

    Modules of the repository: techflows's, and those beside the notebook (local_dir), with
    what they import in turn; the others are installed distributions (see version_inputs).
    """
    own: set[str] = set()
    others: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        top = name.split(".")[0]
        if top != PACKAGE and module_path(top, local_dir) is None:
            others.add(top)
            continue
        for module in with_parents(name):
            path = module_path(module, local_dir)
            if path is None or module in own:
                continue
            own.add(module)
            stat = path.stat()
            todo += _module_imports(path, (stat.st_mtime_ns, stat.st_size), module)
    return own, others


def code_inputs(modules: Iterable[str], local_dir: Path | None = None) -> dict[str, str]:
    """sha256 of each module's source file (techflows's, or beside the notebook in local_dir)."""
    found = {m: module_path(m, local_dir) for m in modules}
    return {m: file_digest(p) for m, p in sorted(found.items()) if p is not None}


# Versions


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _installed(name: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(canonical name, version, Requires-Dist lines) of an installed distribution, or None."""
    import importlib.metadata as metadata

    try:
        meta = metadata.distribution(name).metadata
    except metadata.PackageNotFoundError:
        return None
    return canonical(meta["Name"]), meta["Version"], tuple(meta.get_all("Requires-Dist") or ())


@cache
def _distribution(top_level: str) -> str | None:
    """The distribution that installs a top-level module."""
    import importlib.metadata as metadata

    found = _installed(top_level)
    if found is not None:
        return found[0]
    for dist in metadata.packages_distributions().get(top_level, []):
        return canonical(dist)
    return None


def _requirements(required: Iterable[str], extras: bool) -> set[str]:
    """Names in Requires-Dist lines; with extras, also those of optional runtime features."""
    names = set()
    for requirement in required:
        extra = EXTRA_MARKER.search(requirement)
        if extra and not (extras and not NOT_AT_RUNTIME.match(extra[1])):
            continue
        if name := REQUIREMENT_NAME.match(requirement):
            names.add(canonical(name[1]))
    return names


def version_inputs(top_levels: Iterable[str]) -> dict[str, str]:
    """Python's version and those of the distributions behind top_levels and what they need.

    The distributions the code imports count with their optional features (pandas uses numexpr
    and bottleneck when they are installed); the ones those require, with their plain needs.
    """
    stdlib = sys.stdlib_module_names
    direct = {d for t in top_levels if t not in stdlib and (d := _distribution(t))}
    direct |= {canonical(d) for d in RUNNER_DISTRIBUTIONS}
    versions = {"python": sys.version.split()[0]}
    todo = sorted(direct)
    while todo:
        dist = todo.pop()
        if dist in versions or (found := _installed(dist)) is None:
            continue  # not installed: an optional dependency nothing loads
        versions[dist] = found[1]
        todo += sorted(_requirements(found[2], extras=dist in direct))
    return dict(sorted(versions.items()))


# Data


_folder_digests: dict[tuple[str, tuple], str] = {}


def folder_digest(folder: Path) -> str:
    """sha256 over a folder's files (names and bytes; hidden files, locks and temp files left out).

    Remembered for the life of the process while no file's size, time or inode changes.
    """
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    stats = tuple(
        (str(p.relative_to(folder)), s.st_size, s.st_mtime_ns, s.st_ino)
        for p in files
        if (s := p.stat())
    )
    key = (str(folder), stats)
    if key not in _folder_digests:
        listing = "\n".join(f"{p.relative_to(folder)}\0{file_digest(p)}" for p in files)
        _folder_digests[key] = _sha256(listing.encode())
    return _folder_digests[key]


def reference_tables() -> dict[str, str]:
    """The reference tables every section may read: data/*.csv (universe, claims, ...)."""
    return {f"data/{p.name}": file_digest(p) for p in sorted(config.DATA_DIR.glob("*.csv"))}


def resolve_source(parameters: Mapping[str, Any]) -> str:
    """The source a run will read: auto resolved the way open_source resolves it."""
    source = str(parameters.get("source") or "auto").strip().lower()
    if source != "auto":
        return source
    from techflows.data.source import OFFLINE_FALLBACK, live_usable

    return "yahoo" if live_usable() else OFFLINE_FALLBACK


def latest_close() -> str:
    """The latest settled NYSE close: live data, and 'latest', change when it moves."""
    from techflows.data import market_calendar

    return str(market_calendar.last_close())


def resolve_as_of(as_of: object, source: str) -> str:
    """as_of as a date; 'latest' as what it stands for on this source, now."""
    text = "" if as_of is None else str(as_of).strip()
    if text.lower() in ("", "latest"):
        if source == "snapshot":
            from techflows.data.snapshot.manifest import read_manifest

            return f"latest: snapshot through {read_manifest(config.SNAPSHOT_DIR)['through']}"
        if source in LIVE_SOURCES:
            from techflows.data import market_calendar

            return f"latest: session {market_calendar.last_final_session().date()}"
        return "latest: the last date of the data (its files are an input)"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        from techflows.data.source import parse_as_of

        return str(parse_as_of(text).date())


def data_inputs(parameters: Mapping[str, Any], source: str) -> dict[str, str]:
    """Digests of everything the run can read, for the source it will use."""
    data = reference_tables()
    universe = parameters.get("universe")
    if universe:
        path = config.resolve_folder(str(universe))
        data["universe"] = file_digest(path) if path.is_file() else f"missing: {path}"
    folder = parameters.get("data_dir")
    if folder:
        path = Path(str(folder))
        data["data_dir"] = f"{path}: {folder_digest(path)}" if path.is_dir() else f"missing: {path}"
    if source == "snapshot" or (source == "auto" and not folder):
        data["snapshot"] = folder_digest(config.SNAPSHOT_DIR)
    if source in LIVE_SOURCES:
        data["cache"] = folder_digest(config.CACHE_DIR) if config.CACHE_DIR.is_dir() else "empty"
        data["latest close"] = latest_close()
    return data


def parameter_inputs(parameters: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The parameters as papermill passes them, as_of also resolved to a date."""
    given = {k: v for k, v in parameters.items() if k != "output_dir"}
    return {**given, "as_of (resolved)": resolve_as_of(given.get("as_of"), source)}


@cache
def _notebook_imports(notebook: Path, stamp: tuple[int, int]) -> frozenset[str]:
    del stamp  # cache key only
    return frozenset(imported_names(notebook_tree(notebook)) | set(RUNNER_MODULES))


def run_inputs(notebook: Path, parameters: Mapping[str, Any], source: str = "") -> Inputs:
    """The inputs of running notebook with parameters, now (source: resolve_source's answer,
    when the caller has it already: deciding 'auto' probes the network)."""
    notebook = Path(notebook).resolve()
    own, others = _closure_of_now(notebook)
    source = source or resolve_source(parameters)
    return Inputs(
        notebook=notebook_digest(notebook),
        neighbours=neighbour_inputs(notebook),
        parameters=parameter_inputs(parameters, source),
        code=code_inputs(own, notebook.parent),
        versions=version_inputs(others),
        data=data_inputs(parameters, source),
    )


# Stamps


def stamp_path(folder: Path) -> Path:
    """Where a report folder keeps the inputs of its last good run."""
    return Path(folder) / STAMP


def write_stamp(
    folder: Path,
    inputs: Inputs,
    files: Mapping[str, str] | Iterable[str],
    run: Mapping[str, Any],
) -> None:
    """Record that folder's files (relative paths) came from a run with these inputs.

    files: each file with the sha256 it had when the run wrote it, so that a stamp never
    describes files another run put there since; or just the names, to hash them now.
    """
    folder = Path(folder)
    digests = (
        dict(files) if isinstance(files, Mapping) else {f: file_digest(folder / f) for f in files}
    )
    stamp = {
        "digest": inputs.digest,
        "inputs": asdict(inputs),
        "files": dict(sorted(digests.items())),
        "run": dict(run),
    }
    atomic.write_text(stamp_path(folder), json.dumps(stamp, indent=1, default=str) + "\n")


def read_stamp(folder: Path) -> dict[str, Any] | None:
    """The stamp of a report folder, or None."""
    try:
        stamp = json.loads(stamp_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def vouches_for(folder: Path, names: Iterable[str]) -> bool:
    """True when the folder's stamp records each named file with the bytes it has now: the
    files are the ones its run published, not another run's."""
    stamp = read_stamp(folder)
    files = stamp.get("files") if stamp else None
    if not isinstance(files, dict):
        return False
    return all(
        (path := Path(folder) / name).is_file() and files.get(name) == file_digest(path)
        for name in names
    )


def refresh_files(folder: Path, names: Iterable[str]) -> None:
    """Record the new bytes of files of a stamped folder that the runner rewrote after its run
    (the change panel): their inputs are unchanged, so the run stays reusable."""
    stamp = read_stamp(folder)
    files = stamp.get("files") if stamp else None
    if not isinstance(files, dict):
        return
    for name in names:
        if name in files:
            files[name] = file_digest(Path(folder) / name)
    atomic.write_text(stamp_path(folder), json.dumps(stamp, indent=1, default=str) + "\n")


def drop_stamp(folder: Path) -> None:
    """Forget a folder's stamp (before its files are replaced)."""
    stamp_path(folder).unlink(missing_ok=True)


def reusable(folder: Path, inputs: Inputs) -> dict[str, Any] | None:
    """The folder's stamp when its run had these inputs and its files are intact, else None."""
    stamp = read_stamp(folder)
    if not stamp or stamp.get("digest") != inputs.digest:
        return None
    files = stamp.get("files")
    if not isinstance(files, dict) or not files:
        return None
    for name, digest in files.items():
        path = Path(folder) / name
        if not path.is_file() or file_digest(path) != digest:
            return None
    return stamp


def is_live(inputs: Inputs) -> bool:
    """True when the run reads the live cache, which a run may itself refresh."""
    return "cache" in inputs.data


def same_data(before: Inputs, parameters: Mapping[str, Any]) -> bool:
    """True when the data a run read is still what it was when the run started."""
    return data_inputs(parameters, resolve_source(parameters)) == before.data


def differences(inputs: Inputs, notebook: Path, parameters: Mapping[str, Any]) -> list[str]:
    """What this machine has that differs from inputs (a run's inputs, taken elsewhere).

    A worker checks this before it runs a task: code, versions and data must be the client's.
    """
    here = {
        "code": code_inputs(inputs.code, Path(notebook).resolve().parent),
        "versions": version_inputs(_closure_of_now(notebook)[1]),
        "data": data_inputs(parameters, resolve_source(parameters)),
    }
    wanted = asdict(inputs)
    found = []
    for kind, values in here.items():
        keys = sorted(set(values) | set(wanted[kind]))
        found += [f"{kind} {k}" for k in keys if values.get(k) != wanted[kind].get(k)]
    return found


def _closure_of_now(notebook: Path) -> tuple[set[str], set[str]]:
    """The closure of a notebook's imports as its files are now (each file parsed once)."""
    notebook = Path(notebook).resolve()
    stat = notebook.stat()
    return closure(_notebook_imports(notebook, (stat.st_mtime_ns, stat.st_size)), notebook.parent)
