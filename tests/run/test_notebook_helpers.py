"""The notebook helpers: figures file, missing-data notes, markdown escaping."""

import json

import pandas as pd
import pytest

import techflows as tf
from techflows.run import notebook as nb


def test_dollar_amounts_are_not_read_as_math(monkeypatch):
    shown = []
    monkeypatch.setattr(nb, "display", shown.append)
    nb.note(r"took in $6bn, not $2.34bn; already \$5")
    html = shown[0]._repr_html_()
    assert "took in $6bn, not $2.34bn; already $5" in html
    assert html.startswith('<div class="tex2jax_ignore mathjax_ignore">')


def test_figures_file_is_deterministic_and_complete(sample_source, tmp_path):
    def run(folder):
        figs = nb.Figures("99_test", sample_source, folder)
        figs.add("drawdown", -0.1234567891, "%", headline=True)
        figs.add("nothing", float("nan"), "x")
        figs.add("count", pd.Series([3]).sum(), "weeks", as_of="2018-06-29")
        figs.table("tiny", pd.DataFrame({"a": [1.0, 2.5]}))
        for _ in range(2):  # two sections lacking the same data: one entry
            with figs.unless_missing():
                sample_source.flows()
        figs.write()
        return figs.path

    first, second = run(tmp_path / "a"), run(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    payload = json.loads(first.read_text())
    assert payload["source"] == "sample" and payload["as_of"] == "2018-12-31"
    drawdown, nothing, count = payload["figures"]
    assert drawdown == {
        "name": "drawdown",
        "value": -0.123457,
        "unit": "%",
        "as_of": "2018-12-31",
        "source": "sample",
        "headline": True,
    }
    assert nothing["value"] is None
    assert count["value"] == 3 and count["as_of"] == "2018-06-29"
    assert payload["tables"] == ["tiny.csv"] and (tmp_path / "a" / "tiny.csv").exists()
    assert payload["missing"] == [
        "Fund flows are not in the sample source; a csv folder with flows/etf_flows.csv "
        "(EPFR, ICI or issuer exports) would provide them."
    ]


def test_a_figure_carries_its_interval(sample_source, tmp_path):
    figs = nb.Figures("99_test", sample_source, tmp_path)
    figs.add("share that went deeper", 100 / 3, "%", interval=(0.8403, 90.5707214))
    figs.add("no interval", 1.0, "x", interval=(float("nan"), 2.0))
    figs.write()
    share, partial = json.loads(figs.path.read_text())["figures"]
    assert share["interval"] == [0.8403, 90.570721] and share["value"] == 33.333333
    assert partial["interval"] == [None, 2.0]


def test_only_missing_data_is_swallowed(sample_source, tmp_path):
    figs = nb.Figures("99_test", sample_source, tmp_path)
    with pytest.raises(tf.DataError), figs.unless_missing():
        raise tf.DataError("bad input stays loud")
    assert figs.missing == []


def test_the_answer_is_shown_and_kept_for_the_index(sample_source, tmp_path, monkeypatch):
    from techflows.views import answers

    shown = []
    monkeypatch.setattr(nb, "display", shown.append)
    figs = nb.Figures("99_test", sample_source, tmp_path)
    box = answers.Answer("Is it?", "Yes", (answers.Sentence("k", "Because.", "#why"),))
    figs.answer(box)
    figs.write()
    assert 'id="answer"' in shown[0].data and "Because." in shown[0].data
    stored = json.loads(figs.path.read_text())["answer"]
    assert answers.from_dict(stored) == box


def test_the_banner_of_stored_data_says_how_to_get_the_live_analysis(sample_source, monkeypatch):
    shown = []
    monkeypatch.setattr(nb, "display", shown.append)
    nb.banner(sample_source)
    assert "For the live analysis" in shown[0].data and "make report" in shown[0].data
