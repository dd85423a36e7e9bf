"""The sweep's page: headline figures charted against as_of, then every run with its reports."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

from techflows import atomic, local_paths
from techflows.run.index_page import STYLE, error_line, format_figure
from techflows.views import sweep as charts

if TYPE_CHECKING:
    import pandas as pd

    from techflows.run.sweep import Summary

PAGE_STYLE = """
img.chart { max-width: 100%; height: auto; display: block; margin: .3rem 0 .2rem; }
nav.toc a { margin-right: 1rem; white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.reused { color: #2e7d32; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(14rem, 2fr); gap: 1rem;
        align-items: start; }
.stack .values { margin-top: .4rem; }
.values { overflow: auto; max-height: 26rem; }
.values table { font-size: .82rem; }
.values th { white-space: normal; font-weight: 600; }
.stale { color: #8a5a00; font-size: .78rem; display: block; }
.st { font-weight: 700; font-size: .75rem; padding: 0 .3rem; border-radius: 3px; color: #fff; }
.st-green { background: #2e7d32; } .st-amber { background: #c77800; }
.st-red { background: #c62828; } .st-no-data { background: #888; }
@media (max-width: 900px) { .pair { grid-template-columns: 1fr; } }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep {{ name }} · techflows</title>
<style>{{ style }}{{ page_style }}</style>
</head>
<body>
<h1>Sweep {{ name }}</h1>
<p class="meta">{{ notebooks | join(", ") }} at {{ dates | length }} as-of dates, {{ dates[0] }}
to {{ dates[-1] }}{% for k, v in swept.items() %}, crossed with {{ k }} = {{ v | join(", ") }}
{%- endfor %}: {{ counts.total }} runs, {{ counts.good }} good
{%- if counts.reused %} ({{ counts.reused }} reused from earlier sweeps){% endif %}
{%- if counts.failed %}, <span class="failed-status">{{ counts.failed }} failed</span>{% endif %}.
Generated {{ generated }}. Each run reads only the data up to its as-of date.
Every figure of every run: <a href="figures.csv">figures.csv</a>,
<a href="figures.parquet">figures.parquet</a>; the grid and each run:
<a href="sweep.json">sweep.json</a>.</p>
{%- for d in sources %}
<div class="banner">Data source: <b>{{ d.description }}</b>{% if d.fallback %}<br><b>Note:</b>
{{ d.fallback }}.{% endif %}</div>
{%- endfor %}
<nav class="toc">{% for c in shown %}<a href="#{{ c.key }}">{{ c.title }}</a>{% endfor %}
<a href="#runs">The runs</a></nav>
{%- for c in shown %}
<section id="{{ c.key }}">
<h2>{{ c.title }}</h2>
<div class="{{ 'stack' if c.wide else 'pair' }}">
<img class="chart" alt="{{ c.title }} against the as-of date"
 src="data:image/png;base64,{{ c.png }}">
<div class="values"><table>
<thead><tr><th>as of</th>{% for h in c.table.columns %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for row in c.table.rows %}
<tr><td class="num">{{ row.as_of }}</td>{% for cell in row.cells %}<td class="num">
{%- if cell.status %}<span class="st st-{{ cell.status | replace(' ', '-') }}">{{ cell.status }}
</span> {% endif %}{{ cell.value }}
{%- if cell.stale %}<span class="stale">data to {{ cell.stale }}</span>{% endif %}</td>
{%- endfor %}</tr>
{%- endfor %}
</tbody></table></div>
</div>
<p class="note">{{ c.note }} From <code>{{ c.notebook }}</code>; figures.csv has every value.
{%- if c.has_stale %} Hollow points, and values marked "data to", are figures whose data
stopped more than a week before the run's as-of date: the run repeats an old number.
{%- endif %}{% if c.thresholds %} Dashed lines: each signal's green and red thresholds.
{%- endif %}</p>
</section>
{%- endfor %}
{%- if absent %}
<p class="note">Not charted: {% for c in absent %}{{ c.title | lower }} (run
<code>{{ c.notebook }}</code> in the sweep){{ "; " if not loop.last else "." }}{% endfor %}</p>
{%- endif %}

<h2 id="runs">The runs</h2>
<table>
<thead><tr><th>Run</th><th>as of</th>{% for k in swept %}<th>{{ k }}</th>{% endfor %}
{%- for n in notebooks %}<th>{{ n }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in rows %}
<tr><td><a href="{{ r.run }}/index.html">{{ r.run }}</a></td><td class="num">{{ r.as_of }}</td>
{%- for v in r.swept %}<td><code>{{ v }}</code></td>{% endfor %}
{%- for c in r.cells %}
<td>{% if c.good %}<a href="{{ c.html }}">{{ c.status }}</a>
{%- if c.status == 'reused' %} <span class="note">(ran {{ c.when }})</span>{% endif %}
{%- elif c.status %}<span class="failed-status">failed</span><div class="error">{{ c.error }}</div>
{%- else %}<span class="note">not run</span>{% endif %}</td>
{%- endfor %}</tr>
{%- endfor %}
</tbody>
</table>
</body>
</html>
"""


def _sources(summary: Summary) -> list[dict[str, Any]]:
    """The distinct data sources of the good runs (each run's range ends at its as_of)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for (run, name), result in sorted(summary.results.items()):
        if not result.ok:
            continue
        path = summary.sweep.output_dir / run / name / "figures.json"
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        key = (str(figures.get("source_description")), str(figures.get("fallback") or ""))
        seen.setdefault(key, {"description": key[0], "fallback": key[1]})
    return list(seen.values())


def _rows(summary: Summary) -> list[dict[str, Any]]:
    rows = []
    for point in summary.sweep.points:
        cells = []
        for notebook in summary.sweep.notebooks:
            result = summary.results.get((point.name, notebook.stem))
            status = result.status if result else ""
            cells.append(
                {
                    "status": status,
                    "good": bool(result and result.ok),
                    "html": f"{point.name}/{notebook.stem}/{notebook.stem}.html",
                    "when": (result.reused_from if result else "")[:10],
                    "error": error_line(result.error.__dict__ if result and result.error else None),
                }
            )
        values = [v for _, v in point.values]
        rows.append({"run": point.name, "as_of": point.as_of, "swept": values, "cells": cells})
    return rows


def _cell(value: object, unit: str, stale: str = "", status: str = "") -> dict[str, str]:
    text, unit_text = format_figure(value, unit)
    unit_text = "" if unit_text.startswith(" (") else unit_text  # the chart names the scale
    return {"value": f"{text}{unit_text}", "stale": stale, "status": status}


def values_table(found: pd.DataFrame) -> dict[str, Any]:
    """The chart's values beside it: a row per as-of date, a column per line; each value with
    its data date when it is stale, and its status when it is a signal."""
    import pandas as pd

    lines = list(dict.fromkeys(found["line"]))
    rows = []
    for as_of, runs in found.groupby("as_of", sort=True):
        by_line = {p.line: p for p in runs.itertuples()}
        cells = []
        for line in lines:
            point = by_line.get(line)
            if point is None:
                cells.append(_cell(None, ""))
                continue
            shown = point.text if isinstance(point.text, str) else point.value
            stale = str(point.data_as_of.date()) if point.stale else ""
            status = str(getattr(point, "status", "") or "")
            cells.append(_cell(shown, point.unit, stale, status))
        rows.append({"as_of": str(pd.Timestamp(as_of).date()), "cells": cells})
    return {"columns": lines, "rows": rows}


def render(summary: Summary, table: pd.DataFrame) -> str:
    """The page's HTML: self-contained (charts embedded as PNG), nothing fetched from the web."""
    sweep = summary.sweep
    swept: dict[str, list[object]] = {}
    for point in sweep.points:
        for name, value in point.values:
            swept.setdefault(name, [])
            if value not in swept[name]:
                swept[name].append(value)
    in_sweep = {n.stem for n in sweep.notebooks}
    shown, absent = [], []
    for chart in charts.CHARTS:
        found = charts.points(table, chart, list(swept))
        if chart.notebook not in in_sweep:
            absent.append(chart)
        elif not found.empty:
            png = base64.b64encode(charts.chart_png(found, chart)).decode()
            shown.append(
                {
                    **chart.__dict__,
                    "png": png,
                    "table": values_table(found),
                    "has_stale": bool(found["stale"].any()),
                }
            )
    signals = charts.signal_points(table)
    if not signals.empty:
        shown.insert(
            1,
            {
                "key": "signals",
                "title": "Checklist signals: value and status",
                "notebook": ", ".join(sorted(set(table.loc[table["status"].notna(), "notebook"]))),
                "note": "Each of seed 002's checklist signals measured from data, in the colour "
                "of its status at each run (grey: no data, or too old to vote).",
                "png": base64.b64encode(charts.signals_png(signals)).decode(),
                "table": values_table(signals),
                "has_stale": bool(signals["stale"].any()),
                "thresholds": True,
                "wide": True,  # a panel per signal: the chart takes the width, its values below
            },
        )
    counts = summary.counts
    env = jinja2.Environment(autoescape=True)
    return env.from_string(TEMPLATE).render(
        name=sweep.name,
        notebooks=[n.stem for n in sweep.notebooks],
        dates=sorted({p.as_of for p in sweep.points}),
        swept=swept,
        counts={
            "total": len(summary.results),
            "good": counts["ok"] + counts["reused"],
            "reused": counts["reused"],
            "failed": counts["failed"],
        },
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sources=_sources(summary),
        shown=shown,
        absent=absent,
        rows=_rows(summary),
        style=markupsafe.Markup(STYLE),
        page_style=markupsafe.Markup(PAGE_STYLE),
    )


def write(summary: Summary, table: pd.DataFrame) -> Path:
    """Write the sweep's index.html atomically."""
    page = local_paths.redact(render(summary, table), summary.sweep.local_folders())
    return atomic.write_text(summary.sweep.output_dir / "index.html", page)
