"""The classroom kit: student copies execute and keep no solution; nbgitpuller links; slide metadata."""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import classroom  # noqa: E402

LESSONS = classroom.lessons()


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return {p.name: p for p in classroom.write_student_copies(out)}


def solution_blocks(nb: dict) -> list[list[str]]:
    """Each solution's code (inside its <details> block) as stripped lines of at least 12 characters."""
    blocks = []
    for cell in nb["cells"]:
        if "solution" in classroom.tags(cell):
            text = "".join(cell["source"])
            for block in re.findall(r"```(?:python)?\n(.*?)```", text, re.S):
                blocks.append([ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 12])
    return blocks


def shown_outside_solutions(nb: dict) -> str:
    """Everything the lesson shows outside its solutions: stubs, prompts (which may quote a line to start
    from), and the lesson's own code. A solution line also found here gives nothing away."""
    return "\n".join("".join(c["source"]) for c in nb["cells"] if "solution" not in classroom.tags(c))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_copy_has_no_solution_text(path, copies):
    nb = json.loads(path.read_text(encoding="utf-8"))
    blocks = solution_blocks(nb)
    assert blocks, f"{path.name}: no solution code found in cells tagged 'solution'"
    shown = shown_outside_solutions(nb)
    own = [[ln for ln in block if ln not in shown] for block in blocks]
    assert all(own), f"{path.name}: a solution only repeats lines the lesson already shows: {blocks[own.index([])]}"
    copy_nb = json.loads(copies[path.name].read_text(encoding="utf-8"))
    copy_text = json.dumps(copy_nb, ensure_ascii=False)
    code_in_copy = "\n".join("".join(c["source"]) for c in copy_nb["cells"])
    leaked = [ln for block in own for ln in block if ln in code_in_copy]
    assert not leaked, f"{path.name}: solution lines survive in the student copy: {leaked[:3]}"
    assert "<summary>Solution" not in copy_text
    for cell in copy_nb["cells"]:
        if set(classroom.CLEARED) & set(classroom.tags(cell)):
            assert cell["outputs"] == [] and cell["execution_count"] is None
    kept = [c for c in nb["cells"] if "solution" not in classroom.tags(c)]
    assert [c["source"] for c in kept] == [c["source"] for c in copy_nb["cells"]]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_copy_executes_top_to_bottom(path, copies):
    nb = nbformat.read(copies[path.name], as_version=4)
    resources = {"metadata": {"path": str(ROOT / "notebooks")}}
    NotebookClient(nb, timeout=600, kernel_name="python3", resources=resources).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


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
    with pytest.raises(ValueError, match="out_dir"):
        classroom.write_student_copies(ROOT / "notebooks")


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
