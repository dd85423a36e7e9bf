"""Section 07's answer: which signals had skill, which had not, over which years; nothing not
significant as a headline; the index's clause on 05's checklist."""

from __future__ import annotations

import pandas as pd

from techflows.stats import intervals
from techflows.track import scoring
from techflows.views import answers
from techflows.views import track_record as view


def _row(signal: str, horizon: int, verdict: str, ic: float, p: float, q: float) -> dict:
    return {
        "signal": signal,
        "horizon": horizon,
        "weeks": 900,
        "windows": 900 // horizon,
        "first": pd.Timestamp("2009-06-19"),
        "last": pd.Timestamp("2026-05-22"),
        "verdict": verdict,
        "alone": verdict if verdict in scoring.FINDINGS else "",
        "ic": ic,
        "ic_low": ic - 0.1,
        "ic_high": ic + 0.1,
        "p": p,
        "offset_ic": ic,
        "offset_ic_low": ic - 0.05,
        "offset_ic_high": ic + 0.05,
        "offset_p": p,
        "offset_p_low": p / 2,
        "offset_p_high": min(1, 2 * p),
        "offsets": horizon,
        "q": q,
    }


def _info(*rows: dict) -> pd.DataFrame:
    short = {
        "signal": "flows_4w",
        "horizon": 4,
        "weeks": 15,
        "windows": 3,
        "first": pd.Timestamp("2026-01-30"),
        "last": pd.Timestamp("2026-05-08"),
        "verdict": scoring.TOO_SHORT,
    }
    return pd.DataFrame([*rows, short, short | {"horizon": 13}])


PERIODS = pd.DataFrame(
    {
        "signal": ["real_yield"] * 3,
        "horizon": [4] * 3,
        "period": ["2005-2009", "2010-2014", "2015-2019"],
        "weeks": [260] * 3,
        "ic": [-0.1, -0.2, 0.05],
        "p": [0.3, 0.08, 0.7],
    }
)
COVERAGE = {
    "share": intervals.share(59, 78),
    "nominal": 0.9,
    "p": 0.0002,
    "first": pd.Timestamp("2025-02-28"),
    "last": pd.Timestamp("2026-08-21"),
}


def test_none_has_when_no_signal_is_significant():
    info = _info(
        _row("net_score", 4, scoring.NO_SKILL, 0.02, 0.68, 0.9),
        _row("net_score", 13, scoring.NO_SKILL, 0.01, 0.90, 0.9),
        _row("real_yield", 4, scoring.NO_SKILL, -0.05, 0.40, 0.9),
    )
    box = view.answer(info, pd.DataFrame(), PERIODS, COVERAGE)
    assert box.verdict == "None has"
    words = " ".join(s.text for s in box.sentences)
    assert "Too short to score: the fund-flow signals (at most 15 weeks counted)" in words
    assert "2009" in words and "2026" in words  # over which years
    assert box.sentence("checklist").text.startswith(
        "The history supports little weight for section 05's checklist"
    )
    assert "not significant" in box.sentence("checklist").text
    assert "too narrow" in box.sentence("bands").text and len(box.numbers) <= 5


def test_a_signal_significant_alone_is_no_skill_beyond_chance():
    info = _info(
        _row("net_score", 4, scoring.NO_SKILL, 0.02, 0.68, 0.9),
        _row("real_yield", 4, scoring.CHANCE, -0.13, 0.004, 0.53),
    )
    box = view.answer(info, pd.DataFrame(), PERIODS, None)
    assert box.verdict == "None has, beyond chance"
    chance = box.sentence("chance").text
    assert "the real yield's 13-week change over the next 4 weeks" in chance
    assert "q = 0.53" in chance and "2 of 3 five-year periods" in chance
    assert box.numbers[0].value == "0 of 2"


def test_skill_is_named_with_its_interval_years_and_periods():
    info = _info(
        _row("real_yield", 4, scoring.SKILL, -0.13, 0.004, 0.05),
        _row("net_score", 13, scoring.SKILL, 0.20, 0.01, 0.05),
    )
    box = view.answer(info, pd.DataFrame(), PERIODS, COVERAGE)
    assert box.verdict == "2 of 2 have"
    skill = box.sentence("skill").text
    assert "rank IC -0.13, 95% CI -0.23 to -0.03, p = 0.004" in skill
    assert "2009-2026" in skill
    assert box.sentence("checklist").text.startswith(
        "The history supports some weight for section 05's checklist"
    )


def test_the_index_says_how_much_weight_the_history_gives_the_checklist():
    box07 = view.answer(
        _info(_row("net_score", 13, scoring.NO_SKILL, 0.01, 0.9, 0.9)),
        pd.DataFrame(),
        PERIODS,
        None,
    )
    box05 = answers.Answer(
        "Do the recovery signals agree?",
        "Mixed",
        (answers.Sentence("checklist", "4 green, 4 red.", "#concordance"),),
    )
    parts = answers.overall(
        {"05_monitor": box05, "07_track_record": box07},
        {"07_track_record": "07_track_record/07_track_record.html"},
    )
    recovering = next(p for p in parts if p.question == "Is tech recovering?")
    texts = [s.text for s in recovering.sentences]
    assert texts[0] == "4 green, 4 red."
    assert texts[1] == box07.sentence("checklist").text
    assert recovering.sentences[1].href.startswith("07_track_record/07_track_record.html#")
    assert recovering.verdict == "Mixed"  # the verdict stays 05's


def test_a_history_too_short_to_score_says_so():
    history = pd.DataFrame(
        {
            "week_end": pd.date_range("2026-01-02", periods=30, freq="W-FRI"),
            "signal": "net_score",
            "value": 0.5,
            "status": "above zero",
        }
    )
    outcome = pd.DataFrame({4: 1.0, 13: -1.0}, index=history["week_end"])
    info = scoring.skill_table(history, outcome)
    hits = scoring.hit_rates(history, outcome)
    assert hits.empty and "share" in hits.columns
    box = view.answer(info, hits, scoring.by_period(history, outcome), None)
    assert box.verdict == "Too short to tell"
    assert box.sentence("checklist").text == (
        "The history is too short to weigh section 05's checklist."
    )
    view.calibration_chart(hits)  # draws 'too few windows', no error
    assert view.hits_display(hits).empty
