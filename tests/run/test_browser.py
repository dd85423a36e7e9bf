"""The reports in a real browser: the system Chromium, driven by Playwright, offline.

One report run of the articles' week (the session fixture articles_week_reports) is opened page
by page at 1400 px wide: no console errors, nothing wider than the page outside a scroll box,
every in-page and cross-page anchor lands, every image loads, and the answer is on the first
screen (screenshots saved, see SCREENSHOT_DIR). Then on a phone (390 px): contents behind a
button, the answer first, tables scrolling in their box, charts stacked. Then what travels: the
PDFs the run printed (every column header of every table in their text, each page with its
title, as-of date and page number, no chart split across pages) and the zip of the whole report.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

WIDTH, HEIGHT = 1400, 1000  # the first screen of a laptop browser window
PHONE_WIDTH, PHONE_HEIGHT = 390, 844  # the first screen of a phone
CHROMIUM = os.environ.get("TECHFLOWS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Decided before any fixture runs, so a machine without a browser does not run the reports.
pytestmark = [
    pytest.mark.notebook,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, or TECHFLOWS_CHROMIUM)",
    ),
]
# Screenshots go to the test's temporary folder, or to this folder when set.
SCREENSHOT_DIR = os.environ.get("TECHFLOWS_SCREENSHOT_DIR")

# Elements wider than the page that are not inside a box that scrolls or clips them.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const boxed = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll') return p !== document.body;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !boxed(el)) {
      out.push(`${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80));
    }
  }
  return {pageScroll: document.documentElement.scrollWidth - width, elements: out.slice(0, 5)};
}"""
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
IDS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
BROKEN_IMAGES = """() => [...document.images]
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt || i.src.slice(0, 40))"""
ANSWER_BOTTOM = """(selector) => {
  const el = document.querySelector(selector);
  return el ? el.getBoundingClientRect().bottom + window.scrollY : null;
}"""


@pytest.fixture(scope="module")
def browser():
    """The system Chromium under Playwright (its own browser download is never used)."""
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
        except sync_api.Error as exc:
            pytest.skip(f"Chromium at {CHROMIUM} does not start under Playwright: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(articles_week_reports, browser, tmp_path_factory):
    """Every page of the run, opened once: what the checks need, and a first-screen shot."""
    output_dir, results = articles_week_reports
    assert all(r.ok for r in results.values()), {n: r.error for n, r in results.items()}
    shots = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path_factory.mktemp("screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    files = [output_dir / "index.html", *(output_dir / n / f"{n}.html" for n in sorted(results))]
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    seen = {}
    for path in files:
        page = context.new_page()
        errors, requests = [], []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.on("request", lambda r, q=requests: q.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        answer = "#the-answer" if path.name == "index.html" else "#answer"
        shot = shots / f"{path.stem}.png"
        page.screenshot(path=str(shot))
        seen[path.resolve()] = {
            "errors": errors,
            "outside": [u for u in requests if not u.startswith(("file:", "data:"))],
            "overflow": page.evaluate(OVERFLOWING),
            "links": page.evaluate(LINKS),
            "ids": set(page.evaluate(IDS)),
            "broken_images": page.evaluate(BROKEN_IMAGES),
            "images": page.evaluate("() => document.images.length"),
            "answer_bottom": page.evaluate(ANSWER_BOTTOM, answer),
            "shot": shot,
        }
        page.close()
    context.close()
    return seen


def test_no_console_errors_and_nothing_fetched_from_the_web(pages):
    for path, page in pages.items():
        assert page["errors"] == [], f"{path.name}: {page['errors']}"
        assert page["outside"] == [], f"{path.name} asked the web for {page['outside']}"


def test_nothing_is_wider_than_the_page_outside_a_scroll_box(pages):
    for path, page in pages.items():
        overflow = page["overflow"]
        assert overflow["pageScroll"] <= 0, f"{path.name} scrolls sideways: {overflow}"
        assert overflow["elements"] == [], f"{path.name}: {overflow['elements']}"


def test_every_link_lands_on_a_page_and_an_anchor_that_exist(pages):
    checked = 0
    for path, page in pages.items():
        for href in page["links"]:
            url = urlparse(href)
            if url.scheme != "file":
                continue
            target = Path(unquote(url.path)).resolve()
            assert target.exists(), f"{path.name} links to a missing file: {href}"
            if url.fragment:
                ids = pages[target]["ids"] if target in pages else None
                assert ids is not None, f"{path.name}: {href} is not a report page"
                assert unquote(url.fragment) in ids, f"{path.name}: no anchor for {href}"
                checked += 1
    assert checked > 50  # contents, answer boxes, the index's answer: they all link somewhere


def test_every_image_loads(pages):
    for path, page in pages.items():
        assert page["broken_images"] == [], f"{path.name}: {page['broken_images']}"
    assert all(p["images"] > 0 for path, p in pages.items() if path.name != "index.html")


def test_the_answer_is_on_the_first_screen(pages):
    for path, page in pages.items():
        assert page["answer_bottom"] is not None, f"{path.name} has no answer"
        assert page["answer_bottom"] <= HEIGHT, (
            f"{path.name}: the answer ends at {page['answer_bottom']:.0f} px, below the first "
            f"screen ({HEIGHT} px); see {page['shot']}"
        )
        assert page["shot"].stat().st_size > 10_000


# --- on a phone --------------------------------------------------------------------------------

PHONE = """() => {
  const visible = (el) => !!el && el.checkVisibility({visibilityProperty: true});
  const toc = document.querySelector('.tf-toc');
  const list = toc && toc.querySelector('ul');
  const button = toc && toc.querySelector('summary, button');
  const answer = document.querySelector('#answer, #the-answer');
  const images = [...document.querySelectorAll('main img, body > img')].map(i => {
    const r = i.getBoundingClientRect();
    const box = i.closest('.jp-OutputArea-output, main, body').getBoundingClientRect();
    return {top: Math.round(r.top), left: Math.round(r.left), width: r.width, box: box.width};
  });
  return {
    tocListVisible: visible(list), tocButton: visible(button),
    answerTop: answer ? answer.getBoundingClientRect().top + window.scrollY : null,
    images: images,
  };
}"""


@pytest.fixture(scope="module")
def phone_pages(articles_week_reports, browser, pages):
    """Every page at 390 px: overflow, contents, answer, charts, and what the button opens."""
    output_dir, results = articles_week_reports
    shots = next(iter(pages.values()))["shot"].parent
    files = [output_dir / "index.html", *(output_dir / n / f"{n}.html" for n in sorted(results))]
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT}, is_mobile=True, has_touch=True
    )
    seen = {}
    for path in files:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(shots / f"{path.stem}-390.png"))
        found = {"overflow": page.evaluate(OVERFLOWING), **page.evaluate(PHONE)}
        if found["tocButton"]:
            page.locator(".tf-toc summary, .tf-toc button").first.click()
            found["tocOpens"] = page.evaluate(PHONE)["tocListVisible"]
        seen[path.resolve()] = found
        page.close()
    context.close()
    return seen


