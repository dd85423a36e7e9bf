"""Every figure carries the date of its data, and each method text says what the code does."""

import ast

import nbformat
import pytest

from conftest import REPO_ROOT
from techflows.analysis import markets
from techflows.monitor import signals
from techflows.run.sections import sections

NOTEBOOKS = REPO_ROOT / "notebooks"


def _cells(name: str) -> list[nbformat.NotebookNode]:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4).cells


def _undated_adds(source: str) -> list[str]:
    """figs.add calls that pass neither as_of nor inputs (so they would carry the run's date)."""
    undated = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "figs"
        ):
            words = {k.arg for k in node.keywords}
            if None not in words and not words & {"as_of", "inputs"}:  # None: **figure
                undated.append(ast.unparse(node)[:90])
    return undated


@pytest.mark.parametrize("name", [p.stem for p in sections(NOTEBOOKS)])
def test_every_figure_names_the_date_of_its_data(name):
    code = [c.source for c in _cells(name) if c.cell_type == "code"]
    undated = [call for source in code for call in _undated_adds(source)]
    assert not undated, "\n".join(undated)


def test_the_rate_beta_of_02_is_dated_by_its_regression_sample():
    cell = next(c for c in _cells("02_drivers") if "headline_beta" in c.source)
    assert not _undated_adds(cell.source)


def test_05_says_the_window_its_relative_returns_use():
    text = " ".join(c.source for c in _cells("05_monitor") if c.cell_type == "markdown")
    text = " ".join(text.split())
    assert "63 trading days" not in text
    assert markets.window_words(signals.RELATIVE_WINDOW) in text  # "3 calendar months"
