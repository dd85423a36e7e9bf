"""The answer first: each section's question, its answer, the numbers that carry it, and the
article claims the data contradicts; and the index's answer to the whole question.

A section builds its Answer at the end of its notebook (views.<section>.answer); the report
template shows it at the top of the page, figures.json keeps it (as_dict) and the index page
composes its paragraph from the stored answers (overall).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from techflows.markup import escape

if TYPE_CHECKING:  # the index page renders answers without loading pandas or the claims
    import pandas as pd

CLAIMS_REPORT = "06_claims"

# Which article claims each report section examines: the one place that maps claims (ids of
# data/claims.csv) to sections. 06 examines them all.
SECTION_CLAIMS: dict[str, tuple[str, ...]] = {
    "01_current_status": (
        *(f"A000-{i:02d}" for i in range(1, 15)),
        "A001-01",
        "A001-02",
        "A001-03",
        *(f"A002-{i:02d}" for i in range(1, 11)),
    ),
    "02_drivers": (*(f"A000-{i:02d}" for i in range(15, 31)), "A000-34"),
    "03_risks": ("A000-31", "A000-32", "A000-33", "A002-07", "A002-08"),
    "04_predictions": ("A000-01", "A000-02", "A001-01", "A001-03", "A002-11", "A002-12"),
    "05_monitor": ("A000-17", "A000-18", "A002-08", "A002-09", "A002-10", "A002-11", "A002-12"),
}

# The headings of the claims report that list each article's claims (their anchors).
CLAIMS_HEADINGS = {
    "000": "2. Seed 000: fund flows, IYW, the Fed, AI capex",
    "001": "3. Seed 001: a record week of notional buying",
    "002": "4. Seed 002: leadership, rotation and breadth, made measurable",
}


def slug(text: str) -> str:
    """A heading's anchor: lower-case words joined by hyphens ("1. The Fed's path" ->
    "1-the-feds-path"); the report template gives every heading this id."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"['’]", "", plain.lower())
    return "-".join(re.findall(r"[a-z0-9]+", plain))


# Answer links are written as JupyterLab follows them, where the analyst sees the box first: a
# heading's id there is its text with spaces as hyphens, another section is its notebook. The
# report's pages (html_export) and the index turn them into their own links (page_link).
NOTEBOOK_LINK = re.compile(r"(?:(?P<section>[\w.-]+)\.ipynb)?(?:#(?P<fragment>.*))?")


def anchor(heading: str) -> str:
    """The link to a heading of this section, '#1.-The-Fed's-path' (JupyterLab's heading id)."""
    return "#" + heading.strip().replace(" ", "-")


def report_href(section: str, heading: str = "") -> str:
    """A link to another section (or one of its headings): its notebook, '06_claims.ipynb#...'."""
    return f"{section}.ipynb" + (anchor(heading) if heading else "")


def page_link(href: str, page: str = "") -> str:
    """An answer link as the reports' pages need it: a heading's anchor is its slug, another
    section is its report ('06_claims.ipynb#2.-Seed-000' -> '../06_claims/06_claims.html#2-seed-
    000'); page prefixes an in-page anchor (the index links into a report). Other links stay."""
    found = NOTEBOOK_LINK.fullmatch(href)
    if not href or found is None:
        return href
    fragment = found["fragment"]
    target = f"#{slug(unquote(fragment))}" if fragment is not None else ""
    section = found["section"]
    return f"../{section}/{section}.html{target}" if section else f"{page}{target}"


@dataclass(frozen=True)
class Number:
    """One of the numbers that carry an answer: its value with unit, what it is, where shown."""

    value: str
    label: str
    href: str = ""


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer and the heading of the evidence it rests on."""

    key: str
    text: str
    href: str = ""


@dataclass(frozen=True)
class Contradiction:
    """An article claim the data contradicts: what the article says, what the data says."""

    id: str
    claim: str
    reported: str
    measured: str
    window: str
    href: str = ""


@dataclass(frozen=True)
class Answer:
    """A section's question, its verdict and sentences, key numbers and contradicted claims."""

    question: str
    verdict: str
    sentences: tuple[Sentence, ...]
    numbers: tuple[Number, ...] = ()
    contradicted: tuple[Contradiction, ...] = ()
    checked: int = 0  # claims of the section the data could judge
    missing: tuple[str, ...] = field(default=())  # parts the source could not answer

    def sentence(self, key: str) -> Sentence | None:
        """The sentence with this key, if the answer has it."""
        return next((s for s in self.sentences if s.key == key), None)

    def as_dict(self) -> dict[str, object]:
        """The answer for figures.json."""
        return asdict(self)


def from_dict(data: Mapping[str, object]) -> Answer:
    """An Answer back from figures.json."""
    return Answer(
        question=str(data.get("question", "")),
        verdict=str(data.get("verdict", "")),
        sentences=tuple(Sentence(**s) for s in data.get("sentences", ())),
        numbers=tuple(Number(**n) for n in data.get("numbers", ())),
        contradicted=tuple(Contradiction(**c) for c in data.get("contradicted", ())),
        checked=int(data.get("checked", 0) or 0),
        missing=tuple(data.get("missing", ())),
    )


# Claims


def section_claims(section: str) -> pd.DataFrame:
    """The claims (data/claims.csv rows) a section examines: SECTION_CLAIMS, or all for 06."""
    from techflows.claims import ledger

    claims = ledger.load_claims()
    if section == CLAIMS_REPORT:
        return claims
    return claims.loc[[i for i in SECTION_CLAIMS.get(section, ()) if i in claims.index]]


def contradicted(table: pd.DataFrame) -> tuple[Contradiction, ...]:
    """The claims of a ledger table (claims.ledger) whose verdict is 'differs'."""
    from techflows.claims import ledger

    rows = table[table["verdict"] == ledger.DIFFERS]
    return tuple(
        Contradiction(
            id=r.id,
            claim=r.claim,
            reported=r.reported,
            measured=r.measured,
            window=r.window,
            href=report_href(CLAIMS_REPORT, CLAIMS_HEADINGS.get(r.article, "")),
        )
        for r in rows.itertuples()
    )


def checked(table: pd.DataFrame) -> int:
    """How many claims of a ledger table the data could judge (consistent or differs)."""
    from techflows.claims import ledger

    return int(table["verdict"].isin([ledger.CONSISTENT, ledger.DIFFERS]).sum())


def answer(
    question: str,
    verdict: str,
    sentences: Sequence[Sentence],
    numbers: Sequence[Number],
    claims: pd.DataFrame,
) -> Answer:
    """An Answer with the contradicted claims of a ledger table of the section's claims."""
    return Answer(
        question, verdict, tuple(sentences), tuple(numbers), contradicted(claims), checked(claims)
    )


# Words shared by the section answers


def signed_bn(value: float) -> str:
    """A flow in USD bn for a sentence: '+1.23 USD bn'."""
    return f"{value:+,.2f} USD bn"


def plural(n: int, noun: str) -> str:
    """'1 signal', '2 signals'."""
    return f"{n} {noun if n == 1 else noun + 's'}"


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def not_available(what: str, gaps: Sequence[str]) -> Sentence:
    """The sentence an answer gives when its source lacks what a part needs (the first gap
    that names it, from Figures.missing)."""
    why = next((g for g in gaps if what.rstrip("s") in g.lower()), "")
    return Sentence(what, f"Not available from this source: {(why or what).rstrip('.')}.")


# The box at the top of each report


BOX_CSS = """
.tf-answer { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  border: 1px solid #c9d3e6; border-left: 6px solid #2a5ca8; background: #f6f8fc;
  padding: 14px 18px; margin: 4px 0 10px; border-radius: 4px; }
.tf-answer .tf-q { font-size: 13px; text-transform: uppercase; letter-spacing: .04em;
  color: #5a6473; margin: 0 0 4px; }
.tf-answer .tf-q b { text-transform: none; letter-spacing: 0; font-size: 15px; color: #222; }
.tf-answer p.tf-a { font-size: 16px; line-height: 1.5; margin: 4px 0 10px; color: #1d1d1d; }
.tf-answer .tf-verdict { font-weight: 700; color: #2a5ca8; }
.tf-answer ul.tf-numbers { display: flex; flex-wrap: wrap; gap: 8px; list-style: none;
  padding: 0; margin: 6px 0 8px; }
.tf-answer ul.tf-numbers li { flex: 1 1 150px; max-width: 230px; background: #fff;
  border: 1px solid #dde3ee; border-radius: 4px; padding: 6px 10px; margin: 0; }
.tf-answer .tf-value { display: block; font-size: 19px; font-weight: 700; color: #1d1d1d;
  font-variant-numeric: tabular-nums; overflow-wrap: break-word; }
.tf-answer .tf-label { display: block; font-size: 12px; color: #5a6473; line-height: 1.3; }
.tf-answer ul.tf-numbers a { text-decoration: none; color: inherit; }
.tf-answer .tf-claims { font-size: 13px; margin: 6px 0 0; color: #333; }
.tf-answer .tf-claims ul { margin: 2px 0 0; padding-left: 18px; }
.tf-answer .tf-claims li { margin: 1px 0; }
.tf-answer .tf-claims .tf-data { color: #a12a2f; font-weight: 600; }
"""


def _link(href: str, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _claims_html(answer: Answer, limit: int) -> str:
    shown = answer.contradicted[:limit]
    if not answer.contradicted:
        if not answer.checked:
            return ""
        text = (
            f"No article claim examined here is contradicted by the data "
            f"({plural(answer.checked, 'claim')} checked)."
        )
        return f'<div class="tf-claims">{text}</div>'
    items = "".join(
        f'<li title="{escape(c.window)}">{_link(c.href, escape(c.id))} '
        f"“{escape(c.claim)}”: article {escape(c.reported)}, data "
        f'<span class="tf-data">{escape(c.measured)}</span></li>'
        for c in shown
    )
    more = len(answer.contradicted) - len(shown)
    tail = f"<li>and {more} more, in the claims ledger</li>" if more > 0 else ""
    head = (
        f"<b>Article claims the data contradicts</b> ({len(answer.contradicted)} of "
        f"{answer.checked} checked):"
    )
    return f'<div class="tf-claims">{head}<ul>{items}{tail}</ul></div>'


def box_html(answer: Answer, claims_shown: int = 6) -> str:
    """The answer box: question, verdict and sentences, the key numbers, contradicted claims."""
    sentences = " ".join(escape(s.text) for s in answer.sentences)
    numbers = "".join(
        "<li>"
        + _link(n.href, f'<span class="tf-value">{escape(n.value)}</span>')
        + f'<span class="tf-label">{escape(n.label)}</span></li>'
        for n in answer.numbers
    )
    strip = f'<ul class="tf-numbers">{numbers}</ul>' if numbers else ""
    return (
        # mathjax_ignore: JupyterLab's MathJax would typeset "$6 bn ... $2 bn" as math.
        f'<section class="tf-answer mathjax_ignore tex2jax_ignore" id="answer">'
        f"<style>{BOX_CSS}</style>"
        f'<div class="tf-q">The question: <b>{escape(answer.question)}</b></div>'
        f'<p class="tf-a"><span class="tf-verdict">{escape(answer.verdict)}.</span> '
        f"{sentences}</p>{strip}{_claims_html(answer, claims_shown)}</section>"
    )


# The index: the whole question


# (question, verdict from section, [(section, sentence key), ...])
OVERALL = (
    ("Is money coming back into US tech?", "01_current_status", (("01_current_status", "flows"),)),
    (
        "Is tech recovering?",
        "05_monitor",
        (
            ("05_monitor", "checklist"),
            ("07_track_record", "checklist"),
            ("05_monitor", "scenario"),
            ("01_current_status", "prices"),
        ),
    ),
    ("Do the articles' numbers hold up?", CLAIMS_REPORT, ((CLAIMS_REPORT, "claims"),)),
)


@dataclass(frozen=True)
class Part:
    """One question of the index paragraph, its verdict and its linked sentences."""

    question: str
    verdict: str
    sentences: tuple[Sentence, ...]


def overall(answers: Mapping[str, Answer], pages: Mapping[str, str]) -> list[Part]:
    """The index's answer to the whole question, from the sections' stored answers.

    pages: each section's report page relative to the index; a sentence's link is its page
    plus its anchor. Questions whose sections did not run are left out.
    """
    parts = []
    for question, verdict_from, picks in OVERALL:
        sentences = []
        for section, key in picks:
            found = answers[section].sentence(key) if section in answers else None
            if found is None:
                continue
            page = pages.get(section, "")
            href = page_link(found.href, page) if page and found.href.startswith("#") else page
            sentences.append(Sentence(key, found.text, href))
        if sentences and verdict_from in answers:
            parts.append(Part(question, answers[verdict_from].verdict, tuple(sentences)))
    return parts
