"""The reports' front page: headline figures first, then every run with its status and data."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from techflows import atomic, config
from techflows.publish import archive, changes, page
from techflows.run.notebook import LIVE_HINT, STORED_SOURCES
from techflows.views import answers

# A reused report is as good as a fresh one: its inputs have not changed since it ran.
GOOD = ("ok", "reused")

# The look of the index, shared by the sweep page.
STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.meta { color: #666; margin-top: 0; }
.banner { padding: 8px 12px; border-left: 4px solid #4c72b0; background: #eef2f8; margin: 8px 0; }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(21rem, 1fr));
           gap: .6rem 1.2rem; }
.card { border-left: 4px solid #4c72b0; background: #f5f7fb; padding: .4rem .8rem; }
.card.failed { border-left-color: #c44e52; background: #fbf3f3; }
.card h3 { font-size: 1rem; margin: .1rem 0 .3rem; }
.card ul { margin: 0; padding-left: 1.1rem; }
.value { font-weight: 600; font-variant-numeric: tabular-nums; }
.note { color: #777; font-size: .88rem; }
a { color: #2a5ca8; text-decoration: none; } a:hover { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
         border-bottom: 1px solid #e3e3e3; }
th { background: #f0f0f0; }
.ok { color: #2e7d32; font-weight: 600; } .failed-status { color: #c62828; font-weight: 600; }
.error { color: #8e1c1c; font-family: ui-monospace, Menlo, Consolas, monospace;
         font-size: .85rem; white-space: pre-wrap; }
code { font-size: .85rem; }
.answer { border: 1px solid #c9d3e6; border-left: 6px solid #2a5ca8; background: #f6f8fc;
          padding: .8rem 1.1rem; margin: 1rem 0 .4rem; border-radius: 4px; }
.answer h2 { margin: 0 0 .4rem; border: 0; font-size: 1.25rem; }
.answer p { font-size: 1.05rem; line-height: 1.55; margin: .2rem 0; }
.answer .q { font-weight: 700; }
.answer .verdict { font-weight: 700; color: #2a5ca8; }
.answer a.src { font-size: .8rem; white-space: nowrap; background: #e3eaf6; border-radius: 3px;
                padding: 0 .3rem; margin-left: .15rem; }
.hint { color: #444; font-size: .9rem; }
.tf-scroll { overflow-x: auto; max-width: 100%; }
.tf-scroll code { overflow-wrap: anywhere; }
@media (max-width: 700px) { .summary { grid-template-columns: 1fr; } }
@page { size: A4; margin: 18mm 12mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11px; }
  .tf-scroll { overflow: visible; }
  table { font-size: 8.5px; } th, td { overflow-wrap: break-word; hyphens: auto; padding: 2px 4px; }
  .card, tr, .answer { break-inside: avoid; } h2 { break-after: avoid; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page_title }}</title>
<style>{{ style }}</style>
</head>
<body>
<h1>{{ page_title }}</h1>
<p class="meta">Generated {{ generated_text }} · {{ records | length }} report(s):
{{ n_ok }} ok{% if n_reused %} ({{ n_reused }} reused: inputs unchanged){% endif %}
{%- if n_failed %}, <span class="failed-status">{{ n_failed }} failed</span>{% endif %}.
Machine-readable summary: <a href="runs.json">runs.json</a>.</p>
{%- if latest_href %}
<p class="meta">The archived report of {{ as_of }}: <a href="{{ latest_href }}">the latest report
</a> · <a href="{{ archive_href }}">every dated report</a>.</p>
{%- endif %}
{%- if dates %}
<p class="meta">{% if earlier %}Earlier reports{% else %}Other dates{% endif %}:
{% for d, href in dates.items() %}<a href="{{ href }}">{{ d }}</a>{{ " · " if not loop.last }}
{%- endfor %}{% if not latest_href %} (<a href="{{ archive_href }}">all, with their answers</a>)
{%- endif %}.</p>
{%- endif %}

{%- if overall %}
<section class="answer" id="the-answer">
<h2>Is money coming back into US tech, and is tech recovering?</h2>
{%- for part in overall %}
<p><span class="q">{{ part.question }}</span> <span class="verdict">{{ part.verdict }}.</span>
{%- for s in part.sentences %} {{ s.text }}{% if s.href %}<a class="src" href="{{ s.href }}"
title="the evidence">{{ s.href.split('/')[0][:2] }} ›</a>{% endif %}{% endfor %}</p>
{%- endfor %}
{{ since }}
</section>
{%- elif since %}
<section class="answer" id="the-answer">{{ since }}</section>
{%- endif %}
{%- for d in data_sources %}
<div class="banner">Data source: <b>{{ d.description }}</b>{% if d.range %} · market data
{{ d.range[0] }} to {{ d.range[1] }}{% endif %}{% if d.fallback %}<br><b>Note:</b>
{{ d.fallback }}.{% endif %}{% if d.stored %}<br><span class="hint">{{ live_hint }}</span>
{%- endif %}</div>
{%- endfor %}

<h2>Headlines</h2>
<div class="summary">
{%- for r in records %}
<div class="card{% if not r.good %} failed{% endif %}">
<h3>{% if r.html %}<a href="{{ r.html }}">{{ r.title }}</a>{% else %}{{ r.title }}{% endif %}</h3>
{%- if r.source %}
<div class="note">{{ r.source }} data as of {{ r.as_of }}</div>
{%- endif %}
{%- if not r.good %}
<div class="error">failed: {{ r.error_line }}</div>
{%- endif %}
{%- if r.headlines %}
<ul>
{%- for f in r.headlines %}
<li>{% if r.html %}<a href="{{ r.html }}">{{ f.name }}</a>{% else %}{{ f.name }}{% endif %}:
<span class="value">{{ f.value_text }}</span>{{ f.unit_text }}
{%- if f.stale %} <span class="note">(data to {{ f.as_of }}: stale)</span>{% endif %}</li>
{%- endfor %}
</ul>
{%- if not r.figures_current %}<div class="note">figures from the last good run</div>{% endif %}
{%- elif r.good %}
<div class="note">no headline figures</div>
{%- endif %}
</div>
{%- endfor %}
</div>

{%- if ledger.rows or ledger.stale_unused %}
<h2 id="inputs">How current the inputs are</h2>
<p class="note">Each input a headline rests on: its last date, its age against the as-of date, and
the headlines using it. An input more than {{ ledger.limit }} days old is stale: a verdict on it
says since when it is unknown.{% if ledger.stale_unused %} Stale, but no headline rests on them:
{{ ledger.stale_unused | join(", ") }}.{% endif %}{% if ledger.others %} {{ ledger.others }} more
input(s), all current, are listed in each report's figures.json.{% endif %}</p>
{%- if ledger.rows %}
<div class="tf-scroll">
<table>
<thead><tr><th>Input</th><th>Last date</th><th>Age</th><th>Status</th><th>Headlines using it</th>
</tr></thead>
<tbody>
{%- for i in ledger.rows %}
<tr><td>{{ i.input }}</td><td>{{ i.last or "undated" }}</td>
<td>{% if i.age_days is not none %}{{ i.age_days }} days{% endif %}</td>
<td>{% if i.stale %}<span class="failed-status">stale</span>{% else %}current{% endif %}</td>
<td>{{ i.used_by | join("; ") }}</td></tr>
{%- endfor %}
</tbody>
</table>
</div>
{%- endif %}
{%- endif %}

<h2>Reports</h2>
<div class="tf-scroll">
<table>
<thead><tr><th>Report</th><th>Status</th><th>Run time</th><th>Data</th><th>Parameters</th>
<th>Files</th></tr></thead>
<tbody>
{%- for r in records %}
<tr>
<td>{% if r.html %}<a href="{{ r.html }}">{{ r.title }}</a>{% else %}{{ r.title }}{% endif %}
<br><code>{{ r.notebook }}</code></td>
<td>{% if r.status == 'reused' %}<span class="ok">reused</span><div class="note">inputs unchanged
since this run</div>{% elif r.good %}<span class="ok">ok</span>{% else %}
<span class="failed-status">failed</span><div class="error">{{ r.error_line }}</div>{% endif %}</td>
<td>{{ r.seconds_text }}<br><span class="note">started {{ r.started_text }}</span></td>
<td>{% if r.source %}{{ r.source }}, as of {{ r.as_of }}{% else %}n/a{% endif %}
{%- if not r.figures_current and r.source %}<br><span class="note">last good run</span>{% endif %}
{%- if r.missing %}<br><span class="note">{{ r.missing | length }} item(s) not available
</span>{% endif %}</td>
<td>{% for k, v in r.parameters.items() %}<code>{{ k }}={{ v | tojson }}</code><br>{% endfor %}</td>
<td>{% if r.failed_notebook %}<a href="{{ r.failed_notebook }}">failed notebook</a><br>{% endif %}
{%- if not r.good and (r.html or r.executed or r.figures) %}
<span class="note">last good run:</span><br>{% endif %}
{%- if r.html %}<a href="{{ r.html }}">report</a><br>{% endif %}
{%- if r.executed %}<a href="{{ r.executed }}">executed notebook</a><br>{% endif %}
{%- if r.figures %}<a href="{{ r.figures }}">figures.json</a>{% endif %}</td>
</tr>
{%- endfor %}
</tbody>
</table>
</div>
</body>
</html>
"""


