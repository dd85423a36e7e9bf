"""Text on its way into a shared page: one escaping path, and the few marks our sentences use.

Every text a report shows goes through `escape` (table cells, headers and captions, notes, "Not
available" lines, data-quality flags, the banner), so markup in data is shown as text: a
`<script>` in a claims quote is the words "<script>", never a script.

Notes are sentences our code writes with data interpolated, in a small part of Markdown:
`**bold**`, `*italic*`, lines starting with "- " (a list), and a line ending in two spaces (a
line break). `note_html` escapes the whole text first and only then turns those marks into
<strong>, <em>, <ul>/<li> and <br>: whatever a value holds, it cannot make an element other than
those, an attribute, a link, an image or a script. (A value's own asterisks still pair as
emphasis: formatting at most, never markup.)

JupyterLab typesets `$...$` in outputs as TeX; every block shown carries NO_MATH so that a
dollar amount, or a payload in data, is shown as written. The exported pages load no MathJax.
"""

from __future__ import annotations

import re

import markupsafe

NO_MATH = "tex2jax_ignore mathjax_ignore"  # MathJax 2's and 3's class for "not math"

STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EMPHASIS = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
ESCAPED_MARK = re.compile(r"\\([\\*_$`\[\]])")  # Markdown backslash escapes: \* is a star
LIST_ITEM = re.compile(r"^\s*[-*] (.*)$")
HELD = "\0{}\0"  # escaped characters wait here while marks are read


def escape(value: object) -> str:
    """Any value as HTML text or an attribute value: & < > " ' escaped, never markup.

    It is markupsafe's escape, the one the Jinja pages (index, sweep, archive) apply on their
    own, so every text reaching a page is escaped the same way.
    """
    return str(markupsafe.escape(str(value)))


def block(inner_html: str, tag: str = "div", css_class: str = "") -> str:
    """HTML made here (already escaped) in a block that JupyterLab will not typeset as math."""
    classes = f"{css_class} {NO_MATH}".strip()
    return f'<{tag} class="{classes}">{inner_html}</{tag}>'


def inline_html(text: str) -> str:
    """One line of a note: escaped, then **bold** and *italic*."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match[1])
        return HELD.format(len(held) - 1)

    line = escape(ESCAPED_MARK.sub(hold, text.replace("\0", "")))
    line = STRONG.sub(r"<strong>\1</strong>", line)
    line = EMPHASIS.sub(r"<em>\1</em>", line)
    return re.sub("\0(\\d+)\0", lambda m: escape(held[int(m[1])]), line)


def _paragraph(lines: list[str]) -> str:
    parts = []
    for i, line in enumerate(lines):
        broken = line.endswith("  ") and i < len(lines) - 1
        parts.append(inline_html(line.strip()) + ("<br>" if broken else ""))
    return "<p>" + "\n".join(parts) + "</p>"


def note_html(text: str) -> str:
    """A note as HTML: paragraphs (blank-line separated), "- " lists, line breaks, emphasis."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_paragraph(paragraph))
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in str(text).splitlines():
        item = LIST_ITEM.match(line)
        if not line.strip():
            flush()
        elif item:
            if paragraph:
                flush()
            items.append(inline_html(item[1].strip()))
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(blocks)
