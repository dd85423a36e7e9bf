"""What changed since the previous report: hand-made figures.json and stamps of two runs."""

from __future__ import annotations

import copy
import json
import re

from techflows.publish import changes, page
from techflows.run.index_page import format_figure
from techflows.views import answers

BREADTH = "Tech stocks at a 52-week high (share, 10-day average)"
READING = "Scenario reading of the latest complete week (drift and breadth rule)"
NET = "checklist net score (green - red) / measured"
FLOWS = "latest weekly tech net flow"
RULE = "green ≥ 10.0%, red ≤ 3.0%, amber between"


def figure(name, value, unit, as_of, headline=False, **extra):
    return {"name": name, "value": value, "unit": unit, "as_of": as_of, "source": "snapshot",
            "headline": headline, **extra}  # fmt: skip


def run(as_of, verdict, net, breadth, status, reading, flow_date="2026-03-27", question="Q?"):
    """A figures.json of the monitor, as the notebook writes it (hand-made)."""
    return {
        "section": "05_monitor",
        "source": "snapshot",
        "as_of": as_of,
        "figures": [
            figure(NET, net, "score -1..+1", as_of, headline=True),
            figure(
                BREADTH,
                breadth,
                "%",
                as_of,
                status=status,
                rule=RULE,
                thresholds={"green": 10.0, "red": 3.0},
            ),
            figure(READING, reading, "", as_of, headline=True),
            figure(FLOWS, -2.55631, "USD bn", flow_date, headline=True),
            figure("a detail", 1.0 if as_of < "2026-08-20" else 2.0, "x", as_of),
        ],
        "answer": answers.Answer(question, verdict, ()).as_dict(),
    }


def stamp(as_of, **parameters):
    """A stamp (run.fingerprint's .inputs.json) with the fields the comparison reads."""
    return {
        "digest": "d",
        "inputs": {
            "notebook": "nb1",
            "neighbours": {},
            "parameters": {
                "source": "snapshot",
                "as_of": as_of,
                "as_of (resolved)": as_of,
                "stale_days": 45,
                "data_dir": "",
                **parameters,
            },
            "code": {"techflows.monitor.checklist": "c1"},
            "versions": {"python": "3.12"},
            "data": {"data/analyst_signals.csv": "a1", "snapshot": "s1"},
        },
        "files": {},
        "run": {},
    }


BEFORE = run("2026-08-14", "Mixed", 0.0, 4.7, "amber", "bull (leading)")
AFTER = run("2026-08-21", "Leaning no", -0.25, 2.5, "red", "base (leading)")


def test_without_an_earlier_report_the_comparison_says_so():
    found = changes.compare(None, AFTER)
    assert found == {"as_of": "2026-08-21", "previous": None, "note": changes.NO_EARLIER}
    panel = changes.panel_html(found, format_figure)
    assert "As of 2026-08-21." in panel and "No earlier report in the archive" in panel


def test_flipped_verdicts_changed_colours_and_moved_headlines():
    found = changes.compare(BEFORE, AFTER, stamp("2026-08-14"), stamp("2026-08-21"))
    assert found["as_of"] == "2026-08-21" and found["previous"] == "2026-08-14"
    verdict, reading = found["verdicts"]
    assert (verdict["question"], verdict["before"], verdict["after"]) == (
        "Q?",
        "Mixed",
        "Leaning no",
    )
    assert verdict["moved_by"] == [BREADTH, READING]
    assert (reading["name"], reading["before"]["value"], reading["after"]["value"]) == (
        READING, "bull (leading)", "base (leading)"
    )  # fmt: skip
    (signal,) = found["signals"]
    assert (signal["before"]["status"], signal["after"]["status"]) == ("amber", "red")
    assert (signal["before"]["value"], signal["after"]["value"]) == (4.7, 2.5)
    assert signal["crossed"] == {"threshold": "red", "at": 3.0}
    assert signal["rule"] == RULE
    # Headlines that moved, with the change; the flow did not move; non-headlines are left out.
    assert [(h["name"], h["change"]) for h in found["headlines"]] == [(NET, -0.25)]


def test_each_flip_names_the_input_that_moved_it():
    """New data: the figure's data date moved; the stale flow's did not and it did not move."""
    found = changes.compare(BEFORE, AFTER, stamp("2026-08-14"), stamp("2026-08-21"))
    texts = [c["text"] for c in found["signals"][0]["causes"]]
    assert texts == ["new data to 2026-08-21 (was 2026-08-14)"]
    assert found["verdicts"][0]["causes"][0]["kind"] == "new data"
    assert found["inputs"]["as_of"] == ["2026-08-14", "2026-08-21"]
    assert found["inputs"]["parameters"] == [] and found["inputs"]["data"] == []


