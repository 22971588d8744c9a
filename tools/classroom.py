"""Tools for teaching the course to a class.

    python tools/classroom.py student-copies OUT_DIR          # notebooks without solutions, exercise outputs cleared
    python tools/classroom.py link --hub https://hub.example.edu --lesson 03   # an nbgitpuller link for JupyterHub
    python tools/classroom.py slides [--check]                # RISE slide metadata on every lesson

Student copies keep every cell but the ones tagged ``solution`` (the revealable <details> solutions), and clear
the outputs of the cells tagged ``exercise`` and ``check`` so each student starts from a clean stub. Everything
else, including the stored figures of the lesson, stays as it is.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
from sync_launch import repo_url  # noqa: E402

SOLUTION, CLEARED = "solution", ("exercise", "check")


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def student_copy(nb: dict) -> dict:
    """The notebook without its solutions and with exercise outputs cleared."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out["cells"]:
        if SOLUTION in tags(cell):
            continue
        if cell["cell_type"] == "code" and set(CLEARED) & set(tags(cell)):
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    out["cells"] = cells
    return out


def write_student_copies(out_dir: str | Path) -> list[Path]:
    out_dir = Path(out_dir)
    if out_dir.resolve() == NOTEBOOKS.resolve():
        raise ValueError("out_dir: got the course's own notebooks/ folder; expected another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in lessons():
        nb = json.loads(path.read_text(encoding="utf-8"))
        target = out_dir / path.name
        target.write_text(json.dumps(student_copy(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def nbgitpuller_link(hub: str, lesson: str | None = None, branch: str = "main") -> str:
    """A link that clones (or updates) the course into each student's JupyterHub home and opens a lesson."""
    if not hub.startswith(("https://", "http://")):
        raise ValueError(f"hub: got {hub!r}; expected the hub's address, e.g. https://hub.example.edu")
    name = repo_url().rsplit("/", 1)[1]
    path = f"{name}/notebooks"
    if lesson is not None:
        hits = [p for p in lessons() if p.name.startswith(lesson)]
        if len(hits) != 1:
            raise ValueError(f"lesson: got {lesson!r}; expected a number or name prefix of one lesson, e.g. '03'")
        path += f"/{hits[0].name}"
    query = urllib.parse.urlencode(
        {"repo": repo_url(), "urlpath": f"lab/tree/{path}", "branch": branch}, safe="/:")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def slide_type(cell: dict, index: int) -> str:
    """RISE: the title and every ## section start a slide, ### a sub-slide; the rest follows on the same slide."""
    if index == 0:
        return "slide"
    src = "".join(cell["source"])
    if cell["cell_type"] == "markdown" and src.startswith("## "):
        return "slide"
    if cell["cell_type"] == "markdown" and src.startswith("### "):
        return "subslide"
    if "setup" in tags(cell):
        return "skip"
    return "-"


def add_slides(path: Path, check: bool = False) -> bool:
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for i, cell in enumerate(nb["cells"]):
        want = {"slide_type": slide_type(cell, i)}
        if cell.setdefault("metadata", {}).get("slideshow") != want:
            cell["metadata"]["slideshow"] = want
            changed = True
    if changed and not check:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tools for teaching the course to a class.")
    sub = ap.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("student-copies", help="write notebooks without solutions")
    sc.add_argument("out_dir")
    ln = sub.add_parser("link", help="print an nbgitpuller link for JupyterHub")
    ln.add_argument("--hub", required=True)
    ln.add_argument("--lesson")
    ln.add_argument("--branch", default="main")
    sl = sub.add_parser("slides", help="write RISE slide metadata on every lesson")
    sl.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    if args.command == "student-copies":
        for path in write_student_copies(args.out_dir):
            print(path)
    elif args.command == "link":
        print(nbgitpuller_link(args.hub, args.lesson, args.branch))
    else:
        stale = [p.name for p in lessons() if add_slides(p, args.check)]
        if args.check and stale:
            print("slide metadata out of date (run python tools/classroom.py slides):", ", ".join(stale))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
