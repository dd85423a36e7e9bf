"""Section 06's presentation: exact sentences on a hand-made ledger; tables and chart build."""

import pandas as pd
import pytest

from techflows.claims import ledger
from techflows.views import claims as view


@pytest.fixture
def table() -> pd.DataFrame:
    rows = [
        ("A000-01", "000", "tech took in $6 billion", "$6.00bn", "$7.10bn", ledger.CONSISTENT),
        ("A000-02", "000", "an outflow of $2.34 billion", "≤ $0.00bn", "$1.20bn", ledger.DIFFERS),
        ("A000-03", "000", "materials 5 sd above", "5.0 sd", "", ledger.NOT_MEASURABLE),
        ("A001-01", "001", "the largest week in 10 years", "#1", "", ledger.NOT_YET),
    ]
    frame = pd.DataFrame(
        rows, columns=["id", "article", "claim", "reported", "measured", "verdict"]
    )
    return frame.assign(
        section="s",
        cited_source="BofA",
        tolerance="±25% of reported",
        basis="ETF PROXY",
        note="would need EPFR",
        window="week ending Wed 2026-02-04 (2026-01-29 to 2026-02-04)",
        measured_without_flagged=["$6.00bn", "-$0.87bn", "", ""],
        verdict_without_flagged=[ledger.CONSISTENT, ledger.CONSISTENT, "", ""],
        check=["proxy", "proxy", "", ""],
    )


def test_summary_line_for_all_articles_and_one(table):
    assert view.summary_line(table) == (
        "4 claims: 1 consistent, 1 differ, 1 not measurable from this source, 1 not yet observable."
    )
    assert view.summary_line(table, "001") == "1 claim: 1 not yet observable."


def test_claim_line_shows_a_dash_when_nothing_was_measured(table):
    assert view.claim_line(table, "A000-02") == (
        '**A000-02** *"an outflow of $2.34 billion"*: article **≤ $0.00bn**, '
        "data **$1.20bn** (week ending Wed 2026-02-04 (2026-01-29 to 2026-02-04)) → differs; "
        "without flagged prints **-$0.87bn** → consistent"
    )
    assert view.claim_line(table, "A000-03").endswith(
        "data **—** (week ending Wed 2026-02-04 (2026-01-29 to 2026-02-04)) → "
        "not measurable from this source"
    )


def test_styled_claims_colours_the_verdicts_of_one_article(table):
    html = view.styled_claims(table, "000").to_html()
    assert "#f8d7da" in html or "#d4edda" in html
    assert "Article 000: 3 claims" in html
    assert "A001-01" not in html


def test_styled_unmeasured_lists_only_the_unchecked_claims(table):
    shown = view.styled_unmeasured(table).data
    assert list(shown["id"]) == ["A000-03", "A001-01"]
    assert list(shown.columns) == list(view.UNMEASURED)


def test_verdict_chart_builds(table):
    ax = view.verdict_chart(table)
    assert ax.get_title() == "Claims per article by verdict, exact and proxy checks"


def _ledger(consistent: int, differs: int, unmeasured: int, later: int, proxy: int = 0):
    """A hand-made ledger: `proxy` of the consistent claims are proxy checks."""
    verdicts = (
        [ledger.CONSISTENT] * consistent
        + [ledger.DIFFERS] * differs
        + [ledger.NOT_MEASURABLE] * unmeasured
        + [ledger.NOT_YET] * later
    )
    checks = ["proxy"] * proxy + ["exact"] * (consistent - proxy) + ["exact"] * differs
    checks += [""] * (unmeasured + later)
    n = len(verdicts)
    return pd.DataFrame(
        {
            "id": [f"A000-{i:02d}" for i in range(n)],
            "article": "000",
            "claim": "c",
            "reported": "r",
            "measured": "m",
            "window": "w",
            "verdict": verdicts,
            "check": checks,
        }
    )


def test_three_checkable_claims_of_49_are_not_mostly():
    box = view.answer(_ledger(3, 0, 24, 22))
    assert not box.verdict.startswith(("Mostly", "Partly"))
    assert "3 of 49" in box.verdict
    assert "3 of 49" in box.sentence("claims").text


def test_the_claims_answer_separates_exact_from_proxy_checks():
    box = view.answer(_ledger(19, 14, 15, 1, proxy=5))
    text = box.sentence("claims").text
    assert "33 of 49" in text
    assert "14 hold and 14 differ on exact checks" in text
    assert "5 hold and 0 differ on proxy checks" in text
    assert "19 hold" not in text
    assert "exact" in box.verdict and "33 of 49" in box.verdict
