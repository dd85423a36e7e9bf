"""What every notebook needs: the data banner, honest one-line notes, and its figures file."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from IPython.display import HTML, display

from techflows import atomic, config
from techflows.errors import DataUnavailable, OfflineFallbackWarning
from techflows.markup import block, escape, note_html
from techflows.run.parameters import check_parameters
from techflows.views import answers

if TYPE_CHECKING:  # the index page reads LIVE_HINT without loading pandas
    import pandas as pd

    from techflows.data.source import Source
    from techflows.monitor.rules import Rule

__all__ = ["Figures", "banner", "check_parameters", "data_quality", "note"]

# Reports show the offline fallback in their banner; the warning would only repeat it.
warnings.filterwarnings("ignore", category=OfflineFallbackWarning)


# What a report on stored data says about getting the live one (banner and index page).
LIVE_HINT = (
    "For the live analysis (prices to today, company cash-flow statements, fund holdings, EPS "
    "revisions), run <code>make report</code> on a machine that reaches Yahoo Finance and FRED; "
    "to add your own data, <code>--source csv --data-dir FOLDER</code> (see the README)."
)
STORED_SOURCES = ("snapshot", "sample")


def banner(source: Source) -> None:
    """Show which source fed this report and the date range it covers."""
    first, last = source.date_range()
    as_of = "latest data" if source.as_of is None else f"as of {source.as_of.date()}"
    text = (
        f"Data source: <b>{escape(source.description)}</b> · market data "
        f"{first.date()} to {last.date()} ({as_of})"
    )
    if source.fallback_reason:
        text += f"<br><b>Note:</b> {escape(source.fallback_reason)}."
    if source.as_of is not None and source.has_members:
        text += (
            f"<br><b>Index membership is today's:</b> S&amp;P 500 members are the source's "
            f"current list, not those of {source.as_of.date()}, so stocks that have left the "
            "index since are missing from breadth and notional figures."
        )
    if source.fallback_reason or source.name in STORED_SOURCES:
        text += f"<br>{LIVE_HINT}"
    style = (
        "padding:6px 12px;border-left:4px solid #4c72b0;background:#eef2f8;margin:8px 0;"
        "font-size:13px;line-height:1.45"
    )
    show_html(f'<div class="techflows-banner" style="{style}">{text}</div>')


def show_html(markup: str) -> None:
    """Show HTML built here from escaped text, where JupyterLab will not typeset it as math."""
    display(HTML(block(markup)))


def note(text: str) -> None:
    """Show a line of commentary: our **bold**, *italic*, lists and breaks; data as text."""
    show_html(f'<div class="tf-note">{note_html(text)}</div>')


QUALITY_STYLE = (
    "border-left: 4px solid #d08a00; background: #fff8e6; padding: 4px 12px; margin: 8px 0; "
    "font: 14px system-ui, sans-serif"
)


def data_quality(flags: pd.DataFrame) -> None:
    """Show the source's data-quality flags (implausible values the figures may rest on)."""
    if flags.empty:
        return
    import pandas as pd

    items = "".join(
        f"<li>{escape(f.input)}, {escape(f.column)} on "
        f"{pd.Timestamp(f.date).date()}: {escape(f.problem)}</li>"
        for f in flags.itertuples()
    )
    show_html(
        f'<div class="tf-quality" style="{QUALITY_STYLE}"><p><strong>Data-quality flags '
        f"({len(flags)}):</strong> "
        "values that passed validation but are hard to believe; the figures that use them "
        f"may be wrong. Check the inputs named.</p><ul>{items}</ul></div>"
    )


