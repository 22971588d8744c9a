"""Build the course website: every lesson as a web page from its stored outputs, offline.

    python tools/build_site.py              # → _build/site/index.html
    python tools/build_site.py --out DIR    # somewhere else

The sources are site/ (Sphinx settings, the landing page, the style), the lessons notebooks/NN_*.ipynb, the
instructor guide docs/INSTRUCTOR_GUIDE.md and the datasheet data/DATASHEET.md. They are staged, with the
repository's own layout, into _build/site-src, and Sphinx (MyST-NB, sphinx-book-theme) renders that folder; no
notebook is executed and nothing is fetched. Staging changes only the copies:

- a lesson's badge line (images from the launch services) becomes the launch bar: Launch in Binder, Open in
  Colab (the addresses tools/sync_launch.py gives that notebook) and Download notebook (the committed .ipynb,
  served beside its page);
- widget views (which need a kernel) are dropped from the outputs; the explorer's stored default figure stays,
  with a note before it saying how to move its controls;
- the lesson setup cell is folded (it only matters on Colab);
- the landing page gets the lesson table and the benchmark table from README.md;
- links to repository files that are not pages of the site point at the repository on GitHub.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from sync_launch import BADGE_PREFIX, binder_url, colab_url, repo_url  # noqa: E402

STAGE = ROOT / "_build" / "site-src"
OUT = ROOT / "_build" / "site"
DOCS = ["docs/INSTRUCTOR_GUIDE.md", "data/DATASHEET.md"]  # Markdown pages besides the lessons
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A Markdown link or image with a relative target: group 1 is "!" for an image, group 2 the target.
LINK = re.compile(r"(!?)\[[^\]]*\]\((?!https?://|mailto:|#)([^)\s]+)\)")
ASSETS = {".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp"}  # images a page may show, copied with the pages

EXPLORER_NOTE = """:::{{admonition}} Interactive explorer
:class: tip explorer-note
Below is the explorer's default figure, as stored when the lesson ran. Its controls need a running kernel:
[launch the lesson in Binder]({binder}) or [open it in Colab]({colab}) (or run it on your own machine) to move
them and watch the figure redraw.
:::"""


def lessons() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def launch_bar(nb_name: str) -> str:
    links = [("launch-binder", binder_url(nb_name), "Launch in Binder", ""),
             ("launch-colab", colab_url(nb_name), "Open in Colab", ""),
             ("launch-download", nb_name, "Download notebook", f' download="{nb_name}"')]
    items = "\n".join(f'<a class="{cls}" href="{html.escape(url)}"{extra}>{label}</a>'
                      for cls, url, label, extra in links)
    return f'<div class="launch-bar">\n{items}\n</div>'


def rewrite_links(text: str, rel_dir: str, pages: set[str]) -> str:
    """Relative links to staged pages stay; ../README.md goes to the landing page; other repository files go to
    the repository on GitHub."""
    def fix(m: re.Match) -> str:
        if m.group(1):  # an image: it is staged beside its page (ASSETS)
            return m.group(0)
        target = m.group(2)
        path, _, anchor = target.partition("#")
        resolved = (Path(rel_dir) / path).as_posix() if path else ""
        parts: list[str] = []
        for part in resolved.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        resolved = "/".join(parts)
        if not path or resolved in pages:
            return m.group(0)
        depth = rel_dir.count("/") + 1 if rel_dir else 0
        if resolved == "README.md":
            new = f"{'../' * depth}index.md"
        else:
            new = f"{repo_url()}/blob/main/{resolved}"
        start, end = m.span(2)
        text = m.group(0)
        return text[:start - m.start()] + new + ("#" + anchor if anchor else "") + text[end - m.start():]
    return LINK.sub(fix, text)


def stage_notebook(path: Path, pages: set[str]) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    name = path.name
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            text = source(cell)
            if i == 0:  # title, then the badge line: the badges become the launch bar
                lines = text.split("\n")
                badge = [j for j, ln in enumerate(lines) if ln.startswith(BADGE_PREFIX)]
                bar = launch_bar(name)
                if badge:
                    lines[badge[0]] = bar
                else:
                    lines.insert(1, "\n" + bar)
                text = "\n".join(lines)
            cell["source"] = rewrite_links(text, "notebooks", pages)
        elif cell["cell_type"] == "code":
            outputs = cell.get("outputs", [])
            kept = [o for o in outputs if WIDGET_VIEW not in o.get("data", {})]
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "setup" in tags and "hide-cell" not in tags:
                tags.append("hide-cell")
            if len(kept) != len(outputs):
                cell["outputs"] = kept
                if any("image/png" in o.get("data", {}) for o in kept):
                    note = {"cell_type": "markdown", "metadata": {},
                            "source": EXPLORER_NOTE.format(binder=binder_url(name), colab=colab_url(name))}
                    if "id" in cell:  # nbformat ≥ 4.5 has cell ids
                        note["id"] = f"explorer-note-{i}"
                    cells.append(note)
        cells.append(cell)
    nb["cells"] = cells
    return nb


def readme_section_table(readme: str, heading: str) -> str:
    """The first Markdown table under ``## heading`` in README.md."""
    try:
        section = readme.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    except IndexError:
        raise SystemExit(f"README.md has no section '## {heading}'; the landing page takes its table from there") \
            from None
    rows = [ln for ln in section.splitlines() if ln.startswith("|")]
    if not rows:
        raise SystemExit(f"README.md's section '## {heading}' has no table")
    return "\n".join(rows)


