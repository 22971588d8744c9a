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


def solution_snippets(nb: dict) -> list[str]:
    """Distinctive lines of each solution (code inside the <details> block), at least 12 characters long."""
    snippets = []
    for cell in nb["cells"]:
        if "solution" in classroom.tags(cell):
            text = "".join(cell["source"])
            for block in re.findall(r"```(?:python)?\n(.*?)```", text, re.S):
                snippets += [ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 12]
    return snippets


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_copy_has_no_solution_text(path, copies):
    nb = json.loads(path.read_text(encoding="utf-8"))
    snippets = solution_snippets(nb)
    assert snippets, f"{path.name}: no solution code found in cells tagged 'solution'"
    copy_nb = json.loads(copies[path.name].read_text(encoding="utf-8"))
    copy_text = json.dumps(copy_nb, ensure_ascii=False)
    code_in_copy = "\n".join("".join(c["source"]) for c in copy_nb["cells"])
    leaked = [s for s in snippets if s in code_in_copy and s not in stub_lines(nb)]
    assert not leaked, f"{path.name}: solution lines survive in the student copy: {leaked[:3]}"
    assert "<summary>Solution" not in copy_text
    for cell in copy_nb["cells"]:
        if set(classroom.CLEARED) & set(classroom.tags(cell)):
            assert cell["outputs"] == [] and cell["execution_count"] is None
    kept = [c for c in nb["cells"] if "solution" not in classroom.tags(c)]
    assert [c["source"] for c in kept] == [c["source"] for c in copy_nb["cells"]]


def stub_lines(nb: dict) -> set[str]:
    """Lines the stubs themselves contain (a signature shared by stub and solution is not a leak)."""
    stubs = ["".join(c["source"]) for c in nb["cells"] if "exercise" in classroom.tags(c)]
    return {ln.strip() for text in stubs for ln in text.splitlines()}


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
