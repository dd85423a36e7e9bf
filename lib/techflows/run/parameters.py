"""Notebook parameters, declared where an analyst edits them: the notebook's `parameters` cell.

Each parameter's line carries a typed comment, `name = default  # KIND: what it means`:

    as_of = "latest"  # date or latest: cut all data at this date
    lookback_years = 10  # int 1..100: years of history for ranks, z-scores and models
    source = "auto"  # one of auto, yahoo, csv, snapshot, sample: where the data come from
    event_window = "-5,20"  # 2 ints -60..250: sessions before and after each decision

KIND is int or float (a range lo..hi optional, either end may be open), bool, text, date
(YYYY-MM-DD), date or latest, one of A, B, C, folder or file (an existing one, or blank), or
N ints / N floats (comma-separated, N optional, a range optional). A line without a typed
comment takes the kind of its default. papermill shows the comment as the parameter's help
(`papermill --help-notebook`).

The parameters every section shares are declared once, here (SHARED_CELL): each notebook's
parameters cell starts with those lines, a test keeps them equal, and the runner passes every
parameter a notebook declares, the shared ones with these defaults, so a value saved in a
notebook never leaks into a batch report (saved_edits names any, for the runner's warning).

The runner checks every value against the declarations before any kernel starts
(validate_parameters, for_notebooks); the notebook checks them again in its first cell after
the parameters (check_parameters(globals())), for plain papermill and JupyterLab.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import math
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techflows.config import resolve_folder
from techflows.data.validate import parse_date
from techflows.errors import DataError

INT_TEXT = re.compile(r"[+-]?\d+")
FLOAT_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_RANGE = rf"(?:\s+(?P<low>{_NUMBER})?\.\.(?P<high>{_NUMBER})?)?"
SPECS = {
    "scalar": re.compile(rf"(?P<kind>int|float){_RANGE}"),
    "list": re.compile(rf"(?:(?P<count>\d+)\s+)?(?P<kind>ints|floats){_RANGE}"),
    "word": re.compile(r"(?P<kind>bool|text|date or latest|date|folder|file)"),
    "choice": re.compile(r"one of\s+(?P<choices>[^,:]+(?:,\s*[^,:]+)*)"),
}
INJECTED = "# Parameters"  # the first line of the cell papermill injects
TRUE, FALSE = ("true", "yes"), ("false", "no")


@dataclass(frozen=True)
class Declaration:
    """One notebook parameter: its kind, range or choices, default and meaning."""

    name: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    count: int | None = None
    help: str = ""

    def describe(self) -> str:
        """The declaration as written in the notebook: 'int 1..100', 'one of a, b'."""
        if self.kind == "one of":
            return f"one of {', '.join(self.choices)}"
        head = f"{self.count} {self.kind}" if self.count else self.kind
        if self.low is None and self.high is None:
            return head
        return f"{head} {_num(self.low)}..{_num(self.high)}"

    def convert(self, value: object) -> object:
        """The value as the notebook should receive it; DataError naming what is wrong."""
        try:
            return CONVERTERS[self.kind](self, value)
        except (ValueError, TypeError) as exc:
            shown = f"{self.name}={value}" if isinstance(value, str) else f"{self.name}={value!r}"
            raise DataError(f"parameter {shown}: {exc} (declared: {self.describe()})") from None

    def in_range(self, number: float) -> float:
        """number, or ValueError when outside [low, high]."""
        if self.low is not None and number < self.low:
            raise ValueError(f"{_num(number)} is below the lowest allowed, {_num(self.low)}")
        if self.high is not None and number > self.high:
            raise ValueError(f"{_num(number)} is above the highest allowed, {_num(self.high)}")
        return number


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# --- converters: each returns the typed value or raises ValueError/TypeError with the problem


def _int(decl: Declaration, value: object) -> int:
    if isinstance(value, bool):
        raise TypeError("is true/false, not a whole number")
    if isinstance(value, str) and INT_TEXT.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int):
        raise TypeError("is not a whole number")
    return int(decl.in_range(value))


def _float(decl: Declaration, value: object) -> float:
    if isinstance(value, bool):
        raise TypeError("is true/false, not a number")
    if isinstance(value, str) and FLOAT_TEXT.fullmatch(value.strip()):
        value = float(value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError("is not a finite number")
    return float(decl.in_range(float(value)))


def _bool(decl: Declaration, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (*TRUE, *FALSE):
        return value.strip().lower() in TRUE
    raise TypeError("is not true or false")


def _text(decl: Declaration, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError("is not text")
    return value if isinstance(value, str) else str(value)


def _date(decl: Declaration, value: object) -> str:
    try:
        return str(parse_date(value, decl.name).date())
    except DataError:
        raise ValueError("is not a date (YYYY-MM-DD)") from None


def _date_or_latest(decl: Declaration, value: object) -> str:
    if isinstance(value, str) and value.strip().lower() in ("latest", ""):
        return "latest"
    try:
        return str(parse_date(value, decl.name).date())
    except DataError:
        raise ValueError("is not a date (YYYY-MM-DD) or latest") from None


def _choice(decl: Declaration, value: object) -> str:
    if isinstance(value, str):
        for option in decl.choices:
            if value.strip().lower() == option.lower():
                return option
    raise ValueError("is not one of the choices")


def _path(decl: Declaration, value: object) -> str:
    if not isinstance(value, str | Path):
        raise TypeError("is not a path")
    text = str(value)
    if not text.strip():
        return ""
    found = resolve_folder(text)
    if decl.kind == "folder" and not found.is_dir():
        raise ValueError("no such folder")
    if decl.kind == "file" and not found.is_file():
        raise ValueError("no such file")
    return text


def _numbers(decl: Declaration, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError("is not a comma-separated list of numbers")
    parts = [p.strip() for p in str(value).split(",")]
    pattern = INT_TEXT if decl.kind == "ints" else FLOAT_TEXT
    if not all(pattern.fullmatch(p) for p in parts):
        noun = "whole numbers" if decl.kind == "ints" else "numbers"
        raise ValueError(f"is not a comma-separated list of {noun}")
    if decl.count is not None and len(parts) != decl.count:
        raise ValueError(f"has {len(parts)} values, not {decl.count}")
    for part in parts:
        decl.in_range(float(part))
    return str(value)


CONVERTERS = {
    "int": _int,
    "float": _float,
    "bool": _bool,
    "text": _text,
    "date": _date,
    "date or latest": _date_or_latest,
    "one of": _choice,
    "folder": _path,
    "file": _path,
    "ints": _numbers,
    "floats": _numbers,
}
INFERRED = {bool: "bool", int: "int", float: "float", str: "text"}


# --- reading declarations ------------------------------------------------------------------


def _spec(text: str) -> dict[str, Any] | None:
    """The kind, range, choices and count a typed comment's head declares, or None."""
    text = text.strip()
    for name, pattern in SPECS.items():
        match = pattern.fullmatch(text)
        if not match:
            continue
        found = match.groupdict()
        if name == "choice":
            return {
                "kind": "one of",
                "choices": tuple(c.strip() for c in found["choices"].split(",")),
            }
        spec: dict[str, Any] = {"kind": found["kind"]}
        for end in ("low", "high"):
            if found.get(end) is not None:
                spec[end] = float(found[end])
        if found.get("count"):
            spec["count"] = int(found["count"])
        return spec
    return None


