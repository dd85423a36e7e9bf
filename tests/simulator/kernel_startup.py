"""Install the simulated Yahoo and FRED inside a notebook kernel (an IPython startup script).

tests/simulator/test_live_report.py writes a two-line file into IPYTHONDIR/profile_default/
startup/ that imports this module and calls start(). The service is rebuilt from the state file
named by $TECHFLOWS_SIMULATOR and logs every request, and every batched download of daily bars
(YahooClient.download), to its log file, so the test counts what all kernels asked for.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE = "TECHFLOWS_SIMULATOR"


def _count_downloads(log: str) -> None:
    """Record each batched download of bars (tickers, span, kind) next to the HTTP requests."""
    from techflows.data.sources.yahoo_client import YahooClient

    real = YahooClient.download

    def download(self, tickers, **kwargs):
        record = {
            "endpoint": "download",
            "ticker": None,
            "tickers": sorted(tickers),
            "start": kwargs.get("start"),
            "period": kwargs.get("period"),
            "auto_adjust": kwargs.get("auto_adjust"),
        }
        with open(log, "a") as handle:
            handle.write(json.dumps(record) + "\n")
        return real(self, tickers, **kwargs)

    YahooClient.download = download


def start() -> None:
    """Install the service described by $TECHFLOWS_SIMULATOR, if set."""
    state = os.environ.get(STATE)
    if not state:
        return
    from simulator.service import Service
    from simulator.transport import install

    service = Service.from_state(Path(state))
    install(service)
    if service.log:
        _count_downloads(service.log)
