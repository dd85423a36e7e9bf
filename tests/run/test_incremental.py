"""Incremental runs: a report is reused exactly when none of its inputs changed.

Three small notebooks that import different parts of techflows run through the real runner with
the executor replaced by one that records which notebooks it was asked to run; every input is
then changed in turn.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import FIXTURES, REPO_ROOT
from techflows import config
from techflows.run import execute, fingerprint, html_export, report

# a and c share nothing but what every report needs; b alone imports the forecast and seaborn.
SOURCES = {
    "a": "from techflows.analysis import weeks",
    "b": "from techflows.models import forecast\nfrom techflows.views import plots",
    "c": "import techflows",
}


def quiet(message: str) -> None:
    """A log that drops progress lines."""


PARAMETERS = """\
as_of = "latest"  # date or latest: cut all data at this date
source = "auto"  # one of auto, yahoo, csv, snapshot, sample: where the data come from
data_dir = ""  # folder: the csv folder
lookback_years = 10  # int 1..100: years of history
"""


def write_notebook(path: Path, title: str, code: str) -> None:
    parameters = new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})
    cells = [new_markdown_cell(f"# {title}"), parameters, new_code_cell(code)]
    nbformat.write(new_notebook(cells=cells), path)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """Notebooks a, b, c; reference tables and a csv folder of our own; a recording executor."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name, code in SOURCES.items():
        write_notebook(notebooks / f"{name}.ipynb", f"Section {name}", code)
    tables = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, tables, ignore=shutil.ignore_patterns("snapshot", "cache"))
    monkeypatch.setattr(config, "DATA_DIR", tables)
    folder = tmp_path / "csv"
    (folder / "prices").mkdir(parents=True)
    (folder / "prices" / "XLK.csv").write_text("Date,Close\n2026-02-13,140.0\n")
    calls: list[str] = []

    def record(job: execute.Job, executed: Path, staging: Path) -> None:
        calls.append(job.name)
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"# {job.name}")]), executed)
        (staging / "figures.json").write_text(json.dumps({"parameters": job.parameters}))

    monkeypatch.setattr(execute, "_execute", record)
    # The data-date check before kernels has its own tests (tests/faults); here it would read
    # the one-file csv folder, and only which notebooks execute counts.
    monkeypatch.setattr(report, "preflight", lambda parameters, live: None)
    monkeypatch.setenv("TECHFLOWS_WARM_KERNELS", "0")  # no kernel starts: no warm process either
    # The page is rendered by the real exporter elsewhere; here only its being published counts.
    monkeypatch.setattr(html_export, "to_html", lambda notebook, title: f"<h1>{title}</h1>")
    space = {
        "notebooks": sorted(notebooks.glob("*.ipynb")),
        "out": tmp_path / "out",
        "folder": folder,
        "tables": tables,
        "calls": calls,
    }
    return space


def ran(space, force: bool = False, only: str = "", **extra) -> list[str]:
    """Run the notebooks (or only one) through the runner; the names it executed."""
    space["calls"].clear()
    params = {"source": "csv", "data_dir": str(space["folder"]), "as_of": "2026-02-13", **extra}
    notebooks = [n for n in space["notebooks"] if not only or n.stem == only]
    results = report.run_reports(notebooks, space["out"], params, jobs=1, log=quiet, force=force)
    assert all(r.ok for r in results)
    assert {r.name for r in results if r.status == "reused"} == {n.stem for n in notebooks} - set(
        space["calls"]
    )
    return sorted(space["calls"])


def changed_digest(monkeypatch, target: Path) -> None:
    """Make one file look edited to the fingerprint, without touching it."""
    real = fingerprint.file_digest
    monkeypatch.setattr(
        fingerprint, "file_digest", lambda p: "edited" if Path(p) == target else real(p)
    )


def changed_version(monkeypatch, distribution: str) -> None:
    """Make one installed distribution look upgraded."""
    real = fingerprint._installed

    def installed(name: str):
        found = real(name)
        return (found[0], "999.0", found[2]) if found and found[0] == distribution else found

    monkeypatch.setattr(fingerprint, "_installed", installed)


def test_nothing_changed_nothing_runs_and_force_runs_everything(workspace):
    assert ran(workspace) == ["a", "b", "c"]
    assert ran(workspace) == []
    assert ran(workspace, force=True) == ["a", "b", "c"]
    runs = json.loads((workspace["out"] / "runs.json").read_text())["reports"]
    assert {r["status"] for r in runs} == {"ok"}
    ran(workspace)
    runs = json.loads((workspace["out"] / "runs.json").read_text())["reports"]
    assert [r["status"] for r in runs] == ["reused"] * 3 and all(r["reused_from"] for r in runs)
    assert "3 reused: inputs unchanged" in (workspace["out"] / "index.html").read_text()


