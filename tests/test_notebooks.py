"""Structure checks over every lesson's .ipynb JSON (CONTRIBUTING.md's checklist), one set of tests per notebook.

Checked without running anything: the title cell, the launch badges and setup cell written by
tools/sync_launch.py, the exercises with their checks and revealable solutions, a summary and a Next link,
stored outputs from one clean run (execution counts 1, 2, 3 …, no errors, at least one figure), at least one
cell whose output nbval compares, and a size that stays small.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LAST_LESSON = 8
MAX_BYTES = 2_000_000


def _load_sync_launch():
    spec = importlib.util.spec_from_file_location("sync_launch", ROOT / "tools" / "sync_launch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync_launch = _load_sync_launch()


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def number(path: Path) -> int:
    return int(path.name[:2])


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def nb(request) -> tuple[Path, dict]:
    path = request.param
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_there_are_lessons():
    assert NOTEBOOKS, "no notebooks/NN_*.ipynb found"
    assert NOTEBOOKS[0].name == "00_welcome.ipynb"


def test_title_cell(nb):
    path, book = nb
    first = book["cells"][0]
    assert first["cell_type"] == "markdown"
    text = source(first)
    assert text.startswith(f"# Lesson {path.name[:2]} — "), text.splitlines()[0]
    for part in ("Why this matters", "Learning objectives", "Estimated time"):
        assert part in text, f"cell 0 lacks {part!r}"


def test_badges_point_at_this_notebook(nb):
    path, book = nb
    assert sync_launch.badge_line(path.name) in source(book["cells"][0]).split("\n")


def test_setup_cell(nb):
    _, book = nb
    setup = book["cells"][1]
    assert setup["cell_type"] == "code"
    assert "setup" in tags(setup)
    assert source(setup) == sync_launch.setup_source()


def test_summary_and_next_link(nb):
    path, book = nb
    md = [source(c) for c in book["cells"] if c["cell_type"] == "markdown"]
    at = next((i for i, t in enumerate(md) if re.search(r"^## Summary\s*$", t, re.M)), None)
    assert at is not None, "no '## Summary' heading"
    after = "\n".join(md[at:])
    if number(path) < LAST_LESSON:
        nxt = f"{number(path) + 1:02d}_"
        assert re.search(rf"Next\b.*\]\({nxt}[A-Za-z0-9_]+\.ipynb\)", after, re.S), \
            f"no 'Next' link to lesson {nxt}… after the summary"
    else:
        closing = md[-1].strip().splitlines()
        assert closing and not closing[-1].startswith("#") and len(closing[-1].split()) >= 3, \
            "the last lesson should end on a closing line"


def test_exercises_with_checks_and_solutions(nb):
    _, book = nb
    cells = book["cells"]
    start = next((i for i, c in enumerate(cells)
                  if c["cell_type"] == "markdown" and re.search(r"^## Exercises\s*$", source(c), re.M)), None)
    assert start is not None, "no '## Exercises' heading"
    exercises = [i for i, c in enumerate(cells) if "exercise" in tags(c)]
    assert len(exercises) >= 2, f"expected ≥ 2 cells tagged 'exercise', got {len(exercises)}"
    for i in exercises:
        assert i > start, f"exercise cell {i} comes before '## Exercises'"
        assert cells[i]["cell_type"] == "code"
        j = i + 1  # an experiment has two exercise cells (its prediction, its one setting) before its check
        while "exercise" in tags(cells[j]):
            j += 1
        check, solution = cells[j], cells[j + 1]
        assert check["cell_type"] == "code" and "check" in tags(check), f"cell {j} should be the 'check' cell"
        assert solution["cell_type"] == "markdown" and "solution" in tags(solution), \
            f"cell {j + 1} should be the 'solution' markdown cell"
        assert "<details>" in source(solution) and "</details>" in source(solution)


KINDS = ("build", "experiment", "practice", "open")


def test_every_lesson_has_three_exercises_a_build_and_an_experiment(nb):
    """Each check cell carries its exercise's kind as a tag: build (the learner writes a piece the lesson uses or
    compares with helpers), experiment (a prediction first, one setting changed, a measurement in a band),
    practice, or open (a larger one with a scaffold)."""
    _, book = nb
    cells = book["cells"]
    checks = [i for i, c in enumerate(cells) if "check" in tags(c)]
    kinds = []
    for i in checks:
        mine = [t for t in tags(cells[i]) if t in KINDS]
        assert len(mine) == 1, f"check cell {i} should carry exactly one of {KINDS} as a tag, has {tags(cells[i])}"
        kinds.append(mine[0])
        if mine[0] == "experiment":  # its prediction cell and its one setting come right before the check
            prediction, setting = cells[i - 2], cells[i - 1]
            assert "exercise" in tags(prediction) and "exercise" in tags(setting), f"experiment {i}: two answer cells"
            assert re.search(r"^\w*(prediction|guess)\w* = ", source(prediction), re.M), \
                f"experiment {i}: its first answer cell should hold the learner's prediction"
    assert len(kinds) >= 3, f"{len(kinds)} exercises with a check; expected at least 3"
    assert "build" in kinds, f"no build exercise among {kinds}"
    assert "experiment" in kinds, f"no experiment among {kinds}"


# Lessons whose stored checker outputs predate the hint ladder (re-executed by their owner later).
OLD_CHECKER_OUTPUTS: set[str] = set()


def test_untouched_exercises_show_what_to_do_and_no_hint(nb):
    path, book = nb
    if path.stem in OLD_CHECKER_OUTPUTS:
        pytest.skip(f"{path.name}: its stored checker outputs come from before the hint ladder")
    checks = [c for c in book["cells"] if "check" in tags(c)]
    assert checks, "no check cells"
    for cell in checks:
        shown = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
        assert "not written yet" in shown, f"a checker under an untouched stub says: {shown[:200]}"
        assert "💡" not in shown and "hint" not in shown, f"a hint shows under an untouched exercise: {shown[:300]}"


def test_stored_outputs_from_one_clean_run(nb):
    _, book = nb
    code = [c for c in book["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), f"execution counts {counts}"
    outputs = [o for c in code for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"stored error: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    stderr = [o for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
              and "Traceback" in "".join(o.get("text", ""))]
    assert not stderr, "a traceback is stored in stderr"
    assert any("image/png" in o.get("data", {}) for o in outputs), "no stored figure (image/png)"


def test_checked_cells(nb):
    _, book = nb
    checked = [c for c in book["cells"]
               if c["cell_type"] == "code" and source(c).startswith("# NBVAL_CHECK_OUTPUT")]
    assert checked, "no cell starts with '# NBVAL_CHECK_OUTPUT'"
    for c in checked:
        assert c.get("outputs"), "a checked cell has no stored output to compare"


def test_size(nb):
    path, _ = nb
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size:,} bytes"
