"""`techflows new NN_name`: a section notebook with the conventions in place.

The title and the question it answers; the shared parameters cell (declared once, in
techflows.run.parameters); the set-up cell (check the parameters, the theme, the source, the
figures file, the data banner); one piece of evidence measured from data (a headline figure, a
table, a chart) with its method note (a markdown cell tagged `method`); and the answer cell
(tagged `answer`) that opens the report, then figs.write(). It runs as it is; the analyst
replaces the evidence and the answer with the section's own.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from techflows import atomic
from techflows.errors import DataError
from techflows.run.lab import KERNEL
from techflows.run.parameters import SHARED_CELL
from techflows.run.sections import HOW, is_section

EVIDENCE = "1. Tech against the market"

SETUP = """\
import matplotlib.pyplot as plt
from IPython.display import display

import techflows as tf
from techflows.analysis import markets
from techflows.claims import ledger
from techflows.run import notebook as nb
from techflows.views import answers, plots, tables

nb.check_parameters(globals())
plots.use_theme()
src = tf.open_source(source, data_dir=data_dir or None, as_of=as_of, universe=universe or None)
figs = nb.Figures("{name}", src, output_dir)
nb.banner(src)
spread = None  # filled where the source has the data"""

MEASURE = """\
with figs.unless_missing():
    tech, market = src.tech_ticker, src.market_ticker
    closes = src.close([tech, market])
    returns = figs.table("period_returns", markets.period_returns(closes))
    display(tables.show(returns.reset_index(), f"{tech} and {market}: total returns"))
    spread = markets.trailing_relative(closes[tech], closes[market], "3m").dropna()
    figs.add(
        f"{tech} minus {market}, 3 months", spread.iloc[-1], "fraction", spread.index[-1], True
    )
    recent = markets.last_years(100 * spread, lookback_years).to_frame(f"{tech} minus {market}")
    plots.lines(recent, "Tech's 3-month return minus the market's", "percentage points")
    plt.show()"""

ANSWER = """\
claims = ledger.ledger(src, answers.section_claims(figs.section), week_end=week_end)
where = answers.anchor("{evidence}")
if spread is None:
    verdict, said, numbers = "Not available", [answers.not_available("prices", figs.missing)], []
else:
    lead = spread.iloc[-1]
    verdict = "Yes" if lead > 0 else "No"
    text = f"Over the 3 months to {{spread.index[-1].date()}}, tech returned {{lead:+.1%}} "
    said = [answers.Sentence("spread", text + "against the market.", where)]
    numbers = [answers.Number(f"{{lead:+.1%}}", "tech minus the market, 3 months", where)]
figs.answer(answers.answer("Is tech beating the market?", verdict, said, numbers, claims))
figs.write()"""


def section_notebook(name: str) -> nbformat.NotebookNode:
    """The notebook `techflows new name` writes."""
    number, _, words = name.partition("_")
    title = words.replace("_", " ").capitalize()
    cells = [
        new_markdown_cell(
            f"# {number} · {title}: what does this section answer?\n\n"
            "The question in one line, the article claims it follows (seed 000 §1, ...), and "
            "what is measured here to answer it."
        ),
        new_code_cell(SHARED_CELL.rstrip("\n"), metadata={"tags": ["parameters"]}),
        new_code_cell(SETUP.format(name=name)),
        new_markdown_cell(
            f"## {EVIDENCE}\n\nThe article's words, then the measured table and chart. Each "
            "heading is an anchor the answer box can link to."
        ),
        new_code_cell(MEASURE),
        new_markdown_cell(
            "**How this is measured.** Total returns from adjusted closes of the source's tech "
            "proxy and market proxy; the spread is the tech proxy's trailing 3-month return "
            "minus the market's (techflows.analysis.markets.trailing_relative).",
            metadata={"tags": ["method"]},
        ),
        new_code_cell(ANSWER.format(evidence=EVIDENCE), metadata={"tags": ["answer"]}),
    ]
    for i, cell in enumerate(cells):
        cell.id = f"{name.replace('_', '-')}-{i}"
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": KERNEL, "language": "python", "name": KERNEL}
    return notebook


def write_section(name: str, notebook_dir: Path) -> Path:
    """Write notebook_dir/NAME.ipynb; DataError for a name that is not NN_name or that exists."""
    path = Path(notebook_dir) / f"{name}.ipynb"
    if not is_section(path):
        raise DataError(f"section name {name!r}: {HOW} (e.g. 07_semiconductors)")
    if path.exists():
        raise DataError(f"notebook {path}: exists already; choose another name")
    if not path.parent.is_dir():
        raise DataError(f"--notebook-dir {notebook_dir}: no such folder")
    return atomic.write_text(path, nbformat.writes(section_notebook(name)) + "\n")