def test_a_revised_series_is_told_from_new_data():
    """Same date, same as-of: the value moved because the data files changed."""
    before = run("2026-08-21", "Mixed", 0.0, 4.7, "amber", "bull (leading)")
    after = run("2026-08-21", "Leaning no", -0.25, 2.5, "red", "bull (leading)")
    revised = stamp("2026-08-21")
    revised["inputs"]["data"]["snapshot"] = "s2"
    found = changes.compare(before, after, stamp("2026-08-21"), revised)
    (cause,) = found["signals"][0]["causes"]
    assert cause["kind"] == "revised data" and cause["inputs"] == ["snapshot"]
    assert cause["text"] == "revised data: the embedded snapshot changed, data still to 2026-08-21"


def test_a_changed_parameter_is_named_with_its_values_and_paths_are_not_printed():
    before = run("2026-08-21", "Mixed", 0.0, 4.7, "amber", "bull (leading)")
    after = run("2026-08-21", "Leaning no", 0.0, 4.7, "no data", "bull (leading)")
    found = changes.compare(
        before,
        after,
        stamp("2026-08-21", data_dir="/home/analyst/secret"),
        stamp("2026-08-21", stale_days=3, data_dir="/home/analyst/other"),
    )
    texts = [c["text"] for c in found["signals"][0]["causes"]]
    assert texts == ["changed parameter: data_dir", "changed parameter: stale_days 45 → 3"]
    assert found["signals"][0]["crossed"] is None  # to 'no data': no threshold crossed
    assert "secret" not in json.dumps(found) and "/home" not in json.dumps(found)


def test_changed_code_and_the_as_of_alone_are_causes_too():
    before = run("2026-08-14", "Mixed", 0.0, 4.7, "amber", "bull (leading)")
    after = copy.deepcopy(before)
    after["as_of"] = "2026-08-21"
    after["figures"][1].update(status="no data")  # its data did not move: too old to vote now
    new_code = stamp("2026-08-21")
    new_code["inputs"]["code"]["techflows.monitor.checklist"] = "c2"
    new_code["inputs"]["versions"]["python"] = "3.13"
    found = changes.compare(before, after, stamp("2026-08-14"), new_code)
    texts = [c["text"] for c in found["signals"][0]["causes"]]
    assert texts == [
        "the as-of date moved (2026-08-14 → 2026-08-21); its data still end 2026-08-14",
        "changed code: monitor.checklist",
        "python 3.12 → 3.13",
    ]
    unknown = changes.compare(before, after)  # no stamps: the inputs are unknown, and said so
    assert [c["kind"] for c in unknown["signals"][0]["causes"]] == ["unknown"]


def test_the_input_ledger_names_the_inputs_a_figure_uses():
    """With issue 17's input ledger (each input's last date and the figures using it), the
    cause is the input whose last date moved, not every input of the run."""
    before, after = copy.deepcopy(BEFORE), copy.deepcopy(AFTER)
    before["inputs"] = [
        {"input": "constituent prices", "last": "2026-08-14", "used_by": [BREADTH]},
        {"input": "FRED DFII10", "last": "2026-07-15", "used_by": [NET]},
    ]
    after["inputs"] = [
        {"input": "constituent prices", "last": "2026-08-21", "used_by": [BREADTH]},
        {"input": "FRED DFII10", "last": "2026-07-22", "used_by": [NET]},
    ]
    found = changes.compare(before, after, stamp("2026-08-14"), stamp("2026-08-21"))
    (cause,) = found["signals"][0]["causes"]
    assert (cause["kind"], cause["input"]) == ("new data", "constituent prices")
    assert cause["text"] == "new data in constituent prices, to 2026-08-21 (was 2026-08-14)"
    assert changes.input_dates(before)["FRED DFII10"] == {
        "last_date": "2026-07-15",
        "uses": [NET],
    }
    assert changes.input_dates(BEFORE) is None  # no ledger: the figure's own date is used


