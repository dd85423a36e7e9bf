"""Pages shared outside the team: markup in data is shown as text, and no local path leaks.

Issue 21 points 1 and 2. One hostile run, shared by the tests here: a copy of the repository
whose reference tables (data/claims.csv, analyst_signals.csv, reported_figures.csv, universe
names) carry a payload in every text column, and a csv folder, under a home folder of its own,
whose name is a payload and whose constituents' names are payloads too. Every section runs on
it in real kernels (`techflows report`, the copy's code on PYTHONPATH); every page is parsed
(html.parser, not grep): no element or handler of a payload may appear, payload text sits where
JupyterLab would not typeset it as math, and no published file names a local folder.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ARTICLES_DATE, REPO_ROOT
from faults.conftest import Inline
from techflows.config import NOTEBOOK_DIR
from techflows.run.sections import sections as section_notebooks

pytestmark = pytest.mark.notebook

MARK = "xss21"  # every payload names its place: xss21-claims-quote-3, ...
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
NO_MATH = "mathjax_ignore"  # JupyterLab's MathJax 3 skips elements of this class


def payload(place: str) -> str:
    """A script, a handler, both attribute breakers, an element and TeX math, named by place."""
    m = f"{MARK}-{place}"
    return (
        f'<script>alert("{m}")</script><img src=x onerror="alert(\'{m}\')">'
        f'"><svg onload=alert("{m}")>\'><b data-m="{m}">bold</b> $\\frac{{{m}}}{{2}}$'
    )


def poison(path: Path, columns: list[str], tag: str) -> None:
    """Append a payload to every cell of the text columns named."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows):
        for column in columns:
            row[column] = f"{row[column]} {payload(f'{tag}-{column}-{i}')}".strip()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


class Page(HTMLParser):
    """One page parsed: payload elements and handlers, and where payload text sits."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.injected: list[str] = []
        self.texts: list[tuple[str, bool]] = []  # (payload text, inside a no-math element)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        flat = " ".join(f"{k}={v}" for k, v in attrs)
        if MARK in flat or any(k.startswith("on") and MARK in (v or "") for k, v in attrs):
            self.injected.append(f"<{tag} {flat[:100]}>")

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if MARK not in data:
            return
        if self.stack and self.stack[-1][0] in ("script", "style"):
            self.injected.append(f"<{self.stack[-1][0]}>{data[:100]}")
        guarded = any(NO_MATH in classes.split() for _, classes in self.stack)
        self.texts.append((data, guarded))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(output folder, stderr, exit code, run root) of every section on hostile data."""
    root = tmp_path_factory.mktemp("hostile")
    copy = root / "repo"
    for part in ("lib", "notebooks", "data"):
        ignore = shutil.ignore_patterns("__pycache__", "cache", "*.egg-info")
        shutil.copytree(REPO_ROOT / part, copy / part, ignore=ignore)
    poison(copy / "data" / "claims.csv", ["quote", "section", "source"], "claims")
    poison(copy / "data" / "analyst_signals.csv", ["note", "source"], "signals")
    poison(copy / "data" / "reported_figures.csv", ["reported_by", "cited_in", "note"], "reported")
    poison(copy / "data" / "universe.csv", ["name"], "universe")
    from techflows.data.snapshot.export import export_csv

    home = root / "home"
    name = payload("folder").replace("/", "")  # a folder name cannot hold a slash
    folder = export_csv(home / name)
    poison(folder / "constituents" / "sp500_constituents.csv", ["Security"], "members")
    (folder / "flows" / "etf_aum.csv").unlink()  # a "Not available" line that names the folder
    env = {**os.environ, "PYTHONPATH": str(copy / "lib"), "HOME": str(home)}
    out = root / "out"
    argv = ["report", "--data-dir", f"~/{name}", "--as-of", ARTICLES_DATE]
    argv += ["--param", "week_end=W-WED", "--output-dir", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "techflows", *argv],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out, done.stderr, done.returncode, root


def pages(out: Path) -> list[Path]:
    """Every page the run published: the index, the sections, and their archived copies."""
    return sorted(out.rglob("*.html"))


def test_every_section_runs_on_hostile_text(hostile):
    out, err, code, _ = hostile
    assert code == 0, err
    sections = {p.relative_to(out).as_posix() for p in out.glob("0*/0*.html")}
    expected = {f"{nb.stem}/{nb.stem}.html" for nb in section_notebooks(NOTEBOOK_DIR)}
    assert sections == expected and (out / "index.html") in pages(out)


def test_no_payload_becomes_an_element_or_a_handler(hostile):
    out, _, _, _ = hostile
    injected = {p.relative_to(out).as_posix(): parse(p).injected for p in pages(out)}
    assert all(not found for found in injected.values()), {
        k: (len(v), v[:3]) for k, v in injected.items() if v
    }


def test_payloads_reach_the_pages_as_text(hostile):
    """The payloads are there, shown: the test above is not passing on pages without them."""
    out, _, _, _ = hostile
    shown = " ".join(text for p in pages(out) for text, _ in parse(p).texts)
    places = set(re.findall(rf"{MARK}-([a-z]+)", shown))
    assert {"claims", "signals", "reported", "folder"} <= places, places
    assert 'alert("xss21-claims-quote-0")' in shown  # the script's text, not a script


def test_payload_text_is_never_typeset_as_math(hostile):
    """In JupyterLab the executed notebook's outputs are typeset: data text opts out."""
    out, _, _, _ = hostile
    for page in sorted(out.glob("*/*.html")):
        loose = [t for t, guarded in parse(page).texts if not guarded and "$" in t]
        assert not loose, (page.name, len(loose), loose[:2])


