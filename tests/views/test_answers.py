"""The answer first: anchors, the answer box, the claims map and the index's whole answer."""

import pandas as pd
import pytest

from conftest import ARTICLES_DATE
from techflows.analysis import drawdowns, flows, markets, notional
from techflows.claims import ledger
from techflows.views import answers, claims, drivers, monitor, risks, status

# The tech funds summed at the articles' week: ARKK (13 of 28 days) and SOXX (2) are left out.
TECH_FUNDS = ["QQQ", "XLC", "XLK"]


def _answer(**overrides):
    parts = {
        "question": "Is money coming back?",
        "verdict": "Not yet",
        "sentences": (answers.Sentence("flows", "Outflows of <4.94> USD bn.", "#weekly-flows"),),
        "numbers": (answers.Number("-4.94 USD bn", "tech flow", "#weekly-flows"),),
        "contradicted": (
            answers.Contradiction("A000-01", "a $6 billion inflow", "$6.00bn", "-$4.94bn", "w"),
        ),
        "checked": 3,
    }
    return answers.Answer(**(parts | overrides))


def test_slug_is_the_heading_anchor():
    assert answers.slug("1. The Fed's policy path") == "1-the-feds-policy-path"
    assert answers.slug("Equal- vs cap-weight") == "equal-vs-cap-weight"
    assert answers.slug("χ² and *IYW*: the 5 February low") == "2-and-iyw-the-5-february-low"
    # Answers link as JupyterLab follows them; the pages turn that into the slug (page_link).
    assert answers.anchor("The checklist") == "#The-checklist"
    assert answers.page_link(answers.anchor("The checklist")) == "#the-checklist"
    assert answers.page_link(answers.report_href("06_claims", "1. The verdicts")) == (
        "../06_claims/06_claims.html#1-the-verdicts"
    )


def test_box_html_escapes_and_carries_every_part():
    box = answers.box_html(_answer())
    assert box.startswith('<section class="tf-answer mathjax_ignore tex2jax_ignore" id="answer">')
    assert "Is money coming back?" in box and "Not yet." in box
    assert "Outflows of &lt;4.94&gt; USD bn." in box and "<4.94>" not in box
    assert '<a href="#weekly-flows"><span class="tf-value">-4.94 USD bn</span></a>' in box
    assert "A000-01" in box and "(1 of 3 checked)" in box and "-$4.94bn" in box


def test_box_html_counts_claims_it_does_not_list_and_says_when_none_differ():
    many = tuple(answers.Contradiction(f"A{i}", "claim", "1", "2", "w") for i in range(1, 10))
    box = answers.box_html(_answer(contradicted=many, checked=12), claims_shown=6)
    assert box.count("<li title=") == 6 and "and 3 more, in the claims ledger" in box
    none = answers.box_html(_answer(contradicted=(), checked=2))
    assert "No article claim examined here is contradicted by the data (2 claims checked)" in none
    assert "Article claims" not in answers.box_html(_answer(contradicted=(), checked=0))


def test_answer_round_trips_through_figures_json():
    stored = _answer().as_dict()
    assert answers.from_dict(stored) == _answer()
    assert _answer().sentence("flows").href == "#weekly-flows"
    assert _answer().sentence("claims") is None


def test_every_claim_is_examined_by_a_section_and_every_mapped_id_exists():
    ids = set(ledger.load_claims().index)
    mapped = {i for section in answers.SECTION_CLAIMS.values() for i in section}
    assert mapped <= ids, f"unknown claim ids: {sorted(mapped - ids)}"
    assert ids <= mapped, f"claims no section examines: {sorted(ids - mapped)}"
    assert len(answers.section_claims("06_claims")) == len(ids)
    assert list(answers.section_claims("03_risks").index) == list(
        answers.SECTION_CLAIMS["03_risks"]
    )


def test_contradicted_keeps_the_differing_claims_with_a_link_to_the_ledger():
    table = pd.DataFrame(
        {
            "id": ["A000-01", "A002-04", "A000-08"],
            "article": ["000", "002", "000"],
            "claim": ["inflow", "rotation", "close"],
            "reported": ["$6.00bn", "≤ +0.0 pp", "$196.32"],
            "measured": ["-$4.94bn", "+5.0 pp", "$196.32"],
            "window": ["w1", "w2", "w3"],
            "verdict": [ledger.DIFFERS, ledger.DIFFERS, ledger.CONSISTENT],
        }
    )
    found = answers.contradicted(table)
    assert [c.id for c in found] == ["A000-01", "A002-04"]
    # The link JupyterLab follows; the report's pages get the page's own (answers.page_link).
    heading = "4.-Seed-002:-leadership,-rotation-and-breadth,-made-measurable"
    assert found[1].href == f"06_claims.ipynb#{heading}"
    assert (
        answers.page_link(found[1].href)
        == "../06_claims/06_claims.html#4-seed-002-leadership-rotation-and-breadth-made-measurable"
    )
    assert answers.checked(table) == 3


