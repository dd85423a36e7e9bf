"""Executed notebook to HTML: outputs only, no code, nothing fetched from the web.

The page a reader gets: a bar with the way back to the index and to the previous and next
sections, a table of contents beside the text, the section's answer (the output of the cell
tagged `answer`, wherever it sits in the notebook) right under the title, then the evidence.
Every heading carries the id views.answers.slug gives it, so links from the index and from the
answer box land on it.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import DictLoader, pass_context
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from techflows.markup import escape
from techflows.run.sections import sections
from techflows.views.answers import page_link, slug

ANSWER_TAG = "answer"  # the cell whose output opens the report
METHOD_TAG = "method"  # markdown cells on how a figure is measured, set in smaller type
INDEX_PAGE = "../index.html"

# Only the template's head scripts reach the internet: require.js, MathJax, mermaid, widgets.
HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.techflows.css }}</style>
{%- endblock extra_css -%}
{%- set tf = resources.techflows -%}
{%- macro section_link(page, rel, arrow) -%}
{%- if page -%}<a class="tf-{{ rel }}" rel="{{ rel }}" href="{{ page.href }}">
{%- if arrow == 'left' %}← {% endif %}{{ page.title }}{% if arrow == 'right' %} →{% endif %}</a>
{%- endif -%}
{%- endmacro -%}
{%- block body_header -%}
<body class="jp-Notebook tf-report" data-jp-theme-light="true"
 data-jp-theme-name="JupyterLab Light">
<header class="tf-bar"><a class="tf-home" href="{{ tf.index }}">↑ All reports</a>
<span class="tf-here">{{ tf.title }}</span>
<span class="tf-pager">{{ section_link(tf.previous, 'prev', 'left') }}
{{ section_link(tf.next, 'next', 'right') }}</span></header>
<div class="tf-page">
<details class="tf-toc" id="tf-toc"><summary class="tf-toc-title">Contents</summary><ul>
{%- for h in tf.toc %}
<li class="tf-toc-{{ h.level }}"><a href="#{{ h.id }}">{{ h.text }}</a></li>
{%- endfor %}
</ul></details>
<main>
{%- endblock body_header -%}
{%- block any_cell scoped -%}
{%- if 'answer' not in cell.metadata.get('tags', []) -%}{{ super() }}{%- endif -%}
{%- if loop.first -%}
{%- for answer in tf.answers %}<div class="tf-answer-slot">{{ answer }}</div>{% endfor -%}
{%- endif -%}
{%- endblock any_cell -%}
{%- block body_footer -%}
<footer class="tf-foot">{{ section_link(tf.previous, 'prev', 'left') }}
<a href="{{ tf.index }}">↑ All reports</a>{{ section_link(tf.next, 'next', 'right') }}</footer>
</main></div>
</body>
{%- endblock body_footer -%}
"""

