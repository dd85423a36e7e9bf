"""The batch runner: staging and publishing, errors, retries, HTML and the index page."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest
import zmq
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from papermill.exceptions import PapermillExecutionError

from conftest import FIXTURES as FIXTURE_ROOT
from techflows.errors import DataError
from techflows.run import execute, html_export, index_page, report

FIXTURES = FIXTURE_ROOT / "notebooks"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


def quiet(message: str) -> None:
    """A log that drops progress lines."""


def executed_notebook(fail_at: int | None = None) -> nbformat.NotebookNode:
    """A small notebook as papermill leaves it: code with outputs, an image, timing metadata."""
    cells = [
        new_markdown_cell("# Synthetic section\n\nWhat the section answers."),
        new_code_cell("secret_code_line = 41 + 1", execution_count=1),
        new_code_cell("show_the_chart()", execution_count=2),
    ]
    cells[1].outputs = [new_output("execute_result", {"text/plain": "42"}, execution_count=1)]
    cells[2].outputs = [new_output("display_data", {"image/png": PNG, "text/plain": "<Figure>"})]
    for i, cell in enumerate(cells):
        started = fail_at is None or i <= fail_at
        cell.metadata["papermill"] = {"start_time": "2026-02-13T00:00:00" if started else None}
    return new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )


def fake_executor(writes: dict[str, str], raises: list[BaseException] | None = None):
    """Stand-in for papermill: writes the executed notebook and files, then maybe raises."""
    raises = list(raises or [])
    calls: list[Path] = []

    def execute(job: execute.Job, executed: Path, staging: Path) -> None:
        calls.append(staging)
        error = raises.pop(0) if raises else None
        # A cell error leaves started cells behind; a kernel that never started leaves none.
        started = None if error is None else 1 if isinstance(error, PapermillExecutionError) else -1
        nbformat.write(executed_notebook(fail_at=started), executed)
        for name, text in writes.items():
            (staging / name).write_text(text)
        if error is not None:
            raise error

    execute.calls = calls  # type: ignore[attr-defined]
    return execute


def cell_error() -> PapermillExecutionError:
    return PapermillExecutionError(
        cell_index=2,
        exec_count=2,
        source="show_the_chart()\nmore()",
        ename="KeyError",
        evalue="'XLK'",
        traceback=["KeyError: 'XLK'"],
    )


def job_for(tmp_path: Path, name: str = "01_ok") -> execute.Job:
    return execute.Job(FIXTURES / f"{name}.ipynb", tmp_path, {"source": "sample"}, timeout=30)


# --- choosing notebooks ----------------------------------------------------------------------


def test_find_notebooks_all_sorted_by_stem_and_by_path():
    every = report.find_notebooks([], FIXTURES)
    assert [p.stem for p in every] == ["01_ok", "02_raises", "03_sleeps", "04_headlines"]
    by_name = report.find_notebooks(["03_sleeps", "01_ok.ipynb"], FIXTURES)
    assert [p.stem for p in by_name] == ["03_sleeps", "01_ok"]
    by_path = report.find_notebooks([str(FIXTURES / "02_raises.ipynb")], Path("/nonexistent"))
    assert by_path == [(FIXTURES / "02_raises.ipynb").resolve()]


def test_find_notebooks_rejects_unknown_names(tmp_path):
    with pytest.raises(DataError, match=r"'99_nope'.*01_ok, 02_raises, 03_sleeps, 04_headlines"):
        report.find_notebooks(["99_nope"], FIXTURES)
    with pytest.raises(DataError, match="no section notebooks"):
        report.find_notebooks([], tmp_path)


def test_notebook_title_is_the_first_heading():
    assert html_export.notebook_title(executed_notebook(), "x") == "Synthetic section"
    assert html_export.notebook_title(new_notebook(cells=[new_code_cell("1")]), "x") == "x"


# --- HTML -------------------------------------------------------------------------------------


def test_html_has_outputs_only_and_nothing_from_the_web():
    html = html_export.to_html(executed_notebook(), "Synthetic section")
    assert "<title>Synthetic section</title>" in html
    assert "secret_code_line" not in html and "show_the_chart" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert f"data:image/png;base64,{PNG}" in html
    assert "What the section answers." in html
    assert "<script" not in html
    assert not EXTERNAL.search(html)


def test_self_contained_drops_external_scripts_and_styles():
    page = (
        '<html><head><script src="https://cdn.example/x.js"></script>'
        "<link rel='stylesheet' href='//fonts.example/f.css'>"
        "<style>@import url(https://fonts.example/a.css);/* see https://x.example */p{}</style>"
        '</head><body><a href="https://fred.stlouisfed.org">FRED</a>'
        '<img src="data:image/png;base64,AAAA"></body></html>'
    )
    clean = html_export.self_contained(page)
    assert "cdn.example" not in clean and "fonts.example" not in clean
    assert "x.example" not in clean and "<style>p{}</style>" in clean
    assert '<a href="https://fred.stlouisfed.org">' in clean  # links for readers stay
    assert 'src="data:image/png;base64,AAAA"' in clean


# --- errors and retries -----------------------------------------------------------------------


def test_kernel_start_errors_are_told_from_cell_errors():
    not_started = executed_notebook(fail_at=-1)
    started = executed_notebook(fail_at=1)
    assert execute.is_kernel_start_error(zmq.ZMQError(98), not_started)
    assert execute.is_kernel_start_error(RuntimeError("Kernel died before replying"), None)
    assert execute.is_kernel_start_error(TimeoutError("Kernel didn't respond in 60 s"), None)
    assert not execute.is_kernel_start_error(zmq.ZMQError(98), started)
    assert not execute.is_kernel_start_error(cell_error(), not_started)
    assert not execute.is_kernel_start_error(ValueError("bad input"), not_started)


def test_describe_error_names_the_cell():
    error = execute.describe_error(cell_error(), None, timeout=5)
    assert (error.ename, error.evalue, error.execution_count) == ("KeyError", "'XLK'", 2)
    assert error.cell_source == "show_the_chart()"
    timeout = execute.describe_error(CellTimeoutError("slow"), executed_notebook(1), timeout=5)
    assert timeout.ename == "Timeout" and "5 s" in timeout.evalue
    assert (timeout.cell_index, timeout.execution_count) == (1, 1)
    line = index_page.error_line(
        {"ename": "KeyError", "evalue": "'XLK'", "execution_count": 2, "cell_source": "f()"}
    )
    assert line == "KeyError: 'XLK' (cell In [2]: f())"


# --- staging and publishing (papermill replaced by a fake) ------------------------------------


def test_success_publishes_and_removes_stale_files(tmp_path, monkeypatch):
    final = tmp_path / "01_ok"
    final.mkdir()
    (final / "old_table.csv").write_text("stale")
    (final / "01_ok.failed.ipynb").write_text("{}")
    (final / "figures.json").write_text('{"old": true}')
    fake = fake_executor({"figures.json": '{"new": true}', "table.csv": "a\n1\n"})
    monkeypatch.setattr(execute, "_execute", fake)

    result = execute.run_notebook(job_for(tmp_path), quiet)

    assert result.ok and result.attempts == 1 and result.error is None
    assert sorted(p.name for p in final.iterdir()) == [
        "01_ok.html",
        "01_ok.ipynb",
        "figures.json",
        "table.csv",
    ]
    assert json.loads((final / "figures.json").read_text()) == {"new": True}
    assert not any(tmp_path.joinpath(execute.STAGING).glob("*"))
    assert fake.calls[0].parent == tmp_path / execute.STAGING  # the notebook wrote to staging


def test_failure_keeps_the_previous_report(tmp_path, monkeypatch):
    final = tmp_path / "01_ok"
    final.mkdir()
    before = {"01_ok.html": "<html>good</html>", "figures.json": '{"good": 1}', "t.csv": "x\n"}
    for name, text in before.items():
        (final / name).write_text(text)
    fake = fake_executor({"figures.json": '{"half": 1}', "t.csv": "half\n"}, [cell_error()])
    monkeypatch.setattr(execute, "_execute", fake)

    result = execute.run_notebook(job_for(tmp_path), quiet)

    assert not result.ok and result.attempts == 1
    assert result.error is not None and result.error.ename == "KeyError"
    for name, text in before.items():
        assert (final / name).read_text() == text
    failed = nbformat.read(final / "01_ok.failed.ipynb", as_version=4)
    assert failed.cells[1].source == "secret_code_line = 41 + 1"
    assert not any(tmp_path.joinpath(execute.STAGING).glob("*"))


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch):
    lines: list[str] = []
    port_race = RuntimeError("ZMQError: Address already in use")
    monkeypatch.setattr(execute, "_execute", fake_executor({}, [port_race]))
    result = execute.run_notebook(job_for(tmp_path), lines.append)
    assert result.ok and result.attempts == 2
    assert any("retrying once" in line for line in lines)

    twice = [RuntimeError("Kernel died before replying"), RuntimeError("Kernel died before")]
    monkeypatch.setattr(execute, "_execute", fake_executor({}, twice))
    result = execute.run_notebook(job_for(tmp_path), quiet)
    assert not result.ok and result.attempts == 2


def test_cell_errors_are_not_retried(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "_execute", fake_executor({}, [cell_error(), cell_error()]))
    result = execute.run_notebook(job_for(tmp_path), quiet)
    assert not result.ok and result.attempts == 1


def test_summary_keeps_sections_not_run_this_time(tmp_path, monkeypatch):
    figures = {
        "section": "01_ok",
        "source": "csv",
        "as_of": "2026-02-13",
        "figures": [
            {"name": "Tech drawdown", "value": -0.1234, "unit": "%", "headline": True},
            {"name": "Detail", "value": 3, "unit": "days", "headline": False},
        ],
    }
    monkeypatch.setattr(execute, "_execute", fake_executor({"figures.json": json.dumps(figures)}))
    first = report.run_reports(
        [FIXTURES / "01_ok.ipynb"], tmp_path, {"source": "sample"}, jobs=1, log=quiet
    )
    monkeypatch.setattr(execute, "_execute", fake_executor({}, [cell_error()]))
    second = report.run_reports(
        [FIXTURES / "02_raises.ipynb"], tmp_path, {"source": "sample"}, jobs=1, log=quiet
    )
    assert first[0].ok and not second[0].ok

    runs = json.loads((tmp_path / "runs.json").read_text())
    by_name = {r["name"]: r for r in runs["reports"]}
    assert list(by_name) == ["01_ok", "02_raises"]
    ok = by_name["01_ok"]
    assert (ok["source"], ok["as_of"], ok["html"]) == ("csv", "2026-02-13", "01_ok/01_ok.html")
    assert [h["name"] for h in ok["headlines"]] == ["Tech drawdown"]
    assert isinstance(ok["seconds"], float)
    assert by_name["02_raises"]["error"]["ename"] == "KeyError"
    assert "seconds" not in json.loads((tmp_path / "01_ok" / "figures.json").read_text())

    index = (tmp_path / "index.html").read_text()
    assert '<a href="01_ok/01_ok.html">Tech drawdown</a>' in index
    assert "-0.12</span>%" in index and "csv data as of 2026-02-13" in index
    assert "KeyError: &#39;XLK&#39; (cell In [2]: show_the_chart())" in index
    assert not EXTERNAL.search(index)


# --- the index page ---------------------------------------------------------------------------


def test_index_escapes_and_formats():
    record = {
        "name": "02_x",
        "title": "Flows <script>",
        "status": "failed",
        "seconds": 754.2,
        "started": "2026-02-13T21:05:09+00:00",
        "parameters": {"source": "csv", "lookback_years": 5},
        "error": {"ename": "ValueError", "evalue": "a < b", "cell_source": "", "cell_index": 3},
        "headlines": [{"name": "Net flows", "value": 12345.678, "unit": "USD m"}],
        "figures_current": False,
        "html": "02_x/02_x.html",
        "source": "csv",
        "as_of": "2026-02-13",
    }
    page = index_page.render([record], "2026-02-13T21:20:00+00:00")
    assert "Flows &lt;script&gt;" in page and "<script>" not in page
    assert "ValueError: a &lt; b (cell #3)" in page
    assert "12 min 34 s" in page and "2026-02-13 21:05 UTC" in page
    assert "12,345.68" in page and "figures from the last good run" in page
    assert "lookback_years=5" in page and 'source="csv"' in page


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "n/a"), (float("nan"), "n/a"), (True, "yes"), (1234567, "1,234,567"),
     (-0.01234, "-0.0123"), (0.0, "0.00"), (1234.5, "1,234.50"), ("2026-02-13", "2026-02-13")],
)  # fmt: skip
def test_format_value(value, text):
    assert index_page.format_value(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(-0.175, "fraction", "-17.5%"), (0.997, "probability", "99.7%"), (1, "signals", "1 signal"),
     (4, "signals", "4 signals"), (2e-6, "p", "< 0.001 (p-value)"), (0.00609, "R²", "0.006 (R²)"),
     (2, "rank", "2nd"), (-24.0, "bp", "-24 bp"), (-0.988, "% excess return per +1pp",
     "-0.99% excess return per +1pp"), (0.375, "score -1..+1", "+0.38 (from -1 to +1)"),
     ("no skill", "", "no skill"), (None, "%", "n/a %")],
)  # fmt: skip
def test_format_figure(value, unit, text):
    assert "".join(index_page.format_figure(value, unit)) == text


def test_index_answers_the_whole_question_above_the_cards():
    from techflows.views import answers

    def record(name, verdict, key, text):
        box = answers.Answer("q", verdict, (answers.Sentence(key, text, f"#{key}"),))
        return {
            "name": name,
            "title": name,
            "status": "ok",
            "html": f"{name}/{name}.html",
            "source": "snapshot",
            "source_description": "snapshot of real market data",
            "data_range": ["1993-01-29", "2026-02-13"],
            "answer": box.as_dict(),
        }

    records = [
        record("01_current_status", "Not yet", "flows", "Tech ETFs had outflows."),
        record("05_monitor", "Leaning yes", "checklist", "4 green, 1 red."),
    ]
    page = index_page.render(records, "2026-02-13T21:20:00+00:00")
    assert page.index("Is money coming back into US tech?") < page.index("Headlines")
    assert "Not yet." in page and "Leaning yes." in page
    assert 'href="01_current_status/01_current_status.html#flows"' in page
    assert 'href="05_monitor/05_monitor.html#checklist"' in page
    assert "Do the articles" not in page  # 06 did not run: that question is left out
    assert "For the live analysis" in page and "make report" in page


# --- real kernels: the fixture notebooks ------------------------------------------------------


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    """01_ok and 02_raises in parallel, then 01_ok again made to fail."""
    out = tmp_path_factory.mktemp("reports")
    params = {"source": "sample", "data_dir": "", "as_of": "latest"}
    notebooks = [FIXTURES / "01_ok.ipynb", FIXTURES / "02_raises.ipynb"]
    first = report.run_reports(notebooks, out, params, timeout=120, jobs=2, log=quiet)
    html = (out / "01_ok" / "01_ok.html").read_bytes()
    figures = (out / "01_ok" / "figures.json").read_bytes()
    failing = {**params, "fail": True, "lookback_years": 3}
    second = report.run_reports(notebooks[:1], out, failing, timeout=120, jobs=2, log=quiet)
    return out, first, second, html, figures


@pytest.mark.notebook
def test_real_success_publishes_a_clean_report(real_runs):
    out, first, _, html_bytes, figures_bytes = real_runs
    ok, raised = first
    assert ok.ok and ok.name == "01_ok"
    html = html_bytes.decode()
    assert "import techflows" not in html and "figs.add" not in html
    assert 'class="highlight' not in html and "In&nbsp;[" not in html
    assert "data:image/png;base64," in html and "techflows-banner" in html
    assert "<script" not in html and not EXTERNAL.search(html)
    figures = json.loads(figures_bytes)
    assert (figures["source"], figures["as_of"]) == ("sample", "2018-12-31")
    assert figures["data_range"] == ["1999-01-04", "2018-12-31"]
    assert {"figures.json", "last_rows.csv", "01_ok.ipynb"} <= set(ok.files)
    index = (out / "index.html").read_text()
    assert "Data source: <b>sample: real historical data" in index
    assert "1999-01-04 to 2018-12-31" in index
    assert not raised.ok and raised.error is not None
    assert raised.error.ename == "ValueError" and raised.error.cell_source.startswith("raise")
    assert (out / "02_raises" / "02_raises.failed.ipynb").is_file()


@pytest.mark.notebook
def test_real_failure_keeps_the_previous_report(real_runs):
    out, _, second, html_bytes, figures_bytes = real_runs
    (failed,) = second
    assert not failed.ok and failed.error is not None
    assert failed.error.evalue == "the fixture was asked to fail"
    assert (out / "01_ok" / "01_ok.html").read_bytes() == html_bytes
    assert (out / "01_ok" / "figures.json").read_bytes() == figures_bytes
    assert (out / "01_ok" / "01_ok.failed.ipynb").is_file()
    index = (out / "index.html").read_text()
    assert "RuntimeError: the fixture was asked to fail" in index
    assert "ValueError: fixture error after total=2" in index  # kept from the first run
    runs = json.loads((out / "runs.json").read_text())
    assert [r["status"] for r in runs["reports"]] == ["failed", "failed"]
    assert runs["reports"][0]["parameters"]["fail"] is True
    assert not (out / execute.STAGING).exists()


@pytest.mark.notebook
def test_real_timeout_stops_a_hung_cell(tmp_path):
    # Above the few seconds the first cell (import techflows, check the parameters) may take
    # on a busy machine.
    (result,) = report.run_reports(
        [FIXTURES / "03_sleeps.ipynb"], tmp_path, {"source": "sample"}, timeout=12, log=quiet
    )
    assert not result.ok and result.error is not None
    assert result.error.ename == "Timeout" and "12 s" in result.error.evalue
    assert result.error.cell_source == "import time"
    assert (tmp_path / "03_sleeps" / "03_sleeps.failed.ipynb").is_file()


def test_offline_line_names_the_snapshot_or_the_folder(tmp_path):
    assert report.offline({"source": "auto"}).startswith(
        "the snapshot of real market data through 2026-08-21, built "
    )
    folder = report.offline({"data_dir": str(tmp_path)})
    assert folder.startswith(f"the csv folder {tmp_path} first, then the snapshot of real market")
