"""Write every notebook's launch badges and Colab setup cell from the one repository address in pyproject.toml.

    python tools/sync_launch.py          # rewrite notebooks/*.ipynb in place
    python tools/sync_launch.py --check  # exit 1 if any notebook is out of date (tests/test_launch.py does this)

Cell 0 of a lesson is markdown: its title line, then the badge line this tool writes. Cell 1 is the setup cell,
tagged "setup", which this tool owns: on Colab it fetches the course (helpers + data) next to the notebook and
puts it on the import path, without reinstalling Colab's torch or ipywidgets; elsewhere it does nothing but
print the environment report.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE_PREFIX = "[![Open In Colab]"


def repo_url() -> str:
    """The repository's address, read from [project.urls] Repository in pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^Repository\s*=\s*"(https://github\.com/[^"]+)"', text, re.M)
    if not m:
        raise ValueError("pyproject.toml: no [project.urls] Repository = \"https://github.com/OWNER/NAME\"")
    return m.group(1).rstrip("/")


def slug() -> str:
    return repo_url().removeprefix("https://github.com/")


def colab_url(nb_name: str) -> str:
    return f"https://colab.research.google.com/github/{slug()}/blob/main/notebooks/{nb_name}"


def binder_url(nb_name: str | None = None) -> str:
    base = f"https://mybinder.org/v2/gh/{slug()}/HEAD"
    return base + (f"?urlpath=lab/tree/notebooks/{nb_name}" if nb_name else "?urlpath=lab")


def badge_line(nb_name: str) -> str:
    return (f"{BADGE_PREFIX}(https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(nb_name)}) "
            f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(nb_name)})")


def setup_source() -> str:
    name = slug().split("/")[1]
    return f'''# Setup. On Colab: fetch the course (helpers + data), put it on the import path and add sacrebleu (chrF
# and BLEU, lessons 03-04); Colab's own torch and ipywidgets are kept. Elsewhere it only reports the environment.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    if not os.path.isdir("{name}"):
        subprocess.run(["git", "clone", "--depth", "1", "{repo_url()}"], check=True)
    sys.path.insert(0, os.path.abspath("{name}"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "sacrebleu>=2.3"], check=True)

from helpers.env import print_env

print_env()'''


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + [parts[-1]]


def sync(path: Path) -> bool:
    """Bring one notebook's badges and setup cell up to date; True if anything changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    changed = False
    first = cells[0]
    if first["cell_type"] != "markdown" or not "".join(first["source"]).startswith("# "):
        raise ValueError(f"{path.name}: cell 0 must be markdown starting with the '# ' title")
    src = "".join(first["source"]).split("\n")
    want = badge_line(path.name)
    idx = next((i for i, line in enumerate(src) if line.startswith(BADGE_PREFIX)), None)
    if idx is None:
        src[1:1] = ["", want]
    elif src[idx] != want:
        src[idx] = want
    new = "\n".join(src)
    if new != "".join(first["source"]):
        first["source"] = _lines(new)
        changed = True
    setup = cells[1] if len(cells) > 1 else None
    if setup is None or "setup" not in setup.get("metadata", {}).get("tags", []):
        raise ValueError(f"{path.name}: cell 1 must be the code cell tagged 'setup'")
    if "".join(setup["source"]) != setup_source():
        setup["source"] = _lines(setup_source())
        changed = True
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def sync_readme() -> bool:
    """The README's badge line opens lesson 00."""
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    idx = next((i for i, line in enumerate(lines) if line.startswith(BADGE_PREFIX)), None)
    if idx is None:
        raise ValueError("README.md: no badge line starting with " + BADGE_PREFIX)
    lines[idx] = badge_line("00_welcome.ipynb")
    new = "\n".join(lines)
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if sync_readme():
        if check:
            stale.append("README.md")
            (ROOT / "README.md").write_text(readme, encoding="utf-8")
        else:
            print("updated README.md")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if check:
            before = path.read_text(encoding="utf-8")
            if sync(path):
                stale.append(path.name)
                path.write_text(before, encoding="utf-8")
        elif sync(path):
            print(f"updated {path.name}")
    if stale:
        print("out of date (run python tools/sync_launch.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