def format_value(value: object) -> str:
    """A figure for reading: thousands separators, a few significant digits, n/a for missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0 or abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.3g}"
    return str(value)


# Units read better as a percentage, and count nouns that agree with their number.
AS_PERCENT = ("fraction", "probability")
STATISTICS = ("p", "t", "R²")


def format_figure(value: object, unit: str) -> tuple[str, str]:
    """A headline figure for reading: ('-17.5', '%') for a fraction, ('p = ', ...) style for
    statistics, ('1', ' signal') for counts; the unit text carries its leading space."""
    unit = unit or ""
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number):
        return format_value(value), f" {unit}" if unit else ""
    if unit in AS_PERCENT:
        return f"{100 * number:{'+' if unit == 'fraction' else ''}.1f}", "%"
    if unit == "p":
        return ("< 0.001" if number < 0.001 else f"{number:.3f}"), " (p-value)"
    if unit in STATISTICS:
        return f"{number:+.2f}" if unit == "t" else f"{number:.3f}", f" ({unit})"
    if unit.startswith("%"):
        return f"{number:.2f}", unit
    if unit == "rank":
        return answers.ordinal(int(number)), ""
    if unit == "bp":
        return f"{number:+.0f}", " bp"
    if unit == "x":
        return f"{number:.2f}", "x"
    if unit.startswith("score"):
        return f"{number:+.2f}", " (from -1 to +1)"
    if number == 1 and unit.endswith("s") and " " not in unit:
        unit = unit[:-1]
    return format_value(value), f" {unit}" if unit else ""


def stale_figure(figure_as_of: object, run_as_of: object) -> bool:
    """True when a figure's data are older than the freshness limit against the run's as-of
    date (config.STALE_DAYS): its card says so, never showing it as current."""
    try:
        age = date.fromisoformat(str(run_as_of)) - date.fromisoformat(str(figure_as_of))
    except ValueError:
        return False
    return age.days > config.STALE_DAYS


def format_seconds(seconds: object) -> str:
    """Run time for reading: '42.3 s', '12 min 05 s'."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "n/a"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def format_time(stamp: object) -> str:
    """An ISO UTC timestamp as '2026-02-13 21:05 UTC'."""
    try:
        when = datetime.fromisoformat(str(stamp)).astimezone(UTC)
    except ValueError:
        return str(stamp or "n/a")
    return when.strftime("%Y-%m-%d %H:%M UTC")


