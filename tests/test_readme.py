"""The README's Quick start: two commands, the second run verbatim by CI; Binder installs the course itself."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands), "each command must be one line"


def test_first_command_installs_and_opens_lesson_00():
    first = quick_start_commands()[0]
    assert "pip install -r requirements.txt" in first
    notebook = first.rsplit("jupyter lab", 1)[1].split()[0]
    assert notebook == "notebooks/00_welcome.ipynb"


def test_ci_runs_the_readme_test_command_verbatim():
    second = quick_start_commands()[1]
    assert "pip install -r requirements.txt" in second and "pytest" in second
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert second in ci_lines


def test_requirements_are_ranges_and_install_the_course():
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert "-e ." in lines
    assert not [ln for ln in lines if "==" in ln], "requirements.txt pins a version; use ranges"
    names = {re.split(r"[<>=!~ ]", ln)[0].lower() for ln in lines if not ln.startswith("-")}
    assert {"torch", "matplotlib", "ipywidgets", "jupyterlab", "nbval", "pytest", "tqdm", "numpy"} <= names
    assert "torch>=2.6" in lines and "ipywidgets>=8,<9" in lines  # JupyterLab 4 shows no ipywidgets 7 widgets


def test_binder_has_cpu_torch_and_installs_helpers_itself():
    req = (ROOT / "binder" / "requirements.txt").read_text()
    assert "whl/cpu" in req and "torch" in req and "ipywidgets" in req
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install" in post and "-e ." in post


def test_benchmark_table_is_in_the_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- benchmark:begin -->", 1)[1].split("<!-- benchmark:end -->", 1)[0]
    assert "| notebook | wall seconds | peak memory (MB) |" in table
    assert "**total**" in table
