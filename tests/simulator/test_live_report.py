"""The whole report on the live source, against the simulated Yahoo and FRED, as users run it.

Each notebook runs in its own kernel process. An IPython startup script (IPYTHONDIR) installs
the simulator in every kernel (tests/simulator/kernel_startup.py), the network probe reaches
"Yahoo" and "FRED" through a loopback HTTPS proxy, and every kernel logs its requests to one
file. The runner's own process runs on the simulated clock too.

- Sunday 2026-12-06 (the review's day), empty cache: the first live report, then the same
  command again (nothing changed: every report is reused);
- Monday 2026-12-07 after the close, with a dividend on SPY that day: the next session;
- Sunday again on an empty cache with FRED hanging and Yahoo's share-count endpoint hanging;
- Sunday again on an empty cache with Yahoo unreachable (FRED answers).

Waits between retries are scaled to zero and hangs time out at once: the outages cost no real
seconds here (tests/simulator/test_outages.py tests the budget with real, tiny waits).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import REPO_ROOT
from simulator.conftest import LAST_FRIDAY, SUNDAY
from simulator.proxy import connect_proxy
from simulator.service import Service
from simulator.transport import install
from techflows.run import report

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
TESTS = Path(__file__).resolve().parents[1]
STARTUP = f"""import sys
sys.path.insert(0, {str(TESTS)!r})
from simulator.kernel_startup import start
start()
"""
IMPLIED = "implied from shares outstanding × price (yfinance)"
MONDAY = "2026-12-07 22:00"
pytestmark = pytest.mark.notebook


class Runs:
    """The simulated world of one cache: run the report, and read back what each run did."""

    def __init__(self, root: Path, refuse: tuple[str, ...] = ()) -> None:
        self.root = root
        startup = root / "ipython" / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-simulated-yahoo-fred.py").write_text(STARTUP)
        self.service = Service(SUNDAY, log=root / "requests.jsonl")
        self.service.yfinance_cache = str(root / "yfinance")
        self.service.market_file = str(self.service.market.save(root / "market.pickle"))
        self.state = root / "state.json"
        self.refuse = refuse
        self.out = root / "out"

    def run(self) -> dict[str, object]:
        """Run every notebook as `techflows report` does; the results, pages and requests."""
        self.service.save(self.state)
        before = len(self.service.calls())
        with pytest.MonkeyPatch.context() as env, connect_proxy(refuse=self.refuse) as (url, _):
            env.setenv("IPYTHONDIR", str(self.root / "ipython"))
            env.setenv("TECHFLOWS_SIMULATOR", str(self.state))
            env.setenv("TECHFLOWS_CACHE_DIR", str(self.root / "cache"))
            env.setenv("TECHFLOWS_NETWORK_WAIT_SCALE", "0")
            env.setenv("HTTPS_PROXY", url)
            env.delenv("NO_PROXY", raising=False)
            env.delenv("no_proxy", raising=False)
            env.setattr(report.config, "CACHE_DIR", self.root / "cache")
            undo = install(self.service)  # the runner's clock
            try:
                results = report.run_reports(
                    NOTEBOOKS, output_dir=self.out, parameters={"source": "auto"}, jobs=2
                )
            finally:
                undo()
        pages = {}
        for result in results:  # a notebook that failed on a first run has no report
            folder = self.out / result.name
            if (folder / "figures.json").exists():
                pages[result.name] = {
                    "figures": json.loads((folder / "figures.json").read_text()),
                    "html": (folder / f"{result.name}.html").read_text(),
                    "executed": nbformat.read(folder / f"{result.name}.ipynb", as_version=4),
                }
        return {
            "results": {r.name: r for r in results},
            "pages": pages,
            "index": (self.out / "index.html").read_text(),
            "requests": self.service.calls()[before:],
        }


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The first report on Sunday, the unchanged rerun, and Monday's report: one cache."""
    world = Runs(tmp_path_factory.mktemp("live"))
    runs = {"sunday": world.run(), "rerun": world.run()}
    world.service.set_now(MONDAY)
    world.service.pay_dividend("SPY", "2026-12-07", 1.80)
    runs["monday"] = world.run()
    runs["cache"] = world.root / "cache"
    return runs


