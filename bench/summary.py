"""The bench's closing table: every module records its figures here (one JSON line each, in the file
RECTIFY_BENCH_SUMMARY names, shared by the modules' processes), and run.py prints them together.

A row: what was measured, p50 and p95 (ms, or s for the export and import), the floor's p95 and the
ratio, the target and whether it is met (OK or SLOW; "—" where the issue sets no target).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

# The targets of issue 14 (item 3): p95 in milliseconds, and at most this multiple of the floor.
TARGETS = {
    "list": (150, 2.0),  # the ledger and the API list
    "search": (300, None),  # keyword search
    "figures": (300, None),  # dashboard and workbench
    "finding": (100, None),  # the finding page (and the API detail)
    "page": (300, None),  # the other pages (projects, organizations, print): the bench's general bound
}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 15 runs is the slowest but none: the 15th of 15 rounds up)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def verdict(kind: str, p95: float, floor_p95: float | None) -> tuple[str, str]:
    """(target text, OK/SLOW) for a page of this kind."""
    limit, multiple = TARGETS[kind]
    text = f"<{limit} ms" + (f", ≤{multiple:g}× floor" if multiple else "")
    ok = p95 < limit and (multiple is None or floor_p95 is None or p95 <= multiple * floor_p95)
    return text, "OK" if ok else "SLOW"


def record(**row) -> None:
    """Adds one row to the run's summary (nothing if no summary file is set: a module run on its own)."""
    path = os.environ.get("RECTIFY_BENCH_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def _number(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def print_table(path: str | Path) -> None:
    path = Path(path)
    rows = (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if path.exists()
        else []
    )
    if not rows:
        print("(no figures recorded)")
        return
    headers = ["page", "who", "p50", "p95", "floor p95", "ratio", "sql p95", "sql ratio", "target", "", "rows"]
    table = []
    for row in rows:
        unit = row.get("unit", "ms")
        ratio = row.get("ratio")
        table.append(
            [
                row["page"],
                row.get("who", ""),
                _number(row.get("p50"), unit),
                _number(row.get("p95"), unit),
                _number(row.get("floor_p95"), unit),
                f"{ratio:.1f}×" if ratio is not None else "—",
                _number(row.get("sql_p95"), unit),
                f"{row['sql_ratio']:.1f}×" if row.get("sql_ratio") is not None else "—",
                row.get("target", "—"),
                row.get("status", "—"),
                row.get("check", ""),
            ]
        )

    def width(text: str) -> int:  # CJK characters take two columns
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(str(r[i])) for r in [headers, *table]) for i in range(len(headers))]

    def line(cells) -> str:
        out = []
        for i, cell in enumerate(cells):
            cell = str(cell)
            pad = " " * (widths[i] - width(cell))
            out.append(pad + cell if i in (2, 3, 4, 5, 6, 7) else cell + pad)
        return "  ".join(out).rstrip()

    print()
    print(
        "== summary (ms unless marked; ratio = p95 / floor p95; floor: the bare SQL of bench/floors.py; "
        "sql p95: the page's own time in the database, its ratio to the floor) =="
    )
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for cells in table:
        print(line(cells))
    slow = sum(1 for row in rows if row.get("status") == "SLOW")
    print(f"{len(rows)} figures, {slow} SLOW")
    notes = [row for row in rows if row.get("note")]
    for row in notes:
        print(f"  {row['page']} ({row.get('who', '')}): {row['note']}")
