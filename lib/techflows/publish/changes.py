"""What changed since the previous report, and which input moved it.

compare() is a pure function of two runs of a section (their figures.json, and the stamps
run.fingerprint keeps beside them): the verdicts that flipped (the answer's, and label-valued
headline figures such as a scenario reading), the checklist signals that changed colour (with
the threshold crossed), the headline figures that moved, and for each the inputs that explain
it: new data (the figure's data date, or its inputs' last dates in the input ledger, moved),
revised data (same data date, changed files), a changed parameter, changed code, or only the
as-of date. figures.json keeps the result under "changes"; panel_html and index_panel_html
show it as the "Since <date>" panel of a report's answer box and of the index.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from techflows.markup import escape
from techflows.views import answers

Figure = Mapping[str, Any]
# A figure's value and unit for reading: run.index_page.format_figure.
Formatter = Callable[[object, str], tuple[str, str]]

NO_EARLIER = "No earlier report in the archive to compare with."
GREEN, AMBER, RED, NO_DATA = "green", "amber", "red", "no data"
# Parameters that are not an analyst's choice: the date (its own cause) and where files go.
NOT_CHOICES = ("as_of", "as_of (resolved)", "output_dir")
# Parameters whose values are local paths: named, never printed.
PATHS = ("data_dir", "universe")
# The stamp's data inputs, for reading (others are repository files such as data/claims.csv).
DATA_NAMES = {
    "snapshot": "the embedded snapshot",
    "data_dir": "the csv folder",
    "cache": "the live cache",
    "latest close": "the latest market close",
    "universe": "the universe file",
}


# Reading a run


def _by_name(run: Mapping[str, Any] | None) -> dict[str, Figure]:
    figures = (run or {}).get("figures") or []
    found: dict[str, Figure] = {}
    for figure in figures:
        if isinstance(figure, Mapping) and figure.get("name") not in found:
            found[str(figure.get("name"))] = figure
    return found


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _verdict(run: Mapping[str, Any] | None) -> str:
    answer = (run or {}).get("answer") or {}
    return str(answer.get("verdict") or "") if isinstance(answer, Mapping) else ""


def input_dates(run: Mapping[str, Any] | None) -> dict[str, dict[str, Any]] | None:
    """Each input's last date and the headlines using it, from the run's input ledger.

    The ledger is figures.json's "inputs" (run.notebook.Figures.ledger: a list of {"input",
    "last", "age_days", "stale", "used_by"}); None when the run has none.
    """
    ledger = (run or {}).get("inputs")
    if not isinstance(ledger, list):
        return None
    dates = {}
    for entry in ledger:
        if isinstance(entry, Mapping) and entry.get("input"):
            uses = entry.get("used_by") or ()
            dates[str(entry["input"])] = {
                "last_date": entry.get("last"),
                "uses": [str(u) for u in uses],
            }
    return dates


# The inputs of the two runs (their stamps)


def input_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What differs between two runs' recorded inputs: parameters, data files, code, as_of.

    known is False when either run has no stamp (its inputs were not recorded).
    """
    old = (before or {}).get("inputs")
    new = (after or {}).get("inputs")
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return {
            "known": False,
            "parameters": [],
            "data": [],
            "code": [],
            "packages": [],
            "as_of": None,
        }
    old_params, new_params = old.get("parameters") or {}, new.get("parameters") or {}
    parameters = []
    for name in sorted(set(old_params) | set(new_params)):
        if name in NOT_CHOICES or old_params.get(name) == new_params.get(name):
            continue
        shown = name not in PATHS
        parameters.append(
            {
                "name": name,
                "before": old_params.get(name) if shown else None,
                "after": new_params.get(name) if shown else None,
            }
        )

    def differing(kind: str) -> list[str]:
        mine, theirs = old.get(kind) or {}, new.get(kind) or {}
        return sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))

    code = differing("code")
    if old.get("notebook") != new.get("notebook"):
        code = ["the notebook", *code]
    old_versions, new_versions = old.get("versions") or {}, new.get("versions") or {}
    packages = [
        {"name": p, "before": old_versions.get(p), "after": new_versions.get(p)}
        for p in differing("versions")
    ]
    dates = (old_params.get("as_of (resolved)"), new_params.get("as_of (resolved)"))
    return {
        "known": True,
        "parameters": parameters,
        "data": differing("data"),
        "code": code,
        "packages": packages,
        "as_of": list(dates) if dates[0] != dates[1] else None,
    }


