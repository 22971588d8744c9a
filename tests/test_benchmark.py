"""tools/benchmark.py's table names every budget a notebook misses (COURSE_DESIGN.md's bars and goals)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import benchmark  # noqa: E402


def test_budget_note_tells_goal_from_bar():
    assert benchmark.budget_note("notebook", 44.9) == ""
    assert benchmark.budget_note("notebook", 50) == "notebook over goal (45 s)"
    assert benchmark.budget_note("notebook", 61) == "notebook over bar (60 s)"
    assert benchmark.budget_note("cell", 25) == "cell over goal (20 s)"
    assert benchmark.budget_note("memory", 1100) == "memory over goal (1024 MB)"
    assert benchmark.budget_note("memory", None) == ""  # not measured (not Linux)


def test_table_rows_carry_each_missed_budget_and_the_course_total():
    rows = [("a.ipynb", 50.0, 900.0, None, (3, 25.0)), ("b.ipynb", 400.0, 600.0, "AssertionError: x", (5, 35.0))]
    lines = benchmark.table(rows).splitlines()
    assert lines[2] == "| a.ipynb | 50.0 | 900 | 3 (25.0) | ok (notebook over goal (45 s); cell over goal (20 s)) |"
    assert lines[3].endswith("| FAILED: AssertionError: x (notebook over bar (60 s); cell over bar (30 s)) |")
    assert lines[4] == "| **total** | **450.0** | | | course over goal (360 s) |"


def test_rows_read_back_from_a_written_table():
    rows = [("a.ipynb", 50.0, 900.0, None, (3, 25.0)), ("b.ipynb", 12.5, None, "AssertionError: x", (5, 3.5))]
    assert benchmark.parse_rows(benchmark.table(rows)) == rows
