"""Presentation for 06 claims: the ledger tables, verdict sentences and the verdict chart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from pandas.io.formats.style import Styler

from techflows.claims.ledger import (
    CONSISTENT,
    DIFFERS,
    EXACT,
    NOT_MEASURABLE,
    NOT_YET,
    PROXY,
    VERDICTS,
    split,
)
from techflows.views import answers, plots
from techflows.views.tables import show

VERDICT_COLOURS = {
    CONSISTENT: "#d4edda",
    DIFFERS: "#f8d7da",
    NOT_MEASURABLE: "#e2e3e5",
    NOT_YET: "#fff3cd",
}
CHART_COLOURS = {
    CONSISTENT: "#55a868",
    DIFFERS: "#c44e52",
    NOT_MEASURABLE: "#8c8c8c",
    NOT_YET: "#dd8452",
}
DISPLAY = (
    "id",
    "claim",
    "cited_source",
    "window",
    "reported",
    "measured",
    "tolerance",
    "verdict",
    "check",
    "measured_without_flagged",
    "verdict_without_flagged",
    "basis",
    "note",
)
UNMEASURED = ("id", "claim", "cited_source", "window", "reported", "verdict", "note")


def styled_claims(table: pd.DataFrame, article: str) -> Styler:
    """One article's claims (claims.ledger) as a table for reading, the verdict cell coloured."""
    part = table.loc[table["article"] == article, list(DISPLAY)].reset_index(drop=True)
    return (
        show(part, f"Article {article}: {len(part)} claims", table="claims")
        .map(
            lambda v: f"background-color: {VERDICT_COLOURS.get(v, 'white')}",
            subset=["verdict", "verdict_without_flagged"],
        )
        .set_properties(subset=["basis", "note"], **{"font-size": "85%"})
    )


def styled_counts(counts: pd.DataFrame) -> Styler:
    """Claims per article and verdict (ledger.verdict_counts)."""
    return show(counts, "Claims per article and verdict")


def styled_unmeasured(table: pd.DataFrame) -> Styler:
    """Claims this source could not check, or not yet, with the note on what would check them."""
    part = table[table["verdict"].isin([NOT_MEASURABLE, NOT_YET])]
    return show(
        part[list(UNMEASURED)], "Claims this source cannot check, or not yet", table="claims"
    )


def summary_line(table: pd.DataFrame, article: str | None = None) -> str:
    """'33 claims: 10 consistent, 8 differ, ...' for one article or all of them."""
    part = table if article is None else table[table["article"] == article]
    counts = part["verdict"].value_counts()
    words = {DIFFERS: "differ"}
    listed = ", ".join(f"{counts[v]} {words.get(v, v)}" for v in VERDICTS if counts.get(v, 0))
    noun = "claim" if len(part) == 1 else "claims"
    return f"{len(part)} {noun}: {listed}."


def claim_line(table: pd.DataFrame, claim_id: str) -> str:
    """One claim as 'stated X, measured Y: verdict', for commentary next to a section."""
    row = table.set_index("id").loc[claim_id]
    measured = row["measured"] or "—"
    line = (
        f'**{claim_id}** *"{row["claim"]}"*: article **{row["reported"]}**, '
        f"data **{measured}** ({row['window']}) → {row['verdict']}"
    )
    if row.get("measured_without_flagged"):
        line += (
            f"; without flagged prints **{row['measured_without_flagged']}** → "
            f"{row['verdict_without_flagged']}"
        )
    return line


CHART_KINDS = (
    split(CONSISTENT, EXACT),
    split(CONSISTENT, PROXY),
    split(DIFFERS, EXACT),
    split(DIFFERS, PROXY),
    NOT_MEASURABLE,
    NOT_YET,
)
CHART_KIND_COLOURS = dict(
    zip(
        CHART_KINDS,
        ("#55a868", "#a9d4b3", "#c44e52", "#e6a5a7", "#8c8c8c", "#dd8452"),
        strict=True,
    )
)


def verdict_chart(table: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    """Claims per article, stacked by verdict, the measured ones split into exact and proxy."""
    kind = table["verdict"].where(
        ~table["verdict"].isin([CONSISTENT, DIFFERS]), table["verdict"] + ", " + table["check"]
    )
    counts = pd.crosstab(table["article"], kind).reindex(columns=list(CHART_KINDS), fill_value=0)
    long = counts.rename_axis(columns="verdict").stack().rename("claims").reset_index()
    long["article"] = "seed " + long["article"]
    long = plots.as_category(long, "verdict", "article")
    ax = ax or plt.subplots(figsize=(10, 3))[1]
    sns.histplot(
        data=long,
        y="article",
        weights="claims",
        hue="verdict",
        hue_order=list(CHART_KINDS),
        multiple="stack",
        palette=CHART_KIND_COLOURS,
        shrink=0.7,
        ax=ax,
    )
    ax.set(
        title="Claims per article by verdict, exact and proxy checks", xlabel="claims", ylabel=""
    )
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="verdict", frameon=False)
    return ax


