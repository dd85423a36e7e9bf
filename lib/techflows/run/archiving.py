"""After a report run: each report's "Since <date>" panel, then the run kept in the dated archive.

mark_changes() compares every good section with its latest earlier run in the archive
(publish.changes), keeps the comparison in its figures.json, puts the panel into its page's
answer box and re-records the rewritten files in the section's stamp, so an unchanged rerun is
still reused. keep() copies the run into archive/<as-of>/ with that date's index and runs.json,
and rewrites archive/index.html, the list of every date with its answers. prune() is the only
way dates leave the archive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from techflows import atomic
from techflows.publish import archive, changes, page
from techflows.run import fingerprint, index_page
from techflows.run.execute import Log, RunResult
from techflows.run.report import RUNS_FILE
from techflows.views import answers


def _read(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def comparison(output_dir: Path, section: str, figures: dict[str, Any]) -> dict[str, Any]:
    """What changed in a section since its latest earlier run in the archive (JSON-ready)."""
    as_of = str(figures.get("as_of") or "")
    earlier = archive.previous(output_dir, as_of, section)
    before_folder = archive.folder(output_dir, earlier) / section if earlier else None
    found = changes.compare(
        _read(before_folder / "figures.json") if before_folder else None,
        figures,
        fingerprint.read_stamp(before_folder) if before_folder else None,
        fingerprint.read_stamp(Path(output_dir) / section),
    )
    return json.loads(json.dumps(found, default=str))


def mark_changes(results: Sequence[RunResult], output_dir: Path) -> None:
    """Put each good report's comparison into its figures.json and its panel into its page."""
    for result in results:
        folder = Path(output_dir) / result.name
        figures = _read(folder / "figures.json")
        if not result.ok or not figures or not figures.get("as_of"):
            continue
        report = folder / f"{result.name}.html"
        # Only the files this run published are marked (and their new bytes stamped).
        if not fingerprint.vouches_for(folder, ["figures.json", report.name]):
            continue
        found = comparison(output_dir, result.name, figures)
        rewritten = []
        if figures.get("changes") != found:
            figures["changes"] = found
            text = json.dumps(figures, indent=2, sort_keys=False, default=str) + "\n"
            atomic.write_text(folder / "figures.json", text)
            rewritten.append("figures.json")
        if report.is_file():
            html = report.read_text(encoding="utf-8")
            marked = page.with_panel(html, changes.panel_html(found, index_page.format_figure))
            if marked != html:
                atomic.write_text(report, marked)
                rewritten.append(report.name)
        if rewritten:
            fingerprint.refresh_files(folder, rewritten)


def _links(output_dir: Path, as_of: str) -> dict[str, str]:
    """From an archived index: the other archived dates, newest first."""
    others = [d for d in reversed(archive.dates(output_dir)) if d != as_of]
    return {d: f"../{d}/index.html" for d in others}


def write_dated_index(
    folder: Path,
    output_dir: Path,
    as_of: str,
    records: Sequence[dict[str, Any]],
    generated: str,
) -> None:
    """The runs.json and index.html of an archive folder: its sections' records, the earlier
    ones of sections this run did not replace first."""
    kept = (_read(archive.folder(output_dir, as_of) / RUNS_FILE) or {}).get("reports", [])
    merged = {r["name"]: r for r in kept}
    # The executed notebooks stay out of the archive (archive.LEFT_OUT).
    merged |= {r["name"]: {**r, "executed": None} for r in records}
    dated = [merged[n] for n in sorted(merged) if (folder / n).is_dir()]
    payload = {"generated": generated, "as_of": as_of, "reports": dated}
    atomic.write_text(folder / RUNS_FILE, json.dumps(payload, indent=2, default=str) + "\n")
    _write_index(folder, output_dir, as_of)


def _write_index(folder: Path, output_dir: Path, as_of: str) -> None:
    """An archived index, from its runs.json, linking every other archived date."""
    summary = _read(folder / RUNS_FILE) or {}
    records, generated = summary.get("reports", []), str(summary.get("generated", ""))
    html = index_page.render(
        records, generated, _links(output_dir, as_of), "../index.html", "../../index.html"
    )
    atomic.write_text(folder / "index.html", html)