def stage_index(src: Path, dest: Path, pages: set[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = src.read_text(encoding="utf-8")
    lessons_table = rewrite_links(readme_section_table(readme, "The lessons"), "", pages)
    benchmark = readme.split("<!-- benchmark:begin -->", 1)[1].split("<!-- benchmark:end -->", 1)[0].strip()
    text = re.sub(r"<!-- lessons:.*?-->", lambda m: lessons_table, text)
    text = re.sub(r"<!-- benchmark:.*?-->", lambda m: benchmark, text)
    dest.write_text(text, encoding="utf-8")


def stage(stage_dir: Path = STAGE) -> Path:
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(ROOT / "site", stage_dir, ignore=shutil.ignore_patterns("__pycache__"))
    pages = {f"notebooks/{p.name}" for p in lessons()} | set(DOCS)
    for folder in {"notebooks", *(str(Path(rel).parent) for rel in DOCS)}:  # images the pages show
        for asset in (ROOT / folder).rglob("*"):
            if asset.suffix.lower() in ASSETS and ".ipynb_checkpoints" not in asset.parts:
                dest = stage_dir / asset.relative_to(ROOT)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(asset, dest)
    for path in lessons():
        dest = stage_dir / "notebooks" / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(stage_notebook(path, pages), ensure_ascii=False, indent=1), encoding="utf-8")
        extra = stage_dir / "_extra" / "notebooks" / path.name  # the committed notebook, for Download notebook
        extra.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, extra)
    for rel in DOCS:
        dest = stage_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(rewrite_links((ROOT / rel).read_text(encoding="utf-8"), str(Path(rel).parent), pages),
                        encoding="utf-8")
    stage_index(ROOT / "site" / "index.md", stage_dir / "index.md", pages)
    return stage_dir


def build(out: Path = OUT, stage_dir: Path = STAGE, quiet: bool = True) -> Path:
    from sphinx.cmd.build import build_main

    stage(stage_dir)
    os.environ["COURSE_ROOT"] = str(ROOT)  # for the staged conf.py
    args = ["-b", "html", "-E", "-d", str(stage_dir.parent / "site-doctrees"), str(stage_dir), str(out)]
    if quiet:
        args.insert(0, "-q")
    rc = build_main(args)
    if rc:
        raise SystemExit(f"sphinx-build failed (exit {rc})")
    (out / ".nojekyll").touch()  # GitHub Pages serves _static/ and _images/ as they are
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT.relative_to(ROOT)})")
    ap.add_argument("--verbose", action="store_true", help="Sphinx's progress, not just its warnings")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    out = build(args.out.resolve(), quiet=not args.verbose)
    print(f"site built in {time.monotonic() - t0:.1f} s: {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
