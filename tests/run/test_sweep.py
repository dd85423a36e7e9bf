"""techflows sweep on real kernels: point in time, resuming, a Dask cluster losing a worker.

One small grid (06_claims, the fastest section, on the snapshot at two or three Fridays) is run
once locally and once on a LocalCluster of two worker processes; the tests share those runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO_ROOT
from techflows import config
from techflows.run import fingerprint, grid, report, sweep

NOTEBOOK = REPO_ROOT / "notebooks" / "06_claims.ipynb"
DATES = ["2026-02-06", "2026-02-13"]
LATER = "2026-02-20"
PARAMETERS = {"source": "snapshot", "data_dir": ""}

pytestmark = pytest.mark.notebook


def quiet(message: str) -> None:
    """A log that drops progress lines."""


def spec(output_dir: Path, dates: list[str]) -> sweep.Sweep:
    return sweep.Sweep(
        name="weekly",
        notebooks=(NOTEBOOK,),
        points=tuple(grid.points(dates, {})),
        parameters=dict(PARAMETERS),
        output_dir=output_dir,
        timeout=300,
    )


def figures(folder: Path) -> list[dict]:
    """The figures a run recorded (name, value, unit, as_of, source)."""
    return json.loads((folder / "figures.json").read_text())["figures"]


def whole_runs(root: Path) -> dict[str, set[str]]:
    """Each run folder under a sweep, with its files: a published run has all of them, stamped."""
    return {
        p.parent.name: {f.name for f in p.iterdir()}
        for p in sorted(root.glob("*/06_claims"))
        if p.is_dir()
    }


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The two-date sweep on a local pool of two processes, then resumed with a third date."""
    root = tmp_path_factory.mktemp("sweeps") / "weekly"
    lines: list[str] = []
    first = sweep.run_sweep(spec(root, DATES), jobs=2, log=lines.append)
    snapshot = {d: figures(root / d / "06_claims") for d in DATES}
    # A sweep killed while publishing leaves only its staging folder: never a run.
    (root / sweep.STAGING / "2026-02-20.06_claims.x").mkdir(parents=True)
    resumed = sweep.run_sweep(spec(root, [*DATES, LATER]), jobs=2, log=lines.append)
    return root, first, resumed, snapshot, lines


def test_each_run_keeps_its_full_outputs_and_the_table_gathers_them(local):
    root, first, _, _, lines = local
    assert first.counts == {"ok": 2, "reused": 0, "failed": 0}
    assert whole_runs(root) == {
        d: {
            "06_claims.html",
            "06_claims.ipynb",
            "figures.json",
            "claims_ledger.csv",
            ".inputs.json",
        }
        for d in [*DATES, LATER]
    }
    assert (root / DATES[0] / "index.html").is_file() and (root / DATES[0] / "runs.json").is_file()
    table = pd.read_parquet(root / "figures.parquet")
    csv = pd.read_csv(root / "figures.csv")
    assert len(table) == len(csv) > 0
    expected = ["run", "as_of", "notebook", "figure", "value", "text", "unit", "figure_as_of"]
    assert list(table.columns[: len(expected)]) == expected and "source" in table.columns
    # The table holds exactly what each run recorded.
    for date in DATES:
        rows = table[table["as_of"] == pd.Timestamp(date)]
        recorded = figures(root / date / "06_claims")
        assert list(rows["figure"]) == [f["name"] for f in recorded]
        assert list(rows["value"]) == [float(f["value"]) for f in recorded]
        assert set(rows["source"]) == {"snapshot"}
    page = (root / "index.html").read_text()
    assert 'id="claims"' in page and "data:image/png;base64," in page
    assert "figures.csv" in page and "<script" not in page
    assert lines[-1].startswith("sweep weekly: 3 runs") and "1 ran, 2 reused" in lines[-1]


def test_a_sweep_run_is_the_single_run_at_its_date(local, tmp_path):
    """Point in time: the run at 2026-02-06 sees what a report as of 2026-02-06 sees, no more."""
    root, _, _, snapshot, _ = local
    date = DATES[0]
    params = {**PARAMETERS, "as_of": date}
    (single,) = report.run_reports([NOTEBOOK], tmp_path, params, log=quiet)
    assert single.ok
    assert figures(tmp_path / "06_claims") == snapshot[date]
    recorded = json.loads((root / date / "06_claims" / "figures.json").read_text())
    assert recorded["data_range"][1] == date  # nothing after its as_of
    assert snapshot[DATES[0]] != snapshot[DATES[1]]  # and the dates do see different data


def test_rerunning_resumes_only_the_missing_runs(local):
    root, _, resumed, _, _ = local
    assert resumed.counts == {"ok": 1, "reused": 2, "failed": 0}
    assert resumed.results[LATER, "06_claims"].status == "ok"
    assert not (root / sweep.STAGING).exists()
    record = json.loads((root / sweep.SWEEP_FILE).read_text())
    assert [r["status"] for r in record["runs"]] == ["reused", "reused", "ok"]


def worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def test_a_dask_cluster_gives_the_same_figures_and_survives_a_lost_worker(local, tmp_path):
    distributed = pytest.importorskip("distributed")
    root, _, _, _, _ = local
    dates = [*DATES, LATER]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        client = distributed.Client(cluster, set_as_default=False)  # as the CLI has none
        pids = worker_pids(client)
        out = tmp_path / "weekly"
        done: dict[str, sweep.Summary] = {}
        runner = threading.Thread(
            target=lambda: done.update(
                summary=sweep.run_sweep(
                    spec(out, dates), scheduler=cluster.scheduler_address, log=quiet
                )
            )
        )
        runner.start()
        # Kill a worker once the first run is published: the others are running or queued.
        deadline = time.monotonic() + 240
        while not list(out.glob("*/06_claims/.inputs.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        published = {p.parent.parent.name for p in out.glob("*/06_claims/.inputs.json")}
        busy = [pid for address, pid in pids.items() if client.processing().get(address)]
        assert busy, "no worker was running a task when the first run was published"
        os.kill(busy[0], signal.SIGKILL)
        runner.join(timeout=300)
        client.close()
    summary = done["summary"]
    assert summary.counts == {"ok": 3, "reused": 0, "failed": 0}
    assert "Dask cluster" in summary.engine
    assert published and published <= set(dates)  # what was done before the kill stayed done
    assert set(whole_runs(out)) == set(dates)
    assert whole_runs(out) == whole_runs(root)  # every run whole, as locally
    assert not (out / sweep.STAGING).exists()
    for date in dates:
        assert figures(out / date / "06_claims") == figures(root / date / "06_claims")
        stamp = fingerprint.read_stamp(out / date / "06_claims")
        assert stamp and stamp["run"]["worker"]  # which worker made it


def test_a_worker_without_the_clients_data_refuses_the_run(monkeypatch, tmp_path):
    """Workers check the task's fingerprint: different data is a clear failure, not a wrong run."""
    tables = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, tables, ignore=shutil.ignore_patterns("snapshot", "cache"))
    (task,) = sweep.plan(spec(tmp_path / "out", DATES[:1]))
    (tables / "claims.csv").write_text((tables / "claims.csv").read_text() + "\n")
    monkeypatch.setattr(config, "DATA_DIR", tables)
    outcome = sweep.execute_task(task)
    assert outcome.result.status == "failed" and outcome.result.error.ename == "WorkerMismatch"
    assert "data data/claims.csv" in outcome.result.error.evalue
