"""Determinism: what a lesson prints, compared between two runs in fresh kernels on one machine.

A lesson's prose quotes the numbers its cells print, so every printed line must come out the same on every run
of the same code with the same versions: a number that moves is a bug (an unseeded generator, a set iterated in
hash order, a loop that stops on the clock). What is compared, per code cell: its stdout and its text results,
in order. Not compared: figures and widgets (pixels and random model ids), stderr (progress bars, warnings), the
setup cell (it reports the environment), wall-clock readings (a number followed by a unit of time is masked),
and cells tagged ``timing``, whose numbers are all measurements of speed (their prose is guarded by asserts on
facts that hold on any machine).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# a clock reading with the spaces before it: "in  7.8 s" and "in 10.9 s" (a padded format) both read "in <time>"
TIME = re.compile(r"[ \t]*\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*(?:µs|us|ms|ns|s|sec|seconds|min|minutes)\b")
SKIP_TAGS = frozenset({"setup", "timing"})

# notebook path -> {code-cell number: printed text}, filled by conftest.py while nbval runs the notebooks
NBVAL_PRINTED: dict[str, dict[int, str]] = {}


def printed(outputs) -> str:
    """What a learner reads under a cell: its stdout and its text results, in order, wall-clock times masked."""
    def text(value) -> str:  # nbformat joins multi-line strings; raw JSON keeps them as lists
        return "".join(value) if isinstance(value, list) else value

    parts = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stdout":
            parts.append(text(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data or "image/png" in data:
                continue
            if "text/plain" in data:
                parts.append(text(data["text/plain"]).rstrip("\n") + "\n")
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}\n")
    return TIME.sub(" <time>", "".join(parts))


def compared_cells(nb) -> dict[int, str]:
    """Code-cell number (as nbval counts them) -> tags, for the cells whose printed text is compared."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    return {i: c for i, c in enumerate(code) if not SKIP_TAGS & set(c.get("metadata", {}).get("tags", []))}


def execute(path: Path, timeout: int = 1800) -> dict[int, str]:
    """Run a notebook top to bottom in a fresh kernel; code-cell number -> printed text."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return {i: printed(c.outputs) for i, c in enumerate(c for c in nb.cells if c.cell_type == "code")}


def differences(path: Path, first: dict[int, str], second: dict[int, str]) -> list[str]:
    """One unified diff per compared cell whose printed text differs between the two runs."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in compared_cells(nb).items():
        a, b = first.get(i, "<not run>"), second.get(i, "<not run>")
        if a != b:
            head = cell.source.splitlines()[0] if cell.source else ""
            diff = "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "first run", "second run",
                                                  lineterm="", n=0))
            found.append(f"code cell {i} ({head[:60]!r}):\n{diff}")
    return found
