"""What a report run writes for readers away from the repository: the zip, and PDFs or why not."""

from __future__ import annotations

import zipfile

from techflows import publish

RECORD = {
    "name": "01_ok",
    "title": "01 · Fixture: the NASDAQ",
    "status": "ok",
    "as_of": "2026-02-13",
    "html": "01_ok/01_ok.html",
}


def _report(tmp_path):
    out = tmp_path / "out"
    (out / "01_ok").mkdir(parents=True)
    (out / "index.html").write_text('<a href="01_ok/01_ok.html">01</a>')
    (out / "runs.json").write_text("{}")
    (out / "01_ok" / "01_ok.html").write_text('<a href="../index.html">up</a>')
    (out / "01_ok" / "figures.json").write_text("{}")
    (out / "01_ok" / "table.csv").write_text("a\n1\n")
    (out / "01_ok" / ".inputs.json").write_text("{}")
    (out / "02_gone").mkdir()
    (out / "02_gone" / "02_gone.html").write_text("not in the index any more")
    return out


def test_without_chromium_the_report_still_travels_and_says_why_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHFLOWS_CHROMIUM", str(tmp_path / "no-chromium"))
    out = _report(tmp_path)
    lines: list[str] = []
    written = publish.publish_report(out, [RECORD], lines.append)
    [skipped] = [line for line in lines if "PDF" in line]
    assert skipped.startswith("PDFs skipped: no Chromium at ") and "apt-get install" in skipped
    assert "\n" not in skipped
    assert not list(out.rglob("*.pdf"))
    with zipfile.ZipFile(written) as bundle:
        names = sorted(bundle.namelist())
    assert names == [
        "01_ok/01_ok.html",
        "01_ok/figures.json",
        "01_ok/table.csv",
        "index.html",
        "runs.json",
    ]


def test_the_zip_is_the_same_for_the_same_report(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHFLOWS_CHROMIUM", str(tmp_path / "no-chromium"))
    out = _report(tmp_path)
    first = publish.publish_report(out, [RECORD], lambda line: None).read_bytes()
    second = publish.publish_report(out, [RECORD], lambda line: None).read_bytes()
    assert first == second
