"""The classroom kit: nbgrader releases each lesson without solutions and autogrades it; hub links; slides."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import classroom  # noqa: E402

LESSONS = classroom.lessons()


# Lessons whose exercises do not carry nbgrader metadata yet, with the reason; a test keeps this list honest.
PENDING: dict[str, str] = {}  # lesson stem -> why its exercises are not graded yet
GRADED = [p for p in LESSONS if p.stem not in PENDING]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run nbgrader's own command line in a course folder (its database tool, alembic, lives beside python)."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def solution_lines(nb: dict) -> list[str]:
    """The folded solutions' code lines (stripped, at least 12 characters) that the lesson shows nowhere else."""
    shown = "\n".join(classroom.source(c) for c in nb["cells"] if classroom.SOLUTION not in classroom.tags(c))
    lines = []
    for cell in nb["cells"]:
        if classroom.SOLUTION in classroom.tags(cell):
            for block in classroom.solution_blocks(cell):
                lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 12 and ln.strip() not in shown]
    return lines


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course folder with every graded lesson generated: source (solved) and release (student)."""
    root = tmp_path_factory.mktemp("nbgrader_course")
    for path in GRADED:
        classroom.write_nbgrader_course(root, path.name[:2])
        nbgrader("generate_assignment", path.stem, "--force", cwd=root)
    return root


def test_pending_lessons_are_the_ones_without_nbgrader_metadata():
    for path in LESSONS:
        cells = load(path)["cells"]
        marked = [c for c in cells if "nbgrader" in c.get("metadata", {})]
        if path.stem in PENDING:
            assert not marked, f"{path.name} now carries nbgrader metadata: take it off PENDING in this file"
        else:
            assert marked, f"{path.name}: no nbgrader metadata; expected it on every exercise and check cell"


@pytest.mark.parametrize("path", GRADED, ids=[p.stem for p in GRADED])
def test_exercise_cells_carry_nbgrader_metadata(path):
    nb = load(path)
    found = classroom.exercises(nb)
    assert len(found) >= 3, f"{path.name}: {len(found)} exercises with a checker; expected at least 3"
    ids = []
    for cells, check, _ in found:
        for i in cells:
            meta = nb["cells"][i]["metadata"]["nbgrader"]
            assert meta["solution"] and not meta["grade"] and not meta["locked"]
            ids.append(meta["grade_id"])
        meta = nb["cells"][check]["metadata"]["nbgrader"]
        assert meta["grade"] and meta["locked"] and not meta["solution"]
        out = "".join("".join(o.get("text", "")) for o in nb["cells"][check]["outputs"])
        assert f"0 of {meta['points']} check" in out, f"{path.name}: points differ from the checker's count: {out}"
        ids.append(meta["grade_id"])
    assert len(ids) == len(set(ids)), f"{path.name}: grade ids repeat: {ids}"


@pytest.mark.parametrize("path", GRADED, ids=[p.stem for p in GRADED])
def test_instructor_notebook_fills_in_solutions_grades_checks_and_locks_the_lesson(path):
    nb = load(path)
    inst = classroom.instructor_notebook(nb, path.stem)
    text = "\n".join(classroom.source(c) for c in inst["cells"])
    assert "<summary>Solution" not in text
    for line in solution_lines(nb):
        assert line in text, f"{path.name}: solution line missing from the instructor's notebook: {line}"
    kinds = {"answer": 0, "check": 0, "lesson": 0}
    for cell in inst["cells"]:
        meta = cell["metadata"]["nbgrader"]
        src = classroom.source(cell)
        if meta["solution"]:
            kinds["answer"] += 1
            assert classroom.BEGIN in src and classroom.END in src
        elif meta["grade"]:
            kinds["check"] += 1
            assert src.rstrip().split("#")[0].rstrip().endswith(f".score({meta['points']})")
        else:
            kinds["lesson"] += 1
            assert meta["locked"], "every cell of the lesson itself is read-only"
    assert kinds["answer"] >= 3 and kinds["check"] >= 3


@pytest.mark.parametrize("path", GRADED, ids=[p.stem for p in GRADED])
def test_generated_student_version_has_no_solution_and_the_course_stubs(path, course):
    nb = load(path)
    release = load(course / "release" / path.stem / path.name)
    code = "\n".join(classroom.source(c) for c in release["cells"])
    leaked = [ln for ln in solution_lines(nb) if ln in code]
    assert not leaked, f"{path.name}: solution lines survive in the student version: {leaked[:3]}"
    assert classroom.BEGIN not in code and "<summary>Solution" not in json.dumps(release, ensure_ascii=False)
    stubs = [classroom.source(nb["cells"][i]) for cells, _, _ in classroom.exercises(nb) for i in cells]
    answers = [classroom.source(c) for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    raising = re.compile(r"^(\s*)raise NotImplementedError.*$", re.M)  # a function's stub line
    expected = [raising.sub(lambda m: m[1] + classroom.CODE_STUB, s, count=1) if raising.search(s)
                else f"{s.rstrip()}\n{classroom.CODE_STUB}" for s in stubs]
    assert answers == expected, "the student version's exercise cells are the course's stubs"
    checks = [classroom.source(c) for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(checks) == len(classroom.exercises(nb)) and all(".score(" in c for c in checks)


@pytest.mark.parametrize("path", GRADED, ids=[p.stem for p in GRADED])
def test_autograde_gives_full_marks_to_the_solved_lesson_and_zero_to_the_untouched_one(path, course):
    from nbgrader.api import Gradebook

    for student, folder in (("solved", "source"), ("untouched", "release")):
        target = course / "submitted" / student / path.stem
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(course / folder / path.stem / path.name, target / path.name)
    nbgrader("autograde", path.stem, "--create", "--force", cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        solved, untouched = (gb.find_submission(path.stem, s) for s in ("solved", "untouched"))
        assert solved.max_score >= 3
        assert solved.score == solved.max_score, f"{path.name}: the solved lesson scored {solved.score}"
        assert untouched.score == 0, f"{path.name}: the untouched student version scored {untouched.score}"
    graded = load(course / "autograded" / "untouched" / path.stem / path.name)
    errors = [o for c in graded["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert not errors, f"{path.name}: the student version does not run top to bottom: {errors[0].get('ename')}"
    shown = "".join("".join(o.get("text", "")) for c in graded["cells"] for o in c.get("outputs", []))
    assert "💡" not in shown, "an untouched student version shows no hint"


def test_nbgitpuller_link_opens_the_lesson_from_the_repository():
    link = classroom.nbgitpuller_link("https://hub.example.edu/", "03")
    assert link.startswith("https://hub.example.edu/hub/user-redirect/git-pull?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["repo"] == [classroom.repo_url()]
    assert query["urlpath"][0].startswith("lab/tree/") and query["urlpath"][0].endswith("/notebooks/03_seq2seq.ipynb")
    assert query["branch"] == ["main"]


def test_bad_input_names_the_argument(tmp_path):
    with pytest.raises(ValueError, match="hub"):
        classroom.nbgitpuller_link("hub.example.edu")
    with pytest.raises(ValueError, match="lesson"):
        classroom.nbgitpuller_link("https://hub.example.edu", "42")
    with pytest.raises(ValueError, match="course_dir"):
        classroom.write_nbgrader_course(ROOT / "notebooks")
    with pytest.raises(ValueError, match="only"):
        classroom.write_nbgrader_course(tmp_path, "42")
    with pytest.raises(ValueError, match="check_src"):
        classroom.graded_call("x = 1", 2)


def test_every_lesson_carries_slide_metadata():
    assert classroom.main(["slides", "--check"]) == 0


def benchmark_rows() -> dict[str, tuple[str, str]]:
    """{lesson number: (wall seconds, peak MB)} from the README's benchmark table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- benchmark:begin -->", 1)[1].split("<!-- benchmark:end -->", 1)[0]
    return {m[1]: (m[2], m[3]) for m in re.finditer(r"^\| (\d\d)_\S+\.ipynb \| ([\d.]+) \| (\d+) \|", table, re.M)}


def test_instructor_guide_covers_every_lesson_with_its_measured_time():
    guide = (ROOT / "docs" / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
    assert "docs/INSTRUCTOR_GUIDE.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    lessons = guide.split("<!-- lessons:begin -->", 1)[1].split("<!-- lessons:end -->", 1)[0]
    sections = dict(re.findall(r"^### (\d\d) — .*?\n(.*?)(?=^### |\Z)", lessons, re.S | re.M))
    measured = benchmark_rows()
    assert sorted(sections) == sorted(p.name[:2] for p in LESSONS) == sorted(measured)
    for num, body in sections.items():
        seconds, mb = measured[num]
        assert f"**Run time:** {seconds} s (peak {mb} MB)" in body, f"lesson {num}: run time differs from the README"
        for part in ("**Objectives.**", "**Where classes get stuck.**", "**Discussion.**", "**Exercises.**"):
            assert part in body, f"lesson {num}: no {part} part"
        questions = re.findall(r"^\d\. ", body.split("**Discussion.**", 1)[1].split("**Exercises.**", 1)[0], re.M)
        assert 2 <= len(questions) <= 3, f"lesson {num}: {len(questions)} discussion questions; expected 2 or 3"
