"""PDFs of the report, printed by the system Chromium through Playwright (no browser download).

Each section's page becomes NAME/NAME.pdf; the index and every section, in order, become the
whole report, techflows-report.pdf. Every printed page carries its title and the data's as-of
date at the top and its page number at the bottom; the whole report also numbers its pages
through ("report page 7 of 40"). The pages' print styles (html_export, index_page) keep every
column of a wide table and each chart on one page. A section's PDF is printed again only when
its page changed. Without Chromium (or Playwright, or pypdf) the run still succeeds and says in
one line that the PDFs were skipped and why.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from techflows import atomic
from techflows.markup import escape

# pypdf warns about the trailer size of Chromium's PDFs ("Object count 78 exceeds defined
# trailer size 77"), which it repairs; a run prints its own summary line, not that.
logging.getLogger("pypdf").setLevel(logging.ERROR)

CHROMIUM_ENV = "TECHFLOWS_CHROMIUM"  # another Chromium binary than the system's
SYSTEM_CHROMIUM = "/usr/bin/chromium"
REPORT_PDF = "techflows-report.pdf"
GOOD = ("ok", "reused")  # runs whose page is current
INDEX_TITLE = "techflows reports"
MARGINS = {"top": "18mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}
EDGE = "font: 8px system-ui, sans-serif; color: #555; width: 100%; margin: 0 12mm;"
HEADER = (
    f'<div style="{EDGE} display: flex; justify-content: space-between; gap: 12px;">'
    "<span>{title}</span><span>data as of {as_of}</span></div>"
)
FOOTER = (
    f'<div style="{EDGE} text-align: right;">page <span class="pageNumber"></span> of '
    '<span class="totalPages"></span></div>'
)
REPORT_FOOTER = (
    f'<div style="{EDGE} text-align: left;">report page <span class="pageNumber"></span> of '
    '<span class="totalPages"></span></div>'
)


@dataclass(frozen=True)
class Part:
    """One page to print: its HTML, its PDF, and what its header says."""

    html: Path
    pdf: Path
    title: str
    as_of: str
    good: bool = True  # a failed run's section keeps the PDF of its last good run

    @property
    def current(self) -> bool:
        """True when the PDF was printed from the page as it is now."""
        return self.pdf.is_file() and self.pdf.stat().st_mtime_ns >= self.html.stat().st_mtime_ns


def chromium() -> Path:
    """The Chromium that prints: TECHFLOWS_CHROMIUM, else chromium on the PATH, else the system's
    (/usr/bin/chromium)."""
    named = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or SYSTEM_CHROMIUM
    return Path(named)


def why_not(binary: Path) -> str:
    """Why PDFs cannot be printed here ('' when they can)."""
    if not binary.is_file():
        return f"no Chromium at {binary} (apt-get install chromium, or set {CHROMIUM_ENV})"
    for package in ("playwright", "pypdf"):
        if importlib.util.find_spec(package) is None:
            return f"{package} is not installed (pip install -e '.[dev]')"
    return ""


def parts(output_dir: Path, records: Sequence[dict[str, Any]]) -> tuple[Part, list[Part]]:
    """The index and each section with a report page, in the index's order."""
    dates = sorted({str(r["as_of"]) for r in records if r.get("as_of")})
    index = Part(
        output_dir / "index.html",
        output_dir / REPORT_PDF,  # the index is printed into the whole report only
        INDEX_TITLE,
        ", ".join(dates) or "n/a",
    )
    sections = [
        Part(
            output_dir / str(r["html"]),
            output_dir / str(r["name"]) / f"{r['name']}.pdf",
            str(r.get("title") or r["name"]),
            str(r.get("as_of") or "n/a"),
            r.get("status") in GOOD,
        )
        for r in records
        if r.get("html") and (output_dir / str(r["html"])).is_file()
    ]
    return index, sections


def print_pdfs(
    output_dir: Path, records: Sequence[dict[str, Any]], log: Callable[[str], None]
) -> list[Path]:
    """Print the PDFs of the sections that ran well and have none of their page as it is now,
    then the whole report (the index and every section with a PDF) if any part changed."""
    index, sections = parts(output_dir, records)
    whole = output_dir / REPORT_PDF
    todo = [p for p in sections if p.good and not p.current]
    if not todo and (whole.is_file() or not any(p.pdf.is_file() for p in sections)):
        return []
    binary = chromium()
    if reason := why_not(binary):
        log(f"PDFs skipped: {reason}")
        return []
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(binary), args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                printer = _Printer(browser)
                for part in todo:
                    printed_pdf = printer.pdf(part, FOOTER)
                    atomic.write_bytes(part.pdf, relative_links(printed_pdf, part.pdf.parent))
                printed = [p for p in sections if p.pdf.is_file()]
                ordered = [
                    relative_links(printer.pdf(index, FOOTER), output_dir),
                    *(
                        relative_links(p.pdf.read_bytes(), output_dir, p.pdf.parent)
                        for p in printed
                    ),
                ]
                atomic.write_bytes(whole, printer.whole(ordered, [index, *printed]))
            finally:
                browser.close()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log(f"PDFs skipped: Chromium at {binary} could not print ({first})")
        return []
    written = [p.pdf for p in todo] + [whole]
    log(f"printed {len(todo)} section PDF(s) and {REPORT_PDF} ({len(written)} file(s))")
    return written


def relative_links(data: bytes, folder: Path, was: Path | None = None) -> bytes:
    """The PDF with its links to local pages made relative to `folder` (the PDF's own): a shared
    PDF names no folder of this machine, and its links work beside the pages (the zip).

    Chromium writes absolute file:// links; links already relative were made relative to `was`
    (a section's PDF merged into the whole report).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    folder = folder.resolve()
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if not isinstance(uri, str):
                continue
            target = urlsplit(uri)
            if target.scheme == "file":
                path = unquote(target.path)
            elif not target.scheme and target.path and was is not None:
                path = os.path.normpath(was.resolve() / unquote(target.path))
            else:
                continue
            link = os.path.relpath(path, folder) + (
                f"#{target.fragment}" if target.fragment else ""
            )
            action.get_object()[NameObject("/URI")] = TextStringObject(link)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _Printer:
    """Prints pages with one browser."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    def pdf(self, part: Part, footer: str) -> bytes:
        """The PDF of one page, its title and as-of date in every page's header."""
        page = self.browser.new_page()
        try:
            page.goto(part.html.resolve().as_uri(), wait_until="load")
            header = HEADER.format(title=escape(part.title), as_of=escape(part.as_of))
            return page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                margin=MARGINS,
            )
        finally:
            page.close()

    def numbers(self, count: int) -> bytes:
        """count empty pages whose footers say 'report page N of count'."""
        blank = '<div style="break-after: page; height: 1px"></div>' * (count - 1) + "<div></div>"
        page = self.browser.new_page()
        try:
            page.set_content(f"<!DOCTYPE html><html><body>{blank}</body></html>")
            return page.pdf(
                format="A4",
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=REPORT_FOOTER,
                margin=MARGINS,
            )
        finally:
            page.close()

    def whole(self, pdfs: Sequence[bytes], order: Sequence[Part]) -> bytes:
        """The parts as one PDF, a bookmark per part, its pages numbered through."""
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for data, part in zip(pdfs, order, strict=True):
            start = len(writer.pages)
            writer.append(PdfReader(io.BytesIO(data)))
            writer.add_outline_item(title=part.title, page_number=start)
        overlay = PdfReader(io.BytesIO(self.numbers(len(writer.pages))))
        for page, numbers in zip(writer.pages, overlay.pages, strict=True):
            page.merge_page(numbers)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