def test_on_a_phone_nothing_widens_the_page(phone_pages):
    for path, page in phone_pages.items():
        overflow = page["overflow"]
        assert overflow["pageScroll"] <= 0, f"{path.name} scrolls sideways at 390 px: {overflow}"
        assert overflow["elements"] == [], f"{path.name}: {overflow['elements']}"


def test_on_a_phone_a_long_answer_value_wraps_inside_its_card(
    articles_week_reports, browser, tmp_path
):
    # The default run's 04 and 05 read "undetermined (8 of 15 judgeable)": it widened the page.
    output_dir, _ = articles_week_reports
    page_html = (output_dir / "05_monitor" / "05_monitor.html").read_text()
    long = '<span class="tf-value">undetermined (8 of 15 judgeable)</span>'
    edited = tmp_path / "05_monitor.html"
    edited.write_text(re.sub(r'<span class="tf-value">[^<]*</span>', long, page_html, count=1))
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    page = context.new_page()
    page.goto(edited.as_uri(), wait_until="load")
    overflow = page.evaluate(OVERFLOWING)
    context.close()
    assert overflow["pageScroll"] <= 0, overflow


def test_on_a_phone_the_contents_wait_behind_a_button_and_the_answer_comes_first(phone_pages):
    for path, page in phone_pages.items():
        assert page["answerTop"] is not None and page["answerTop"] < PHONE_HEIGHT * 0.75, (
            f"{path.name}: the answer starts at {page['answerTop']} px on a phone"
        )
        if path.name == "index.html":
            continue
        assert page["tocButton"] and not page["tocListVisible"], f"{path.name}: contents open"
        assert page["tocOpens"], f"{path.name}: the contents button does not open them"


def test_on_a_phone_charts_are_stacked_full_width(phone_pages):
    charts = 0
    for path, page in phone_pages.items():
        rows = [image["top"] for image in page["images"]]
        assert len(rows) == len(set(rows)), f"{path.name}: charts side by side at 390 px"
        for image in page["images"]:
            assert image["width"] >= 0.9 * image["box"], f"{path.name}: a chart not full width"
        charts += len(rows)
    assert charts > 20


def test_on_a_laptop_paired_charts_sit_side_by_side(articles_week_reports, browser):
    """The flows' weekly and cumulative charts are two images, one beside the other."""
    output_dir, _ = articles_week_reports
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.goto((output_dir / "01_current_status" / "01_current_status.html").as_uri())
    rows = page.evaluate(
        "() => [...document.querySelectorAll('main img')].map(i => Math.round(i.y))"
    )
    context.close()
    assert any(rows.count(top) == 2 for top in rows), rows