def _published(out: Path) -> dict[str, str]:
    """Every file a reader may get: pages, runs.json, figures, tables, executed notebooks."""
    return {
        str(p.relative_to(out)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def local_paths(root: Path) -> list[str]:
    """The folders a published file must never name: the run's own, the checkout, Python's."""
    return [str(root), str(REPO_ROOT), sys.prefix]


def test_published_files_name_no_local_folder(hostile):
    out, _, _, root = hostile
    leaks = {
        name: sorted({p for p in local_paths(root) if p in text})
        for name, text in _published(out).items()
    }
    assert not {k: v for k, v in leaks.items() if v}, leaks


def test_the_data_folder_is_named_by_its_last_part(hostile):
    out, _, _, _ = hostile
    runs = json.loads((out / "runs.json").read_text())
    status = next(r for r in runs["reports"] if r["name"] == "01_current_status")
    name = payload("folder").replace("/", "")
    assert status["parameters"]["data_dir"] == name
    assert any(name in m for m in status["missing"])  # the "Not available" line names it


def test_the_executed_notebook_keeps_where_it_came_from_relative(hostile):
    out, _, _, _ = hostile
    executed = nbformat.read(out / "01_current_status" / "01_current_status.ipynb", as_version=4)
    record = executed.metadata["papermill"]
    assert record["input_path"] == "notebooks/01_current_status.ipynb"
    assert record["output_path"] == "01_current_status/01_current_status.ipynb"
    assert record["parameters"]["output_dir"] == "01_current_status"


FAILS = """\
import warnings
import pandas as pd
warnings.warn("a warning names the cell's file")
pd.read_csv(data_dir + "/flows/missing.csv")
"""


def test_a_failed_notebook_and_its_traceback_name_no_local_folder(tmp_path):
    """The failed notebook the index links to: its traceback runs through pandas and the home."""
    from techflows.run import report

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    parameters = new_code_cell(
        'source = "sample"  # one of sample: the data\n'
        'data_dir = ""  # folder: a folder\n'
        'output_dir = ""  # text: where figures go',
        metadata={"tags": ["parameters"]},
    )
    cells = [new_markdown_cell("# Fails"), parameters, new_code_cell(FAILS)]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = notebooks / "09_fails.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": kernel}), notebook)
    home = tmp_path / "home" / "epfr-export"
    home.mkdir(parents=True)
    out = tmp_path / "out"
    parameters = {"source": "sample", "data_dir": str(home)}
    (result,) = report.run_reports([notebook], out, parameters, jobs=1, log=lambda m: None)
    assert not result.ok and result.error.ename == "FileNotFoundError"
    published = _published(out)
    assert "09_fails/09_fails.failed.ipynb" in published
    failed = published["09_fails/09_fails.failed.ipynb"]
    assert "site-packages" in failed or "pandas" in failed  # the traceback is there
    assert "a warning names the cell's file" in failed
    cells = str(Path(tempfile.gettempdir()) / "ipykernel_")  # IPython's files of the cells
    leaks = {
        k: [p for p in [*local_paths(tmp_path), cells] if p in v] for k, v in published.items()
    }
    assert not {k: v for k, v in leaks.items() if v}, leaks
    assert "epfr-export/flows/missing.csv" in json.dumps(json.loads(published["runs.json"]))


def test_a_sweep_names_no_local_folder(tmp_path, monkeypatch):
    """sweep.json, the sweep's page and each run's index: the data folder by its last part."""
    from faults.conftest import NOTEBOOKS
    from techflows.run import engine, execute, grid, sweep

    home = tmp_path / "home" / "epfr-export"
    home.mkdir(parents=True)

    def fails(task):
        error = execute.CellError("DataError", f"{home}/prices/XLK.csv: row 3: not a date")
        result = execute.failed_result(task.name, task.notebook, task.parameters, error, 1)
        return sweep.Outcome(result)

    monkeypatch.setattr(sweep, "execute_task", fails)
    monkeypatch.setattr(engine, "engine", lambda scheduler, jobs: Inline())
    spec = sweep.Sweep(
        name="weekly",
        notebooks=(NOTEBOOKS / "01_ok.ipynb",),
        points=tuple(grid.points(["2015-01-02"], {})),
        parameters={"source": "csv", "data_dir": str(home)},
        output_dir=tmp_path / "sweeps" / "weekly",
    )
    sweep.run_sweep(spec, log=lambda m: None, progress=False)
    published = _published(tmp_path / "sweeps")
    assert "sweep.json" in {Path(k).name for k in published}
    leaks = {k: [p for p in local_paths(tmp_path) if p in v] for k, v in published.items()}
    assert not {k: v for k, v in leaks.items() if v}, leaks
    record = json.loads(published["weekly/sweep.json"])
    assert record["parameters"]["data_dir"] == "epfr-export"


# --- the two renderers on their own (fast) ---------------------------------------------------


def test_a_table_shows_markup_in_its_cells_headers_and_caption_as_text():
    from techflows.views import tables

    frame = pd.DataFrame({payload("header"): [payload("cell")], "note": [payload("note")]})
    page = Page()
    page.feed(tables.show(frame, caption=payload("caption")).to_html())
    assert not page.injected, page.injected
    assert len(page.texts) == 4 and all(guarded for _, guarded in page.texts), page.texts


def test_a_note_keeps_our_emphasis_and_shows_data_as_text(monkeypatch):
    from techflows.run import notebook as nb

    shown: list[object] = []
    monkeypatch.setattr(nb, "display", shown.append)
    nb.note(f"Tech ETFs **-2.50 bn**; fund {payload('fund')}")
    (output,) = shown
    html = output._repr_html_()
    page = Page()
    page.feed(html)
    assert not page.injected and page.texts and all(g for _, g in page.texts)
    assert "<strong>-2.50 bn</strong>" in html
