"""One scenario reading per run: the same words in 04, 05 and the index; 'undetermined' when too
few of seed 002's conditions can be judged."""

import pandas as pd

from techflows.models.forecast import MODEL, NAIVE
from techflows.monitor import rules
from techflows.monitor import scenarios as sc
from techflows.views import answers
from techflows.views import monitor as monitor_view
from techflows.views import predictions as predictions_view

MET, NOT_MET, NO_DATA = sc.MET, sc.NOT_MET, rules.NO_DATA
CLAIMS = pd.DataFrame(
    columns=["id", "article", "claim", "reported", "measured", "window", "verdict"]
)


def _conditions(results: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"scenario": s, "condition": f"{s} {i}", "needs": "", "result": r, "evidence": ""}
            for s, outcomes in results.items()
            for i, r in enumerate(outcomes)
        ]
    )


# The default run's picture: 5 of 15 conditions judgeable, bear 1 of its 2.
THIN = {
    "bull": [NOT_MET, NO_DATA, NO_DATA, NOT_MET, NO_DATA],
    "base": [NO_DATA, MET, NO_DATA, NO_DATA, NO_DATA],
    "bear": [NO_DATA, NOT_MET, NO_DATA, MET, NO_DATA],
}
RICH = {
    "bull": [NOT_MET, MET, NO_DATA, NOT_MET, NOT_MET],
    "base": [MET, MET, MET, NO_DATA, NOT_MET],
    "bear": [NOT_MET, NOT_MET, MET, NO_DATA, NO_DATA],
}


def test_too_few_judgeable_conditions_read_undetermined_with_the_count():
    reading = sc.reading(sc.scenario_summary(_conditions(THIN)))
    assert reading.scenario == sc.UNDETERMINED
    assert (reading.judged, reading.conditions) == (5, 15)
    assert "5 of 15" in reading.text and "undetermined" in reading.text


def test_enough_judgeable_conditions_read_the_best_met_share():
    reading = sc.reading(sc.scenario_summary(_conditions(RICH)))
    assert reading.scenario == "base"
    assert (reading.met, reading.evaluable) == (3, 4)
    tie = {**RICH, "bear": [MET, MET, MET, NOT_MET, NO_DATA]}
    assert sc.reading(sc.scenario_summary(_conditions(tie))).scenario == sc.UNDETERMINED


def _score() -> pd.Series:
    return pd.Series(
        {
            "signals": 13,
            "green": 1,
            "amber": 2,
            "red": 1,
            "no_data": 9,
            "reported": 0,
            "measured": 4,
            "net_score": 0.0,
            "majority": "amber",
            "majority_share": 0.5,
        },
        dtype=object,
    )


def _model() -> dict[str, object]:
    metrics = pd.DataFrame(
        {
            "n": [78, 78],
            "mae": [1.61, 1.60],
            "mase": [0.97, 0.96],
            "mae_vs_best_naive": [1.0, 1.0],
            "hit_rate": [0.59, 0.5],
        },
        index=[MODEL, NAIVE[-1]],
    )
    return {"metrics": metrics, "label": "no skill"}


# What followed record weeks (forward_returns.consolidation_test), not significant.
CONSOLIDATION = {
    "events": 13,
    "independent": 6,
    "label": "weaker, not significant",
    "p": 0.15,
    "headline": False,
}


def _drift() -> dict[str, object]:
    return {
        "week_end": pd.Timestamp("2026-08-21"),
        "reading": "bear",
        "state": "no significant drift",
        "total": 6.0,
        "mean": 0.23,
        "t": 1.36,
        "p": 0.19,
        "significant": False,
        "share_at_highs": 2.5,
        "narrow_breadth": True,
        "weeks": 26,
        "breadth": True,
    }


def test_04_and_05_print_the_one_reading():
    summary = sc.scenario_summary(_conditions(THIN))
    reading = sc.reading(summary)
    items = pd.DataFrame(columns=["key", "signal", "value", "shown", "stale", "as_of"])
    box05 = monitor_view.answer(_score(), summary, items, CLAIMS)
    box04 = predictions_view.answer(_model(), _drift(), -1.46, 1.40, CONSOLIDATION, CLAIMS, reading)
    said05, said04 = box05.sentence("scenario"), box04.sentence("scenario")
    assert said05 is not None and said04 is not None
    assert said04.text == said05.text and reading.text in said05.text
    for box in (box04, box05):
        words = " ".join([box.verdict, *(s.text for s in box.sentences)])
        assert "favours" not in words and " reads " not in words  # no second reading
        assert reading.label in [n.value for n in box.numbers]
    assert box04.verdict.endswith("scenario undetermined")
    # The index's "Is tech recovering?" carries 05's scenario sentence.
    parts = answers.overall({"05_monitor": box05}, {"05_monitor": "05/05.html"})
    assert any(s.text == said05.text for p in parts for s in p.sentences)
