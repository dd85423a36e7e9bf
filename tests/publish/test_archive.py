"""The dated archive: what a date keeps, reruns replace it whole, failures keep the old one."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from techflows.publish import archive


def section(output_dir: Path, name: str, as_of: str, page: str = "page", extra: str = "") -> None:
    """A published report folder as the runner leaves it."""
    folder = output_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / f"{name}.html").write_text(f"<html>{page}</html>")
    (folder / f"{name}.ipynb").write_text("{}")
    (folder / f"{name}.failed.ipynb").write_text("{}")
    (folder / "figures.json").write_text(json.dumps({"as_of": as_of, "figures": []}))
    (folder / "table.csv").write_text("a\n1\n")
    (folder / ".inputs.json").write_text("{}")
    if extra:
        (folder / extra).write_text("x")


def index(text: str = "index"):
    def write(folder: Path) -> None:
        (folder / "index.html").write_text(text)

    return write


def listing(folder: Path) -> dict[str, set[str]]:
    return {p.name: {f.name for f in p.iterdir()} for p in sorted(folder.iterdir()) if p.is_dir()}


def test_a_date_keeps_pages_figures_tables_and_inputs_not_notebooks(tmp_path):
    section(tmp_path, "01_a", "2026-08-14")
    assert archive.report_as_of(tmp_path / "01_a") == "2026-08-14"
    kept = archive.save(tmp_path, "2026-08-14", ["01_a"], index())
    assert kept == tmp_path / "archive" / "2026-08-14"
    assert listing(kept) == {"01_a": {"01_a.html", "figures.json", "table.csv", ".inputs.json"}}
    assert (kept / "index.html").read_text() == "index"
    assert archive.dates(tmp_path) == ["2026-08-14"]
    assert oct(kept.stat().st_mode & 0o777) == "0o755"


def test_a_rerun_for_the_same_date_replaces_its_sections_and_keeps_the_others(tmp_path):
    section(tmp_path, "01_a", "2026-08-21", "first", extra="dropped_later.csv")
    section(tmp_path, "02_b", "2026-08-21", "b")
    archive.save(tmp_path, "2026-08-21", ["01_a", "02_b"], index("one"))
    section(tmp_path, "01_a", "2026-08-21", "second")
    archive.save(tmp_path, "2026-08-21", ["01_a"], index("two"))
    kept = archive.folder(tmp_path, "2026-08-21")
    assert (kept / "01_a" / "01_a.html").read_text() == "<html>second</html>"
    assert not (kept / "01_a" / "dropped_later.csv").exists()  # replaced, not merged into
    assert (kept / "02_b" / "02_b.html").read_text() == "<html>b</html>"  # not rerun: kept
    assert (kept / "index.html").read_text() == "two"
    assert [p.name for p in archive.root(tmp_path).iterdir()] == ["2026-08-21"]  # no leftovers


def test_earlier_dates_stay_and_previous_finds_the_latest_earlier_one(tmp_path):
    for date in ("2026-08-07", "2026-08-14", "2026-08-21"):
        section(tmp_path, "01_a", date, date)
        archive.save(tmp_path, date, ["01_a"], index())
    section(tmp_path, "02_b", "2026-08-14")
    archive.save(tmp_path, "2026-08-14", ["02_b"], index())
    assert archive.dates(tmp_path) == ["2026-08-07", "2026-08-14", "2026-08-21"]
    assert archive.previous(tmp_path, "2026-08-21", "01_a") == "2026-08-14"
    assert archive.previous(tmp_path, "2026-08-14", "01_a") == "2026-08-07"
    assert archive.previous(tmp_path, "2026-08-07", "01_a") is None
    assert archive.previous(tmp_path, "2026-08-14", "02_b") is None  # its own date is not earlier
    assert archive.previous(tmp_path, "2026-08-28", "02_b") == "2026-08-14"
    page = archive.folder(tmp_path, "2026-08-07") / "01_a" / "01_a.html"
    assert page.read_text() == "<html>2026-08-07</html>"


def test_a_failed_save_keeps_the_previous_archive(tmp_path, monkeypatch):
    section(tmp_path, "01_a", "2026-08-21", "good")
    archive.save(tmp_path, "2026-08-21", ["01_a"], index("good"))
    section(tmp_path, "01_a", "2026-08-21", "new")

    def disk_full(folder: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        archive.save(tmp_path, "2026-08-21", ["01_a"], disk_full)
    kept = archive.folder(tmp_path, "2026-08-21")
    assert (kept / "01_a" / "01_a.html").read_text() == "<html>good</html>"
    assert (kept / "index.html").read_text() == "good"
    assert [p.name for p in archive.root(tmp_path).iterdir()] == ["2026-08-21"]


def test_a_swap_cut_short_is_undone_by_the_next_call(tmp_path, monkeypatch):
    """Killed between moving the old date aside and moving the new one in: the old comes back."""
    section(tmp_path, "01_a", "2026-08-21", "good")
    archive.save(tmp_path, "2026-08-21", ["01_a"], index("good"))
    real_rename = os.rename
    calls = []

    def killed(source, target):
        calls.append(target)
        real_rename(source, target)
        if len(calls) == 1:  # the old folder is aside, the new not yet in place
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "rename", killed)
    with pytest.raises(KeyboardInterrupt):
        archive.save(tmp_path, "2026-08-21", ["01_a"], index("new"))
    monkeypatch.setattr(os, "rename", real_rename)
    assert archive.dates(tmp_path) == []  # seen between the two renames
    archive.recover(tmp_path)  # as the next save or prune does first
    assert archive.dates(tmp_path) == ["2026-08-21"]
    assert (archive.folder(tmp_path, "2026-08-21") / "index.html").read_text() == "good"
    assert [p.name for p in archive.root(tmp_path).iterdir()] == ["2026-08-21"]


def test_prune_keeps_the_newest_or_drops_those_before_a_date(tmp_path):
    dates = ["2026-07-31", "2026-08-07", "2026-08-14", "2026-08-21"]
    for date in dates:
        section(tmp_path, "01_a", date)
        archive.save(tmp_path, date, ["01_a"], index())
    assert archive.prune(tmp_path, keep=3) == ["2026-07-31"]
    assert archive.prune(tmp_path, before="2026-08-14") == ["2026-08-07"]
    assert archive.prune(tmp_path, keep=5) == []
    assert archive.dates(tmp_path) == ["2026-08-14", "2026-08-21"]
    assert archive.prune(tmp_path, keep=0) == ["2026-08-14", "2026-08-21"]
    assert archive.dates(tmp_path) == []


def test_only_date_folders_count_and_sizes_count_links_once(tmp_path):
    section(tmp_path, "01_a", "2026-08-14")
    archive.save(tmp_path, "2026-08-14", ["01_a"], index())
    (archive.root(tmp_path) / "notes").mkdir()
    (archive.root(tmp_path) / "index.html").write_text("list")
    assert archive.dates(tmp_path) == ["2026-08-14"]
    kept = archive.folder(tmp_path, "2026-08-14")
    shutil.copytree(kept, archive.root(tmp_path) / "2026-08-21", copy_function=os.link)
    assert archive.size(archive.root(tmp_path)) == archive.size(kept) + len("list")
    with pytest.raises(ValueError, match="not YYYY-MM-DD"):
        archive.save(tmp_path, "latest", ["01_a"], index())