@pytest.fixture(scope="module")
def fred_and_shares_down(tmp_path_factory):
    """A first run with FRED hanging and Yahoo's share counts hanging."""
    world = Runs(tmp_path_factory.mktemp("hanging"))
    world.service.fail("fred", None, kind="hang", times=10**6)
    world.service.fail("shares", None, kind="hang", times=10**6)
    return world.run()


@pytest.fixture(scope="module")
def yahoo_down(tmp_path_factory):
    """A first run with Yahoo unreachable (the probe too) and FRED answering."""
    world = Runs(tmp_path_factory.mktemp("yahoo-down"), refuse=("yahoo",))
    world.service.fail("yahoo", None, kind="refused", times=10**6)
    return world.run()


def _cached(cache: Path, kind: str) -> list[str]:
    files = sorted((cache / kind).glob("*.parquet"))
    return [p.stem for p in files if len(pd.read_parquet(p))]


def _error_cells(page: dict) -> list:
    cells = page["executed"].cells
    return [o for c in cells for o in c.get("outputs", []) if o.output_type == "error"]


def _six_sections_ok(run: dict) -> None:
    assert sorted(run["results"]) == [p.stem for p in NOTEBOOKS]
    for name, result in run["results"].items():
        assert result.ok, f"{name} failed: {result.error}"
        assert _error_cells(run["pages"][name]) == [], f"{name} has error cells"
        html = run["pages"][name]["html"]
        assert "/lib/techflows/" not in html, f"{name} shows a local path"


def _not_available(html: str) -> list[str]:
    return re.findall(r"Not available:</strong>\s*([^<]*)", html)


# --- Sunday: the first live report answers the question from implied flows ---------------------


def test_every_section_runs_on_the_live_source_without_error_cells(live):
    for day, last in (("sunday", LAST_FRIDAY), ("monday", "2026-12-07")):
        run = live[day]
        _six_sections_ok(run)
        for name, page in run["pages"].items():
            figures = page["figures"]
            assert figures["source"] == "yahoo" and figures["figures"], name
            assert figures["data_range"][1] == last
            assert "live Yahoo Finance (yfinance) and FRED" in page["html"]


def test_is_money_coming_back_is_answered_from_implied_flows(live):
    page = live["sunday"]["pages"]["01_current_status"]
    answer = page["figures"]["answer"]
    assert not answer["verdict"].startswith("No flow data")
    flows = next(s for s in answer["sentences"] if s["key"] == "flows")
    assert IMPLIED in flows["text"] and f"Friday {LAST_FRIDAY}" in flows["text"]
    headline = {f["name"]: f for f in page["figures"]["figures"]}
    assert headline["latest weekly tech net flow"]["as_of"] == LAST_FRIDAY
    assert f"fund flows: {IMPLIED}" in page["html"], "the banner says which flows"
    caption = re.search(
        r"Net flows per fund class \(USD bn\), weeks ending \w+([^<]*)", page["html"]
    )
    assert caption and IMPLIED in caption.group(1), "the weekly table says which flows"
    index = live["sunday"]["index"]
    assert IMPLIED in index and ".." not in re.sub(r"\.\./|\.\.\.", "", index)


def test_the_monitor_scores_implied_flows_and_says_so(live):
    page = live["sunday"]["pages"]["05_monitor"]
    checklist = page["figures"]["figures"]
    flows = [f for f in checklist if "flows into tech/AI ETFs" in f["name"]]
    assert len(flows) == 2 and all(f["value"] is not None for f in flows)
    assert IMPLIED in page["html"]
    assert not any("Fund flows" in m for m in page["figures"]["missing"])


def test_an_unchanged_rerun_right_after_a_live_refresh_is_reused(live):
    """Point 12: the run that refreshed the cache stamps its reports."""
    rerun = live["rerun"]
    assert {r.status for r in rerun["results"].values()} == {"reused"}
    assert rerun["requests"] == []