def test_overall_composes_the_index_paragraph_from_stored_answers():
    stored = {
        "01_current_status": _answer(
            sentences=(
                answers.Sentence("flows", "Flows out.", "#weekly"),
                answers.Sentence("prices", "XLK 8% down.", "#drawdown"),
            )
        ),
        "05_monitor": _answer(
            verdict="Leaning yes",
            sentences=(answers.Sentence("checklist", "4 green.", "#checklist"),),
        ),
    }
    pages = {"01_current_status": "01_current_status/01_current_status.html"}
    parts = answers.overall(stored, pages)
    assert [p.question for p in parts] == [
        "Is money coming back into US tech?",
        "Is tech recovering?",
    ]
    assert parts[0].verdict == "Not yet" and parts[1].verdict == "Leaning yes"
    assert [s.text for s in parts[1].sentences] == ["4 green.", "XLK 8% down."]
    assert parts[0].sentences[0].href == "01_current_status/01_current_status.html#weekly"
    assert parts[1].sentences[0].href == ""  # 05's page is unknown: no link rather than a wrong one


@pytest.mark.parametrize(
    ("week", "year", "verdict"),
    [
        (1.0, 2.0, "Yes"),
        (1.0, -2.0, "Only just"),
        (-1.0, 2.0, "Not last week"),
        (-1.0, -2.0, "Not yet"),
    ],
)
def test_flows_verdict(week, year, verdict):
    assert status.flows_verdict(week, year) == verdict


def test_section_verdicts():
    assert drivers.drivers_verdict(rates_matter=False, rotation=True) == "Rotation more than rates"
    assert (
        drivers.drivers_verdict(rates_matter=False, rotation=False) == "No single driver stands out"
    )
    assert [risks.drawdown_verdict(d) for d in (-0.05, -0.10, -0.25)] == [
        "A pullback so far",
        "A correction",
        "A bear market",
    ]
    score = {"measured": 8, "net_score": 0.375}
    assert monitor.concordance_verdict(pd.Series(score)) == "Leaning yes"
    assert monitor.concordance_verdict(pd.Series(score | {"net_score": -0.5})) == "No, broadly"
    no_data = pd.Series(score | {"measured": 0})
    assert monitor.concordance_verdict(no_data) == "Cannot tell from this source"
    assert drivers.drivers_verdict(rates_matter=True, rotation=False) == "Rates"
    assert risks.drawdown_verdict(0.0) == "At its peak"


def _claims_verdict(exact_hold: int, exact_differ: int, unmeasured: int = 0, proxy: int = 0):
    verdicts = [ledger.CONSISTENT] * (exact_hold + proxy) + [ledger.DIFFERS] * exact_differ
    checks = ["exact"] * exact_hold + ["proxy"] * proxy + ["exact"] * exact_differ
    table = pd.DataFrame(
        {
            "verdict": verdicts + [ledger.NOT_MEASURABLE] * unmeasured,
            "check": checks + [""] * unmeasured,
        }
    )
    return claims.claims_verdict(claims.tally(table))


def test_claims_verdict_rests_on_exact_checks_and_says_how_many_were_checkable():
    assert (
        _claims_verdict(18, 2) == "Mostly: 18 of 20 exact checks hold (20 of 20 claims checkable)"
    )
    assert _claims_verdict(14, 6, 16, proxy=12) == (
        "Partly: 14 of 20 exact checks hold (32 of 48 claims checkable)"
    )
    assert _claims_verdict(2, 10).startswith("Mostly not: 2 of 12")
    # 3 of 49 checkable is no "Mostly"; neither are many proxies with few exact checks
    assert _claims_verdict(3, 0, 46) == "Too few to tell: 3 of 49 claims checkable (3 exactly)"
    assert _claims_verdict(2, 2, proxy=20) == (
        "Too few to tell: 24 of 24 claims checkable (4 exactly)"
    )
    assert _claims_verdict(0, 0, 5).startswith("Too few to tell: 0 of 5")


