"""Sphinx settings for the course website: every lesson rendered from its stored outputs, built offline.

Build it with ``python tools/build_site.py``: that stages these files, the lessons and the course's Markdown
documents into ``_build/site-src`` (badges replaced by the launch bar, widget outputs by a note) and runs Sphinx
on that folder. Nothing is executed and nothing is fetched: MyST-NB's execution is off, intersphinx is not
loaded, MathJax comes from a local copy (the sphinx-mathjax-offline package) and no ipywidgets script is added.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The repository root: tools/build_site.py says where it is (this file runs from the staged copy, which may be
# anywhere); else the first folder above this file with pyproject.toml.
ROOT = Path(os.environ.get("COURSE_ROOT") or
            next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file()))
sys.path.insert(0, str(ROOT / "tools"))
from sync_launch import repo_url  # noqa: E402  the one repository address, from pyproject.toml

project = "From RNNs to GPT and BERT"
author = "the course's authors"
copyright = "the course's authors; code MIT, the tiny-world data CC0 1.0"

extensions = ["myst_nb", "sphinx-mathjax-offline"]

# The lessons as they are stored: no kernel runs at build time.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # widget views are replaced by a note at staging; no embed script from a CDN
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

exclude_patterns = ["_extra", "**/.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]  # the guide's lesson headings skip a level after a table; harmless

html_theme = "sphinx_book_theme"
html_title = "From RNNs to GPT and BERT"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_extra_path = ["_extra"]  # the committed notebooks, served beside their pages for "Download notebook"
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": repo_url(),
    "repository_branch": "main",
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
# pydata-sphinx-theme's mode switch needs a default, or it logs a console error; figures are drawn on white.
html_context = {"default_mode": "light"}
