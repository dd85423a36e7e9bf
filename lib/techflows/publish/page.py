"""A published page's date and its change panel.

Every page's title carries its as-of date; the "Since <date>" panel goes inside the answer box
at the top of a report, between two markers, so a later run can replace it in place.
"""

from __future__ import annotations

import re

PANEL_START, PANEL_END = "<!-- tf-changes -->", "<!-- /tf-changes -->"
ANSWER_BOX = re.compile(r'<section class="tf-answer[ "][^>]*>.*?(?=</section>)', re.DOTALL)
PANEL = re.compile(re.escape(PANEL_START) + ".*?" + re.escape(PANEL_END), re.DOTALL)


def dated_title(title: str, as_of: str) -> str:
    """'05 · Monitor · as of 2026-08-21': a page's title with the date of its data."""
    return f"{title} · as of {as_of}" if as_of else title


def with_panel(page: str, panel: str) -> str:
    """The page with panel inside its (first) answer box, replacing any earlier panel.

    A page without an answer box is returned as it is.
    """
    marked = f"{PANEL_START}{panel}{PANEL_END}"
    if PANEL.search(page):
        return PANEL.sub(lambda _: marked, page, count=1)
    box = ANSWER_BOX.search(page)
    if box is None:
        return page
    return page[: box.end()] + marked + page[box.end() :]