def refresh(output_dir: Path) -> None:
    """Every archived index and the list of dates, so each links exactly the dates there are."""
    for date in archive.dates(output_dir):
        _write_index(archive.folder(output_dir, date), output_dir, date)
    write_listing(output_dir)


def keep(results: Sequence[RunResult], output_dir: Path, log: Log) -> list[str]:
    """Copy the run's good reports into archive/<as-of>/ (one folder per as-of date they have),
    with their entries of runs.json (written by report.write_summary) and that date's index.

    Returns the dates written. A failure is one log line: the previous archive stays.
    """
    output_dir = Path(output_dir)
    summary = _read(output_dir / RUNS_FILE) or {}
    generated = str(summary.get("generated", ""))
    records = {r["name"]: r for r in summary.get("reports", [])}
    by_date: dict[str, list[str]] = {}
    for result in results:
        as_of = archive.report_as_of(output_dir / result.name)
        if result.ok and as_of:
            by_date.setdefault(as_of, []).append(result.name)
    written = []
    for as_of, names in sorted(by_date.items()):
        mine = [records[n] for n in names if n in records]
        index = partial(
            write_dated_index, output_dir=output_dir, as_of=as_of, records=mine, generated=generated
        )
        try:
            archive.save(output_dir, as_of, names, index)
        except OSError as exc:
            log(f"the archive of {as_of} was not updated ({exc.strerror or exc}); it is as it was")
            continue
        written.append(as_of)
    refresh(output_dir)
    return written


LISTING = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>techflows: every dated report</title>
<style>{{ style }}</style>
</head>
<body>
<h1>techflows: every dated report</h1>
<p class="meta">Each report run keeps its pages here, by the as-of date of its data; a rerun for
the same date replaces that date's reports. <a href="../index.html">The latest report</a>.
{{ rows | length }} date(s), {{ size }} in all. Dates leave only by
<code>techflows archive prune</code>.</p>
<table>
<thead><tr><th>As of</th>{% for q in questions %}<th>{{ q }}</th>{% endfor %}<th>Reports</th>
</tr></thead>
<tbody>
{%- for r in rows %}
<tr><td><a href="{{ r.date }}/index.html">{{ r.date }}</a></td>
{%- for v in r.verdicts %}<td>{{ v }}</td>{% endfor %}
<td>{% for s in r.sections %}<a href="{{ r.date }}/{{ s }}/{{ s }}.html">{{ s[:2] }}</a>
{{ " " if not loop.last }}{% endfor %}</td></tr>
{%- endfor %}
</tbody>
</table>
</body>
</html>
"""


def write_listing(output_dir: Path) -> Path | None:
    """archive/index.html: every archived date, newest first, with the index's answers."""
    every = archive.dates(output_dir)
    if not every:
        return None
    questions = [question for question, _, _ in answers.OVERALL]
    rows = []
    for date in reversed(every):
        folder = archive.folder(output_dir, date)
        records = (_read(folder / RUNS_FILE) or {}).get("reports", [])
        verdicts = {p.question: p.verdict for p in index_page.overall_answer(records)}
        rows.append(
            {
                "date": date,
                "verdicts": [verdicts.get(q, "–") for q in questions],
                "sections": [r["name"] for r in records if (folder / r["name"]).is_dir()],
            }
        )
    megabytes = archive.size(archive.root(output_dir)) / 1e6
    html = (
        jinja2.Environment(autoescape=True)
        .from_string(LISTING)
        .render(
            rows=rows,
            questions=questions,
            size=f"{megabytes:.1f} MB",
            style=markupsafe.Markup(index_page.STYLE),
        )
    )
    return atomic.write_text(archive.root(output_dir) / "index.html", html)


def prune(output_dir: Path, keep: int | None = None, before: str | None = None) -> list[str]:
    """Remove archived dates (all but the newest keep, or those before a date), then relink the
    archived indexes, the list of dates and the latest index."""
    output_dir = Path(output_dir)
    removed = archive.prune(output_dir, keep=keep, before=before)
    refresh(output_dir)
    if not archive.dates(output_dir):
        (archive.root(output_dir) / "index.html").unlink(missing_ok=True)
    summary = _read(output_dir / RUNS_FILE)
    if summary is not None:
        index_page.write(output_dir, summary.get("reports", []), str(summary.get("generated")))
    return removed