# --- pages that travel: PDFs and the zip --------------------------------------------------------


class _Page(HTMLParser):
    """The links, ids and table column headers of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.headers: list[str] = []
        self._header: list[str] | None = None
        self._thead = 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])
        for key in ("href", "src"):
            if tag in ("a", "img", "link", "script") and found.get(key):
                self.links.append(found[key])
        if tag == "thead":
            self._thead += 1
        if tag == "th" and self._thead:
            self._header = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._thead -= 1
        if tag == "th" and self._header is not None:
            text = "".join(self._header).strip()
            if text:
                self.headers.append(text)
            self._header = None

    def handle_data(self, data):
        if self._header is not None:
            self._header.append(data)


def _parse(path: Path) -> _Page:
    parsed = _Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def _squeezed(text: str) -> str:
    """Text as compared: ligatures undone (a PDF's "ﬂ"), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def pdfs(articles_week_reports):
    """Each printed PDF: its pages' text and the images drawn on each page."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDFs")
    output_dir, results = articles_week_reports
    found = {}
    for name in [*sorted(results), "techflows-report"]:
        path = output_dir / (f"{name}/{name}.pdf" if name in results else f"{name}.pdf")
        assert path.is_file(), f"no PDF {path.name}"
        reader = pypdf.PdfReader(path)
        found[name] = [
            {"text": page.extract_text() or "", "images": len(page.images)} for page in reader.pages
        ]
    return found


def test_the_pdfs_lose_no_column(articles_week_reports, pdfs):
    output_dir, results = articles_week_reports
    checked = 0
    for name in sorted(results):
        headers = _parse(output_dir / name / f"{name}.html").headers
        text = _squeezed(" ".join(p["text"] for p in pdfs[name]))
        for header in headers:
            assert _squeezed(header) in text, f"{name}.pdf lost the column {header!r}"
            checked += 1
    assert checked > 100
    claims = _squeezed(" ".join(p["text"] for p in pdfs["06_claims"]))
    # The ledger's last columns, the ones a printed page used to cut off.
    for header in ("what the article says", "data", "verdict", "window measured"):
        assert _squeezed(header) in claims, header


def test_every_printed_page_carries_title_as_of_and_page_number(articles_week_reports, pdfs):
    _, results = articles_week_reports
    for name in sorted(results):
        title = results[name].title.split(":")[0]
        for number, page in enumerate(pdfs[name], 1):
            assert _squeezed(title) in _squeezed(page["text"]), f"{name} p{number}: no title"
            assert "as of 2026-02-13" in page["text"], f"{name} p{number}: no as-of date"
            assert f"page {number} of {len(pdfs[name])}" in page["text"], f"{name} p{number}"
    whole = pdfs["techflows-report"]
    assert len(whole) > sum(len(pdfs[n]) for n in results)  # the sections after the index
    for number, page in enumerate(whole, 1):
        assert f"report page {number} of {len(whole)}" in page["text"]


def test_no_chart_is_split_across_pages(articles_week_reports, pdfs):
    output_dir, results = articles_week_reports
    for name in sorted(results):
        drawn = sum(p["images"] for p in pdfs[name])
        charts = sum(
            link.startswith("data:image")
            for link in _parse(output_dir / name / f"{name}.html").links
        )
        assert drawn == charts, f"{name}.pdf draws {drawn} images for {charts} charts"


def test_the_whole_report_travels_as_one_zip(articles_week_reports, tmp_path):
    output_dir, results = articles_week_reports
    with zipfile.ZipFile(output_dir / "techflows-report.zip") as bundle:
        names = set(bundle.namelist())
        bundle.extractall(tmp_path)
    assert {"index.html", "runs.json", "techflows-report.pdf"} <= names
    for name in results:
        figures = f"{name}/figures.json"
        assert {f"{name}/{name}.html", f"{name}/{name}.pdf", figures} <= names
    tables = [n for n in names if n.endswith(".csv")]
    assert len(tables) > 20
    assert not [n for n in names if "/." in n or n.startswith(".")]  # no stamps or staging
    pages = {p.resolve(): _parse(p) for p in tmp_path.rglob("*.html")}
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            if link.startswith(("data:", "http:", "https:", "mailto:")):
                continue
            target, _, fragment = link.partition("#")
            landed = (path.parent / target).resolve() if target else path
            assert landed.is_file(), f"{path.name}: {link} is not in the zip"
            assert tmp_path.resolve() in landed.parents
            if fragment and landed in pages:
                assert fragment in pages[landed].ids, f"{path.name}: no anchor for {link}"
            checked += 1
    assert checked > 100