# The answer

QUESTION = "Do the articles' numbers hold up against the data?"
VERDICTS_HEADING = "1. The verdicts"
UNMEASURED_HEADING = "5. What would settle the rest"


# Below these the data cannot say whether the articles hold up: a verdict word would overstate
# what little it checked.
MIN_CHECKABLE_SHARE = 0.5  # of all claims, checked exactly or through a proxy
MIN_EXACT = 10  # exact checks, which the verdict word rests on


def tally(table: pd.DataFrame) -> dict[str, int]:
    """Claims of a ledger (claims.ledger) per verdict and, for measured ones, per check."""
    out = {verdict: int((table["verdict"] == verdict).sum()) for verdict in VERDICTS}
    for verdict in (CONSISTENT, DIFFERS):
        for check in (EXACT, PROXY):
            hit = (table["verdict"] == verdict) & (table["check"] == check)
            out[split(verdict, check)] = int(hit.sum())
    out["claims"] = len(table)
    out["checkable"] = out[CONSISTENT] + out[DIFFERS]
    out[EXACT] = out[split(CONSISTENT, EXACT)] + out[split(DIFFERS, EXACT)]
    out[PROXY] = out[split(CONSISTENT, PROXY)] + out[split(DIFFERS, PROXY)]
    return out


def claims_verdict(counts: dict[str, int]) -> str:
    """The answer's first words, from the exact checks (tally), saying how many could be
    checked: no 'Mostly' or 'Partly' when too few claims are checkable, or too few exactly."""
    n, checkable, exact = counts["claims"], counts["checkable"], counts[EXACT]
    reach = f"{checkable} of {n} claims checkable"
    if checkable < MIN_CHECKABLE_SHARE * n or exact < MIN_EXACT:
        return f"Too few to tell: {reach} ({exact} exactly)"
    hold = counts[split(CONSISTENT, EXACT)]
    share = hold / exact
    word = "Mostly" if share >= 0.75 else "Partly" if share >= 0.5 else "Mostly not"
    return f"{word}: {hold} of {exact} exact checks hold ({reach})"


def answer(table: pd.DataFrame) -> answers.Answer:
    """06's answer: how many claims hold or differ on exact and on proxy checks, how many
    cannot be checked, per article too."""
    counts = tally(table)
    unmeasured, later = counts[NOT_MEASURABLE], counts[NOT_YET]
    text = (
        f"Of the articles' {counts['claims']} quantitative claims, the data can check "
        f"{counts['checkable']} of {counts['claims']}: "
        f"{counts[split(CONSISTENT, EXACT)]} hold and {counts[split(DIFFERS, EXACT)]} differ "
        f"on exact checks, {counts[split(CONSISTENT, PROXY)]} hold and "
        f"{counts[split(DIFFERS, PROXY)]} differ on proxy checks (a stand-in measure, such as "
        f"ETF flows for EPFR's fund totals); {unmeasured} cannot be measured from this source"
    )
    text += f" and {later} {'is' if later == 1 else 'are'} not yet observable." if later else "."
    per_article = "; ".join(
        f"seed {article}: {int((part['verdict'] == DIFFERS).sum())} of {len(part)} differ"
        for article, part in table.groupby("article")
    )
    sentences = [
        answers.Sentence("claims", text, answers.anchor(VERDICTS_HEADING)),
        answers.Sentence(
            "articles", f"By article, {per_article}.", answers.anchor(VERDICTS_HEADING)
        ),
    ]
    numbers = [
        answers.Number(
            str(counts["claims"]), "claims in the three articles", answers.anchor(VERDICTS_HEADING)
        ),
        answers.Number(
            f"{counts[split(CONSISTENT, EXACT)]} of {counts[EXACT]}",
            "exact checks that hold",
            answers.anchor(VERDICTS_HEADING),
        ),
        answers.Number(
            f"{counts[split(CONSISTENT, PROXY)]} of {counts[PROXY]}",
            "proxy checks that hold",
            answers.anchor(VERDICTS_HEADING),
        ),
        answers.Number(
            str(unmeasured), "not measurable from this source", answers.anchor(UNMEASURED_HEADING)
        ),
        answers.Number(str(later), "not yet observable", answers.anchor(UNMEASURED_HEADING)),
    ]
    return answers.answer(QUESTION, claims_verdict(counts), sentences, numbers, table)
