"""Shared test setup: a headless matplotlib backend, and the repository root importable as ``helpers``."""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests; figures render to pixels only

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # lets `pytest` run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))
