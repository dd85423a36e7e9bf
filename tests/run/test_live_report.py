"""The whole report on `--source yahoo`, against the simulated Yahoo and FRED, on two days.

Each notebook runs in its own kernel process. An IPython startup script (IPYTHONDIR) installs
the simulator in every kernel (tests/simulator/kernel_startup.py), the network probe reaches
"Yahoo" through a loopback HTTPS proxy, and every kernel logs its requests to one file.
Day 1 (Friday 2026-02-13, after the close) starts from an empty cache; day 2 is the next
session (Tuesday 2026-02-17: Monday is Presidents' Day), with a dividend on SPY that day.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import REPO_ROOT
from simulator.proxy import connect_proxy
from simulator.service import Service
from techflows.run import report

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
TESTS = Path(__file__).resolve().parents[1]
STARTUP = f"""import sys
sys.path.insert(0, {str(TESTS)!r})
from simulator.kernel_startup import start
start()
"""
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """Run every notebook on day 1 and day 2; returns the folders, results and request logs."""
    root = tmp_path_factory.mktemp("live")
    startup = root / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-simulated-yahoo-fred.py").write_text(STARTUP)
    service = Service("2026-02-13 22:00", log=root / "requests.jsonl")
    service.yfinance_cache = str(root / "yfinance")
    service.market_file = str(service.market.save(root / "market.pickle"))
    state = root / "state.json"
    days = {}
    with pytest.MonkeyPatch.context() as env, connect_proxy() as (proxy, _):
        env.setenv("IPYTHONDIR", str(root / "ipython"))
        env.setenv("TECHFLOWS_SIMULATOR", str(state))
        env.setenv("TECHFLOWS_CACHE_DIR", str(root / "cache"))
        env.setenv("HTTPS_PROXY", proxy)
        env.delenv("NO_PROXY", raising=False)
        env.delenv("no_proxy", raising=False)
        for day, now in (("day1", "2026-02-13 22:00"), ("day2", "2026-02-17 22:00")):
            service.set_now(now)
            if day == "day2":
                service.pay_dividend("SPY", "2026-02-17", 1.80)
            service.save(state)
            before = len(service.calls())
            results = report.run_reports(
                NOTEBOOKS, output_dir=root / day, parameters={"source": "yahoo"}, jobs=2
            )
            days[day] = (root / day, {r.name: r for r in results}, service.calls()[before:])
    days["cache"] = root / "cache"
    return days


def _cached(cache: Path, kind: str) -> list[str]:
    files = sorted((cache / kind).glob("*.parquet"))
    return [p.stem for p in files if len(pd.read_parquet(p))]


@pytest.mark.parametrize("day", ["day1", "day2"])
def test_every_section_runs_on_yahoo_without_error_cells(two_days, day):
    folder, results, _ = two_days[day]
    assert sorted(results) == [p.stem for p in NOTEBOOKS]
    for name, result in results.items():
        assert result.ok, f"{name} failed: {result.error}"
        executed = nbformat.read(folder / name / f"{name}.ipynb", as_version=4)
        errors = [
            o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"
        ]
        assert errors == [], f"{name} has error cells"
        figures = json.loads((folder / name / "figures.json").read_text())
        assert figures["source"] == "yahoo" and figures["figures"]
        last = "2026-02-13" if day == "day1" else "2026-02-17"
        assert figures["data_range"][1] == last
        html = (folder / name / f"{name}.html").read_text()
        assert "live Yahoo Finance (yfinance) and FRED" in html


def test_live_only_sections_are_measured_not_reported(two_days):
    folder, _, _ = two_days["day1"]
    risks = json.loads((folder / "03_risks" / "figures.json").read_text())
    names = {f["name"]: f["value"] for f in risks["figures"]}
    assert any("(measured)" in n for n in names), "capex from the live statements"
    assert not any("Fund holdings" in m for m in risks["missing"])
    status = json.loads((folder / "01_current_status" / "figures.json").read_text())
    assert not any("Shares outstanding" in m for m in status["missing"])


def test_day_one_asks_for_each_series_once_across_all_kernels(two_days):
    _, _, asked = two_days["day1"]
    cache = two_days["cache"]
    bars = [r["ticker"] for r in asked if r["endpoint"] == "chart"]
    kinds = _cached(cache, "prices") + _cached(cache, "prices_quoted")
    assert sorted(bars) == sorted(kinds), "one request per ticker and kind, whatever the kernel"
    fred = [r["ticker"] for r in asked if r["endpoint"] == "fred"]
    assert len(fred) == len(set(fred))


def test_the_next_day_fetches_only_the_new_session_in_one_batch_per_kind(two_days):
    _, _, asked = two_days["day2"]
    cache = two_days["cache"]
    downloads = [r for r in asked if r["endpoint"] == "yf.download"]
    incremental = [d for d in downloads if d["start"]]
    # one batched call per kind, from the last cached session, for every cached ticker
    assert sorted(d["auto_adjust"] for d in incremental) == [False, True]
    for call in incremental:
        kind = "prices" if call["auto_adjust"] else "prices_quoted"
        assert call["start"] == "2026-02-13"
        assert call["tickers"] == sorted(_cached(cache, kind))
    # SPY paid a dividend on the new day: Yahoo re-based its history, fetched again in full
    rebased = [d for d in downloads if not d["start"]]
    assert [(d["tickers"], d["period"]) for d in rebased] == [(["SPY"], "max")] * len(rebased)
    assert 1 <= len(rebased) <= 2
    assert not [r for r in asked if r["endpoint"] == "timezone"], "time zones are cached"
    # FRED: each cached series once, from five weeks back; shares: each fund once
    fred = [r for r in asked if r["endpoint"] == "fred"]
    known = sorted(p.stem for p in (cache / "fred").glob("*.parquet"))  # incl. ids FRED lacks
    assert sorted(r["ticker"] for r in fred) == known
    assert all("cosd" in r["params"] for r in fred)
    shares = [r["ticker"] for r in asked if r["endpoint"] == "shares"]
    assert sorted(shares) == _cached(cache, "shares")
    # statements: each company's cash flow once
    statements = [
        r["ticker"]
        for r in asked
        if r["endpoint"] == "fundamentals" and "CapitalExpenditure" in r["params"]["type"]
    ]
    assert sorted(statements) == _cached(cache, "cashflow")
