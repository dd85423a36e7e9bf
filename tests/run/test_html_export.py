"""The report page: answer under the title, contents, heading anchors, the way around."""

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import FIXTURES, REPO_ROOT
from techflows.run import html_export
from techflows.views import answers

BOX = '<section class="tf-answer" id="answer">the answer box</section>'


def _executed(source_path=None):
    cells = [
        new_markdown_cell("# 02 · Middle section: a question?\n\nOne line of context."),
        new_markdown_cell("## 1. The Fed's *path*\n\nSeed 000 says so.\n\n### Inside: details"),
        new_code_cell(
            "secret()", outputs=[new_output("display_data", data={"text/plain": "evidence"})]
        ),
        new_markdown_cell("**How this is measured.** Carefully.", metadata={"tags": ["method"]}),
        new_code_cell(
            "figs.answer(box)",
            metadata={"tags": ["answer"]},
            outputs=[new_output("display_data", data={"text/html": BOX})],
        ),
    ]
    notebook = new_notebook(cells=cells)
    if source_path:
        notebook.metadata["papermill"] = {"input_path": str(source_path)}
    return notebook


def test_headings_carry_slug_ids_and_the_contents_list_them():
    notebook = _executed()
    toc = html_export.contents(notebook)
    assert [(h["level"], h["text"], h["id"]) for h in toc] == [
        (2, "The answer", "answer"),
        (2, "1. The Fed's path", "1-the-feds-path"),
        (3, "Inside: details", "inside-details"),
    ]
    html = html_export.to_html(notebook, "02 · Middle section")
    for entry in toc:
        assert f'href="#{entry["id"]}"' in html and f'id="{entry["id"]}"' in html
    assert 'class="anchor-link"' not in html  # no pilcrows


def test_the_answer_comes_right_after_the_title_and_only_once():
    html = html_export.to_html(_executed(), "02 · Middle section")
    title, box, evidence = (
        html.index("02 · Middle section: a question?</h1>"),
        html.index(BOX),
        html.index("evidence"),
    )
    assert title < box < evidence and html.count(BOX) == 1
    assert "figs.answer" not in html and "secret()" not in html
    assert "celltag_method" in html


def test_navigation_to_the_index_and_the_neighbouring_sections(tmp_path):
    for name in ("01_first", "02_middle", "03_last"):
        nbformat.write(
            new_notebook(cells=[new_markdown_cell(f"# {name}: title")]), tmp_path / f"{name}.ipynb"
        )
    html = html_export.to_html(_executed(tmp_path / "02_middle.ipynb"), "02 · Middle section")
    assert 'href="../index.html"' in html
    assert 'href="../01_first/01_first.html" rel="prev">← 01_first</a>' in html
    assert 'href="../03_last/03_last.html" rel="next">03_last →</a>' in html
    first = html_export.to_html(_executed(tmp_path / "01_first.ipynb"), "01")
    assert 'rel="prev"' not in first and 'rel="next"' in first
    alone = html_export.to_html(_executed(), "x")  # no papermill record: no neighbours
    assert 'rel="next"' not in alone and 'href="../index.html"' in alone


def test_the_sections_anchors_exist_in_their_notebooks():
    """Every heading an answer links to is a heading of its notebook (views declare them)."""
    from techflows.views import claims, drivers, monitor, predictions, risks, status

    declared = {
        "01_current_status": (status.FLOWS, status.DRAWDOWN, status.NOTIONAL),
        "02_drivers": (drivers.FED, drivers.MARKET_PATH, drivers.SENSITIVITY, drivers.ROTATION),
        "03_risks": (risks.ANALOGUES, risks.SHOCKS, risks.STRESS, risks.CONCENTRATION),
        "04_predictions": (predictions.BACKTEST, predictions.SCENARIOS, predictions.AFTER_RECORDS),
        "05_monitor": (
            monitor.CONCORDANCE,
            monitor.CHECKLIST,
            monitor.INTERNALS,
            monitor.FLOWS,
            monitor.SCENARIOS,
        ),
        "06_claims": (
            claims.VERDICTS_HEADING,
            claims.UNMEASURED_HEADING,
            *answers.CLAIMS_HEADINGS.values(),
        ),
    }
    for section, headings in declared.items():
        notebook = nbformat.read(REPO_ROOT / "notebooks" / f"{section}.ipynb", as_version=4)
        ids = {h["id"] for h in html_export.contents(notebook)}
        for heading in headings:
            assert answers.slug(heading) in ids, f"{section}: no heading {heading!r}"
        assert any("answer" in c.metadata.get("tags", []) for c in notebook.cells), section


def test_every_notebook_heading_id_is_unique():
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        ids = [h["id"] for h in html_export.contents(nbformat.read(path, as_version=4))]
        assert len(ids) == len(set(ids)), path.name


def test_no_parameter_names_in_the_narrative():
    """Prose speaks to readers: no snake_case parameter names in the notebooks' markdown."""
    parameters = set()
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if "parameters" in cell.metadata.get("tags", []):
                parameters |= set(re.findall(r"^(\w+) =", cell.source, re.MULTILINE))
    named = {p for p in parameters if "_" in p}
    assert "phase_sessions" in named
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                found = {p for p in named if p in cell.source}
                assert not found, f"{path.name}: {sorted(found)} in prose"


def test_fixture_notebooks_still_render(tmp_path):
    notebook = nbformat.read(FIXTURES / "notebooks" / "01_ok.ipynb", as_version=4)
    html = html_export.to_html(notebook, "ok")
    assert "<main>" in html and "tf-toc" in html


def test_answer_links_in_notebook_form_become_page_links():
    """The box links as JupyterLab follows them; the page gets its own anchors and files."""
    box = (
        '<section class="tf-answer" id="answer"><a href="#1.-The-Fed&#x27;s-path">3.75%</a>'
        '<a href="06_claims.ipynb#2.-Seed-000:-fund-flows,-IYW,-the-Fed,-AI-capex">A000-01</a>'
        "</section>"
    )
    notebook = _executed()
    notebook.cells[-1].outputs = [new_output("display_data", data={"text/html": box})]
    page = html_export.to_html(notebook, "Middle")
    assert 'href="#1-the-feds-path"' in page and 'id="1-the-feds-path"' in page
    assert 'href="../06_claims/06_claims.html#2-seed-000-fund-flows-iyw-the-fed-ai-capex"' in page
    assert ".ipynb#" not in page
