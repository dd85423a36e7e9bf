"""One escaping path: every text reaching a page is escaped by techflows.markup.escape."""

from __future__ import annotations

import ast

import jinja2
import pytest

from conftest import REPO_ROOT
from techflows import markup
from techflows.publish import changes
from techflows.run.index_page import format_figure
from techflows.views import answers

PACKAGE = REPO_ROOT / "lib" / "techflows"
PAYLOAD = """<script>alert("x")</script> & 'quoted' " onmouseover="steal()"""
# Escaping functions other modules might reach for instead of markup.escape.
# Finds this machine's paths as other tools (nbconvert, Jupyter) escaped them; it writes none.
RECOGNISERS = ("local_paths.py",)
OTHER_ESCAPES = {("html", "escape"), ("markupsafe", "escape"), ("xml.sax.saxutils", "escape")}


def _escape_calls(path) -> list[str]:
    """The other escaping functions a module imports or calls (html.escape, markupsafe.escape)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [
                f"{node.module}.{a.name}"
                for a in node.names
                if (node.module, a.name) in OTHER_ESCAPES
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in OTHER_ESCAPES
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p.name not in ("markup.py", *RECOGNISERS)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_module_escapes_on_its_own(path):
    assert _escape_calls(path) == [], f"{path.name} escapes outside techflows.markup"


def test_markup_escape_is_what_the_page_templates_apply():
    # The index, sweep and archive pages are Jinja templates with autoescape: same function.
    template = jinja2.Environment(autoescape=True).from_string("{{ text }}")
    assert markup.escape(PAYLOAD) == template.render(text=PAYLOAD)
    assert "<" not in markup.escape(PAYLOAD) and '"' not in markup.escape(PAYLOAD)


def test_answer_box_escapes_attribute_payloads():
    claim = answers.Contradiction("A1", PAYLOAD, PAYLOAD, PAYLOAD, window=PAYLOAD)
    box = answers.box_html(
        answers.Answer(
            question=PAYLOAD,
            verdict=PAYLOAD,
            sentences=(answers.Sentence("s", PAYLOAD, '#x" onclick="steal()'),),
            numbers=(answers.Number(PAYLOAD, PAYLOAD, '#y" onclick="steal()'),),
            contradicted=(claim,),
            checked=1,
        )
    )
    assert "<script>" not in box and 'onclick="' not in box and 'onmouseover="' not in box
    assert box.count(markup.escape(PAYLOAD)) >= 6


def test_change_panels_escape_every_value():
    found = {
        "as_of": PAYLOAD,
        "previous": PAYLOAD,
        "verdicts": [
            {
                "question": PAYLOAD,
                "before": PAYLOAD,
                "after": PAYLOAD,
                "moved_by": [],
                "causes": [],
            },
            {"name": PAYLOAD, "before": PAYLOAD, "after": PAYLOAD, "causes": [{"text": PAYLOAD}]},
        ],
        "signals": [],
        "headlines": [],
    }
    record = {"name": PAYLOAD, "title": PAYLOAD, "changes": found}
    for panel in (
        changes.panel_html(found, format_figure),
        changes.index_panel_html([record], format_figure, lambda d: 'x" onclick="steal()'),
    ):
        assert "<script>" not in panel and 'onclick="' not in panel and 'onmouseover="' not in panel
        assert markup.escape(PAYLOAD) in panel
