"""Determinism, part 1: remember what nbval's fresh run of each lesson printed.

nbval (``--nbval-lax``) executes every notebook in a fresh kernel and compares the cells marked
``# NBVAL_CHECK_OUTPUT`` with their stored outputs. This plugin also records, per notebook, the text every code
cell printed in that run; ``tests/test_determinism.py`` runs each lesson once more in another fresh kernel and
compares the two, line for line (so a lesson is executed twice on the same machine and versions, and a number
that moves between the runs fails). The determinism tests are moved after the notebooks so that nbval's run is
there to compare with; run alone, a determinism test executes its lesson twice itself.

Two pytest runs can also share the work: with ``COURSE_PRINTED_RECORD=FILE`` a run writes what nbval's run of
each lesson printed to FILE (JSON); with ``COURSE_PRINTED_COMPARE=FILE`` a later run's determinism tests take that
record as the first run and this run's nbval execution as the second, so no lesson is executed a third time.
CI does this: the main run records, and the ipywidgets 7.7.1 session (same machine, same torch; printed text does
not depend on the widget library) compares.
"""

from __future__ import annotations

import json
import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or type(item).__name__ != "IPyNbCell":
        return
    from tests.determinism import NBVAL_PRINTED, printed  # imported only once nbval runs

    key = str(item.path.resolve())
    if report.passed and getattr(item, "test_outputs", None) is not None:
        NBVAL_PRINTED.setdefault(key, {})[item.cell_num] = printed(item.test_outputs)
    else:  # a failed or skipped cell: this run cannot serve as the first of the two
        NBVAL_PRINTED.setdefault(key, {})[-1] = "incomplete"


def pytest_collection_modifyitems(session, config, items):
    """Determinism tests last, after nbval has run the notebooks they compare with."""
    items.sort(key=lambda it: it.get_closest_marker("determinism") is not None)


def pytest_sessionfinish(session, exitstatus):
    """Write nbval's record to ``COURSE_PRINTED_RECORD`` (only lessons whose every cell passed)."""
    path = os.environ.get("COURSE_PRINTED_RECORD")
    if not path:
        return
    from tests.determinism import NBVAL_PRINTED

    complete = {nb: {str(k): v for k, v in cells.items()} for nb, cells in NBVAL_PRINTED.items() if -1 not in cells}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(complete, f, ensure_ascii=False, indent=0)
