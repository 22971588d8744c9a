"""Compatibility: the course tested on the oldest and newest versions it claims to support.

Each session builds a fresh virtual environment, installs the course from requirements.txt with the versions under
test pinned, prints what it installed, and runs pytest in it::

    nox -s "compat(oldest)"    # the oldest torch requirements.txt allows, with ipywidgets 7.7.1 (what Colab ships)
    nox -s "compat(newest)"    # the newest torch and the newest ipywidgets 8 on the package index
    nox -s ipywidgets7         # ipywidgets 7.7.1 with the torch already installed here

What each runs (arguments after ``--`` replace it, e.g. ``nox -s "compat(oldest)" -- notebooks/03_seq2seq.ipynb``):

- with ipywidgets 8: the whole suite, browser tests included (they need Debian's chromium:
  ``bash .ci/install-browser.sh``);
- with ipywidgets 7.7.1: the unit tests (the explorers driven through their controls among them) and every
  notebook under nbval (``ipywidgets7``: the explorer unit tests and the notebooks). Not the browser tests:
  JupyterLab 4's widget manager (jupyterlab_widgets 3) shows no widget from an ipywidgets 7.7 kernel, so the
  explorers show only their static figure there. Colab has its own widget manager for ipywidgets 7, which is
  why the course keeps to the API both versions share.

The determinism tests are left out of the compat sessions: they compare two runs on one machine, not versions.
``ipywidgets7`` runs them when ``COURSE_PRINTED_COMPARE`` names the record of an earlier run of the notebooks
with the same torch (CI), taking its own nbval run as the second run.
The latest results are in the README ("Versions we test").
"""

from __future__ import annotations

import importlib.metadata
import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = False
nox.options.sessions = ["compat"]

# Pins per combination: (torch and what it needs, ipywidgets). The oldest torch is 2.6: transformers 5 (what
# requirements.txt's range installs) loads GPT-2 only on torch >= 2.6; torch 2.2.0 was tried first and failed there.
# NumPy 1 on the oldest, to cover requirements.txt's numpy>=1.24 as well.
COMBOS = {
    "oldest": (["torch==2.6.0", "numpy<2"], "ipywidgets==7.7.1"),
    "newest": (["--upgrade", "torch"], "ipywidgets>=8"),
}
WHOLE_SUITE = ["tests", "notebooks", "-m", "not determinism"]
WIDGETS_7 = ["tests", "notebooks", "-m", "not determinism and not browser"]
EXPLORERS_7 = ["tests/test_widgets.py", "notebooks", "-m", "not determinism"]
# With COURSE_PRINTED_COMPARE (a record of an earlier run, see conftest.py) the session's nbval run is also the
# second run of the determinism test: CI records in its main run and compares here, at no extra execution.
COMPARED_7 = ["tests/test_widgets.py", "notebooks", "tests/test_determinism.py", "-m", "not browser"]
PACKAGES = ("torch", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "jupyterlab_widgets", "transformers",
            "tokenizers")
SHOW = ("import importlib.metadata as m\n"
        f"for p in {PACKAGES!r}:\n"
        "    try: print(p, m.version(p))\n"
        "    except m.PackageNotFoundError: print(p, 'not installed')")


def _install(session: nox.Session, pins: list[str], widgets: str) -> None:
    # A site-wide pip configuration may cap versions with a constraints file; the sessions ask for what they name.
    env = {"PIP_CONSTRAINT": os.devnull}
    session.install(*pins, env=env)  # torch first, so requirements.txt's range is already met
    session.install("-r", "requirements.txt", *[p for p in pins if p != "--upgrade"], env=env)
    # Last, as Colab has it: requirements.txt asks for ipywidgets 8 (JupyterLab 4 renders no other), the course's
    # own code (pyproject.toml) for >= 7.7.
    session.install("--upgrade", widgets, env=env)
    session.install("-r", "requirements-browser.txt", env=env)
    session.run("python", "-c", SHOW)


def _pytest(session: nox.Session, default: list[str]) -> None:
    env = {k: os.environ.get(k, "") for k in ("CI", "COURSE_PRINTED_COMPARE")}
    session.run("python", "-m", "pytest", *(session.posargs or default), env=env)


@nox.session
@nox.parametrize("combo", list(COMBOS), ids=list(COMBOS))
def compat(session: nox.Session, combo: str) -> None:
    """The suite on the oldest or the newest versions that requirements.txt allows."""
    pins, widgets = COMBOS[combo]
    _install(session, pins, widgets)
    _pytest(session, WIDGETS_7 if widgets.endswith("7.7.1") else WHOLE_SUITE)


@nox.session
def ipywidgets7(session: nox.Session) -> None:
    """ipywidgets 7.7.1 (what Colab ships) with the torch of the environment nox runs from: only ipywidgets moves."""
    torch = importlib.metadata.version("torch").split("+")[0]
    _install(session, [f"torch=={torch}"], "ipywidgets==7.7.1")
    _pytest(session, COMPARED_7 if os.environ.get("COURSE_PRINTED_COMPARE") else EXPLORERS_7)
