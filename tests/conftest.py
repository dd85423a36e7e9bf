"""Test session set-up: no network, shared fixtures."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported

import matplotlib.pyplot as plt
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The live cache of tests is their own (set before techflows.config reads it), never data/cache.
os.environ["TECHFLOWS_CACHE_DIR"] = tempfile.mkdtemp(prefix="techflows-test-cache-")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The folder the committed snapshot was built from; only the rebuild check needs it.
SHARED_MARKET_DATA = Path(
    os.environ.get("TECHFLOWS_MARKET_DATA", REPO_ROOT.parent / "shared" / "market-data")
)
ARTICLES_DATE = "2026-02-13"  # the seed articles' week: real-data tests cut their data here


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class NetworkBlocked(OSError):
    """Raised when a test tries to leave the machine."""


@pytest.fixture(autouse=True, scope="session")
def block_network():
    """Refuse every connection that is not to loopback (kernels still talk over 127.0.0.1)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkBlocked(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkBlocked(f"network access blocked in tests: {address!r}")
        return real_connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost") and not _is_loopback(host):
            raise NetworkBlocked(f"name lookup blocked in tests: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo
    yield
    socket.socket.connect = real_connect
    socket.socket.connect_ex = real_connect_ex
    socket.getaddrinfo = real_getaddrinfo


@pytest.fixture(autouse=True)
def close_figures():
    """Close every matplotlib figure a test opened."""
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def shared_market_data() -> Path:
    """The original csv folder (../shared/market-data); tests using it skip when it is absent."""
    if not (SHARED_MARKET_DATA / "prices").is_dir():
        pytest.skip(f"real market data not found at {SHARED_MARKET_DATA}")
    return SHARED_MARKET_DATA


@pytest.fixture(scope="session")
def sample_source():
    """The arch sample (1999-2018), an explicit choice."""
    import techflows

    return techflows.open_source("sample")


@pytest.fixture(scope="session")
def snapshot_source():
    """The embedded snapshot of real market data, cut at the articles' date."""
    import techflows

    return techflows.open_source("snapshot", as_of=ARTICLES_DATE)


@pytest.fixture(scope="session")
def market_csv(tmp_path_factory) -> Path:
    """A csv folder in the documented layout, written from the snapshot: for the csv source."""
    from techflows.data.snapshot.export import export_csv

    return export_csv(tmp_path_factory.mktemp("market_csv"))


@pytest.fixture
def yahoo_sim(tmp_path):
    """The simulated Yahoo Finance and FRED (tests/simulator) on Friday 2026-02-13, after the close.

    Only the HTTP transport is simulated: yfinance and requests run their real code. The test
    moves the clock with yahoo_sim.set_now and injects faults with yahoo_sim.fail.
    """
    from simulator import Service, install

    service = Service("2026-02-13 22:00")
    undo = install(service, tmp_path / "yfinance")
    yield service
    undo()


# The articles' week, as `make report ARGS="--as-of 2026-02-13 --param week_end=W-WED"` gives it
# offline: every section notebook on the snapshot. Run once per session, shared by the section
# tests and the browser tests.
ARTICLES_WEEK = {"source": "snapshot", "as_of": ARTICLES_DATE, "week_end": "W-WED"}


@pytest.fixture(scope="session")
def articles_week_reports(tmp_path_factory):
    """(output folder, {name: RunResult}) of every notebook on the articles' week."""
    from techflows.run import report

    notebooks = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    output_dir = tmp_path_factory.mktemp("articles_week_reports")
    results = report.run_reports(notebooks, output_dir=output_dir, parameters=ARTICLES_WEEK, jobs=2)
    return output_dir, {r.name: r for r in results}
