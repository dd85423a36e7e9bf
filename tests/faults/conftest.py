"""The fault suite's tools: a csv folder to damage, the headline figures, one-line CLI runs.

Every case damages a copy of a clean input (a csv folder written from the snapshot, see
conftest.market_csv) or calls the command line or the library wrongly, then asserts what a
user sees: the exit code, one line naming the input (no traceback), previous outputs left
byte-identical and, for data faults, either that clear error or a headline figure that did
not move (or moved with a data-quality flag saying why).
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import techflows as tf
from conftest import ARTICLES_DATE
from conftest import FIXTURES as FIXTURE_ROOT
from techflows.analysis import drawdowns, flows, markets, rates
from techflows.run import cli

NOTEBOOKS = FIXTURE_ROOT / "notebooks"
YEAR, FIRST_WEEKS = 2026, 5


# --- a damaged copy of a clean csv folder --------------------------------------------------


def damaged(clean: Path, target: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """A csv folder: clean's files linked, those in edits copied and changed by their edit."""
    for path in clean.rglob("*.csv"):
        relative = path.relative_to(clean)
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        if str(relative) in edits:
            out.write_text(edits[str(relative)](path.read_text()))
        else:
            out.symlink_to(path)
    return target


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def set_cell(key: str, column: str, value: str) -> Callable[[str], str]:
    """An edit: the cell of `column` in the row starting with `key` (e.g. '2026-02-10')."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith(key))
        cells = _cells(lines[row])
        cells[_cells(lines[0]).index(column)] = value
        lines[row] = _line(cells)
        return "\n".join(lines)

    return edit


def duplicate_row(key: str, value_column: str | None = None, value: str = "") -> Callable:
    """An edit: the row starting with key written twice (the second with another value)."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith(key))
        copy = lines[row]
        if value_column is not None:
            cells = _cells(copy)
            cells[_cells(lines[0]).index(value_column)] = value
            copy = _line(cells)
        lines.insert(row + 1, copy)
        return "\n".join(lines)

    return edit


def header(new: str) -> Callable[[str], str]:
    """An edit: a new header line."""
    return lambda text: "\n".join([new, *text.split("\n")[1:]])


# --- headline figures, measured with the library ------------------------------------------


def open_csv(folder: Path) -> tf.Source:
    return tf.open_source("csv", data_dir=folder, as_of=ARTICLES_DATE)


def drawdown(src: tf.Source) -> float:
    """XLK's drawdown from its peak (01's headline)."""
    return float(drawdowns.current(src.close("XLK")["XLK"])["depth"])


def tech_week(src: tf.Source) -> float:
    """Broad tech's 1-week return (01's segment table)."""
    table = markets.segment_returns(markets.segment_closes(src), src.universe, src.market_ticker)
    return float(table.loc[table["segment"] == "broad tech", "1w"].iloc[0])


def tech_first_weeks(src: tf.Source) -> float:
    """Tech's net flows over the year's first weeks (01's headline), USD."""
    _, by_group = flows.weekly_flows(src, "W-FRI")
    return float(flows.year_to_date(by_group, YEAR, FIRST_WEEKS).iloc[-1]["tech"])


def beta(src: tf.Source) -> float:
    """Tech's beta to the 10-year nominal yield, DGS10 (02's rate-sensitivity table)."""
    panel = rates.weekly_rate_panel(src, week_end="W-FRI", years=10)
    return 100 * float(rates.fit_rate_sensitivity(panel, ["d_nominal"], 4).params["d_nominal"])


HEADLINES = {
    "drawdown": drawdown,
    "tech_week": tech_week,
    "tech_first_weeks": tech_first_weeks,
    "beta": beta,
}


@pytest.fixture(scope="session")
def clean_headlines(market_csv) -> dict[str, float]:
    """Each headline on the undamaged folder."""
    src = open_csv(market_csv)
    return {name: measure(src) for name, measure in HEADLINES.items()}


# --- the command line ----------------------------------------------------------------------


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def previous(tmp_path) -> Path:
    """An output folder holding a previous good report."""
    out = tmp_path / "out"
    (out / "01_ok").mkdir(parents=True)
    (out / "01_ok" / "01_ok.html").write_text("<html>the previous report</html>\n")
    (out / "01_ok" / "figures.json").write_text('{"figures": [{"name": "x", "value": 1}]}\n')
    (out / "runs.json").write_text('{"reports": []}\n')
    (out / "index.html").write_text("<html>index</html>\n")
    return out


def one_line(err: str) -> str:
    """The single line a failed command printed; fails the test on a traceback or more lines."""
    assert "Traceback" not in err, err
    assert err.count("\n") == 1, err
    return err.strip()


@pytest.fixture
def report(previous, capsys):
    """Run `techflows report ARGS --output-dir <previous>`; returns (exit code, stderr)."""

    def run(*args: str) -> tuple[int, str]:
        before = digest(previous)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = cli.main(["report", *args, "--output-dir", str(previous)])
        err = capsys.readouterr().err
        assert digest(previous) == before, "previous outputs changed"
        return code, err

    return run
