"""Tools for teaching the course to a class.

    python tools/classroom.py nbgrader COURSE_DIR [--lesson 03]   # nbgrader source notebooks, solutions filled in
    python tools/classroom.py link --hub https://hub.example.edu --lesson 03   # an nbgitpuller link for JupyterHub
    python tools/classroom.py slides [--check]                # RISE slide metadata on every lesson

``nbgrader`` writes, for each lesson, the *instructor's* notebook that nbgrader expects in
``COURSE_DIR/source/<lesson>/<lesson>.ipynb``, and an ``nbgrader_config.py`` beside it if there is none.
The course's own notebooks are what a self-paced learner runs: a stub in each exercise cell, a check, and the
solution folded after it. The instructor's notebook is the solved version of the same lesson:

* each exercise cell holds the folded solution's code inside ``### BEGIN SOLUTION`` / ``### END SOLUTION``
  (for a function, in place of its ``raise NotImplementedError`` line; for a value, after the stub's line), so
  ``nbgrader generate_assignment`` gives students the stub back;
* each check cell is an autograded test cell: it ends in ``.score(points)``, the share of checks passed, which
  nbgrader reads as partial credit (a stub scores 0);
* the folded solutions are gone, and every other cell is read-only.

Then nbgrader does the rest (docs/INSTRUCTOR_GUIDE.md: release, collect, autograde).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
from sync_launch import repo_url  # noqa: E402

EXERCISE, CHECK, SOLUTION = "exercise", "check", "solution"
STUB_LINE = "raise NotImplementedError  # your code here"
CODE_STUB = "pass  # your code here"  # what generate_assignment puts where a solution was
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NBGRADER_CONFIG = f'''# nbgrader settings for the course (written by tools/classroom.py nbgrader)
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "llm-course"
# A solution becomes this line in the students' copy: the course's checkers call it "not written yet".
c.ClearSolutions.code_stub = {{"python": "{CODE_STUB}"}}
# The lessons train small models: give autograde the time a slow machine needs for one lesson.
c.ExecutePreprocessor.timeout = 900
'''


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def solution_blocks(cell: dict) -> list[str]:
    """The ```python blocks of a folded solution, in order."""
    return [b.rstrip("\n") for b in re.findall(r"```python\n(.*?)```", source(cell), re.S)]


def exercises(nb: dict) -> list[tuple[list[int], int, int]]:
    """Each exercise as (its exercise cells, its check cell, its solution cell), by cell index."""
    found, pending, check = [], [], None
    for i, cell in enumerate(nb["cells"]):
        if EXERCISE in tags(cell):
            pending.append(i)
        elif CHECK in tags(cell):
            check = i
        elif SOLUTION in tags(cell):
            if not pending or check is None:
                raise ValueError(f"nb: the solution in cell {i} follows no exercise and check cells")
            found.append((pending, check, i))
            pending, check = [], None
    if pending:
        raise ValueError(f"nb: exercise cell {pending[0]} has no folded solution after it")
    return found


def points_of(nb: dict, check: int) -> int:
    """A check cell's points: its nbgrader metadata, else the number of checks its stored output counts."""
    meta = nb["cells"][check]["metadata"].get("nbgrader", {})
    if "points" in meta:
        return meta["points"]
    text = "".join("".join(o.get("text", "")) for o in nb["cells"][check].get("outputs", []))
    m = re.search(r"(\d+) of (\d+) checks? passed|All (\d+) checks? passed", text)
    return int(m[2] or m[3]) if m else 1


def solved(stub: str, solution: str) -> str:
    """The exercise cell with the solution between the markers (see the module's docstring)."""
    lines = stub.rstrip("\n").split("\n")
    raising = [i for i, ln in enumerate(lines) if ln.strip().startswith("raise NotImplementedError")]
    if raising:  # a function: its body becomes the solution region
        sol = solution.split("\n")
        head = next((i for i, ln in enumerate(sol) if ln.startswith("def ")), None)
        def_line = next(ln for ln in lines if ln.startswith("def "))
        if head is None or sol[head] != def_line:
            raise ValueError(f"solution: its def line does not match the stub's {def_line!r}")
        body = sol[head + 1:]
        i = raising[0]
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        return "\n".join(lines[:i] + [indent + BEGIN] + body + [indent + END] + lines[i + 1:])
    return "\n".join([*lines, BEGIN, solution, END])


def nbgrader_meta(grade_id: str, *, solution: bool = False, grade: bool = False, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def graded_call(check_src: str, points: int) -> str:
    """The check cell with ``.score(points)`` after its last call, the number nbgrader reads as partial credit."""
    tree = ast.parse(check_src)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise ValueError(f"check_src: got {check_src!r}; expected a cell that ends in a checker call")
    last = tree.body[-1]
    lines = check_src.rstrip("\n").split("\n")
    call = "\n".join(lines[last.lineno - 1:last.end_lineno])
    return "\n".join(lines[:last.lineno - 1] + [
        f"{call}.score({points})  # the grade: the share of checks passed, times the points"])


def instructor_notebook(nb: dict, lesson: str) -> dict:
    """The lesson as nbgrader's source notebook: solutions in the exercise cells, checks graded, the rest locked."""
    out = copy.deepcopy(nb)
    found = exercises(nb)
    role = {}
    for k, (cells, check, sol) in enumerate(found, 1):
        blocks = solution_blocks(nb["cells"][sol])
        if len(blocks) != len(cells):
            raise ValueError(f"{lesson}: the solution in cell {sol} has {len(blocks)} code block(s) for "
                             f"{len(cells)} exercise cell(s)")
        for j, (cell, block) in enumerate(zip(cells, blocks, strict=True)):
            role[cell] = ("answer", k, j, block)
        role[check] = ("check", k, 0, None)
        role[sol] = ("drop", k, 0, None)
    cells = []
    for i, cell in enumerate(out["cells"]):
        kind = role.get(i, ("lesson",))[0]
        meta = cell.setdefault("metadata", {})
        given = meta.get("nbgrader", {})
        if kind == "drop":
            continue
        if kind == "answer":
            _, k, j, block = role[i]
            cell["source"] = solved(source(nb["cells"][i]), block)
            meta["nbgrader"] = nbgrader_meta(given.get("grade_id", f"ex{k}-answer{j + 1}"), solution=True)
        elif kind == "check":
            _, k, _, _ = role[i]
            points = points_of(nb, i)
            cell["source"] = graded_call(source(cell), points)
            meta["nbgrader"] = nbgrader_meta(given.get("grade_id", f"ex{k}-check"), grade=True, points=points)
        else:
            meta["nbgrader"] = nbgrader_meta(f"lesson-cell-{i}")
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    out["cells"] = cells
    return out


def write_nbgrader_course(course_dir: str | Path, only: str | None = None) -> list[Path]:
    """Write ``source/<lesson>/<lesson>.ipynb`` for every lesson with exercises (or one), and nbgrader_config.py."""
    course_dir = Path(course_dir)
    if course_dir.resolve() == ROOT.resolve() or course_dir.resolve() == NOTEBOOKS.resolve():
        raise ValueError("course_dir: got the course's own folder; expected a separate nbgrader course folder")
    chosen = [p for p in lessons() if only is None or p.name.startswith(only)]
    if not chosen:
        raise ValueError(f"only: got {only!r}; expected a number or name prefix of a lesson, e.g. '03'")
    course_dir.mkdir(parents=True, exist_ok=True)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(NBGRADER_CONFIG, encoding="utf-8")
    written = []
    for path in chosen:
        nb = json.loads(path.read_text(encoding="utf-8"))
        target = course_dir / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(instructor_notebook(nb, path.stem), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
    return written


def nbgitpuller_link(hub: str, lesson: str | None = None, branch: str = "main") -> str:
    """A link that clones (or updates) the course into each student's JupyterHub home and opens a lesson."""
    if not hub.startswith(("https://", "http://")):
        raise ValueError(f"hub: got {hub!r}; expected the hub's address, e.g. https://hub.example.edu")
    name = repo_url().rsplit("/", 1)[1]
    path = f"{name}/notebooks"
    if lesson is not None:
        hits = [p for p in lessons() if p.name.startswith(lesson)]
        if len(hits) != 1:
            raise ValueError(f"lesson: got {lesson!r}; expected a number or name prefix of one lesson, e.g. '03'")
        path += f"/{hits[0].name}"
    query = urllib.parse.urlencode(
        {"repo": repo_url(), "urlpath": f"lab/tree/{path}", "branch": branch}, safe="/:")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def slide_type(cell: dict, index: int) -> str:
    """RISE: the title and every ## section start a slide, ### a sub-slide; the rest follows on the same slide."""
    if index == 0:
        return "slide"
    src = "".join(cell["source"])
    if cell["cell_type"] == "markdown" and src.startswith("## "):
        return "slide"
    if cell["cell_type"] == "markdown" and src.startswith("### "):
        return "subslide"
    if "setup" in tags(cell):
        return "skip"
    return "-"


def add_slides(path: Path, check: bool = False) -> bool:
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for i, cell in enumerate(nb["cells"]):
        want = {"slide_type": slide_type(cell, i)}
        if cell.setdefault("metadata", {}).get("slideshow") != want:
            cell["metadata"]["slideshow"] = want
            changed = True
    if changed and not check:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tools for teaching the course to a class.")
    sub = ap.add_subparsers(dest="command", required=True)
    ng = sub.add_parser("nbgrader", help="write nbgrader's source notebooks (solutions filled in) to COURSE_DIR")
    ng.add_argument("course_dir")
    ng.add_argument("--lesson")
    ln = sub.add_parser("link", help="print an nbgitpuller link for JupyterHub")
    ln.add_argument("--hub", required=True)
    ln.add_argument("--lesson")
    ln.add_argument("--branch", default="main")
    sl = sub.add_parser("slides", help="write RISE slide metadata on every lesson")
    sl.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    if args.command == "nbgrader":
        for path in write_nbgrader_course(args.course_dir, args.lesson):
            print(path)
    elif args.command == "link":
        print(nbgitpuller_link(args.hub, args.lesson, args.branch))
    else:
        stale = [p.name for p in lessons() if add_slides(p, args.check)]
        if args.check and stale:
            print("slide metadata out of date (run python tools/classroom.py slides):", ", ".join(stale))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
