"""A weekly reader's runs: the dated archive and the "Since <date>" panels, through the runner.

Papermill is replaced by a fake that writes what a section notebook leaves (an executed notebook
with its answer box, figures.json, a table), with figures hand-made per as-of date; the runner,
the exporter, the stamps, the archive and the index are the real ones.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import FIXTURES
from techflows.run import cli, execute, report
from techflows.views import answers

BREADTH = "Tech stocks at a 52-week high (share, 10-day average)"
READING = "Scenario reading of the latest complete week (drift and breadth rule)"
# Per as-of date: the monitor's verdict, breadth and its status; the predictions' reading.
WEEKS = {
    "2026-08-14": ("Mixed", 4.7, "amber", "bull (leading)"),
    "2026-08-21": ("Leaning no", 2.5, "red", "base (leading)"),
}
SECTIONS = ("04_predictions", "05_monitor")


def quiet(message: str) -> None:
    """A log that drops progress lines."""


def figures_of(name: str, as_of: str, week: tuple) -> dict:
    verdict, breadth, status, reading = week
    figures = [
        {"name": "checklist net score (green - red) / measured", "unit": "score -1..+1",
         "value": 0.0 if status == "amber" else -0.25, "headline": True},
        {"name": BREADTH, "value": breadth, "unit": "%", "status": status, "headline": False,
         "rule": "green ≥ 10.0%, red ≤ 3.0%, amber between",
         "thresholds": {"green": 10.0, "red": 3.0}},
    ] if name == "05_monitor" else [
        {"name": READING, "value": reading, "unit": "", "headline": True},
    ]  # fmt: skip
    for f in figures:
        f.update(as_of=as_of, source="snapshot")
    question = {"05_monitor": "Do the recovery signals agree?", "04_predictions": "Which case?"}
    answer = answers.Answer(
        question[name],
        verdict if name == "05_monitor" else f"The latest week reads {reading.split()[0]}",
        (answers.Sentence("checklist", f"Breadth is {breadth}%.", "#the-checklist"),),
    )
    return {
        "section": name,
        "source": "snapshot",
        "source_description": "snapshot of real market data",
        "data_range": ["1993-01-29", as_of],
        "as_of": as_of,
        "figures": figures,
        "tables": ["checklist.csv"],
        "answer": answer.as_dict(),
    }


def executed(name: str, box: str) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(f"# {name[:2]} · {name[3:].title()}: a question?\n\n## The checklist"),
        new_code_cell("figs.answer(...)", metadata={"tags": ["answer"]}, execution_count=1),
    ]
    cells[1].outputs = [new_output("display_data", {"text/html": box})]
    for cell in cells:
        cell.metadata["papermill"] = {"start_time": "2026-08-21T00:00:00"}
    return new_notebook(cells=cells)


def fake_sections(fail: tuple[str, ...] = (), weeks: dict | None = None):
    """Stand-in for papermill writing each section's outputs for its job's as-of date."""
    weeks = weeks or WEEKS

    def run(job: execute.Job, path: Path, staging: Path) -> None:
        name, as_of = job.name, str(job.parameters["as_of"])
        figures = figures_of(name, as_of, weeks[as_of])
        box = answers.box_html(answers.from_dict(figures["answer"]))
        nbformat.write(executed(name, box), path)
        if name in fail:
            raise RuntimeError("the section was asked to fail")
        (staging / "figures.json").write_text(json.dumps(figures, indent=2))
        (staging / "checklist.csv").write_text(f"as_of,breadth\n{as_of},{weeks[as_of][1]}\n")

    return run


@pytest.fixture
def notebooks(tmp_path) -> list[Path]:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in SECTIONS:
        notebook = nbformat.read(FIXTURES / "notebooks" / "01_ok.ipynb", as_version=4)
        notebook.cells[0].source = f"# {name[:2]} · {name[3:].title()}: a question?"
        nbformat.write(notebook, folder / f"{name}.ipynb")
    return sorted(folder.glob("*.ipynb"))


@pytest.fixture(autouse=True)
def no_kernels(monkeypatch):
    monkeypatch.setenv("TECHFLOWS_WARM_KERNELS", "0")
    monkeypatch.setattr(execute, "_execute", fake_sections())


def run_at(notebooks, out, as_of, **options):
    return report.run_reports(notebooks, out, {"source": "sample", "as_of": as_of}, log=quiet,
                              jobs=1, **options)  # fmt: skip


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def visible(html: str) -> str:
    """The page's text without tags and styles, spaces collapsed."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_two_weekly_runs_keep_both_reports_and_say_what_changed(tmp_path, notebooks):
    out = tmp_path / "out"
    assert all(r.ok for r in run_at(notebooks, out, "2026-08-14"))
    assert all(r.ok for r in run_at(notebooks, out, "2026-08-21"))
    archive = out / "archive"
    # Both dates are kept, with what a reader needs, and the earlier pages are the earlier ones.
    for date in WEEKS:
        for name in SECTIONS:
            kept = archive / date / name
            printed = {f"{name}.pdf"}  # where Chromium is installed
            assert {p.name for p in kept.iterdir()} - printed == {
                f"{name}.html", "figures.json", "checklist.csv", ".inputs.json"
            }  # fmt: skip
            assert json.loads(text(kept / "figures.json"))["as_of"] == date
        assert (archive / date / "index.html").is_file()
    old_page = text(archive / "2026-08-14" / "05_monitor" / "05_monitor.html")
    assert "Breadth is 4.7%" in old_page and "No earlier report in the archive" in old_page

    # The index says what changed since 2026-08-14, and links the earlier date.
    index = text(out / "index.html")
    words = visible(index)
    assert "As of 2026-08-21. Since the report of 2026-08-14:" in words
    assert "Is tech recovering? Mixed → Leaning no" in words
    assert f"{BREADTH}: amber → red, 4.70% → 2.50%, crossing the red line (≤ 3.00%)" in words
    assert "bull (leading) → base (leading)" in words
    assert "What moved them: new data to 2026-08-21 (was 2026-08-14)." in words
    assert 'href="archive/2026-08-14/index.html"' in index
    assert "<title>techflows reports · as of 2026-08-21</title>" in index

    # Each section's page: the date in its title and bar, the panel inside its answer box.
    page = text(out / "05_monitor" / "05_monitor.html")
    assert re.search(r"<title>05 · Monitor: a question\? · as of 2026-08-21</title>", page)
    assert re.search(r'class="tf-here">05 · Monitor: a question\? · as of 2026-08-21<', page)
    box = page[page.index('<section class="tf-answer') :]
    box = box[: box.index("</section>")]
    assert "Since the report of 2026-08-14" in visible(box)
    assert "Mixed → Leaning no" in visible(box) and "amber → red" in visible(box)
    assert "Is tech recovering?" not in visible(box)  # the section asks its own question

    # figures.json has the same comparison, machine-readable; runs.json carries it.
    figures = json.loads(text(out / "05_monitor" / "figures.json"))
    found = figures["changes"]
    assert (found["as_of"], found["previous"]) == ("2026-08-21", "2026-08-14")
    assert [(v["before"], v["after"]) for v in found["verdicts"]] == [("Mixed", "Leaning no")]
    assert found["signals"][0]["crossed"] == {"threshold": "red", "at": 3.0}
    assert found["inputs"]["as_of"] == ["2026-08-14", "2026-08-21"]
    runs = json.loads(text(out / "runs.json"))
    assert {r["name"]: r["changes"]["previous"] for r in runs["reports"]} == {
        name: "2026-08-14" for name in SECTIONS
    }