def test_a_notebook_edit_reruns_it_and_a_new_title_its_neighbours(workspace):
    ran(workspace)
    a = workspace["notebooks"][0]
    write_notebook(a, "Section a", SOURCES["a"] + "\nx = 1")
    assert ran(workspace) == ["a"]
    write_notebook(a, "Section A, renamed", SOURCES["a"] + "\nx = 1")
    assert ran(workspace) == ["a", "b"]  # b's report links to a by its title


def test_parameters_rerun_the_notebooks_that_get_them(workspace):
    ran(workspace)
    assert ran(workspace, only="a", lookback_years=5) == ["a"]
    assert ran(workspace, lookback_years=5) == ["b", "c"]
    assert ran(workspace, lookback_years="5") == []  # typed by the declaration: "5" is 5
    assert ran(workspace, as_of="2026-02-12", lookback_years=5) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("module", "affected"),
    [
        ("models/forecast.py", ["b"]),  # only b imports it
        ("views/plots.py", ["b"]),
        ("analysis/weeks.py", ["a", "b", "c"]),  # a imports it; the report exporter, through
        ("__init__.py", ["a", "b", "c"]),  # the answers' claims, needs it for every report
    ],
)
def test_a_code_change_reruns_the_notebooks_that_import_it(
    workspace, monkeypatch, module, affected
):
    ran(workspace)
    changed_digest(monkeypatch, config.PACKAGE_DIR / module)
    assert ran(workspace) == affected


@pytest.mark.parametrize(
    ("distribution", "affected"),
    [
        ("seaborn", ["b"]),  # views.plots, in b only
        ("statsmodels", ["a", "b", "c"]),
        ("nbconvert", ["a", "b", "c"]),  # it renders every report
        ("ruff", []),  # installed, imported by nothing a report runs
    ],
)
def test_a_new_package_version_reruns_the_notebooks_that_load_it(
    workspace, monkeypatch, distribution, affected
):
    ran(workspace)
    changed_version(monkeypatch, distribution)
    assert ran(workspace) == affected


def test_data_changes_rerun_the_notebooks_that_read_them(workspace):
    ran(workspace)
    (workspace["folder"] / "prices" / "XLK.csv").write_text("Date,Close\n2026-02-13,141.0\n")
    assert ran(workspace) == ["a", "b", "c"]
    (workspace["folder"] / "prices" / ".XLK.csv.tmp").write_text("a write in progress")
    assert ran(workspace) == []  # hidden and temporary files are not data
    claims = workspace["tables"] / "claims.csv"
    claims.write_text(claims.read_text() + "\n")
    assert ran(workspace) == ["a", "b", "c"]


def test_snapshot_runs_depend_on_its_files_and_latest_on_its_date(workspace, monkeypatch):
    space = {**workspace, "folder": ""}
    ran(space, source="snapshot", data_dir="")
    assert ran(space, source="snapshot", data_dir="") == []
    inputs = fingerprint.run_inputs(workspace["notebooks"][0], {"source": "snapshot"})
    assert inputs.parameters["as_of (resolved)"].startswith("latest: snapshot through 2026-08-21")
    snapshot = sorted(config.SNAPSHOT_DIR.glob("*.parquet"))[0]
    changed_digest(monkeypatch, snapshot)
    monkeypatch.setattr(fingerprint, "_folder_digests", {})
    assert ran(space, source="snapshot", data_dir="") == ["a", "b", "c"]


def test_a_damaged_or_missing_output_is_made_again(workspace):
    ran(workspace)
    (workspace["out"] / "a" / "a.html").write_text("edited by hand")
    (workspace["out"] / "c" / "figures.json").unlink()
    assert ran(workspace) == ["a", "c"]