def test_status_answer_on_the_articles_week(snapshot_source):
    """01's answer against the flow file summed by hand over the tech funds' week."""
    src = snapshot_source
    _, by_group = flows.weekly_flows(src, "W-WED")
    daily = src.flows()
    week = daily[
        daily["ticker"].isin(TECH_FUNDS) & daily["date"].between("2026-02-05", "2026-02-11")
    ]
    year = daily[daily["ticker"].isin(TECH_FUNDS) & (daily["date"] <= "2026-02-11")]
    tech = src.close(["XLK"])["XLK"]
    status_table = markets.status_table({"XLK": src.ohlcv("XLK")}, None, 10)
    ranked = notional.notional_rank(notional.weekly_tech_notional(src, "W-WED")[0], 10)
    table = ledger.ledger(src, answers.section_claims("01_current_status"), week_end="W-WED")
    box = status.answer(
        by_group, "XLK", drawdowns.current(tech), status_table.loc["XLK"], 10, ranked, 10, table
    )
    assert box.verdict == "Not yet"
    assert (
        f"net outflows of {-week['flow_usd'].sum() / 1e9:.2f} USD bn" in box.sentence("flows").text
    )
    assert box.numbers[1].value == answers.signed_bn(year["flow_usd"].sum() / 1e9)
    assert (
        box.numbers[3].value
        == f"{tech.loc[ARTICLES_DATE] / tech.loc[:ARTICLES_DATE].max() - 1:+.1%}"
    )
    assert "A000-01" in {c.id for c in box.contradicted}
    assert "A000-08" not in {c.id for c in box.contradicted}  # IYW's $196.32 holds


def test_status_answer_says_how_old_the_latest_flow_week_is(snapshot_source):
    """Prices run past the flow file: the flows sentence dates its week against the prices."""
    src = snapshot_source
    _, by_group = flows.weekly_flows(src, "W-WED")
    tech = src.close(["XLK"])["XLK"]
    status_table = markets.status_table({"XLK": src.ohlcv("XLK")}, None, 10)
    ranked = notional.notional_rank(notional.weekly_tech_notional(src, "W-WED")[0], 10)
    table = ledger.ledger(src, answers.section_claims("01_current_status"), week_end="W-WED")
    args = (status_table.loc["XLK"], 10, ranked, 10, table)
    current = status.answer(by_group, "XLK", drawdowns.current(tech), *args)
    assert "weeks before" not in current.sentence("flows").text
    now = drawdowns.current(tech) | {"date": pd.Timestamp("2026-08-21")}
    later = status.answer(by_group, "XLK", now, *args)
    # 191 days before the prices: beyond the freshness limit, so the verdict names the date.
    assert later.verdict == "Unknown since 2026-02-11"
    assert "The flow data end with the week to Wednesday 2026-02-11, 191 days before" in (
        later.sentence("flows").text
    )
    weeks_later = now | {"date": pd.Timestamp("2026-03-06")}  # 23 days: within the limit
    assert "(the flow data's last complete week, 3 weeks before 2026-03-06)" in (
        status.answer(by_group, "XLK", weeks_later, *args).sentence("flows").text
    )


def test_status_answer_without_flows_is_unknown_and_says_why(snapshot_source):
    """Live share counts refused: the flows are unknown, not absent from the source."""
    src = snapshot_source
    tech = src.close(["XLK"])["XLK"]
    status_table = markets.status_table({"XLK": src.ohlcv("XLK")}, None, 10)
    ranked = notional.notional_rank(notional.weekly_tech_notional(src, "W-WED")[0], 10)
    table = ledger.ledger(src, answers.section_claims("01_current_status"), week_end="W-WED")
    gap = "Fund flows: not available from yahoo (share counts refused); a csv folder has them"
    args = (status_table.loc["XLK"], 10, ranked, 10, table, [gap])
    box = status.answer(None, "XLK", drawdowns.current(tech), *args)
    assert box.verdict == "Unknown"
    assert box.sentence("flows").text == f"Not available from this source: {gap}."