def declare(name: str, default: object, comment: str) -> Declaration:
    """A parameter's declaration from its default and its line's comment."""
    comment = comment.strip().lstrip("#").strip()
    head, sep, rest = comment.partition(":")
    spec = _spec(head) if sep else None
    if spec is not None:
        meaning = rest.strip()
    elif (spec := _spec(comment)) is not None:
        meaning = ""
    else:
        meaning, kind = comment, INFERRED.get(type(default))
        if kind is None:
            raise DataError(f"parameter {name}: default {default!r} is not a number, text or bool")
        spec = {"kind": kind}
    return Declaration(name=name, default=default, help=meaning, **spec)


def _assignment(node: ast.stmt) -> tuple[str, ast.expr] | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    else:
        return None
    return (target.id, value) if isinstance(target, ast.Name) else None


def _literals(source: str) -> list[tuple[str, object, str]] | None:
    """(name, default, comment) of each line of a cell of literal assignments, else None."""
    try:
        tree = ast.parse(source)
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        comments = {t.start[0]: t.string for t in tokens if t.type == tokenize.COMMENT}
    except (SyntaxError, tokenize.TokenError):
        return None
    found = []
    for node in tree.body:
        assigned = _assignment(node)
        if assigned is None:
            return None
        name, value = assigned
        try:
            default = ast.literal_eval(value)
        except ValueError:
            return None
        found.append((name, default, comments.get(node.end_lineno or node.lineno, "")))
    return found


def parse_cell(source: str, where: str = "the parameters cell") -> dict[str, Declaration]:
    """The declarations of a parameters cell (literal assignments, each with its comment)."""
    lines = _literals(source)
    if lines is None:
        raise DataError(f"{where}: only `name = value  # kind: meaning` lines belong there")
    declared = {}
    for name, default, comment in lines:
        decl = declare(name, default, comment)
        decl.convert(default)  # a declaration its own default breaks is a typo
        declared[name] = decl
    return declared


def parameters_cell(notebook: Mapping[str, Any]) -> str:
    """The source of the cell tagged `parameters` ('' when there is none)."""
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return ""


def declarations(notebook: str | Path | Mapping[str, Any]) -> dict[str, Declaration]:
    """What a notebook (a path or a loaded notebook) declares in its parameters cell."""
    where = "the notebook"
    if isinstance(notebook, str | Path):
        where = Path(notebook).stem
        try:
            notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"notebook {where}: cannot be read ({exc})") from None
    return parse_cell(parameters_cell(notebook), f"{where}'s parameters cell")


