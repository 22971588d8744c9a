"""The course in a real browser: JupyterLab in headless Chromium, the way a learner uses it.

For every lesson with an explorer, a copy of the course (notebooks/, helpers/, data/ in a temporary folder, so
nothing saves over the committed notebooks) is served by JupyterLab on 127.0.0.1 with a token and a free port;
Playwright drives Debian's Chromium (/usr/bin/chromium) to open the lesson, run Run → Run All Cells, wait for
the kernel, and check (see tests/browser_support.py for how each is read from the page):

- no error output (tracebacks, cells left unexecuted, widgets that failed to render, broken images);
- each explorer shows its slider and a figure, and dragging the slider redraws the figure (a different image);
- the attention heatmap and the gradient plot show as images, in lessons that draw them.

**Which lessons have an explorer**: notebooks/NN_*.ipynb whose code calls ``explorer(...)`` (as
``helpers.widgets.explorer`` is used: ``explorer(``, ``widgets.explorer(``, ``Explorer(``, not counting a
definition) or has a cell tagged ``explorer``. The JSON is scanned, not executed, so a lesson that is added
later is picked up without editing this file.

The README's first Quick-start command is exercised too: its last part must be ``jupyter lab <notebook>``;
that command (minus the install, which CI has done) starts a server in the repository root and the notebook's
tab must open.

Screenshots of what the browser saw go to a temporary folder whose path is in every failure message. Where
Chromium or Playwright is missing the module is skipped with one line, except under CI (``CI`` set), where that
fails: CI installs both (.ci/install-browser.sh).

Timing: per lesson, its own run time plus about 10 s (open, kernel start, one slider move and redraw per
explorer); the checker's own four cases about 60 s; the Quick start about 10 s.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as bs  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = bs.ROOT
REASON = bs.missing_browser_reason()
if REASON and not bs.in_ci():
    pytest.skip(REASON, allow_module_level=True)

LESSONS = bs.lessons_with_explorers()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if REASON:  # only under CI: a missing browser is a failure there, not a skip
        pytest.fail(f"CI is set but {REASON}")
    b = bs.Browser(tmp_path_factory.mktemp("chromium"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory, browser):
    """One JupyterLab for the module, serving a copy of the course."""
    course = bs.copy_course(tmp_path_factory.mktemp("course"))
    with bs.JupyterLab(course, tmp_path_factory.mktemp("lab"), pythonpath=course) as lab:
        yield lab


def _check(browser, lab, rel_path: str, nb: dict, shots: Path) -> bs.Report:
    page = browser.new_page()
    try:
        return bs.check_notebook(page, lab, rel_path, nb, shots)
    finally:
        browser.close_pages()
        lab.shutdown_kernels()


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_and_its_explorers_redraw(lesson, browser, course_lab, tmp_path):
    nb = json.loads((course_lab.root_dir / "notebooks" / lesson.name).read_text(encoding="utf-8"))  # the copy served
    report = _check(browser, course_lab, f"notebooks/{lesson.name}", nb, tmp_path / "screenshots")
    print(f"{lesson.name}: {report.seconds}  explorers checked: {report.explorers_checked}  "
          f"figures: {report.figures_checked}")
    assert not report.problems, report.summary()
    assert report.explorers_checked >= 1, f"no explorer was exercised; screenshots in {report.shots}"


def test_some_lesson_has_an_explorer():
    """Guards the parametrization: if explorer detection found nothing, the check above would silently vanish."""
    if not bs.lessons():
        pytest.skip("no lesson notebooks yet (notebooks/NN_*.ipynb)")
    assert LESSONS, ("no lesson under notebooks/ calls explorer(...) or has a cell tagged 'explorer'; "
                     "has the way explorers are made changed? (see tests/browser_support.py: explorer_cells)")


# ---------------------------------------------------------------------------------------------------------------
# The checker itself: a throwaway notebook with an explorer passes; the same explorer with its callback broken
# fails. This is what shows the test above would catch a broken widget.

SETUP = """import numpy as np
import ipywidgets as widgets
from helpers import plots
from helpers.widgets import explorer"""

DRAW = """def draw(rho, steps):
    return plots.grad_norm_plot({f"ρ = {rho:.2f}": rho ** np.arange(steps)}, title=f"ρ = {rho:.2f}")