def error_line(error: dict[str, Any] | None) -> str:
    """'ValueError: message (cell In [3]: source line)' from a runs.json error entry."""
    if not error:
        return ""
    text = f"{error.get('ename', 'Error')}: {error.get('evalue', '')}".strip().rstrip(":")
    text = text.splitlines()[0] if text else "Error"
    count, index = error.get("execution_count"), error.get("cell_index")
    where = f"In [{count}]" if count is not None else (f"#{index}" if index is not None else "")
    if not where:
        return text
    source = error.get("cell_source") or ""
    return f"{text} (cell {where}{': ' + source if source else ''})"


def _view(record: dict[str, Any]) -> dict[str, Any]:
    view = dict(record)
    view["title"] = record.get("title") or record.get("name", "")
    view["error_line"] = error_line(record.get("error"))
    view["seconds_text"] = format_seconds(record.get("seconds"))
    view["started_text"] = format_time(record.get("started"))
    view["parameters"] = record.get("parameters") or {}
    view["headlines"] = []
    for figure in record.get("headlines") or []:
        value_text, unit_text = format_figure(figure.get("value"), figure.get("unit") or "")
        stale = stale_figure(figure.get("as_of"), record.get("as_of"))
        view["headlines"].append(
            {**figure, "value_text": value_text, "unit_text": unit_text, "stale": stale}
        )
    view.setdefault("figures_current", True)
    view["good"] = record.get("status") in GOOD
    return view


