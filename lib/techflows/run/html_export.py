"""Executed notebook to HTML: outputs only, no code, nothing fetched from the web."""

from __future__ import annotations

import re
from typing import Any

import nbformat

# Only the template's head scripts reach the internet: require.js, MathJax, mermaid, widgets.
HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>.*?</script\s*>"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//[^;]*;",
    re.IGNORECASE | re.DOTALL,
)


STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)


CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def notebook_title(notebook: nbformat.NotebookNode, default: str) -> str:
    """The first markdown heading of a notebook, without its hashes."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip() or default
    return default


def html_exporter() -> Any:
    """nbconvert's lab HTML exporter: outputs only, no prompts, nothing loaded from the web."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"techflows_report.html.j2": HTML_TEMPLATE})],
        template_file="techflows_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def self_contained(html: str) -> str:
    """Drop any tag that would fetch a script or style from the web, and CSS comments."""
    html = EXTERNAL_TAG.sub("", html)
    return STYLE_BLOCK.sub(lambda m: m[1] + CSS_COMMENT.sub("", m[2]) + m[3], html)


def to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as a code-free, self-contained HTML page."""
    body, _ = html_exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return self_contained(body)