def test_day_one_asks_for_each_series_once_across_all_kernels(live):
    asked = live["sunday"]["requests"]
    bars = [r["ticker"] for r in asked if r["endpoint"] == "chart"]
    cache = live["cache"]
    kinds = _cached(cache, "prices") + _cached(cache, "prices_quoted")
    # at most one request per ticker and kind, whatever the kernel (a kernel asking for both
    # kinds of one ticker may be served the second from yfinance's memo of the first)
    assert set(bars) == set(kinds) and not Counter(bars) - Counter(kinds)
    fred = [r["ticker"] for r in asked if r["endpoint"] == "fred"]
    assert len(fred) == len(set(fred))
    shares = [r["ticker"] for r in asked if r["endpoint"] == "shares"]
    assert len(shares) == len(set(shares)) == 45


def test_the_next_day_fetches_the_new_session_in_one_batch_per_kind(live):
    asked = live["monday"]["requests"]
    cache = live["cache"]
    downloads = [r for r in asked if r["endpoint"] == "download"]
    incremental = [d for d in downloads if d["start"]]
    # one batched call per kind, from two weeks before the last cached session (a dividend
    # Yahoo records late re-bases days before it), for every cached ticker
    assert sorted(d["auto_adjust"] for d in incremental) == [False, True]
    for call in incremental:
        kind = "prices" if call["auto_adjust"] else "prices_quoted"
        assert call["start"] == "2026-11-20"
        assert call["tickers"] == sorted(_cached(cache, kind))
    # SPY paid a dividend on the new day: Yahoo re-based its history, fetched again in full
    rebased = [d for d in downloads if not d["start"]]
    assert [(d["tickers"], d["period"]) for d in rebased] == [(["SPY"], "max")] * len(rebased)
    assert 1 <= len(rebased) <= 2
    assert not [r for r in asked if r["endpoint"] == "timezone"], "time zones are cached"
    fred = [r for r in asked if r["endpoint"] == "fred"]
    known = sorted(p.stem for p in (cache / "fred").glob("*.parquet"))  # incl. ids FRED lacks
    assert sorted(r["ticker"] for r in fred) == known
    assert all("cosd" in r["params"] for r in fred)
    shares = [r["ticker"] for r in asked if r["endpoint"] == "shares"]
    assert sorted(shares) == _cached(cache, "shares")
    statements = [
        r["ticker"]
        for r in asked
        if r["endpoint"] == "fundamentals" and "CapitalExpenditure" in r["params"]["type"]
    ]
    assert sorted(statements) == _cached(cache, "cashflow")


def test_live_only_sections_are_measured_not_reported(live):
    pages = live["sunday"]["pages"]
    names = {f["name"] for f in pages["03_risks"]["figures"]["figures"]}
    assert any("(measured)" in n for n in names), "capex from the live statements"
    assert not any("Fund holdings" in m for m in pages["03_risks"]["figures"]["missing"])


# --- outages: a line, not a section ---------------------------------------------------------


def test_with_fred_and_an_endpoint_hanging_every_section_runs_and_says_why(fred_and_shares_down):
    run = fred_and_shares_down
    _six_sections_ok(run)
    asked = run["requests"]
    assert len([r for r in asked if r["endpoint"] == "fred"]) <= 3, "FRED waited for once"
    assert len([r for r in asked if r["endpoint"] == "shares"]) <= 2, "the hang, once"
    drivers = " ".join(_not_available(run["pages"]["02_drivers"]["html"]))
    assert "FRED" in drivers and "timed out" in drivers
    status = " ".join(_not_available(run["pages"]["01_current_status"]["html"]))
    assert "share" in status and "timed out" in status
    flows = run["pages"]["01_current_status"]["figures"]["answer"]["sentences"][0]["text"]
    assert "timed out" in flows and ".." not in flows


def test_with_yahoo_down_prices_come_from_the_snapshot_and_the_banner_says_so(yahoo_down):
    run = yahoo_down
    _six_sections_ok(run)
    assert [r for r in run["requests"] if r["endpoint"] != "fred"] == []
    for name, page in run["pages"].items():
        assert "Yahoo Finance cannot be reached" in page["html"], name
        assert "snapshot" in page["figures"]["source_description"], name