# Why one figure moved


def _parameter_text(change: Mapping[str, Any]) -> str:
    if change["before"] is None and change["after"] is None:
        return f"changed parameter: {change['name']}"
    return f"changed parameter: {change['name']} {change['before']} → {change['after']}"


def _data_text(names: Iterable[str]) -> str:
    return ", ".join(DATA_NAMES.get(n, n) for n in names)


def causes(
    name: str | None,
    before: Figure | None,
    after: Figure | None,
    inputs: Mapping[str, Any],
    ledgers: tuple[dict | None, dict | None] = (None, None),
) -> list[dict[str, Any]]:
    """The inputs that moved a figure (name) between two runs, most specific first.

    New data: the last dates of the inputs the ledger says it uses moved, else its own data
    date did. Revised data: its data date did not move but data files changed. Without either,
    a moved as-of date (the same data read later). Changed parameters and code always count.
    """
    found: list[dict[str, Any]] = []
    old_ledger, new_ledger = ledgers
    used = []
    if name is not None and old_ledger is not None and new_ledger is not None:
        used = [key for key, entry in new_ledger.items() if name in entry["uses"]]
    for key in used:
        was, now = old_ledger.get(key, {}).get("last_date"), new_ledger[key]["last_date"]
        if was != now:
            found.append(
                {
                    "kind": "new data",
                    "input": key,
                    "before": was,
                    "after": now,
                    "text": f"new data in {key}, to {now} (was {was})",
                }
            )
    was, now = (before or {}).get("as_of"), (after or {}).get("as_of")
    if not used and before and after and was != now:
        found.append(
            {
                "kind": "new data",
                "before": was,
                "after": now,
                "text": f"new data to {now} (was {was})",
            }
        )
    if not found and inputs.get("data"):
        same = f", data still to {now}" if now and now == was else ""
        found.append(
            {
                "kind": "revised data",
                "inputs": list(inputs["data"]),
                "text": f"revised data: {_data_text(inputs['data'])} changed{same}",
            }
        )
    if not found and inputs.get("as_of"):
        first, last = inputs["as_of"]
        still = f"; its data still end {now}" if now else ""
        found.append(
            {
                "kind": "as-of date",
                "before": first,
                "after": last,
                "text": f"the as-of date moved ({first} → {last}){still}",
            }
        )
    found += [
        {"kind": "changed parameter", **p, "text": _parameter_text(p)}
        for p in inputs.get("parameters", [])
    ]
    if inputs.get("code"):
        modules = ", ".join(m.removeprefix("techflows.") for m in inputs["code"])
        text = f"changed code: {modules}"
        found.append({"kind": "changed code", "modules": list(inputs["code"]), "text": text})
    if packages := inputs.get("packages"):
        versions = ", ".join(f"{p['name']} {p['before']} → {p['after']}" for p in packages)
        found.append({"kind": "changed packages", "packages": packages, "text": versions})
    if not found and not inputs.get("known"):
        found.append({"kind": "unknown", "text": "the earlier run's inputs were not recorded"})
    return found


