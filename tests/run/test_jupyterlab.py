"""The analyst's JupyterLab, driven in the system Chromium through Playwright.

One server, started the way `make lab` starts it (plus what a test needs: a free port, no token,
no browser window, the app object exposed for commands, autosave off so no notebook is ever
written, figures to a temporary folder, and a proxy that refuses, so nothing leaves the machine).
One notebook, 06_claims, is run as an analyst runs it: Run All, then a bad parameter.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import REPO_ROOT

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

VENV = Path(sys.executable).parent.parent
CHROMIUM = os.environ.get("TECHFLOWS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = REPO_ROOT / "notebooks" / "06_claims.ipynb"
pytestmark = [
    pytest.mark.notebook,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
]
CURRENT = "window.jupyterapp.shell.currentWidget"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, outputs folder, runtime folder) of a JupyterLab started through `make lab`."""
    root = tmp_path_factory.mktemp("jupyterlab")
    settings = root / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    port = _free_port()
    env = {
        **os.environ,
        "TECHFLOWS_OUTPUT_DIR": str(root / "outputs"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "HTTPS_PROXY": "http://127.0.0.1:9",  # refused: 'auto' falls back to the snapshot
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    args = (
        f"--no-browser --port={port} --ServerApp.token= --ServerApp.password= "
        "--LabApp.expose_app_in_browser=True --ServerApp.log_level=WARN"
    )
    stamp = VENV / ".installed-stamp"
    server = subprocess.Popen(
        ["make", "-s", "-o", str(stamp), "lab", f"VENV={VENV}", f"LAB_ARGS={args}"],
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
        stdout=(root / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail((root / "server.log").read_text()[-2000:])
                time.sleep(0.5)
        yield base, root / "outputs", root / "runtime"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def session(lab):
    """06_claims opened in JupyterLab and run as the analyst runs it (Run All)."""
    base, outputs, runtime = lab
    before = _digest(NOTEBOOK)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/")  # where `make lab` sends the browser
        page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
        landing = {
            "url": page.url,
            "crumbs": page.locator(".jp-BreadCrumbs").inner_text(),
            "files": page.locator(".jp-DirListing-itemName").all_inner_texts(),
        }
        page.goto(f"{base}/lab/tree/notebooks/{NOTEBOOK.name}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        kernel = page.evaluate(
            f"async () => {{ const w = {CURRENT}; await w.context.ready; "
            "await w.sessionContext.ready; const k = w.sessionContext.session.kernel; "
            "await window.jupyterapp.commands.execute('notebook:run-all-cells'); "
            "return {name: k.name, id: k.id, label: w.sessionContext.kernelDisplayName}; }"
        )
        page.wait_for_selector(".tf-answer", state="attached", timeout=300_000)
        figures = outputs / "lab" / "06_claims" / "figures.json"
        for _ in range(240):
            if figures.is_file():
                break
            time.sleep(0.5)
        yield page, {"landing": landing, "kernel": kernel, "outputs": outputs, "runtime": runtime}
        browser.close()
    assert _digest(NOTEBOOK) == before, "the test changed the notebook on disk"


def test_make_lab_opens_the_repository_on_notebooks(lab, session):
    base, _, _ = lab
    _, seen = session
    landing = seen["landing"]
    assert landing["url"].endswith("/lab/tree/notebooks"), landing["url"]
    assert "notebooks" in landing["crumbs"]
    assert "06_claims.ipynb" in landing["files"]
    with urllib.request.urlopen(f"{base}/api/contents") as answer:
        top = {item["name"] for item in json.load(answer)["content"]}
    assert {"lib", "notebooks", "README.md"} <= top  # the server's root is the repository


def test_the_notebook_runs_on_the_project_kernel(session):
    _, seen = session
    assert seen["kernel"]["name"] == "techflows" and seen["kernel"]["label"] == "techflows"


def test_an_interactive_run_writes_to_the_scratch_folder(session):
    _, seen = session
    outputs = seen["outputs"]
    figures = json.loads((outputs / "lab" / "06_claims" / "figures.json").read_text())
    assert figures["section"] == "06_claims" and figures["answer"]
    assert (outputs / "lab" / "06_claims" / "claims_ledger.csv").is_file()
    assert not (outputs / "06_claims").exists()  # the published report is not touched


def test_interactive_sessions_have_autoreload(session):
    from jupyter_client import BlockingKernelClient

    _, seen = session
    client = BlockingKernelClient(
        connection_file=str(seen["runtime"] / f"kernel-{seen['kernel']['id']}.json")
    )
    client.load_connection_file()
    client.start_channels()
    try:
        probe = "any(e.endswith('autoreload') for e in get_ipython().extension_manager.loaded)"
        reply = client.execute_interactive("", user_expressions={"on": probe}, timeout=60)
        assert reply["content"]["user_expressions"]["on"]["data"]["text/plain"] == "True"
    finally:
        client.stop_channels()


def test_the_answer_box_renders_as_on_the_page(session):
    page, _ = session
    box = page.locator(".tf-answer").first
    box.scroll_into_view_if_needed()
    assert box.locator("mjx-container").count() == 0
    text = box.inner_text()
    assert "$" in text, text[:400]  # dollar amounts stay dollar amounts
    assert page.locator(".tf-answer mjx-container, .tf-answer .MathJax").count() == 0


def _heading_top(page, href: str) -> float | None:
    fragment = unquote(href.split("#", 1)[1])
    return page.evaluate(
        '(id) => { const h = document.querySelector(`[data-jupyter-id="${CSS.escape(id)}"],'
        ' [id="${CSS.escape(id)}"]`); return h ? h.getBoundingClientRect().top : null; }',
        fragment,
    )


@pytest.mark.parametrize("kind", ["number", "claim"])
def test_the_answer_links_land_on_their_headings(session, kind):
    page, _ = session
    selector = ".tf-answer ul.tf-numbers a" if kind == "number" else ".tf-answer .tf-claims a"
    link = page.locator(selector).first
    link.scroll_into_view_if_needed()
    href = link.get_attribute("href")
    assert href and "#" in href
    link.click()
    for _ in range(40):
        top = _heading_top(page, href)
        if top is not None and 0 <= top < 900:
            break
        time.sleep(0.25)
    assert top is not None and 0 <= top < 900, f"{href}: heading at {top}"


def test_a_bad_parameter_is_one_line(session):
    page, _ = session
    errors = page.evaluate(
        f"async () => {{ const w = {CURRENT}; const nb = w.content;"
        " const i = nb.widgets.findIndex(c => (c.model.getMetadata('tags') || [])"
        ".includes('parameters'));"
        " const cell = nb.widgets[i];"
        " cell.model.sharedModel.setSource(cell.model.sharedModel.getSource()"
        ".replace('lookback_years = 10', 'lookback_years = 0'));"
        " nb.activeCellIndex = i;"
        " await window.jupyterapp.commands.execute('notebook:run-cell-and-select-next');"
        " await window.jupyterapp.commands.execute('notebook:run-cell-and-select-next');"
        " await new Promise(r => setTimeout(r, 3000));"
        " const out = nb.widgets[i + 1].node.querySelectorAll("
        "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]');"
        " return [...out].map(o => o.innerText); }"
    )
    assert len(errors) == 1, errors
    lines = [line for line in errors[0].splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "lookback_years" in lines[0] and "Traceback" not in lines[0]
