"""The simulated Yahoo Finance and FRED services: the JSON and CSV their real endpoints send.

Service.respond answers one HTTP request (method, url, params) the way Yahoo or FRED would
at the simulated time `now`, records it, and applies injected faults: HTTP 429 or 5xx, HTML
error pages, timeouts, delisted tickers, empty share lists, an extra dividend (which
re-bases Yahoo's adjusted history) and, during a session, a live intraday bar.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pandas as pd

from simulator.market import CASHFLOW, EPS_TREND, HOLDINGS, QUOTE_TYPE, Market, quiet_pandas

CRUMB = "sImUlAtEd.CrUmB"
HTML_ERROR = (
    "<!DOCTYPE html><html><head><title>Yahoo</title></head><body>"
    "<h1>Will be right back...</h1><p>Thank you for your patience.</p></body></html>"
)
TOO_MANY = "Too Many Requests\r\n"
CASHFLOW_KEYS = {
    "CapitalExpenditure": lambda capex, ocf: -capex,
    "OperatingCashFlow": lambda capex, ocf: ocf,
    "FreeCashFlow": lambda capex, ocf: ocf - capex,
}
DAILY_FRED = ("DGS10", "DFII10", "DGS2", "EFFR", "T10Y2Y", "VIXCLS", "DTWEXBGS")
MARKET = Market()
EPOCH = pd.Timestamp(0, tz="UTC")  # the synthetic market is the same for every service in a process


@cache
def calendar():  # exchange_calendars.ExchangeCalendar, built once per process (1 s)
    """The NYSE calendar over the simulated years."""
    import exchange_calendars

    with quiet_pandas():
        return exchange_calendars.get_calendar("XNYS", start="1999-01-01", end="2026-12-31")


@dataclass
class Split:
    """A stock split (see Service.split)."""

    ticker: str
    day: str
    ratio: float
    applied: bool = False
    event: bool = True


class SimulatedTimeout(Exception):
    """Raised by the transport as the HTTP backend's own timeout exception."""


class SimulatedRefusal(Exception):
    """Raised by the transport as the HTTP backend's own connection error (host unreachable)."""


# Endpoint groups a fault may name instead of one endpoint: a whole host down.
HOSTS = {
    "yahoo": {
        "chart",
        "timezone",
        "fundamentals",
        "shares",
        "quoteSummary",
        "quote",
        "crumb",
        "cookie",
        "consent",
    },
    "fred": {"fred"},
}


@dataclass
class Fault:
    """Answer the next `times` requests to endpoint (for ticker, if given) with a failure.

    kind: "status" (HTTP status, body by status), "html" (HTTP 200 with an error page),
    "body" (HTTP 200 with `body`, e.g. a malformed payload), "timeout" (the request times out
    at once), "hang" (the request waits for its read timeout, at most Service.hang_s seconds,
    then times out), "refused" (the connection is refused: the host cannot be reached).
    endpoint may also be "yahoo" or "fred": every endpoint of that host.
    """

    endpoint: str
    ticker: str | None = None
    kind: str = "status"
    status: int = 429
    times: int = 1
    body: str = ""


@dataclass
class Answer:
    """One HTTP response: status, body, content type."""

    status: int
    body: str
    content_type: str = "application/json;charset=utf-8"
    cookie: tuple[str, str] | None = None


@dataclass
class State:
    """Everything a service needs, as JSON: kernels rebuild the same service from it."""

    now: str
    log: str = ""
    faults: list[dict] = field(default_factory=list)
    dividends: dict[str, dict[str, float]] = field(default_factory=dict)
    recorded: dict[str, dict[str, str]] = field(default_factory=dict)
    splits: list[dict] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    delisted: dict[str, str] = field(default_factory=dict)
    empty_shares: list[str] = field(default_factory=list)
    yfinance_cache: str = ""
    market: str = ""  # a pickled Market (Market.save), so kernels need not compute it
    hang_s: float = 0.0