def _union(groups: Iterable[Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for group in groups:
        for cause in group:
            seen.setdefault(cause["text"], cause)
    return list(seen.values())


# The comparison


def crossed(before: Figure, after: Figure) -> dict[str, Any] | None:
    """The threshold a signal's value crossed to change colour, or None (to or from no data)."""
    thresholds = after.get("thresholds") or before.get("thresholds") or {}
    old, new = before.get("status"), after.get("status")
    if not thresholds or NO_DATA in (old, new):
        return None
    side = new if new in (GREEN, RED) else old
    if side not in (GREEN, RED) or side not in thresholds:
        return None
    return {"threshold": side, "at": thresholds[side]}


def _state(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    state = {"value": figure.get("value"), "as_of": figure.get("as_of")}
    if "status" in figure:
        state["status"] = figure["status"]
    return state


def _signal(name: str, was: Figure, now: Figure, why: list[dict[str, Any]]) -> dict[str, Any]:
    """A signal that changed colour: its states, rule, the threshold crossed, and why."""
    return {
        "name": name,
        "unit": now.get("unit") or "",
        "before": _state(was),
        "after": _state(now),
        "rule": now.get("rule") or was.get("rule") or "",
        "crossed": crossed(was, now),
        "causes": why,
    }


def _moved(name: str, was: Figure | None, now: Figure | None) -> dict[str, Any] | None:
    """A headline figure that moved: a label that flipped (no 'change'), or a number or date
    with its change; None when it did not move or is no headline."""
    if not ((now or {}).get("headline") or (was or {}).get("headline")):
        return None
    old_value, new_value = (was or {}).get("value"), (now or {}).get("value")
    unit = (now or was or {}).get("unit") or ""
    numbers = _number(old_value), _number(new_value)
    if None not in numbers and abs(numbers[1] - numbers[0]) <= 1e-9 * max(1, abs(numbers[0])):
        return None
    if old_value == new_value:
        return None
    entry = {"name": name, "unit": unit, "before": _state(was), "after": _state(now)}
    if isinstance(new_value, str) and isinstance(old_value, str) and unit != "date":
        return entry
    change = None
    if None not in numbers:
        whole = all(isinstance(v, int) for v in (old_value, new_value))
        change = int(numbers[1] - numbers[0]) if whole else round(numbers[1] - numbers[0], 6)
    return {**entry, "change": change}


def compare(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    before_stamp: Mapping[str, Any] | None = None,
    after_stamp: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What changed in a section from one run (before, its figures.json) to the next.

    before None: there is no earlier report, and the comparison says so.
    """
    as_of = after.get("as_of")
    if before is None:
        return {"as_of": as_of, "previous": None, "note": NO_EARLIER}
    inputs = input_changes(before_stamp, after_stamp)
    ledgers = (input_dates(before), input_dates(after))
    old, new = _by_name(before), _by_name(after)
    names = list(dict.fromkeys([*new, *old]))

    def why(name: str) -> list[dict[str, Any]]:
        return causes(name, old.get(name), new.get(name), inputs, ledgers)

    signals, flips, headlines = [], [], []
    for name in names:
        was, now = old.get(name), new.get(name)
        if "status" in (now or {}) or "status" in (was or {}):
            if was and now and was.get("status") != now.get("status"):
                signals.append(_signal(name, was, now, why(name)))
        elif (moved := _moved(name, was, now)) is not None:
            moved["causes"] = why(name)
            (flips if "change" not in moved else headlines).append(moved)
    verdicts = []
    if _verdict(before) != _verdict(after):
        moved_by = [s["name"] for s in signals] + [f["name"] for f in flips]
        found = _union(item["causes"] for item in [*signals, *flips, *headlines])
        verdicts.append(
            {
                "question": str((after.get("answer") or {}).get("question") or ""),
                "before": _verdict(before),
                "after": _verdict(after),
                "moved_by": moved_by,
                "causes": found or causes(None, None, None, inputs),
            }
        )
    return {
        "as_of": as_of,
        "previous": before.get("as_of"),
        "verdicts": verdicts + flips,
        "signals": signals,
        "headlines": headlines,
        "inputs": inputs,
    }


# The panel


PANEL_CSS = """
.tf-changes { margin: 10px 0 2px; padding: 8px 12px; background: #fff; border: 1px solid #dde3ee;
  border-radius: 4px; font: 13.5px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #222; }
.tf-changes p { margin: 0 0 4px; font-size: 13.5px; }
.tf-changes ul { margin: 2px 0 0; padding-left: 18px; }
.tf-changes li { margin: 2px 0; }
.tf-changes .tf-was { color: #666; }
.tf-changes .tf-now { font-weight: 700; }
.tf-changes .tf-why { color: #555; font-size: 12.5px; }
.tf-changes .tf-st { font-weight: 700; padding: 0 4px; border-radius: 3px; color: #fff; }
.tf-changes .tf-green { background: #2e7d32; } .tf-changes .tf-amber { background: #c77800; }
.tf-changes .tf-red { background: #c62828; } .tf-changes .tf-no-data { background: #888; }
"""

e = escape


def _value(value: object, unit: str, fmt: Formatter) -> str:
    if value is None:
        return "not available"
    text, unit_text = fmt(value, unit)
    # '(from -1 to +1)', '(t)': the figure's name says what it is; a before → after pair
    # reads better without it twice.
    return text if unit_text.startswith(" (") else f"{text}{unit_text}"


def change_text(change: float | None, unit: str, fmt: Formatter) -> str:
    """A headline's change for reading: '+0.51 pp' for percentages, '-0.25' for a score."""
    if change is None or unit in ("rank", "date"):
        return ""
    if unit == "fraction":
        return f"{100 * change:+.1f} pp"
    if unit.startswith("%"):
        return f"{change:+.2f} pp"
    text, unit_text = fmt(abs(change), unit)
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    unit_text = "" if unit_text.startswith(" (") else unit_text
    return f"{sign}{text.lstrip('+-')}{unit_text}"


def _why(items: Sequence[Mapping[str, Any]]) -> str:
    text = "; ".join(c["text"] for c in items)
    return f' <span class="tf-why">({e(text)})</span>' if text else ""


def _status(status: object) -> str:
    word = str(status or NO_DATA)
    return f'<span class="tf-st tf-{e(word.replace(" ", "-"))}">{e(word)}</span>'


def _was_now(before: str, after: str) -> str:
    return f'<span class="tf-was">{e(before)}</span> → <span class="tf-now">{e(after)}</span>'


Line = tuple[str, list[dict[str, Any]]]  # a panel line's HTML (inside <li>) and its causes


def _flip_pair(item: Mapping[str, Any]) -> str:
    before, after = item.get("before"), item.get("after")
    old = before.get("value") if isinstance(before, Mapping) else before
    new = after.get("value") if isinstance(after, Mapping) else after
    return _was_now(str(old), str(new))


def verdict_text(item: Mapping[str, Any], label: str, flips: Mapping[str, Mapping]) -> str:
    """A flipped verdict: its question, before → after, and the signals or label figures that
    moved it (a label figure with its own before → after)."""
    moved = [
        f"{e(name)} {_flip_pair(flips[name])}" if name in flips else e(name)
        for name in item.get("moved_by") or ()
    ]
    by = f"; moved by: {', '.join(moved)}" if moved else ""
    return f"<b>{e(label)}</b> {_flip_pair(item)}{by}"


def signal_text(item: Mapping[str, Any], fmt: Formatter) -> str:
    """A signal that changed colour: its statuses and values, and the threshold crossed."""
    unit = item.get("unit") or ""
    before, after = item["before"], item["after"]
    values = _was_now(_value(before["value"], unit, fmt), _value(after["value"], unit, fmt))
    crossed_at = item.get("crossed")
    threshold = ""
    if crossed_at:
        word = "≥" if (after["value"] or 0) >= crossed_at["at"] else "≤"
        limit = _value(crossed_at["at"], unit, fmt)
        threshold = f", crossing the {e(crossed_at['threshold'])} line ({word} {e(limit)})"
    return (
        f"{e(item['name'])}: {_status(before.get('status'))} → "
        f"{_status(after.get('status'))}, {values}{threshold}"
    )


def headline_text(item: Mapping[str, Any], fmt: Formatter) -> str:
    """One headline figure: 'name a → b (+change)'."""
    unit = item.get("unit") or ""
    before, after = item["before"] or {}, item["after"] or {}
    moved = _was_now(_value(before.get("value"), unit, fmt), _value(after.get("value"), unit, fmt))
    delta = change_text(item.get("change"), unit, fmt)
    return f"{e(item['name'])} {moved}" + (f" ({e(delta)})" if delta else "")


def lines(changes: Mapping[str, Any], fmt: Formatter, question: str = "") -> list[list[Line]]:
    """The panel's lines by kind (flipped verdicts, signals that changed colour, headlines),
    each with its causes. A label figure that moved a flipped answer is told in that line."""
    verdicts = changes.get("verdicts", ())
    flips = {v["name"]: v for v in verdicts if "name" in v}
    told = {name for v in verdicts if "question" in v for name in v.get("moved_by", ())}
    answers_: list[Line] = []
    for verdict in verdicts:
        if "question" in verdict:  # the section's answer; the index asks its own question
            text = verdict_text(verdict, question or verdict["question"], flips)
            answers_.append((text, verdict["causes"]))
        elif verdict["name"] not in told:
            answers_.append(
                (f"<b>{e(verdict['name'])}</b> {_flip_pair(verdict)}", verdict["causes"])
            )
    signals = [(signal_text(s, fmt), s["causes"]) for s in changes.get("signals", ())]
    headlines: list[Line] = []
    if heads := changes.get("headlines"):
        texts = "; ".join(headline_text(h, fmt) for h in heads)
        headlines.append((f"Headline figures: {texts}", _union(h["causes"] for h in heads)))
    return [answers_, signals, headlines]


def _list(found: Sequence[Line]) -> str:
    """The lines as a list; causes shared by every line are said once, after it."""
    kinds = {tuple(c["text"] for c in causes) for _, causes in found}
    shared = next(iter(kinds)) if len(kinds) == 1 else ()
    items = "".join(f"<li>{text}{'' if shared else _why(causes)}</li>" for text, causes in found)
    tail = f'<p class="tf-why">What moved them: {e("; ".join(shared))}.</p>' if shared else ""
    return f"<ul>{items}</ul>{tail}"


def _since(previous: str, href: str = "") -> str:
    date = e(previous)
    return f'<a href="{e(href)}">{date}</a>' if href else date


def panel_html(changes: Mapping[str, Any] | None, fmt: Formatter) -> str:
    """The "Since <date>" panel of a report's answer box (its date first)."""
    if not changes:
        return ""
    head = f"<b>As of {e(str(changes.get('as_of') or ''))}.</b>"
    previous = changes.get("previous")
    if not previous:
        body = f"<p>{head} {e(NO_EARLIER)}</p>"
    elif found := [line for kind in lines(changes, fmt, "The answer:") for line in kind]:
        body = f"<p>{head} Since the report of {_since(previous)}:</p>{_list(found)}"
    else:
        body = f"<p>{head} Since the report of {_since(previous)}: {e(nothing_changed())}</p>"
    return f'<div class="tf-changes"><style>{PANEL_CSS}</style>{body}</div>'


def nothing_changed() -> str:
    """The panel's line when nothing moved."""
    return "no verdict, signal colour or headline figure changed."


def overall_questions() -> dict[str, str]:
    """The index's question for the section whose verdict answers it (views.answers.OVERALL)."""
    return {section: question for question, section, _ in answers.OVERALL}


def _rank(order: list[str], name: str) -> tuple[int, str]:
    return (order.index(name) if name in order else len(order), name)


def index_panel_html(
    records: Sequence[Mapping[str, Any]], fmt: Formatter, href: Callable[[str], str]
) -> str:
    """The index's "Since <date>" panel from each section's changes (runs.json records).

    href: the link to an earlier date's index. Empty when no section has a comparison.
    """
    compared = [r for r in records if isinstance(r.get("changes"), Mapping)]
    if not compared:
        return ""
    dates = sorted({str(r["changes"]["previous"]) for r in compared if r["changes"]["previous"]})
    as_of = sorted({str(r["changes"].get("as_of")) for r in compared})
    head = f"<b>As of {e(' to '.join(dict.fromkeys([as_of[0], as_of[-1]])))}.</b>"
    if not dates:
        body = f"<p>{head} {e(NO_EARLIER)}</p>"
        return f'<div class="tf-changes"><style>{PANEL_CSS}</style>{body}</div>'
    questions = overall_questions()
    order = list(questions)
    kinds: list[list[Line]] = [[], [], []]
    for record in sorted(compared, key=lambda r: _rank(order, str(r.get("name")))):
        name = str(record.get("name"))
        title = e(str(record.get("title") or name).split(":")[0])
        if len(dates) > 1:  # sections compared with different dates say with which
            title += f" (since {e(str(record['changes']['previous']))})"
        found = lines(record["changes"], fmt, questions.get(name, ""))
        for kind, mine in zip(kinds, found, strict=True):
            kind += [(f'<span class="tf-why">{title}:</span> {text}', c) for text, c in mine]
    every = [line for kind in kinds for line in kind]
    since = ", ".join(_since(d, href(d)) for d in dates)
    if not every:
        body = f"<p>{head} Since the report of {since}: {e(nothing_changed())}</p>"
    else:
        body = f"<p>{head} Since the report of {since}:</p>{_list(every)}"
    return f'<div class="tf-changes"><style>{PANEL_CSS}</style>{body}</div>'