def links(page: Path) -> list[str]:
    return [h for h in re.findall(r'href="([^"#]+)', text(page)) if "//" not in h]


def test_every_archive_link_lands_and_the_list_of_dates_gives_the_answers(tmp_path, notebooks):
    out = tmp_path / "out"
    run_at(notebooks, out, "2026-08-14")
    run_at(notebooks, out, "2026-08-21")
    pages = [out / "index.html", out / "archive" / "index.html"]
    pages += sorted((out / "archive").glob("*/index.html"))
    for page in pages:
        for href in links(page):
            assert (page.parent / href).is_file(), f"{page}: {href}"
    older = text(out / "archive" / "2026-08-14" / "index.html")
    assert "<title>techflows reports · as of 2026-08-14</title>" in older
    assert 'href="../2026-08-21/index.html"' in older and 'href="../../index.html"' in older
    listing = visible(text(out / "archive" / "index.html"))
    assert "2026-08-21–Leaning no–" in listing and "2026-08-14–Mixed–" in listing


def test_an_unchanged_rerun_is_reused_and_changes_nothing(tmp_path, notebooks):
    out = tmp_path / "out"
    run_at(notebooks, out, "2026-08-14")
    run_at(notebooks, out, "2026-08-21")
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    again = run_at(notebooks, out, "2026-08-21")
    assert [r.status for r in again] == ["reused", "reused"]  # the panel kept the stamp true
    assert "Since the report of 2026-08-14" in text(out / "05_monitor" / "05_monitor.html")
    after = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    ignored = {out / "index.html", out / "runs.json", out / "archive" / "index.html"}
    # The whole report's PDF and zip hold the index, which says when it was generated.
    ignored |= {out / "techflows-report.pdf", out / "techflows-report.zip"}
    ignored |= set((out / "archive").glob("*/index.html")) | set(
        (out / "archive").glob("*/runs.json")
    )
    assert {p: b for p, b in after.items() if p not in ignored} == {
        p: b for p, b in before.items() if p not in ignored
    }


