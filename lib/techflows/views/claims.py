"""Presentation for 06 claims: the ledger tables, verdict sentences and the verdict chart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from pandas.io.formats.style import Styler

from techflows.claims.ledger import (
    CONSISTENT,
    DIFFERS,
    NOT_MEASURABLE,
    NOT_YET,
    VERDICTS,
    verdict_counts,
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


def verdict_chart(table: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    """Claims per article, stacked by verdict."""
    counts = verdict_counts(table).drop(index="all")[list(VERDICTS)]
    long = counts.rename_axis(columns="verdict").stack().rename("claims").reset_index()
    long["article"] = "seed " + long["article"]
    long = plots.as_category(long, "verdict", "article")
    ax = ax or plt.subplots(figsize=(10, 3))[1]
    sns.histplot(
        data=long,
        y="article",
        weights="claims",
        hue="verdict",
        hue_order=list(VERDICTS),
        multiple="stack",
        palette=CHART_COLOURS,
        shrink=0.7,
        ax=ax,
    )
    ax.set(title="Claims per article by verdict", xlabel="claims", ylabel="")
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title="verdict", frameon=False)
    return ax


# The answer

QUESTION = "Do the articles' numbers hold up against the data?"
VERDICTS_HEADING = "1. The verdicts"
UNMEASURED_HEADING = "5. What would settle the rest"


def claims_verdict(consistent: int, differs: int) -> str:
    """The answer's first words from the share of checkable claims that hold."""
    if not consistent + differs:
        return "Cannot tell from this source"
    share = consistent / (consistent + differs)
    if share >= 0.75:
        return "Mostly"
    return "Partly" if share >= 0.5 else "Mostly not"


def answer(table: pd.DataFrame) -> answers.Answer:
    """06's answer: how many claims hold, differ or cannot be checked, per article too."""
    counts = table["verdict"].value_counts()
    consistent, differs = int(counts.get(CONSISTENT, 0)), int(counts.get(DIFFERS, 0))
    unmeasured, later = int(counts.get(NOT_MEASURABLE, 0)), int(counts.get(NOT_YET, 0))
    text = (
        f"Of the articles' {len(table)} quantitative claims, the data can check "
        f"{consistent + differs}: {consistent} hold and {differs} differ; {unmeasured} cannot "
        "be measured from this source"
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
            str(len(table)), "claims in the three articles", answers.anchor(VERDICTS_HEADING)
        ),
        answers.Number(
            str(consistent), "consistent with the data", answers.anchor(VERDICTS_HEADING)
        ),
        answers.Number(str(differs), "the data contradicts", answers.anchor(VERDICTS_HEADING)),
        answers.Number(
            str(unmeasured), "not measurable from this source", answers.anchor(UNMEASURED_HEADING)
        ),
        answers.Number(str(later), "not yet observable", answers.anchor(UNMEASURED_HEADING)),
    ]
    return answers.answer(QUESTION, claims_verdict(consistent, differs), sentences, numbers, table)