def test_nothing_changed_is_said_in_one_line():
    found = changes.compare(BEFORE, copy.deepcopy(BEFORE), stamp("2026-08-14"), stamp("2026-08-14"))
    assert (found["verdicts"], found["signals"], found["headlines"]) == ([], [], [])
    panel = changes.panel_html(found, format_figure)
    assert "no verdict, signal colour or headline figure changed" in panel


def test_the_panel_reads_as_a_sentence_per_change_and_escapes():
    hostile = run("2026-08-21", "Leaning <b>no</b>", -0.25, 2.5, "red", "base (leading)")
    found = changes.compare(BEFORE, hostile, stamp("2026-08-14"), stamp("2026-08-21"))
    panel = changes.panel_html(found, format_figure)
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "", panel, flags=re.DOTALL)
    assert text.startswith("As of 2026-08-21. Since the report of 2026-08-14:")
    assert "The answer: Mixed → Leaning &lt;b&gt;no&lt;/b&gt;" in text
    assert f"{BREADTH}: amber → red, 4.70% → 2.50%, crossing the red line (≤ 3.00%)" in text
    assert "bull (leading) → base (leading)" in text
    assert "+0.00 → -0.25 (-0.25)" in text  # the net score, with its change
    assert text.endswith("What moved them: new data to 2026-08-21 (was 2026-08-14).")
    assert "<b>no</b>" not in panel


def test_the_panel_goes_inside_the_answer_box_and_is_replaced_in_place():
    box = answers.box_html(answers.Answer("Q?", "Yes", ()))
    report = f"<html><body><h1>T</h1>{box}<p>evidence</p></body></html>"
    once = page.with_panel(report, '<div class="tf-changes">first</div>')
    inside = once[once.index('<section class="tf-answer') : once.index("</section>")]
    assert "first" in inside and once.index("first") < once.index("evidence")
    twice = page.with_panel(once, '<div class="tf-changes">second</div>')
    assert "second" in twice and "first" not in twice
    assert twice.count('class="tf-changes"') == 1
    assert page.with_panel("<p>no box</p>", "x") == "<p>no box</p>"


def test_the_index_panel_asks_the_index_question():
    found = changes.compare(BEFORE, AFTER, stamp("2026-08-14"), stamp("2026-08-21"))
    records = [
        {"name": "05_monitor", "title": "05 · Monitor", "changes": found},
        {"name": "06_claims", "title": "06 · Claims", "changes": None},
    ]
    panel = changes.index_panel_html(records, format_figure, lambda d: f"archive/{d}/index.html")
    assert "Is tech recovering?" in panel and "Q?" not in panel
    assert '<a href="archive/2026-08-14/index.html">2026-08-14</a>' in panel
    assert "05 · Monitor" in panel
    first = [{"name": "05_monitor", "changes": changes.compare(None, AFTER)}]
    assert "No earlier report" in changes.index_panel_html(first, format_figure, str)
    assert changes.index_panel_html([{"name": "x"}], format_figure, str) == ""


def test_the_as_of_date_is_in_every_page_title():
    assert page.dated_title("05 · Monitor", "2026-08-21") == "05 · Monitor · as of 2026-08-21"
    assert page.dated_title("05 · Monitor", "") == "05 · Monitor"


def test_counts_change_by_whole_numbers():
    before, after = copy.deepcopy(BEFORE), copy.deepcopy(AFTER)
    before["figures"].append(figure("checklist signals red", 1, "signals", "2026-08-14", True))
    after["figures"].append(figure("checklist signals red", 2, "signals", "2026-08-21", True))
    found = changes.compare(before, after)
    (count,) = [h for h in found["headlines"] if h["name"] == "checklist signals red"]
    assert count["change"] == 1 and isinstance(count["change"], int)
    assert "1 signal → 2 signals (+1 signal)" in re.sub(
        r"<[^>]+>", "", changes.panel_html(found, format_figure)
    )


def test_sections_compared_with_different_dates_say_with_which():
    older = run("2026-08-07", "Mixed", 0.0, 4.7, "amber", "bull (leading)")
    records = [
        {"name": "04_predictions", "title": "04 · P", "changes": changes.compare(older, AFTER)},
        {"name": "05_monitor", "title": "05 · M", "changes": changes.compare(BEFORE, AFTER)},
    ]
    panel = re.sub(r"<[^>]+>", "", changes.index_panel_html(records, format_figure, str))
    assert "Since the report of 2026-08-07, 2026-08-14:" in panel
    assert "04 · P (since 2026-08-07):" in panel and "05 · M (since 2026-08-14):" in panel
