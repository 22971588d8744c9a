"""The launch badges and Colab setup cells agree with the one repository address (tools/sync_launch.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("sync_launch", ROOT / "tools" / "sync_launch.py")
sync_launch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync_launch)

LINK = re.compile(r"\]\((https://[^)\s]+)\)")


def test_sync_launch_check_passes():
    run = subprocess.run([sys.executable, "tools/sync_launch.py", "--check"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_in_sync(path, tmp_path):
    copy = tmp_path / path.name  # the badge depends on the file name, so the copy keeps it
    shutil.copy(path, copy)
    assert not sync_launch.sync(copy), f"{path.name} is out of date: run python tools/sync_launch.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_badge_points_at_its_own_notebook(path):
    cell0 = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    links = [u for u in LINK.findall(cell0) if "colab.research.google.com/github" in u or "mybinder.org/v2" in u]
    assert len(links) == 2, f"expected a Colab and a Binder link in cell 0, got {links}"
    repo = sync_launch.slug()
    colab, binder = sorted(links)
    assert colab == f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{path.name}"
    assert binder.startswith(f"https://mybinder.org/v2/gh/{repo}/")
    assert binder.endswith(f"?urlpath=lab/tree/notebooks/{path.name}")


def test_readme_badge_opens_lesson_00():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sync_launch.badge_line("00_welcome.ipynb") in readme.split("\n")


def test_setup_cell_fetches_this_repository():
    src = sync_launch.setup_source()
    assert sync_launch.repo_url() in src and 'if "google.colab" in sys.modules' in src
    # Colab's torch and ipywidgets are kept: the one package installed there is sacrebleu
    installs = [line for line in src.split("\n") if '"install"' in line]
    assert len(installs) == 1 and "sacrebleu" in installs[0] and "torch" not in installs[0]