def test_a_rerun_for_the_same_date_replaces_it_and_still_compares_with_the_week_before(
    tmp_path, notebooks, monkeypatch
):
    out = tmp_path / "out"
    run_at(notebooks, out, "2026-08-14")
    run_at(notebooks, out, "2026-08-21")
    revised = {**WEEKS, "2026-08-21": ("Leaning yes", 12.5, "green", "bull (leading)")}
    monkeypatch.setattr(execute, "_execute", fake_sections(weeks=revised))
    assert all(r.ok for r in run_at(notebooks, out, "2026-08-21", force=True))
    kept = out / "archive" / "2026-08-21" / "05_monitor"
    assert "Breadth is 12.5%" in text(kept / "05_monitor.html")
    found = json.loads(text(kept / "figures.json"))["changes"]
    assert found["previous"] == "2026-08-14"
    assert [(v["before"], v["after"]) for v in found["verdicts"]] == [("Mixed", "Leaning yes")]
    assert sorted(p.name for p in (out / "archive").iterdir()) == [
        "2026-08-14", "2026-08-21", "index.html"
    ]  # fmt: skip


def test_a_failed_run_keeps_the_previous_good_archive(tmp_path, notebooks, monkeypatch):
    out = tmp_path / "out"
    run_at(notebooks, out, "2026-08-21")
    kept = out / "archive" / "2026-08-21"
    before = {p: p.read_bytes() for p in sorted(kept.rglob("*")) if p.is_file()}
    assert kept / "05_monitor" / "05_monitor.html" in before
    monkeypatch.setattr(execute, "_execute", fake_sections(fail=SECTIONS))
    assert not any(r.ok for r in run_at(notebooks, out, "2026-08-21", force=True))
    assert {p: p.read_bytes() for p in sorted(kept.rglob("*")) if p.is_file()} == before


def test_a_disk_full_archive_is_one_line_and_the_old_archive_stays(
    tmp_path, notebooks, monkeypatch
):
    out = tmp_path / "out"
    run_at(notebooks, out, "2026-08-21")
    kept = out / "archive" / "2026-08-21"
    before = {p: p.read_bytes() for p in sorted(kept.rglob("*")) if p.is_file()}
    real = shutil.copytree

    def full(source, target, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copytree", full)
    lines: list[str] = []
    results = report.run_reports(
        notebooks, out, {"source": "sample", "as_of": "2026-08-21"}, log=lines.append, force=True
    )
    monkeypatch.setattr(shutil, "copytree", real)
    assert all(r.ok for r in results)
    assert any(
        "archive of 2026-08-21 was not updated (No space left on device)" in x for x in lines
    )
    assert {p: p.read_bytes() for p in sorted(kept.rglob("*")) if p.is_file()} == before


def test_reports_never_prune_and_the_prune_command_does(tmp_path, notebooks, capsys):
    out = tmp_path / "out"
    weeks = {f"2026-08-{d:02d}": WEEKS["2026-08-14"] for d in (7, 14)} | WEEKS
    for date in ("2026-08-07", "2026-08-14", "2026-08-21"):
        execute._execute = fake_sections(weeks=weeks)
        run_at(notebooks, out, date)
    assert sorted(p.name for p in (out / "archive").iterdir() if p.is_dir()) == [
        "2026-08-07", "2026-08-14", "2026-08-21"
    ]  # fmt: skip
    assert cli.main(["archive", "prune", "--output-dir", str(out)]) == 2
    assert "give --keep N or --before DATE" in capsys.readouterr().err
    assert cli.main(["archive", "prune", "--before", "2026-08-14", "--output-dir", str(out)]) == 0
    assert "removed 1 date(s): 2026-08-07" in capsys.readouterr().err
    assert cli.main(["archive", "prune", "--keep", "1", "--output-dir", str(out)]) == 0
    assert sorted(p.name for p in (out / "archive").iterdir() if p.is_dir()) == ["2026-08-21"]
    for page in [out / "index.html", *(out / "archive").rglob("index.html")]:
        for href in links(page):
            assert (page.parent / href).is_file(), f"{page}: {href}"  # no link to a pruned date
    assert cli.main(["archive", "list", "--output-dir", str(out)]) == 0
    listed = capsys.readouterr()
    assert "2026-08-21" in listed.out and "1 date(s) in" in listed.err
    assert cli.main(["archive", "prune", "--before", "21/08/2026"]) == 2
    assert "not a date" in capsys.readouterr().err