# --- the parameters every section shares ---------------------------------------------------

SHARED_CELL = """\
as_of = "latest"  # date or latest: cut all data at this date (YYYY-MM-DD)
lookback_years = 10  # int 1..100: years of history for ranks, z-scores and models
source = "auto"  # one of auto, yahoo, csv, snapshot, sample: where the data come from
data_dir = ""  # folder: your own data (the csv source, or what live data lacks); blank: none
universe = ""  # file: a universe CSV of your own; blank: data/universe.csv
week_end = "W-FRI"  # one of W-MON, W-TUE, W-WED, W-THU, W-FRI, W-SAT, W-SUN: the day weeks end
output_dir = ""  # text: where figures and tables go; blank: outputs/lab/<notebook>/ (scratch)
"""
SHARED = parse_cell(SHARED_CELL, "techflows.run.parameters.SHARED_CELL")


def parameter_lines(source: str) -> dict[str, str]:
    """Each parameter's line in a parameters cell, by name (as written, stripped)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    text = source.splitlines()
    return {a[0]: text[node.lineno - 1].strip() for node in tree.body if (a := _assignment(node))}


def with_shared(declared: Mapping[str, Declaration]) -> dict[str, Declaration]:
    """A notebook's declarations, the shared parameters as declared here."""
    return {name: SHARED.get(name, decl) for name, decl in declared.items()}


def saved_edits(notebook: str | Path | Mapping[str, Any]) -> list[str]:
    """One line per shared parameter whose value a notebook saves unlike the shared default."""
    where = Path(notebook).stem if isinstance(notebook, str | Path) else "the notebook"
    found = []
    for name, decl in declarations(notebook).items():
        shared = SHARED.get(name)
        if shared is not None and decl.default != shared.default:
            found.append(
                f"{where} saves {name}={json.dumps(decl.default)} in its parameters cell; the "
                f"shared default is {json.dumps(shared.default)}, which the run uses (restore "
                f"it, or pass --param {name}=... to run with another value)"
            )
    return found


# --- checking values -----------------------------------------------------------------------


def _unknown(name: str, known: Iterable[str], where: str) -> DataError:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(sorted(known))}"
    return DataError(f"parameter {name}: not a parameter of {where} ({hint})")


def validate_parameters(
    notebook: str | Path | Mapping[str, Any] | Mapping[str, Declaration],
    values: Mapping[str, object],
    where: str = "the notebook",
) -> dict[str, object]:
    """values checked against a notebook's declarations (or the declarations themselves).

    Returns the typed values; raises DataError for a name the notebook does not declare, a
    value of the wrong type, out of range, or not one of the choices.
    """
    declared = notebook
    if not (
        isinstance(notebook, Mapping) and all(isinstance(d, Declaration) for d in notebook.values())
    ):
        declared = declarations(notebook)  # type: ignore[arg-type]
    typed = {}
    for name, value in values.items():
        if name not in declared:
            raise _unknown(name, declared, where)
        typed[name] = declared[name].convert(value)  # type: ignore[union-attr]
    return typed


def for_notebooks(
    notebooks: Sequence[Path], values: Mapping[str, object]
) -> dict[Path, dict[str, object]]:
    """Each notebook's typed values: every parameter it declares, given or default.

    The shared parameters default to SHARED's values, not to what the notebook saved; a name no
    notebook declares is a DataError.
    """
    declared = {nb: with_shared(declarations(nb)) for nb in notebooks}
    known = {name for d in declared.values() for name in d}
    for name in values:
        if name not in known:
            where = "any notebook run" if len(notebooks) > 1 else Path(notebooks[0]).stem
            raise _unknown(name, known, where)
    return {
        nb: {name: decl.default for name, decl in d.items()}
        | validate_parameters(d, {k: v for k, v in values.items() if k in d}, nb.stem)
        for nb, d in declared.items()
    }


def check_parameters(namespace: Mapping[str, Any] | None = None) -> dict[str, object]:
    """In a notebook: check the parameters its cells set against its parameters cell.

    Call it right after the parameters cell as check_parameters(globals()). It reads the
    cells run so far from IPython's history: the parameters cell declares, papermill's
    injected cell (if any) must name declared parameters only, and every value must fit.
    """
    if namespace is None:
        from IPython import get_ipython

        shell = get_ipython()
        namespace = shell.user_ns if shell is not None else {}
    history = [s for s in namespace.get("In", []) if isinstance(s, str)][:-1]
    injected: set[str] = set()
    for source in reversed(history):
        lines = _literals(source)
        if source.lstrip().startswith(INJECTED):
            injected |= {name for name, _, _ in lines or []}
        elif lines:
            declared = parse_cell(source)
            break
    else:
        raise DataError("check_parameters: run the notebook's parameters cell first")
    for name in sorted(injected - set(declared)):
        raise _unknown(name, declared, "this notebook")
    return validate_parameters(declared, {n: namespace[n] for n in declared if n in namespace})