class Figures:
    """Headline figures and tables of one section, written next to its HTML."""

    def __init__(self, section: str, source: Source, output_dir: str | Path = "") -> None:
        self.section = section
        self.source = source
        # Not the published report's folder: only the runner publishes there.
        self.output_dir = Path(output_dir) if output_dir else config.LAB_OUTPUT_DIR / section
        self.figures: list[dict[str, object]] = []
        self.missing: list[str] = []
        self.tables: list[str] = []
        self.answered: dict[str, object] | None = None
        self.uses: dict[str, list[str]] = {}  # input -> the headline figures resting on it

    @property
    def as_of(self) -> str:
        """The effective as-of date of this run."""
        return str(self.source.end.date())

    def add(
        self,
        name: str,
        value: object,
        unit: str,
        as_of: object = None,
        headline: bool = False,
        inputs: Iterable[str] = (),
        interval: tuple[float, float] | None = None,
        status: str | None = None,
        rule: Rule | None = None,
    ) -> object:
        """Record one figure; headline ones also appear on the index page. Returns the value.

        as_of: the date of the data behind the figure. inputs: the input ledger's names of what
        it rests on (Source.inputs); without as_of, the figure is dated by the oldest of them
        (an answer is only as current as its oldest input), and only then by the run's date.
        interval: its 95% interval (low, high) in the figure's unit, kept beside the value.
        A checklist signal also records its status (green, amber, red, no data) and its rule
        (in words, and its green and red thresholds).
        """
        if isinstance(value, float) and math.isfinite(value):
            stored: object = round(value, 6)
        elif isinstance(value, float):
            stored = None
        else:
            stored = value.item() if hasattr(value, "item") else value
        import pandas as pd

        inputs = tuple(dict.fromkeys(inputs))
        if as_of is None:
            as_of = self._oldest(inputs)
        when = str(pd.Timestamp(as_of).date()) if as_of is not None else self.as_of
        figure = {
            "name": name,
            "value": stored,
            "unit": unit,
            "as_of": when,
            "source": self.source.name,
            "headline": headline,
        }
        if interval is not None:
            figure["interval"] = [
                round(float(b), 6) if math.isfinite(float(b)) else None for b in interval
            ]
        if status is not None:
            figure["status"] = status
        if rule is not None:
            figure["rule"] = rule.describe()
            figure["thresholds"] = {"green": rule.green, "red": rule.red}
        self.figures.append(figure)
        if headline:
            for used in inputs:
                self.uses.setdefault(used, []).append(name)
        return value

    def _oldest(self, inputs: tuple[str, ...]) -> object:
        """The oldest last date among the named inputs the source has read (None: none)."""
        ledger = self.source.inputs().set_index("input")["last"]
        dates = ledger.reindex(list(inputs)).dropna()
        return dates.min() if len(dates) else None

    def ledger(self) -> list[dict[str, object]]:
        """The input ledger for figures.json: each input's last date, its age against the as-of
        date, whether it is stale, and the headline figures using it (oldest first)."""
        import pandas as pd

        rows = [
            {
                "input": row.input,
                "last": None if pd.isna(row.last) else str(pd.Timestamp(row.last).date()),
                "age_days": None if pd.isna(row.age_days) else int(row.age_days),
                "stale": bool(row.stale),
                "used_by": self.uses.get(row.input, []),
            }
            for row in self.source.inputs().itertuples()
        ]
        read = {row["input"] for row in rows}
        rows += [
            {"input": name, "last": None, "age_days": None, "stale": False, "used_by": used}
            for name, used in self.uses.items()
            if name not in read  # named by a figure, never read: shown, so a typo shows too
        ]
        return rows

    def table(self, name: str, frame: pd.DataFrame, precise: bool = False) -> pd.DataFrame:
        """Write a table as <name>.csv next to the HTML; returns the frame for display.

        Numbers keep six significant digits; precise keeps full precision (round-trip)."""
        float_format = None if precise else "%.6g"
        atomic.write_csv(self.output_dir / f"{name}.csv", frame, float_format=float_format)
        if name not in self.tables:
            self.tables.append(name)
        return frame

    def answer(self, box: answers.Answer) -> None:
        """Show the section's answer (the report puts it at the top) and keep it for the index."""
        self.answered = box.as_dict()
        show_html(answers.box_html(box))
        data_quality(self.source.quality)  # under the answer: what it may rest on

    @contextmanager
    def unless_missing(self) -> Iterator[None]:
        """Run a block; if the source lacks its data, say so in one line and carry on."""
        try:
            yield
        except DataUnavailable as gap:
            # Every section that lacks the data says so; the figures file lists each gap once.
            if str(gap) not in self.missing:
                self.missing.append(str(gap))
            show_html(
                f'<blockquote class="tf-missing"><p><strong>Not available:</strong> '
                f"{escape(gap)}</p></blockquote>"
            )

    @property
    def path(self) -> Path:
        """Where figures.json goes."""
        return self.output_dir / "figures.json"

    def write(self) -> None:
        """Write figures.json (no wall-clock times); the flags are shown here without an answer."""
        import pandas as pd

        flags = self.source.quality
        if self.answered is None:
            data_quality(flags)
        first, last = self.source.date_range()
        payload = {
            "section": self.section,
            "source": self.source.name,
            "source_description": self.source.description,
            "data_range": [str(first.date()), str(last.date())],
            "fallback": self.source.fallback_reason,
            "as_of": self.as_of,
            "figures": self.figures,
            "tables": [f"{t}.csv" for t in self.tables],
            "missing": self.missing,
            "inputs": self.ledger(),
            "data_quality": [
                {**row, "date": str(pd.Timestamp(row["date"]).date())}
                for row in flags.to_dict("records")
            ],
            "answer": self.answered,
        }
        text = json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n"
        atomic.write_text(self.path, text)
