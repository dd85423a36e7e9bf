"""The reports in a real browser: the system Chromium, driven by Playwright, offline.

One report run of the articles' week (the session fixture articles_week_reports) is opened page
by page at 1400 px wide: no console errors, nothing wider than the page outside a scroll box,
every in-page and cross-page anchor lands, every image loads, and the answer is on the first
screen (screenshots saved, see SCREENSHOT_DIR).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

WIDTH, HEIGHT = 1400, 1000  # the first screen of a laptop browser window
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