explorer(draw, {"rho": widgets.FloatSlider(value=0.9, min=0.5, max=1.5, step=0.05, continuous_update=False),
                "steps": widgets.IntSlider(value=30, min=5, max=60)}, title="How ρ scales the gradient")"""

# breakage → (code added before the explorer, code added at the end, what the checker must then report)
BREAKAGES = {
    # The callback raises: helpers.widgets prints the error into the explorer instead of a figure.
    "redraw_raises": ("import helpers.widgets as hw\n"
                      "def broken(self):\n    raise RuntimeError('broken on purpose')\n"
                      "hw.Explorer.redraw = broken", None, "explorer in cell 3: after moving the slider"),
    # The callback does nothing: the slider moves, the figure stays.
    "redraw_does_nothing": ("import helpers.widgets as hw\nhw.Explorer._on_change = lambda self, change: None",
                            None, "did not change the figure"),
    # An ordinary error in a cell, with a stderr stream before it that is not an error.
    "cell_raises": (None, "import sys\nprint('only a warning', file=sys.stderr)\n"
                          "raise ValueError('broken on purpose')", "cell 3 shows an error"),
}


def _throwaway(breakage: str | None) -> dict:
    before, after, _ = BREAKAGES[breakage] if breakage else (None, None, None)
    cells = [SETUP] + ([before] if before else []) + [
        "plots.attention_heatmap(np.eye(3), ['a', 'b', 'c'], ['x', 'y', 'z'], title='Attention')", DRAW]
    cells += [after] if after else []
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
                  for s in cells],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


@pytest.mark.parametrize("breakage", [None, *BREAKAGES])
def test_checker_passes_a_working_explorer_and_catches_broken_ones(breakage, browser, course_lab, tmp_path):
    name = f"zz_browser_check_{breakage or 'working'}.ipynb"
    nb = _throwaway(breakage)
    (course_lab.root_dir / "notebooks" / name).write_text(json.dumps(nb), encoding="utf-8")
    report = _check(browser, course_lab, f"notebooks/{name}", nb, tmp_path / "screenshots")
    print(report.summary(), report.seconds)
    if breakage is None:
        assert not report.problems, report.summary()
        assert report.explorers_checked == 1 and report.figures_checked, report.summary()
    else:
        expected = BREAKAGES[breakage][2]
        assert any(expected in p for p in report.problems), (
            f"the checker missed what {breakage} broke (expected a problem with {expected!r}):\n"
            f"{report.summary()}")


# ---------------------------------------------------------------------------------------------------------------
# The README's first command


def _readme_first_command() -> str:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet; its Quick start's first command is "
                    "`python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && "
                    ".venv/bin/jupyter lab notebooks/00_welcome.ipynb`")
    text = readme.read_text(encoding="utf-8")
    assert "## Quick start" in text, "README.md has no '## Quick start' section"
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```bash\n")[1:]
    assert blocks, "README's Quick start has no ```bash block"
    return blocks[0].split("```", 1)[0].strip()


def test_readme_quick_start_opens_lesson_00(browser, tmp_path):
    first = _readme_first_command()
    parts = [p.strip() for p in first.split("&&")]
    assert any("pip install -r requirements.txt" in p for p in parts), f"no install step in {first!r}"
    last = shlex.split(parts[-1])
    assert len(last) == 3 and Path(last[0]).name in ("jupyter", "jupyter.exe") and last[1] == "lab", (
        f"the Quick start's first command should end with `jupyter lab <notebook>`; it ends with {parts[-1]!r}")
    notebook = last[2]
    assert (ROOT / notebook).is_file(), f"the Quick start opens {notebook}, which does not exist"
    before = hashlib.sha256((ROOT / notebook).read_bytes()).hexdigest()
    folder = (ROOT / notebook).parent
    hidden = {p.name for p in folder.iterdir() if p.name.startswith(".")}  # .ipynb_checkpoints and the like

    shots = tmp_path / "screenshots"
    shots.mkdir()
    t0 = time.monotonic()
    # `<venv>/bin/jupyter lab <notebook>` run from the repository root, as the README has it, minus the install.
    with bs.JupyterLab(ROOT, tmp_path / "lab", notebook=notebook, cwd=ROOT) as lab:
        page = browser.new_page()
        try:
            # The address JupyterLab opens for `jupyter lab <file>`: /lab/tree/<file> (its file_url_prefix).
            page.goto(lab.url(f"lab/tree/{notebook}"), wait_until="domcontentloaded")
            n_cells = len(json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"])
            try:
                bs.wait_until_open(page, n_cells, Path(notebook).name, bs.SERVER_START_S)
            except Exception as err:
                page.screenshot(path=str(shots / "quick_start_failed.png"))
                pytest.fail(f"{notebook} did not open with its {n_cells} cells and an idle kernel: "
                            f"{str(err).splitlines()[0]}; screenshots in {shots}; server log {lab.log_path}")
            page.screenshot(path=str(shots / "quick_start.png"))
        finally:
            browser.close_pages()
    print(f"Quick start: server up and {notebook} open in {time.monotonic() - t0:.1f} s")
    after = hashlib.sha256((ROOT / notebook).read_bytes()).hexdigest()
    assert before == after, f"opening {notebook} changed the committed file; screenshots in {shots}"
    added = {p.name for p in folder.iterdir() if p.name.startswith(".")} - hidden
    assert not added, f"opening {notebook} left {sorted(added)} in {folder}; screenshots in {shots}"