def data_sources(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct data sources behind the reports, for the banner (in report order)."""
    seen: dict[tuple[object, ...], dict[str, Any]] = {}
    for record in records:
        if not record.get("source_description"):
            continue
        source = {
            "description": record["source_description"],
            "range": record.get("data_range"),
            "fallback": record.get("fallback"),
            "stored": bool(record.get("fallback")) or record.get("source") in STORED_SOURCES,
        }
        seen.setdefault((source["description"], *(source["range"] or ())), source)
    return list(seen.values())


def input_ledger(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The sections' input ledgers merged: the inputs headlines rest on, oldest first, each
    with the headlines ('01: figure') using it; stale inputs no headline uses; a count of the
    other inputs."""
    merged: dict[str, dict[str, Any]] = {}
    for record in records:
        section = str(record.get("name", "")).split("_", 1)[0]
        for row in record.get("inputs") or []:
            if not isinstance(row, dict) or "input" not in row:
                continue
            entry = merged.setdefault(row["input"], {**row, "used_by": []})
            entry["used_by"] += [f"{section}: {name}" for name in row.get("used_by") or []]
    rows = sorted(
        (r for r in merged.values() if r["used_by"]),
        key=lambda r: (r.get("last") or "9999", r["input"]),
    )
    stale = sorted(r["input"] for r in merged.values() if r.get("stale") and not r["used_by"])
    others = len(merged) - len(rows) - len(stale)
    return {"rows": rows, "stale_unused": stale, "others": others, "limit": config.STALE_DAYS}


def overall_answer(records: Sequence[dict[str, Any]]) -> list[answers.Part]:
    """The whole question answered from the sections' stored answers (views.answers.overall)."""
    stored = {r["name"]: answers.from_dict(r["answer"]) for r in records if r.get("answer")}
    pages = {r["name"]: r["html"] for r in records if r.get("html")}
    return answers.overall(stored, pages)


def as_of_text(records: Sequence[dict[str, Any]]) -> str:
    """The as-of date of the reports ('2026-08-21', or '2026-08-14 to 2026-08-21' if mixed)."""
    found = sorted({str(r["as_of"]) for r in records if r.get("as_of")})
    return " to ".join(dict.fromkeys([found[0], found[-1]])) if found else ""


def render(
    records: Sequence[dict[str, Any]],
    generated: str,
    dates: Mapping[str, str] | None = None,
    archive_href: str = "",
    latest_href: str = "",
) -> str:
    """The index page of the runs.json records.

    dates: links to the archived reports of other dates; archive_href: the list of them all;
    latest_href: set on an archived index, the way to the latest report.
    """
    env = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)
    views = [_view(r) for r in records]
    n_ok = sum(r.get("status") in GOOD for r in records)
    dates = dict(dates or {})
    as_of = as_of_text(records)
    since = changes.index_panel_html(records, format_figure, lambda d: dates.get(d, ""))
    return env.from_string(TEMPLATE).render(
        page_title=page.dated_title("techflows reports", as_of),
        as_of=as_of,
        dates=dates,
        archive_href=archive_href,
        latest_href=latest_href,
        earlier=not latest_href and all(d < min(as_of.split(" to ")) for d in dates),
        since=markupsafe.Markup(since),
        records=views,
        generated_text=format_time(generated),
        n_ok=n_ok,
        n_failed=len(records) - n_ok,
        n_reused=sum(r.get("status") == "reused" for r in records),
        data_sources=data_sources(records),
        overall=overall_answer(records),
        ledger=input_ledger(records),
        live_hint=markupsafe.Markup(LIVE_HINT),
        style=markupsafe.Markup(STYLE),
    )


def write(output_dir: Path, records: Sequence[dict[str, Any]], generated: str) -> Path:
    """Write OUTPUT_DIR/index.html atomically, with links to the archived reports of other dates."""
    own = {str(r.get("as_of")) for r in records}
    links = {d: f"{archive.ARCHIVE}/{d}/index.html" for d in archive.dates(output_dir)}
    dates = {d: links[d] for d in reversed(links) if d not in own}
    listing = f"{archive.ARCHIVE}/index.html" if links else ""
    html = render(records, generated, dates, listing)
    return atomic.write_text(Path(output_dir) / "index.html", html)
