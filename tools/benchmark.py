"""Execute notebooks top to bottom, each in a fresh kernel, and print wall seconds and the kernel's peak memory.

    python tools/benchmark.py                 # every lesson
    python tools/benchmark.py 01 04_attention # only those (a number or a name prefix is enough)
    python tools/benchmark.py --save 03       # also store the fresh outputs in the notebook (one clean run)
    python tools/benchmark.py --readme        # also write the table into README.md between its markers
    python tools/benchmark.py --readme 03     # re-measure lesson 03 only; the README keeps the other rows

Also reports each notebook's slowest code cell (its index in the notebook, and seconds). Exits non-zero if any
notebook fails. Peak memory is the kernel process's peak resident set (VmHWM, Linux);
elsewhere it prints "n/a". Budgets on 2 cores: a notebook ≤ 60 s (goal 45 s), a code cell ≤ 30 s (goal 20 s),
peak memory ≤ 1.5 GB (goal 1 GB), the whole course ≤ 8 min (goal 6 min); the status column names each one missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# (bar, goal) per measure: notebook seconds, code-cell seconds, peak MB, whole-course seconds
BUDGETS = {"notebook": (60, 45), "cell": (30, 20), "memory": (1536, 1024), "course": (480, 360)}
MARK_BEGIN, MARK_END = "<!-- benchmark:begin -->", "<!-- benchmark:end -->"


def select(names: list[str]) -> list[Path]:
    every = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return every
    chosen = []
    for name in names:
        hits = [p for p in every if p.name.startswith(name) or p.stem == name]
        if not hits:
            raise SystemExit(f"no notebook matches {name!r}; have: {', '.join(p.name for p in every)}")
        chosen += hits
    return chosen


def peak_mb(pid: int | None) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, TypeError):
        return None
    m = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(m.group(1)) / 1024 if m else None


def run(path: Path, save: bool, timeout: int) -> tuple[float, float | None, str | None, tuple[int, float]]:
    """Seconds, peak MB, the error (or None) and the slowest code cell as (index, seconds)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    error, mem, slowest = None, None, (-1, 0.0)
    start = time.perf_counter()
    with client.setup_kernel():
        try:
            for index, cell in enumerate(nb.cells):
                t0 = time.perf_counter()
                client.execute_cell(cell, index)
                if cell.cell_type == "code" and time.perf_counter() - t0 > slowest[1]:
                    slowest = (index, time.perf_counter() - t0)
        except CellExecutionError as exc:
            error = str(exc).strip().splitlines()[-1][:200]
        seconds = time.perf_counter() - start
        proc = getattr(client.km.provisioner, "process", None)
        mem = peak_mb(getattr(proc, "pid", None))
    if save and error is None:
        nbformat.write(nb, path)
    return seconds, mem, error, slowest


def budget_note(measure: str, value: float | None) -> str:
    """'' within the goal, 'over goal' or 'over bar' (with the limit) for one measure of BUDGETS."""
    bar, goal = BUDGETS[measure]
    if value is None or value <= goal:
        return ""
    unit = " MB" if measure == "memory" else " s"
    return f"{measure} over {'bar' if value > bar else 'goal'} ({bar if value > bar else goal}{unit})"


def table(rows: list[tuple[str, float, float | None, str | None, tuple[int, float]]]) -> str:
    lines = ["| notebook | wall seconds | peak memory (MB) | slowest cell: index (seconds) | status |",
             "|---|---:|---:|---:|---|"]
    for name, sec, mem, err, (cell, cell_s) in rows:
        notes = [budget_note("notebook", sec), budget_note("cell", cell_s), budget_note("memory", mem)]
        notes = [n for n in notes if n]
        status = ("ok" if err is None else f"FAILED: {err}") + (f" ({'; '.join(notes)})" if notes else "")
        lines.append(f"| {name} | {sec:.1f} | {'n/a' if mem is None else f'{mem:.0f}'} | {cell} ({cell_s:.1f}) "
                     f"| {status} |")
    total = sum(r[1] for r in rows)
    note = budget_note("course", total)
    lines.append(f"| **total** | **{total:.1f}** | | | {note} |")
    return "\n".join(lines)


def parse_rows(table_text: str) -> list[tuple[str, float, float | None, str | None, tuple[int, float]]]:
    """The rows of a table written by ``table`` (so that one notebook can be re-measured alone)."""
    rows = []
    for line in table_text.splitlines():
        m = re.match(r"\| (\S+\.ipynb) \| ([\d.]+) \| (\S+) \| (-?\d+) \(([\d.]+)\) \| (.*) \|$", line)
        if m:
            status = m.group(6)
            err = status[len("FAILED: "):].split(" (")[0] if status.startswith("FAILED") else None
            mem = None if m.group(3) == "n/a" else float(m.group(3))
            rows.append((m.group(1), float(m.group(2)), mem, err, (int(m.group(4)), float(m.group(5)))))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--save", action="store_true", help="store the fresh outputs in each notebook")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    ap.add_argument("--timeout", type=int, default=600, help="seconds a cell may take")
    args = ap.parse_args()
    rows = []
    for path in select(args.names):
        sec, mem, err, slowest = run(path, args.save, args.timeout)
        rows.append((path.name, sec, mem, err, slowest))
        print(f"{path.name}: {sec:.1f} s, {'n/a' if mem is None else f'{mem:.0f} MB'}, slowest cell {slowest[0]} "
              f"({slowest[1]:.1f} s), {'ok' if err is None else err}", flush=True)
    out = table(rows)
    import torch

    machine = (f"{os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}, "
               f"torch {torch.__version__}, {time.strftime('%Y-%m-%d')}")
    print()
    print(out)
    print(f"\nMeasured on: {machine}")
    if args.readme:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        if MARK_BEGIN not in text:
            raise SystemExit("README.md has no benchmark markers")
        head, rest = text.split(MARK_BEGIN, 1)
        old, tail = rest.split(MARK_END, 1)
        if args.names:  # keep the rows of the notebooks not measured now
            measured = {r[0] for r in rows}
            rows = sorted([r for r in parse_rows(old) if r[0] not in measured] + rows)
            out = table(rows)
        readme.write_text(f"{head}{MARK_BEGIN}\n{out}\n\nMeasured on: {machine}.\n{MARK_END}{tail}", encoding="utf-8")
    return 1 if any(r[3] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