def test_live_runs_follow_the_clock_and_the_cache(workspace, monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    (cache / "prices").mkdir(parents=True)
    (cache / "prices" / "XLK.parquet").write_bytes(b"cached")
    monkeypatch.setattr(config, "CACHE_DIR", cache)
    monkeypatch.setattr(fingerprint, "latest_close", lambda: "2026-02-13 21:00:00+00:00")
    space = {**workspace, "folder": ""}
    assert ran(space, only="a", source="yahoo", data_dir="") == ["a"]
    assert ran(space, only="a", source="yahoo", data_dir="") == []
    monkeypatch.setattr(fingerprint, "latest_close", lambda: "2026-02-17 21:00:00+00:00")
    assert ran(space, only="a", source="yahoo", data_dir="") == ["a"]  # a new close
    (cache / "prices" / "XLK.parquet").write_bytes(b"refreshed")
    assert ran(space, only="a", source="yahoo", data_dir="") == ["a"]


@pytest.fixture
def refreshing_run(workspace, monkeypatch, tmp_path):
    """Runs of notebook a on the live source whose kernel adds a file to the cache each time."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setattr(config, "CACHE_DIR", cache)
    monkeypatch.setattr(fingerprint, "latest_close", lambda: "2026-02-13 21:00:00+00:00")
    recorded = execute._execute
    during: list = []  # what else happens while the notebook runs

    def refreshing(job, executed, staging):
        recorded(job, executed, staging)
        (cache / f"{len(list(cache.iterdir()))}.parquet").write_bytes(b"fetched during the run")
        for event in during:
            event()

    monkeypatch.setattr(execute, "_execute", refreshing)
    space = {**workspace, "folder": ""}

    def run(refresh: bool = True) -> list[str]:
        monkeypatch.setattr(execute, "_execute", refreshing if refresh else recorded)
        return ran(space, only="a", source="yahoo", data_dir="")

    run.during, run.cache = during, cache
    return run


def test_a_run_that_refreshed_the_live_cache_stamps_the_cache_it_left(refreshing_run, workspace):
    """Issue 19 point 12: the first unchanged rerun after a live refresh is reused."""
    assert refreshing_run() == ["a"]
    assert fingerprint.read_stamp(workspace["out"] / "a") is not None
    assert refreshing_run(refresh=False) == []


def test_a_refresh_that_met_a_failure_or_a_new_close_is_not_stamped(
    refreshing_run, workspace, monkeypatch
):
    from techflows.data.sources.outages import Outages
    from techflows.data.store import Store

    refreshing_run.during.append(lambda: Outages(Store(refreshing_run.cache)).note_failure())
    assert refreshing_run() == ["a"]
    assert fingerprint.read_stamp(workspace["out"] / "a") is None, "the next run tries again"
    refreshing_run.during.clear()
    closes = iter(["2026-02-13 21:00:00+00:00", "2026-02-17 21:00:00+00:00"])
    monkeypatch.setattr(
        fingerprint, "latest_close", lambda: next(closes, "2026-02-17 21:00:00+00:00")
    )
    (refreshing_run.cache / "network" / "failed.json").unlink()
    assert refreshing_run() == ["a"]
    assert fingerprint.read_stamp(workspace["out"] / "a") is None, "a new close came meanwhile"


def test_a_failed_run_leaves_the_last_good_report_reusable(workspace, monkeypatch):
    ran(workspace)
    recorded = execute._execute

    def failing(job, executed, staging):
        recorded(job, executed, staging)
        raise RuntimeError("a cell failed")

    monkeypatch.setattr(execute, "_execute", failing)
    params = {"source": "csv", "data_dir": str(workspace["folder"]), "lookback_years": 1}
    (result,) = report.run_reports(workspace["notebooks"][:1], workspace["out"], params, log=quiet)
    assert result.status == "failed"
    monkeypatch.setattr(execute, "_execute", recorded)
    assert ran(workspace) == []  # the stamp still describes the files of the last good run


def test_each_notebook_imports_only_what_it_needs(workspace):
    """The import closure is per notebook: 06 does not depend on the GARCH model, 03 does."""
    notebooks = REPO_ROOT / "notebooks"
    params = {"source": "snapshot", "as_of": "2026-02-13"}
    claims = fingerprint.run_inputs(notebooks / "06_claims.ipynb", params)
    risks = fingerprint.run_inputs(notebooks / "03_risks.ipynb", params)
    assert "techflows.models.volatility" in risks.code
    assert "techflows.models.volatility" not in claims.code
    assert "arch" in risks.versions and "techflows.run.html_export" in claims.code


def test_techflows_imports_nothing_dynamically():
    """So the import statements are the whole import graph (warm_kernels preloads by name)."""
    dynamic = []
    for path in config.PACKAGE_DIR.rglob("*.py"):
        if path.name == "warm_kernels.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(getattr(node, "func", None), "attr", None) or getattr(
                getattr(node, "func", None), "id", None
            )
            if isinstance(node, ast.Call) and name in ("import_module", "__import__"):
                dynamic.append(f"{path.relative_to(config.PACKAGE_DIR)}:{node.lineno}")
    assert dynamic == []


def test_fixture_notebooks_have_inputs(tmp_path):
    inputs = fingerprint.run_inputs(FIXTURES / "notebooks" / "01_ok.ipynb", {"source": "sample"})
    assert inputs.parameters["as_of (resolved)"].startswith("latest: the last date")
    assert set(inputs.data) == {f"data/{p.name}" for p in config.DATA_DIR.glob("*.csv")}
    assert (
        inputs.digest
        == fingerprint.run_inputs(
            FIXTURES / "notebooks" / "01_ok.ipynb", {"source": "sample"}
        ).digest
    )
