"""Every lesson, run twice in fresh kernels, prints the same lines (see tests/determinism.py for what counts).

Opt-in (marker ``determinism``, left out of the default run): ``python -m pytest -m determinism notebooks tests``.

The first run is nbval's, when nbval ran the lesson earlier in this pytest session (conftest.py records it and
puts these tests last); otherwise this test runs the lesson twice itself. Either way each lesson costs one extra
execution here, unless ``COURSE_PRINTED_COMPARE`` names the record of an earlier pytest run (see conftest.py): then
that record is the first run and this session's nbval run the second, and nothing runs again.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.determinism import NBVAL_PRINTED, differences, execute, printed  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.determinism
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_two_fresh_runs_print_the_same(lesson):
    key = str(lesson.resolve())
    first, second = NBVAL_PRINTED.get(key), None
    if first is None or -1 in first:
        first = execute(lesson)
    earlier = os.environ.get("COURSE_PRINTED_COMPARE")
    if earlier:
        with open(earlier, encoding="utf-8") as f:
            recorded = json.load(f).get(key)
        if recorded is not None:  # the earlier pytest run was the first run; this session's is the second
            first, second = {int(k): v for k, v in recorded.items()}, first
    if second is None:
        second = execute(lesson)
    found = differences(lesson, first, second)
    assert not found, (f"{lesson.name} printed other text in two fresh runs ({len(found)} cells):\n\n"
                       + "\n\n".join(found))


def test_printed_text_masks_clock_readings_and_skips_figures():
    outs = [{"output_type": "stream", "name": "stdout", "text": "loss 0.412 after 300 steps in 12.5 s\n"},
            {"output_type": "stream", "name": "stderr", "text": "100%|███| 300/300 [00:12<00:00, 24.1it/s]\n"},
            {"output_type": "display_data", "data": {"image/png": "iVBOR…", "text/plain": "<Figure size 640x480>"}},
            {"output_type": "execute_result", "data": {"text/plain": "0.87"}, "execution_count": 3}]
    assert printed(outs) == "loss 0.412 after 300 steps in <time>\n0.87\n"
    # a clock reading padded to a fixed width reads the same whatever its digits
    assert printed([{"output_type": "stream", "name": "stdout", "text": "in  7.8 s, loss 1\n"}]) == \
        printed([{"output_type": "stream", "name": "stdout", "text": "in 10.9 s, loss 1\n"}])
    # a moved number is seen; a moved clock reading is not
    assert printed([{"output_type": "stream", "name": "stdout", "text": "loss 0.413 in 9.1 s\n"}]) != \
        printed([{"output_type": "stream", "name": "stdout", "text": "loss 0.412 in 9.1 s\n"}])
    assert printed([{"output_type": "stream", "name": "stdout", "text": "took 350 µs\n"}]) == \
        printed([{"output_type": "stream", "name": "stdout", "text": "took 18 µs\n"}])