REPORT_CSS = """
body.tf-report { margin: 0; padding: 0; }
.tf-bar { position: sticky; top: 0; z-index: 10; display: flex; gap: 18px; align-items: center;
  padding: 8px 20px; background: #1f3b66; color: #fff; font: 14px/1.4 system-ui, sans-serif; }
.tf-bar a { color: #fff; text-decoration: none; } .tf-bar a:hover { text-decoration: underline; }
.tf-here { font-weight: 600; flex: 1; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; }
.tf-pager { display: flex; gap: 16px; white-space: nowrap; }
.tf-page { display: flex; align-items: flex-start; max-width: 1500px; margin: 0 auto; }
.tf-toc { position: sticky; top: 44px; flex: 0 0 230px; max-height: calc(100vh - 60px);
  overflow-y: auto; padding: 16px 10px 16px 18px; font: 13px/1.35 system-ui, sans-serif; }
.tf-toc-title { font-weight: 700; color: #5a6473; text-transform: uppercase;
  letter-spacing: .05em; font-size: 11px; margin-bottom: 6px; cursor: pointer; }
.tf-toc ul { list-style: none; margin: 0; padding: 0; }
.tf-toc > summary { list-style: none; } .tf-toc > summary::-webkit-details-marker { display: none; }
@media (min-width: 981px) { .tf-toc::details-content { content-visibility: visible; }
  .tf-toc > summary { pointer-events: none; } }
.tf-toc li { margin: 0 0 6px; } .tf-toc li.tf-toc-3 { padding-left: 12px; font-size: 12px; }
.tf-toc a { color: #2a5ca8; text-decoration: none; } .tf-toc a:hover { text-decoration: underline; }
.tf-page > main { flex: 1 1 auto; min-width: 0; padding: 4px 24px 40px 12px; }
.tf-foot { display: flex; justify-content: space-between; gap: 16px; margin-top: 32px;
  padding-top: 12px; border-top: 1px solid #ddd; font: 14px system-ui, sans-serif; }
.tf-foot a { color: #2a5ca8; text-decoration: none; }
h1, h2, h3 { scroll-margin-top: 52px; }
.tf-answer { scroll-margin-top: 52px; }
.jp-OutputArea-output { display: block; overflow-x: auto; max-width: 100%; }
.jp-Cell, .jp-OutputArea, .jp-OutputArea-child { max-width: 100%; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.jp-RenderedHTMLCommon table.tf-table { table-layout: auto; font-size: 12.5px; margin: 4px 0 14px;
  font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon table.tf-table caption { caption-side: top; text-align: left;
  font-weight: 600; color: #333; padding: 2px 0 6px; }
.jp-RenderedHTMLCommon table.tf-table th { background: #f0f3f8; vertical-align: bottom;
  white-space: normal; }
.jp-RenderedHTMLCommon table.tf-table td { vertical-align: top; padding: 4px 8px;
  white-space: nowrap; }
.jp-RenderedHTMLCommon table.tf-table caption { white-space: nowrap; }
.celltag_method { font-size: 13px; color: #4a5260; border-left: 3px solid #d5dbe5;
  padding-left: 12px; margin: 2px 0 10px; }
.jp-OutputArea { display: flex; flex-wrap: wrap; column-gap: 8px; }
.jp-OutputArea > .jp-OutputArea-child { flex: 1 1 100%; min-width: 0; }
.jp-OutputArea > .jp-OutputArea-child:has(> .jp-RenderedImage) { flex: 1 1 440px; }
@media (max-width: 980px) { .tf-page { display: block; } .tf-toc { position: static;
  max-height: none; padding: 8px 12px 0; } }
@media (max-width: 700px) {
  .tf-bar { padding: 8px 12px; gap: 10px; } .tf-pager { display: none; }
  .tf-page > main { padding: 4px 12px 32px; }
  .tf-toc .tf-toc-title { display: inline-block; padding: 6px 12px; border: 1px solid #c9d3e6;
    border-radius: 4px; background: #f6f8fc; color: #2a5ca8; font-size: 12px; }
  .tf-toc[open] ul { margin-top: 8px; }
  .jp-RenderedHTMLCommon table.tf-table { font-size: 12px; }
}
@page { size: A4; margin: 18mm 12mm 16mm; }
@media print {
  .tf-bar, .tf-toc, .tf-foot { display: none !important; }
  .tf-page { display: block; max-width: none; }
  .tf-page > main { padding: 0; }
  .jp-OutputArea { display: block; }
  .jp-OutputArea-output { overflow: visible !important; }
  /* Every table fits the page: its cells wrap, each keeps a readable width, and a table of
     nine columns or more is set smaller. */
  .jp-RenderedHTMLCommon table, .jp-RenderedHTMLCommon table.tf-table { table-layout: auto;
    width: auto; max-width: 100%; font-size: 8.5px; }
  .jp-RenderedHTMLCommon table td, .jp-RenderedHTMLCommon table th,
  .jp-RenderedHTMLCommon table caption, .jp-RenderedHTMLCommon table.tf-table td,
  .jp-RenderedHTMLCommon table.tf-table caption {
    white-space: normal !important; overflow-wrap: break-word; hyphens: auto; padding: 2px 4px; }
  .jp-RenderedHTMLCommon table td, .jp-RenderedHTMLCommon table th { min-width: 5em !important; }
  .jp-RenderedHTMLCommon table:has(th:nth-child(9)) { font-size: 7px; }
  .jp-RenderedHTMLCommon table:has(th:nth-child(9)) :is(td, th) { min-width: 4.4em !important; }
  img, .jp-RenderedImage, .tf-answer, tr { break-inside: avoid; }
  img { max-height: 230mm; object-fit: contain; }
  h1, h2, h3 { break-after: avoid; }
}
"""


EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>.*?</script\s*>"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//[^;]*;",
    re.IGNORECASE | re.DOTALL,
)


STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)


CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


TAG = re.compile(r"<[^>]+>")


class HeadingRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with slug ids on headings, each heading recorded."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.headings: list[dict[str, object]] = []

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        """<hN id="slug">text</hN>, without nbconvert's pilcrow link."""
        plain = re.sub(r"\s+", " ", unescape(TAG.sub("", text))).strip()
        ident = slug(plain)
        self.headings.append({"level": level, "text": plain, "id": ident})
        return f'<h{level} id="{ident}">{text}</h{level}>\n'


def render_markdown(source: str, **options: Any) -> tuple[str, list[dict[str, object]]]:
    """Markdown to HTML as the report shows it, and the headings it holds."""
    renderer = HeadingRenderer(escape=False, **options)
    return MarkdownWithMath(renderer=renderer).render(source), renderer.headings


class ReportExporter(HTMLExporter):
    """The lab HTML exporter with the report's heading ids."""

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        """Markdown to HTML with slug heading ids (render_markdown)."""
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        rendered, _ = render_markdown(
            source,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=path,
        )
        return rendered


def notebook_title(notebook: nbformat.NotebookNode, default: str) -> str:
    """The first markdown heading of a notebook, without its hashes."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip() or default
    return default


def contents(notebook: nbformat.NotebookNode, levels: tuple[int, ...] = (2, 3)) -> list[dict]:
    """The table of contents: the answer, then every level-2 and level-3 heading."""
    toc: list[dict[str, object]] = []
    if answers(notebook):
        toc.append({"level": 2, "text": "The answer", "id": "answer"})
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            toc += [h for h in render_markdown(cell.source)[1] if h["level"] in levels]
    return toc


def answers(notebook: nbformat.NotebookNode) -> list[str]:
    """The HTML outputs of the cells tagged `answer`: the report shows them first."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and ANSWER_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                markup = output.get("data", {}).get("text/html")
                if markup:
                    found.append("".join(markup) if isinstance(markup, list) else markup)
    return found


def neighbours(notebook: nbformat.NotebookNode) -> tuple[dict | None, dict | None]:
    """The previous and next sections (report link and title), from the notebook's folder.

    The executed notebook names its source (papermill metadata); its siblings, sorted, are the
    sections. Without that record there are no neighbours.
    """
    source = notebook.metadata.get("papermill", {}).get("input_path")
    if not source or not Path(source).is_file():
        return None, None
    path = Path(source)
    siblings = sections(path.parent)
    here = siblings.index(path) if path in siblings else -1
    if here < 0:
        return None, None

    def page(i: int) -> dict | None:
        if not 0 <= i < len(siblings):
            return None
        other = siblings[i]
        try:
            title = notebook_title(nbformat.read(other, as_version=4), other.stem)
        except (OSError, ValueError):
            title = other.stem
        return {"href": f"../{other.stem}/{other.stem}.html", "title": title.split(":")[0]}

    return page(here - 1), page(here + 1)


def html_exporter() -> ReportExporter:
    """The report exporter: outputs only, no prompts, nothing loaded from the web."""
    return ReportExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"techflows_report.html.j2": HTML_TEMPLATE})],
        template_file="techflows_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


HREF = re.compile(r'\bhref="([^"]*)"')


def page_links(html: str) -> str:
    """The answer box's links, written as JupyterLab follows them, as this page's own: headings
    by their slug, other sections by their report (views.answers.page_link)."""
    return HREF.sub(lambda m: f'href="{escape(page_link(unescape(m[1])))}"', html)


def self_contained(html: str) -> str:
    """Drop any tag that would fetch a script or style from the web, and CSS comments."""
    html = EXTERNAL_TAG.sub("", html)
    return STYLE_BLOCK.sub(lambda m: m[1] + CSS_COMMENT.sub("", m[2]) + m[3], html)


def to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as a code-free, self-contained HTML page."""
    previous, following = neighbours(notebook)
    page = {
        "title": title,
        "index": INDEX_PAGE,
        "previous": previous,
        "next": following,
        "toc": contents(notebook),
        "answers": answers(notebook),
        "css": REPORT_CSS,
    }
    resources = {"metadata": {"name": title}, "techflows": page}
    body, _ = html_exporter().from_notebook_node(notebook, resources=resources)
    return self_contained(page_links(body))