def test_claims_answer_counts_each_verdict_and_lists_what_differs():
    table = pd.DataFrame(
        {
            "id": ["A000-01", "A000-08", "A000-13", "A001-03", "A000-33"],
            "article": ["000", "000", "000", "001", "000"],
            "claim": ["inflow", "close", "mutual funds", "buying", "a 2026 cut"],
            "reported": ["$6.00bn", "$196.32", "-$1,000.00bn", "≥ +0.0 pp", "-25 bp"],
            "measured": ["-$4.94bn", "$196.32", "", "-6.1 pp", ""],
            "window": ["w"] * 5,
            "verdict": [
                ledger.DIFFERS,
                ledger.CONSISTENT,
                ledger.NOT_MEASURABLE,
                ledger.DIFFERS,
                ledger.NOT_YET,
            ],
            "check": ["proxy", "exact", "", "proxy", ""],
        }
    )
    box = claims.answer(table)
    assert box.verdict == "Too few to tell: 3 of 5 claims checkable (1 exactly)"
    assert box.sentence("claims").text == (
        "Of the articles' 5 quantitative claims, the data can check 3 of 5: 1 hold and 0 differ "
        "on exact checks, 0 hold and 2 differ on proxy checks (a stand-in measure, such as ETF "
        "flows for EPFR's fund totals); 1 cannot be measured from this source and 1 is not yet "
        "observable."
    )
    assert (
        box.sentence("articles").text
        == "By article, seed 000: 1 of 4 differ; seed 001: 1 of 1 differ."
    )
    assert [n.value for n in box.numbers] == ["5", "1 of 1", "0 of 2", "1", "1"]
    assert [c.id for c in box.contradicted] == ["A000-01", "A001-03"] and box.checked == 3


def test_monitor_answer_from_the_concordance_and_the_scenarios():
    score = pd.Series(
        {"signals": 13, "measured": 8, "green": 4, "amber": 3, "red": 1, "net_score": 0.375}
    )
    summary = pd.DataFrame(
        {
            "scenario": ["bull", "base", "bear"],
            "met": [2, 3, 1],
            "not met": [2, 1, 3],
            "no data": [1, 1, 1],
            "evaluable": [4, 4, 4],
            "share_met": [0.5, 0.75, 0.25],
            "favoured": [False, True, False],
        }
    )
    items = pd.DataFrame(
        {
            "key": ["highs_share", "flows_4w"],
            "signal": ["Tech stocks at a 52-week high", "Net flows, last 4 weeks"],
            "value": [8.84, -4.98],
            "shown": ["8.8% (6 of 72 at a high)", "-4.98 USD bn"],
        }
    )
    box = monitor.answer(score, summary, items, pd.DataFrame(columns=["verdict"]))
    assert box.verdict == "Leaning yes"
    assert box.sentence("scenario").text == (
        "Seed 002's scenario reading, from its conditions on the checklist: base: 3 of its 4 "
        "judgeable conditions met (12 of 15 of seed 002's conditions can be judged)."
    )
    assert [n.value for n in box.numbers] == [
        "+0.38",
        "4 / 3 / 1",
        "base (3 of 4 met)",
        "8.8%",
        "-4.98 USD bn",
    ]
    assert box.checked == 0 and box.contradicted == ()
    assert box.numbers[4].label == "Net flows, last 4 weeks"
    old = items.assign(stale=[False, True], as_of=pd.to_datetime(["2026-08-21", "2026-03-27"]))
    stale = monitor.answer(score, summary, old, pd.DataFrame(columns=["verdict"]))
    assert stale.numbers[4].label == "Net flows, last 4 weeks (to 2026-03-27: stale, not scored)"


def test_answer_links_work_in_jupyterlab_and_on_the_page():
    """JupyterLab ids a heading by its text with spaces as hyphens; the page by its slug."""
    heading = "1. The Fed's policy path"
    assert answers.anchor(heading) == "#1.-The-Fed's-policy-path"
    assert answers.report_href("06_claims", heading) == "06_claims.ipynb#1.-The-Fed's-policy-path"
    assert answers.page_link(answers.anchor(heading)) == "#1-the-feds-policy-path"
    assert answers.page_link("#1.-The-Fed's-policy-path", "02_drivers/02_drivers.html") == (
        "02_drivers/02_drivers.html#1-the-feds-policy-path"
    )
    assert answers.page_link("https://example.org/a#b") == "https://example.org/a#b"


def test_the_box_is_not_typeset_as_math():
    """JupyterLab's MathJax reads $...$ as math: the box opts out (mathjax_ignore)."""
    box = answers.Answer(
        "Did $6 billion flow in?",
        "No",
        (answers.Sentence("flows", "Tech took in $2.3 billion, not $6 billion."),),
    )
    markup = answers.box_html(box)
    assert 'class="tf-answer mathjax_ignore tex2jax_ignore"' in markup
    assert "$2.3 billion, not $6 billion" in markup
