"""The input ledger: each input's last date against the as-of date, and the headlines using it."""

import json

import pytest

from handmade import closes, source
from techflows.run import index_page, notebook, report
from techflows.run.execute import RunResult

AS_OF = "2026-08-21"


@pytest.fixture
def src():
    return source(
        prices={
            "XLK": closes("2025-01-02", AS_OF, 140.0),
            "SPY": closes("2025-01-02", AS_OF, 600.0),
            "SMH": closes("2025-01-02", "2026-06-05", 250.0),
        }
    )


def _write_section(src, folder):
    figs = notebook.Figures("99_test", src, folder)
    src.close(["XLK", "SPY"])
    src.close(["SMH"])
    figs.add("semis over the market", 1.5, "%", headline=True, inputs=("SMH prices", "SPY prices"))
    figs.add("tech level", 140.0, "USD", headline=True, inputs=("XLK prices",))
    figs.add("dated by hand", 3.0, "x", as_of="2026-08-14", inputs=("XLK prices",))
    figs.write()
    return json.loads(figs.path.read_text())


def test_a_figure_is_dated_by_its_oldest_input_not_by_the_run(src, tmp_path):
    payload = _write_section(src, tmp_path)
    dated = {f["name"]: f["as_of"] for f in payload["figures"]}
    assert payload["as_of"] == AS_OF
    assert dated == {
        "semis over the market": "2026-06-05",  # SMH stops there; SPY runs on
        "tech level": AS_OF,
        "dated by hand": "2026-08-14",
    }


def test_figures_json_keeps_the_ledger_with_the_headlines_using_each_input(src, tmp_path):
    payload = _write_section(src, tmp_path)
    ledger = {row["input"]: row for row in payload["inputs"]}
    assert set(ledger) == {"XLK prices", "SPY prices", "SMH prices"}
    smh = ledger["SMH prices"]
    assert smh["last"] == "2026-06-05" and smh["age_days"] == 77 and smh["stale"] is True
    assert smh["used_by"] == ["semis over the market"]
    assert ledger["XLK prices"]["used_by"] == ["tech level"]  # headlines only
    assert ledger["SPY prices"]["stale"] is False and ledger["SPY prices"]["age_days"] == 0


def test_the_index_shows_the_ledger(src, tmp_path):
    _write_section(src, tmp_path / "99_test")
    result = RunResult(
        name="99_test",
        notebook="99_test.ipynb",
        title="99 · Test",
        status="ok",
        started="2026-08-21T21:00:00+00:00",
        seconds=1.0,
        attempts=1,
        parameters={},
    )
    record = report.report_record(result, tmp_path)
    assert [row["input"] for row in record["inputs"]] == ["SMH prices", "SPY prices", "XLK prices"]
    page = index_page.render([record], "2026-08-21T21:20:00+00:00")
    assert 'id="inputs"' in page
    row = page.split("SMH prices", 1)[1].split("</tr>", 1)[0]
    assert "2026-06-05" in row and "77 days" in row and "stale" in row
    assert "semis over the market" in row


def test_a_stale_headline_card_says_its_data_date():
    record = {
        "name": "01_current_status",
        "status": "ok",
        "as_of": "2026-08-21",
        "headlines": [
            {
                "name": "latest weekly tech net flow",
                "value": -2.59,
                "unit": "USD bn",
                "as_of": "2026-03-27",
            },
            {"name": "XLK drawdown from peak", "value": -7.4, "unit": "%", "as_of": "2026-08-21"},
        ],
    }
    page = index_page.render([record], "2026-08-21T21:20:00+00:00")
    flow = page.split("latest weekly tech net flow", 1)[1].split("</li>", 1)[0]
    assert "(data to 2026-03-27: stale)" in flow
    drawdown = page.split("XLK drawdown from peak", 1)[1].split("</li>", 1)[0]
    assert "stale" not in drawdown