def _ts(moment: pd.Timestamp) -> int:
    return int(pd.Timestamp(moment).timestamp())


def _raw(value: float, digits: int = 2) -> dict:
    return {"raw": value, "fmt": f"{value:.{digits}f}"}


class Service:
    """Yahoo (chart, fundamentals-timeseries, quoteSummary, quote, crumb) and FRED (CSV)."""

    def __init__(self, now: str | pd.Timestamp, log: str | Path = "") -> None:
        self.now = pd.Timestamp(now)
        self.now = (
            self.now.tz_localize("UTC") if self.now.tz is None else self.now.tz_convert("UTC")
        )
        self.log = str(log)
        self.market = MARKET
        self.faults: list[Fault] = []
        self.extra_dividends: dict[str, dict[pd.Timestamp, float]] = {}
        self.recorded: dict[str, dict[pd.Timestamp, pd.Timestamp]] = {}  # late dividends
        self.splits: list[Split] = []
        self.dropped: dict[str, list[str]] = {}  # ticker: [first, last] sessions Yahoo lacks
        self.delisted: dict[str, pd.Timestamp] = {}
        self.empty_shares: set[str] = set()
        self.requests: list[dict] = []
        self.yfinance_cache = ""
        self.market_file = ""
        # How long a "hang" fault really waits (capped by the request's timeout): 0 in tests,
        # the whole timeout when measuring what an outage costs in wall time.
        self.hang_s = 0.0
        self._lock = threading.Lock()

    # --- state -----------------------------------------------------------------------------

    @classmethod
    def from_state(cls, path: str | Path) -> Service:
        """A service from a state file written by save()."""
        state = State(**json.loads(Path(path).read_text()))
        service = cls(state.now, state.log)
        if state.market:
            service.market = Market.load(Path(state.market))
        service.faults = [Fault(**f) for f in state.faults]
        for ticker, paid in state.dividends.items():
            for day, amount in paid.items():
                recorded = state.recorded.get(ticker, {}).get(day)
                service.pay_dividend(ticker, day, amount, recorded=recorded)
        service.splits = [Split(**s) for s in state.splits]
        service.dropped = dict(state.dropped)
        service.delisted = {t: pd.Timestamp(d) for t, d in state.delisted.items()}
        service.empty_shares = set(state.empty_shares)
        service.yfinance_cache = state.yfinance_cache
        service.hang_s = state.hang_s
        return service

    def save(self, path: str | Path) -> Path:
        """Write the state for kernels to load (see kernel_startup.py)."""
        state = State(
            now=self.now.isoformat(),
            log=self.log,
            faults=[asdict(f) for f in self.faults],
            dividends={
                t: {str(d.date()): a for d, a in paid.items()}
                for t, paid in self.extra_dividends.items()
            },
            recorded={
                t: {str(d.date()): str(r) for d, r in days.items()}
                for t, days in self.recorded.items()
            },
            splits=[asdict(s) for s in self.splits],
            dropped=self.dropped,
            delisted={t: str(d.date()) for t, d in self.delisted.items()},
            empty_shares=sorted(self.empty_shares),
            yfinance_cache=self.yfinance_cache,
            market=self.market_file,
            hang_s=self.hang_s,
        )
        Path(path).write_text(json.dumps(asdict(state), indent=1))
        return Path(path)

    def set_now(self, now: str | pd.Timestamp) -> None:
        """Move the simulated clock."""
        moment = pd.Timestamp(now)
        self.now = moment.tz_localize("UTC") if moment.tz is None else moment.tz_convert("UTC")

    def fail(self, endpoint: str, ticker: str | None = None, **how: object) -> Fault:
        """Inject a fault (see Fault) for the next matching requests."""
        fault = Fault(endpoint, ticker, **how)  # type: ignore[arg-type]
        self.faults.append(fault)
        return fault

    def pay_dividend(
        self, ticker: str, ex_date: str, amount: float, recorded: str | None = None
    ) -> None:
        """An extra cash dividend: once ex_date has traded, Yahoo re-bases Adj Close before it.

        recorded: when Yahoo records it (a UTC time after the ex-date's close): a dividend Yahoo
        learns of late, after the ex-date's bar was already served and cached.
        """
        self.extra_dividends.setdefault(ticker, {})[pd.Timestamp(ex_date)] = amount
        if recorded is not None:
            when = pd.Timestamp(recorded)
            when = when.tz_localize("UTC") if when.tz is None else when.tz_convert("UTC")
            self.recorded.setdefault(ticker, {})[pd.Timestamp(ex_date)] = when

    def split(
        self, ticker: str, day: str, ratio: float, applied: bool = False, event: bool = True
    ) -> None:
        """A ratio-for-1 split effective on day (ratio < 1: a reverse split).

        Prices from day on are divided by ratio, volumes and share counts multiplied. applied:
        Yahoo has re-based the history before it too; else its bars jump on day. event: the
        chart's events list the split (Yahoo sometimes lists none).
        """
        self.splits.append(Split(ticker, day, ratio, applied, event))

    def drop_sessions(self, ticker: str, first: str, last: str) -> None:
        """Yahoo's bars lack ticker's sessions from first to last (a gap in its history)."""
        self.dropped[ticker] = [first, last]

    def delist(self, ticker: str, last_day: str) -> None:
        """From the session after last_day on, Yahoo answers 'symbol may be delisted'."""
        self.delisted[ticker] = pd.Timestamp(last_day)

    def calls(self, endpoint: str | None = None, ticker: str | None = None) -> list[dict]:
        """The recorded requests (this process, and kernels' if logging to a file)."""
        records = list(self.requests)
        if self.log and Path(self.log).exists():
            records = [json.loads(line) for line in Path(self.log).read_text().splitlines()]
        return [
            r
            for r in records
            if (endpoint is None or r["endpoint"] == endpoint)
            and (ticker is None or r["ticker"] == ticker)
        ]

    # --- routing ---------------------------------------------------------------------------

    def respond(
        self, method: str, url: str, params: dict | None = None, timeout: object = None
    ) -> Answer:
        """Answer one request, or raise SimulatedTimeout / SimulatedRefusal / ConnectionError.

        timeout: the request's own (a number, or (connect, read)): how long a hang lasts.
        """
        parts = urlsplit(url)
        query = {**dict(parse_qsl(parts.query)), **{k: str(v) for k, v in (params or {}).items()}}
        host, path = parts.hostname or "", parts.path
        endpoint, ticker = self._classify(host, path, query)
        fault = self._take_fault(endpoint, ticker)
        record = {
            "method": method,
            "endpoint": endpoint,
            "ticker": ticker,
            "params": {k: v for k, v in query.items() if k not in ("crumb",)},
            "fault": fault.kind if fault else "",
        }
        self._record(record)
        if endpoint == "unknown":
            raise ConnectionError(f"simulated network: no route to {host}")
        if fault is not None:
            if fault.kind == "refused":
                raise SimulatedRefusal(f"Failed to connect to {host} port 443: Connection refused")
            if fault.kind == "hang":
                read = timeout[-1] if isinstance(timeout, tuple | list) else timeout
                time.sleep(min(float(read or 30.0), self.hang_s))
                raise SimulatedTimeout(f"Operation timed out after {read} s with 0 bytes ({url})")
            if fault.kind == "timeout":
                raise SimulatedTimeout(f"Operation timed out after 10000 milliseconds ({url})")
            if fault.kind == "html":
                return Answer(200, HTML_ERROR, "text/html;charset=utf-8")
            if fault.kind == "body":
                return Answer(200, fault.body)
            body = TOO_MANY if fault.status == 429 else HTML_ERROR
            return Answer(fault.status, body, "text/html;charset=utf-8")
        handler = "_chart" if endpoint == "timezone" else f"_{endpoint}"
        return getattr(self, handler)(ticker, query)

    def _classify(self, host: str, path: str, query: dict) -> tuple[str, str | None]:
        last = path.rstrip("/").rsplit("/", 1)[-1] or None
        if host == "fred.stlouisfed.org" and path.endswith("/fredgraph.csv"):
            return "fred", query.get("id")
        if host == "fc.yahoo.com":
            return "cookie", None
        if host.endswith("consent.yahoo.com") or host == "guce.yahoo.com":
            return "consent", None
        if host not in ("query1.finance.yahoo.com", "query2.finance.yahoo.com"):
            return "unknown", None
        if "/v8/finance/chart/" in path:  # with a range: yfinance looking up the time zone
            return ("timezone" if "range" in query else "chart"), last
        if "/fundamentals-timeseries/" in path:
            return ("fundamentals" if "type" in query else "shares"), last
        if "/v10/finance/quoteSummary" in path:
            return "quoteSummary", last
        if path.startswith("/v7/finance/quote"):
            return "quote", query.get("symbols")
        if path.endswith("/getcrumb"):
            return "crumb", None
        return "unknown", None

    def _take_fault(self, endpoint: str, ticker: str | None) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                named = fault.endpoint == endpoint or endpoint in HOSTS.get(fault.endpoint, ())
                wanted = named and fault.ticker in (None, ticker)
                if fault.times > 0 and wanted:
                    fault.times -= 1
                    return fault
        return None

    def _record(self, record: dict) -> None:
        with self._lock:
            self.requests.append(record)
            if self.log:
                line = (json.dumps(record) + "\n").encode()
                handle = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(handle, line)
                finally:
                    os.close(handle)

    # --- cookie and crumb -------------------------------------------------------------------

    def _cookie(self, ticker: str | None, query: dict) -> Answer:
        return Answer(404, "<html><body>Not Found</body></html>", "text/html", ("A3", "d=sim"))

    def _consent(self, ticker: str | None, query: dict) -> Answer:
        return Answer(200, "<html><body>No consent needed here.</body></html>", "text/html")

    def _crumb(self, ticker: str | None, query: dict) -> Answer:
        return Answer(200, CRUMB, "text/plain;charset=utf-8")

    def _needs_crumb(self, query: dict) -> Answer | None:
        if query.get("crumb") == CRUMB:
            return None
        error = {"code": "Unauthorized", "description": "Invalid Crumb"}
        return Answer(401, json.dumps({"finance": {"result": None, "error": error}}))

    # --- the market at `now` ---------------------------------------------------------------

    @property
    def _calendar(self):  # exchange_calendars.ExchangeCalendar
        return calendar()

    def _today(self) -> tuple[pd.Timestamp, bool]:
        """The latest session that has opened by now, and whether it is still trading."""
        cal = self._calendar
        session = (
            cal.minute_to_past_session(self.now) if not cal.is_trading_minute(self.now) else None
        )
        if session is not None:
            return pd.Timestamp(session), False
        return pd.Timestamp(cal.minute_to_session(self.now)), True

    def _known(self, ticker: str | None) -> bool:
        if ticker not in self.market.profiles.index:
            return False
        gone = self.delisted.get(ticker)
        return gone is None or self._today()[0] <= gone

    def _bars(self, ticker: str) -> pd.DataFrame:
        """Bars up to now: final ones, plus today's partial bar while the session trades."""
        today, trading = self._today()
        bars = self.market.bars(ticker).loc[:today].copy()
        for split in self._splits(ticker):
            scaled = bars.index >= pd.Timestamp(split.day) if not split.applied else slice(None)
            bars.loc[scaled, ["Open", "High", "Low", "Close"]] /= split.ratio
            bars.loc[scaled, "Volume"] = (bars.loc[scaled, "Volume"] * split.ratio).round(-2)
        if ticker in self.dropped:
            first, last = self.dropped[ticker]
            bars = bars.drop(bars.loc[first:last].index)
        if trading and not bars.empty and bars.index[-1] == today:
            start, end = self._calendar.session_open_close(today)
            elapsed = (self.now - start) / (end - start)
            last = bars.iloc[-1]
            live = last["Open"] + elapsed * 0.6 * (last["Close"] - last["Open"])
            bars.iloc[-1] = [
                last["Open"],
                max(last["Open"], live),
                min(last["Open"], live),
                round(live, 4),
                round(last["Volume"] * elapsed, -2),
            ]
        return bars

    def _opens(self, days: pd.DatetimeIndex) -> pd.Series:
        """Each session's opening time (UTC): Yahoo stamps a daily bar with it."""
        opens = self._calendar.opens.reindex(days)
        return opens.dt.tz_localize("UTC") if opens.dt.tz is None else opens.dt.tz_convert("UTC")

    def _splits(self, ticker: str) -> list[Split]:
        """The splits of ticker in effect by now."""
        today, _ = self._today()
        return [s for s in self.splits if s.ticker == ticker and pd.Timestamp(s.day) <= today]

    def _dividends(self, ticker: str) -> pd.Series:
        today, _ = self._today()
        paid = self.market.dividends(ticker)
        extra = pd.Series(self.extra_dividends.get(ticker, {}), dtype=float)
        late = self.recorded.get(ticker, {})
        extra = extra[[late.get(day, self.now) <= self.now for day in extra.index]]
        both = pd.concat([paid, extra]).sort_index()
        for split in self._splits(ticker):  # amounts per share after the split
            after = both.index >= pd.Timestamp(split.day) if not split.applied else slice(None)
            both.loc[after] = both.loc[after] / split.ratio
        return both.loc[:today]

    def _adjusted(self, ticker: str, bars: pd.DataFrame) -> pd.Series:
        """Yahoo's Adj Close: each close scaled down by the dividends paid after it."""
        close = bars["Close"]
        paid = self._dividends(ticker)
        if paid.empty:
            return close.round(6)
        at = close.index.searchsorted(pd.DatetimeIndex(paid.index))  # the ex-date's session
        keep = (at > 0) & (at < len(close) + 1)
        step = np.ones(len(close))
        prior = close.to_numpy()[at[keep] - 1]
        np.multiply.at(step, at[keep] - 1, 1 - paid.to_numpy()[keep] / prior)
        factor = np.cumprod(step[::-1])[::-1]  # the product of the steps on and after each day
        return pd.Series(np.round(close.to_numpy() * factor, 6), index=close.index)

    # --- chart ------------------------------------------------------------------------------

    def _chart(self, ticker: str | None, query: dict) -> Answer:
        if not self._known(ticker):
            error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            return Answer(404, json.dumps({"chart": {"result": None, "error": error}}))
        bars = self._bars(ticker)
        if "range" in query:  # a time-zone lookup: the latest bar is enough
            bars = bars.iloc[-2:]
        adjusted = self._adjusted(ticker, bars)
        opens = self._opens(bars.index)
        if "range" in query:
            window = bars.index[-1:]
        else:
            first = pd.Timestamp(int(query["period1"]), unit="s", tz="UTC")
            last = pd.Timestamp(int(query["period2"]), unit="s", tz="UTC")
            window = bars.index[((opens >= first) & (opens < last)).to_numpy()]
        part = bars.loc[window]
        seconds = ((opens.loc[window] - EPOCH) // pd.Timedelta(seconds=1)).astype(int)
        divs = self._dividends(ticker)
        divs = divs[divs.index.isin(part.index)]
        result = {
            "meta": self._meta(ticker, bars, query),
            "timestamp": seconds.tolist(),
            "events": {
                "dividends": {
                    str(seconds.loc[d]): {"amount": float(a), "date": int(seconds.loc[d])}
                    for d, a in divs.items()
                }
            },
            "indicators": {
                "quote": [
                    {
                        "open": part["Open"].tolist(),
                        "high": part["High"].tolist(),
                        "low": part["Low"].tolist(),
                        "close": part["Close"].tolist(),
                        "volume": part["Volume"].astype(int).tolist(),
                    }
                ],
                "adjclose": [{"adjclose": adjusted.loc[window].tolist()}],
            },
        }
        splits = {
            str(seconds.loc[d]): {
                "date": int(seconds.loc[d]),
                "numerator": s.ratio if s.ratio >= 1 else 1,
                "denominator": 1 if s.ratio >= 1 else round(1 / s.ratio),
                "splitRatio": f"{s.ratio:g}:1" if s.ratio >= 1 else f"1:{1 / s.ratio:g}",
            }
            for s in self._splits(ticker)
            if s.event and (d := pd.Timestamp(s.day)) in part.index
        }
        if splits:
            result["events"]["splits"] = splits
        if not divs.size:
            del result["events"]["dividends"]
        if not result["events"]:
            del result["events"]
        return Answer(200, json.dumps({"chart": {"result": [result], "error": None}}))

    def _quote_type(self, ticker: str) -> str:
        if ticker.startswith("^") or ticker in QUOTE_TYPE:
            return "INDEX"
        return (
            "EQUITY"
            if ticker in CASHFLOW
            or ticker in EPS_TREND
            or ticker in ("AAPL", "MSFT", "NVDA", "GOOGL", "AMZN", "META", "AVGO", "TSLA")
            else "ETF"
        )

    def _meta(self, ticker: str, bars: pd.DataFrame, query: dict) -> dict:
        today, _ = self._today()
        start, end = self._calendar.session_open_close(today)
        period = {"timezone": "EST", "gmtoffset": -18000}
        kind = self._quote_type(ticker)
        return {
            "currency": "USD",
            "symbol": ticker,
            "exchangeName": {"INDEX": "SNP", "ETF": "PCX", "EQUITY": "NMS"}[kind],
            "fullExchangeName": "NYSEArca" if kind == "ETF" else "NasdaqGS",
            "instrumentType": kind,
            "firstTradeDate": _ts(self._opens(self.market.bars(ticker).index[:1]).iloc[0]),
            "regularMarketTime": _ts(min(self.now, end)),
            "hasPrePostMarketData": kind != "INDEX",
            "gmtoffset": -18000,
            "timezone": "EST",
            "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": float(bars["Close"].iloc[-1]),
            "regularMarketVolume": int(bars["Volume"].iloc[-1]),
            "longName": ticker,
            "shortName": ticker,
            "chartPreviousClose": float(bars["Close"].iloc[-2]) if len(bars) > 1 else None,
            "priceHint": 2,
            "currentTradingPeriod": {
                "pre": {**period, "start": _ts(start) - 19800, "end": _ts(start)},
                "regular": {**period, "start": _ts(start), "end": _ts(end)},
                "post": {**period, "start": _ts(end), "end": _ts(end) + 14400},
            },
            "dataGranularity": query.get("interval", "1d"),
            "range": query.get("range", ""),
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        }

    # --- fundamentals-timeseries -------------------------------------------------------------

    def _fundamentals(self, ticker: str | None, query: dict) -> Answer:
        if ticker not in self.market.profiles.index:
            return Answer(200, json.dumps({"timeseries": {"result": [], "error": None}}))
        years = CASHFLOW.get(ticker, {})
        entries = []
        for key in query["type"].split(","):
            entry: dict = {"meta": {"symbol": [ticker], "type": [key]}}
            name = key.removeprefix("annual")
            if key.startswith("annual") and name in CASHFLOW_KEYS:
                points = []
                for end, (capex, ocf) in years.items():
                    if pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=40) > self.now:
                        continue  # not filed yet
                    value = CASHFLOW_KEYS[name](capex, ocf) * 1e9
                    points.append(
                        {
                            "dataId": 26000,
                            "asOfDate": end,
                            "periodType": "12M",
                            "currencyCode": "USD",
                            "reportedValue": {"raw": value, "fmt": f"{value / 1e9:.2f}B"},
                        }
                    )
                if points:
                    entry["timestamp"] = [
                        _ts(pd.Timestamp(p["asOfDate"], tz="UTC")) for p in points
                    ]
                    entry[key] = points
            entries.append(entry)
        return Answer(200, json.dumps({"timeseries": {"result": entries, "error": None}}))

    def _shares(self, ticker: str | None, query: dict) -> Answer:
        if ticker not in self.market.profiles.index or ticker.startswith("^"):
            error = {"code": "Bad Request", "description": "Invalid symbol"}
            return Answer(400, json.dumps({"finance": {"result": None, "error": error}}))
        if not self._known(ticker):
            error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            return Answer(404, json.dumps({"finance": {"result": None, "error": error}}))
        entry: dict = {"meta": {"symbol": [ticker], "type": ["shares_out"]}}
        if ticker not in self.empty_shares:
            counts = self.market.shares_outstanding(ticker).copy()
            for split in self._splits(ticker):  # Yahoo's share counts are never re-based
                after = counts.index >= pd.Timestamp(split.day, tz="UTC")
                counts.loc[after] = (counts.loc[after] * split.ratio).round(-4)
            first = pd.Timestamp(int(query["period1"]), unit="s", tz="UTC")
            last = min(pd.Timestamp(int(query["period2"]), unit="s", tz="UTC"), self.now)
            counts = counts[(counts.index >= first) & (counts.index < last)]
            if ticker == "XLK" and len(counts) > 5:  # Yahoo's ETF counts glitch now and then
                counts.iloc[-4] = round(counts.iloc[-4] / 10, -4)
                counts = pd.concat(
                    [
                        counts,
                        counts.iloc[-3:-2].set_axis(counts.index[-3:-2] - pd.Timedelta(hours=3)),
                    ]
                )
            counts = counts.sort_index()
            if len(counts):
                entry["timestamp"] = [_ts(t) for t in counts.index]
                entry["shares_out"] = [int(v) for v in counts]
        return Answer(200, json.dumps({"timeseries": {"result": [entry], "error": None}}))

    # --- quoteSummary and quote -----------------------------------------------------------------

    def _quoteSummary(self, ticker: str | None, query: dict) -> Answer:
        if (refused := self._needs_crumb(query)) is not None:
            return refused
        if ticker not in self.market.profiles.index:
            error = {"code": "Not Found", "description": f"Quote not found for symbol: {ticker}"}
            return Answer(404, json.dumps({"quoteSummary": {"result": None, "error": error}}))
        modules = {}
        for module in query.get("modules", "").split(","):
            body = self._module(ticker, module)
            if body is not None:
                modules[module] = body
        return Answer(200, json.dumps({"quoteSummary": {"result": [modules], "error": None}}))

    def _module(self, ticker: str, module: str) -> dict | None:
        kind = self._quote_type(ticker)
        close = float(self.market.bars(ticker).loc[: self._today()[0], "Close"].iloc[-1])
        if module == "quoteType":
            return {
                "exchange": "PCX" if kind == "ETF" else "NMS",
                "quoteType": kind,
                "symbol": ticker,
                "shortName": ticker,
                "longName": ticker,
                "timeZoneFullName": "America/New_York",
                "timeZoneShortName": "EST",
            }
        if module == "summaryProfile":
            return {"longBusinessSummary": f"{ticker}: simulated profile.", "maxAge": 86400}
        if module == "fundProfile" and kind == "ETF":
            return {
                "categoryName": "Technology",
                "family": "Simulated Funds",
                "legalType": "Exchange Traded Fund",
                "feesExpensesInvestment": {"annualReportExpenseRatio": 0.0008},
                "feesExpensesInvestmentCat": {"annualReportExpenseRatio": 0.0045},
            }
        if module == "topHoldings" and kind == "ETF":
            holdings = [
                {"symbol": s, "holdingName": n, "holdingPercent": w}
                for s, n, w in HOLDINGS.get(ticker, [])
            ]
            return {
                "maxAge": 1,
                "cashPosition": 0.002,
                "stockPosition": 0.998,
                "holdings": holdings,
                "equityHoldings": {"priceToEarnings": 38.2},
                "bondHoldings": {},
                "bondRatings": [],
                "sectorWeightings": [{"technology": 0.99}],
            }
        if module == "earningsTrend" and kind == "EQUITY":
            return {"trend": self._trend(ticker), "maxAge": 1}
        if module == "financialData" and kind == "EQUITY":
            return {"financialCurrency": "USD", "currentPrice": close, "maxAge": 86400}
        if module in ("summaryDetail", "defaultKeyStatistics", "assetProfile"):
            return {"maxAge": 1, "previousClose": close}
        return None

    def _trend(self, ticker: str) -> list[dict]:
        known = EPS_TREND.get(ticker)
        rng = np.random.default_rng(abs(hash(ticker)) % 2**32)
        trend = []
        for period in ("0q", "+1q", "0y", "+1y"):
            if known:
                levels, (up7, up30, down7, down30) = known[period]
            else:
                base = round(float(rng.uniform(1, 8)), 2)
                drift = [1.0, 0.995, 0.98, 0.965, 0.95]
                levels = tuple(round(base * d, 2) for d in drift)
                up7, up30, down7, down30 = (int(x) for x in rng.integers(0, 20, 4))
            names = ("current", "7daysAgo", "30daysAgo", "60daysAgo", "90daysAgo")
            trend.append(
                {
                    "maxAge": 1,
                    "period": period,
                    "endDate": "2026-03-31",
                    "growth": _raw(0.12),
                    "epsTrend": {
                        **{n: _raw(v) for n, v in zip(names, levels, strict=True)},
                        "epsTrendCurrency": "USD",
                    },
                    "epsRevisions": {
                        "upLast7days": _raw(up7, 0),
                        "upLast30days": _raw(up30, 0),
                        "downLast30days": _raw(down30, 0),
                        "downLast7Days": _raw(down7, 0),
                        "epsRevisionsCurrency": "USD",
                    },
                }
            )
        return trend

    def _quote(self, ticker: str | None, query: dict) -> Answer:
        if (refused := self._needs_crumb(query)) is not None:
            return refused
        rows = []
        if ticker in self.market.profiles.index:
            kind = self._quote_type(ticker)
            rows.append(
                {"symbol": ticker, "quoteType": kind, "currency": "USD", "language": "en-US"}
            )
        return Answer(200, json.dumps({"quoteResponse": {"result": rows, "error": None}}))

    # --- FRED ------------------------------------------------------------------------------------

    def _fred(self, sid: str | None, query: dict) -> Answer:
        series = self.market.fred(sid) if sid else None
        if series is None:
            return Answer(404, "<html><body>Series not found</body></html>", "text/html")
        published = (self.now.tz_convert(None) - pd.Timedelta(days=1)).normalize()
        if sid in ("AAA", "BAA", "CPILFESL"):
            published = (self.now.tz_convert(None) - pd.Timedelta(days=45)).normalize()
        series = series.loc[:published]
        if "cosd" in query:
            series = series.loc[query["cosd"] :]
        if sid in DAILY_FRED:  # FRED lists every weekday; holidays are empty
            weekdays = pd.bdate_range(series.index[0], series.index[-1])
            series = series.reindex(weekdays)
        lines = [f"observation_date,{sid}"]
        lines += [f"{d.date()},{'' if pd.isna(v) else f'{v:g}'}" for d, v in series.items()]
        return Answer(200, "\n".join(lines) + "\n", "text/csv;charset=utf-8")
