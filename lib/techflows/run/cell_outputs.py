"""A bound on what one cell may publish: a cell printing 100 MB does not make a 100 MB page.

Each cell's outputs are kept, in order, up to MAX_CELL_OUTPUT_BYTES together; printed text
past it is cut there, and any other output past it (a huge table, an image) is replaced by
one line saying what was dropped. The executed notebook and the report both get the bounded
outputs; the runner logs one warning per cell it cut.
"""

from __future__ import annotations

import json
from typing import Any

MAX_CELL_OUTPUT_BYTES = 2_000_000
MB = 1e6


def size(output: Any) -> int:
    """The bytes an output adds to a notebook (its text, data, or traceback)."""
    if output.get("output_type") == "stream":
        return len(_text(output.get("text", "")).encode())
    if output.get("output_type") == "error":
        return sum(len(line.encode()) for line in output.get("traceback", []))
    return len(json.dumps(output.get("data", {})).encode())


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _note(total: int, limit: int) -> str:
    return (
        f"[output truncated: this cell's output is {total / MB:.1f} MB; a report keeps the "
        f"first {limit / MB:.1f} MB of each cell]"
    )


def bound(notebook: Any, limit: int = MAX_CELL_OUTPUT_BYTES) -> list[tuple[int, int]]:
    """Cut every cell's outputs to limit bytes, in place; (cell number, its total bytes) of each
    cell that was cut (the number as the notebook shows it, else its position from 1)."""
    from nbformat.v4 import new_output

    cut = []
    for position, cell in enumerate(notebook.cells, 1):
        outputs = cell.get("outputs") or []
        total = sum(size(o) for o in outputs)
        if total <= limit:
            continue
        budget, kept = limit, []
        for output in outputs:
            needed = size(output)
            if needed <= budget:
                kept.append(output)
                budget -= needed
                continue
            if output.get("output_type") == "stream" and budget > 0:
                head = _text(output["text"]).encode()[:budget].decode(errors="ignore")
                output["text"] = f"{head}\n{_note(total, limit)}\n"
                kept.append(output)
            else:
                kept.append(new_output("stream", name="stdout", text=_note(total, limit) + "\n"))
            break
        cell["outputs"] = kept
        cut.append((cell.get("execution_count") or position, total))
    return cut
