"""What tests/test_browser.py needs to use the course the way a learner does: JupyterLab in headless Chromium.

``JupyterLab`` starts a server on 127.0.0.1 with a token and a free port; ``open_browser`` starts Debian's
``chromium`` through Playwright (Playwright's own browser download is never used); ``check_notebook`` opens a
notebook, runs every cell from the Run menu, waits for the kernel, and returns a ``Report`` whose ``problems``
say, in words, what a learner would have seen go wrong. The checks, all read from the page's DOM
(JupyterLab 4, ipywidgets 7.7 or 8):

- **no error output**: JupyterLab renders an exception's traceback and a stderr stream alike, as
  ``.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]``, so an error is recognised by its
  text (``Traceback (most recent call last)``, or a line ``SomeError: …``); a code cell left without an
  execution count after Run All (the run stopped at an error) is an error too, and so is a widget that failed
  to render (``Error displaying widget``), a broken image, or a JupyterLab dialog (e.g. the kernel died).
- **explorers** (``helpers.widgets.explorer``) are the output areas holding both a control and an ipywidgets
  ``Output`` (``.widget-output``); each must show a slider (``.widget-slider`` with a noUiSlider handle in
  ipywidgets 8, a jQuery-UI handle in 7.7; an explorer of dropdowns only: a ``select``; of a text box only:
  a Combobox whose suggestions give another value to type) and a figure (``img``).
  The first slider is dragged with the mouse (or another dropdown option picked); the
  figure shown afterwards must be an image that differs from the one before (its PNG data and its
  screenshot), with no error text in the explorer.
- **figures**: for every plotting helper in ``FIGURE_HELPERS`` that a notebook's code calls, at least one of the
  cells calling it shows a loaded image.

Screenshots of what was seen (the page after opening and after running, each explorer before and after its
slider moved, each checked figure, each cell with a problem) are written to the ``shots`` folder handed in.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}

# Plotting helpers whose figure must appear as an image wherever a lesson calls them.
FIGURE_HELPERS = {"attention_heatmap": "the attention heatmap", "grad_norm_plot": "the gradient plot"}

# Time limits, in seconds; generous, for a 2-core machine that is busy with other work.
SERVER_START_S = float(os.environ.get("BROWSER_SERVER_START_S", 180))
RUN_ALL_S = float(os.environ.get("BROWSER_RUN_ALL_S", 300))  # one notebook, all cells
REDRAW_S = float(os.environ.get("BROWSER_REDRAW_S", 120))  # one explorer, one slider move
QUIET_S = 6.0  # an idle kernel this long after a move has finished redrawing

EXPLORER_CALL = re.compile(r"\b[Ee]xplorer\(")  # explorer(…), widgets.explorer(…), helpers.widgets.Explorer(…)
EXPLORER_DEF = re.compile(r"^\s*(?:def|class)\s+[Ee]xplorer\b.*$", re.M)
COMMENT = re.compile(r"#.*$", re.M)


# ---------------------------------------------------------------------------------------------------------------
# Which notebooks to check


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def explorer_cells(nb: dict) -> list[int]:
    """Indices of the code cells that make an explorer: a call ``explorer(`` or ``Explorer(``, with any prefix
    (``widgets.``, ``helpers.widgets.``), in the code outside comments and not a definition; or the cell tag
    ``explorer``."""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        src = EXPLORER_DEF.sub("", COMMENT.sub("", cell_source(cell)))
        tags = cell.get("metadata", {}).get("tags", []) or []
        if "explorer" in tags or EXPLORER_CALL.search(src):
            found.append(i)
    return found


def lessons(root: Path = ROOT) -> list[Path]:
    """The lesson notebooks: notebooks/NN_name.ipynb, in order."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def lessons_with_explorers(root: Path = ROOT) -> list[Path]:
    out = []
    for path in lessons(root):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            out.append(path)  # a notebook that does not parse is checked, and fails, rather than skipped
            continue
        if explorer_cells(nb):
            out.append(path)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Whether a browser is here


def missing_browser_reason() -> str | None:
    """None when Chromium and Playwright are both here; else one line saying what is missing."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -r requirements-browser.txt)")
    if not missing:
        return None
    return "browser tests need " + " and ".join(missing) + "; .ci/install-browser.sh installs both"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# ---------------------------------------------------------------------------------------------------------------
# The course, copied, and a JupyterLab server


def copy_course(dest: Path, root: Path = ROOT) -> Path:
    """Copy notebooks/, helpers/ and data/ to ``dest`` so that running a lesson can never save over the
    committed notebooks; ``dest`` goes first on the kernel's PYTHONPATH."""
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
    for name in ("notebooks", "helpers", "data"):
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name, ignore=ignore, dirs_exist_ok=True)
    return dest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings for a test server: no news pop-up over the page, no autosave."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for rel, value in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


class JupyterLab:
    """``python -m jupyter lab [notebook]`` on 127.0.0.1, a free port and a random token, no browser.

    ``root_dir`` is what the server serves; ``work_dir`` (a fresh temporary folder) holds its log, runtime files,
    workspaces and user settings, so nothing of the user's or of an earlier run is restored."""

    def __init__(self, root_dir: Path, work_dir: Path, notebook: str | None = None, cwd: Path | None = None,
                 pythonpath: Path | None = None):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.notebook = notebook
        self.cwd = Path(cwd) if cwd else self.root_dir
        self.pythonpath = pythonpath
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.log_path = self.work_dir / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "lab") -> str:
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "jupyter", "lab"]
        if self.notebook:
            cmd.append(self.notebook)
        cmd += ["--no-browser", f"--ServerApp.token={self.token}", f"--port={self.port}",
                "--ServerApp.ip=127.0.0.1", "--allow-root", f"--ServerApp.root_dir={self.root_dir}",
                "--ServerApp.port_retries=0",
                f"--LabApp.workspaces_dir={self.work_dir / 'workspaces'}",
                f"--LabApp.user_settings_dir={self.work_dir / 'settings'}",
                # JupyterLab checkpoints a notebook when it opens it: keep that out of the served folder.
                f"--FileCheckpoints.checkpoint_dir={self.work_dir / 'checkpoints'}"]
        return cmd

    def start(self) -> JupyterLab:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        (self.work_dir / "workspaces").mkdir(exist_ok=True)
        _write_lab_settings(self.work_dir / "settings")
        env = dict(os.environ)
        env["JUPYTER_RUNTIME_DIR"] = str(self.work_dir / "runtime")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        env.pop("MPLBACKEND", None)  # the kernel's inline backend, as a learner has it
        if self.pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.pythonpath), env.get("PYTHONPATH")]))
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}; "
                                   f"log: {self.log_path}\n{self.log_tail()}")
            try:
                self.api("api/status")
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_S:.0f} s; log: {self.log_path}\n"
                           f"{self.log_tail()}")

    def api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(f"{self.base_url}/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (each checked notebook starts one; two cores cannot carry many)."""
        try:
            for kernel in self.api("api/kernels"):
                self.api(f"api/kernels/{kernel['id']}", method="DELETE")
        except (OSError, urllib.error.URLError, ValueError):
            pass

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.shutdown_kernels()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server's own process group: it and its kernels
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)

    def __enter__(self) -> JupyterLab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------------------------
# Chromium


class Browser:
    """Playwright driving /usr/bin/chromium, headless, with a fresh profile per ``new_page`` context."""

    def __init__(self, work_dir: Path):
        from playwright.sync_api import sync_playwright

        self.work_dir = Path(work_dir)
        self._pw = sync_playwright().start()
        self._contexts: list[Any] = []

    def new_page(self):
        profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=self.work_dir))
        ctx = self._pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT)
        self._contexts.append(ctx)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.set_default_timeout(60_000)
        return page

    def close_pages(self) -> None:
        while self._contexts:
            try:
                self._contexts.pop().close()
            except Exception:  # a context whose browser already died
                pass

    def close(self) -> None:
        self.close_pages()
        self._pw.stop()


# ---------------------------------------------------------------------------------------------------------------
# Checking one notebook


@dataclass
class Report:
    notebook: str
    shots: Path
    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    explorers_checked: int = 0
    figures_checked: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def summary(self) -> str:
        lines = [f"{self.notebook}: {len(self.problems)} problem(s); screenshots in {self.shots}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


# The notebook panel that is showing (JupyterLab keeps other tabs' panels in the DOM, hidden).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

JS_STATE = """panel => {
  const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map(c =>
      c.classList.contains('jp-CodeCell') ? (c.querySelector('.jp-InputArea-prompt')?.textContent || '').trim() : null);
  return {status: ind ? ind.getAttribute('data-status') : null, prompts: prompts};
}"""

JS_OUTPUT_PROBLEMS = r"""panel => {
  const out = [];
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const errLine = /^\s*([A-Za-z_][\w.]*(Error|Exception)|KeyboardInterrupt|StopIteration)(:.*)?\s*$/m;
  cells.forEach((cell, i) => {
    for (const o of cell.querySelectorAll('.jp-OutputArea-output')) {
      const mime = o.getAttribute('data-mime-type') || '';
      const text = o.textContent || '';
      const inWidget = !!o.closest('.widget-output');
      if (mime === 'application/vnd.jupyter.error' || /Traceback \(most recent call last\)/.test(text)
          || ((mime === 'application/vnd.jupyter.stderr' || inWidget) && errLine.test(text))) {
        const last = text.trim().split('\n').filter(l => l.trim()).slice(-3);
        out.push({cell: i, kind: 'error', text: last.join(' | ').slice(0, 300)});
      }
    }
    const area = cell.querySelector('.jp-Cell-outputArea');
    if (area) {
      const t = area.textContent || '';
      for (const bad of ['Error displaying widget', 'Error rendering output', 'Model not found',
                         'Failed to load model class', 'Failed to display']) {
        if (t.includes(bad)) out.push({cell: i, kind: 'widget', text: bad});
      }
      for (const img of area.querySelectorAll('img')) {
        if (img.complete && img.naturalWidth === 0) out.push({cell: i, kind: 'image', text: 'a broken image'});
      }
    }
  });
  return out;
}"""

# Explorers: output areas with a control and an ipywidgets Output.
JS_EXPLORER_CELLS = """panel => [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((c, i) => {
  const a = c.querySelector('.jp-Cell-outputArea');
  return a && a.querySelector('.widget-output') &&
         a.querySelector('.widget-slider, .widget-dropdown, .widget-text, .widget-checkbox, .widget-toggle-buttons')
         ? i : -1; }).filter(i => i >= 0)"""

JS_VISIBLE_IMAGES = """area => [...area.querySelectorAll('img')].filter(im => {
  const r = im.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map(im => ({src: im.getAttribute('src') || '', loaded: im.complete && im.naturalWidth > 0}))"""

SLIDER_HANDLE = ".widget-slider .noUi-handle, .widget-slider .ui-slider-handle"
SLIDER_TRACK = ".widget-slider .noUi-target, .widget-slider .ui-slider"


def _shot(target, path: Path, report: Report) -> Path | None:
    try:
        target.screenshot(path=str(path))
        return path
    except Exception as err:  # a screenshot is evidence, never the reason a check fails
        path.with_suffix(".txt").write_text(f"screenshot failed: {err}\n")
        return None


def _state(page) -> dict:
    return page.locator(PANEL).evaluate(JS_STATE)


def _wait_idle(page, timeout_s: float, settle_s: float = 1.5) -> bool:
    """Wait until the kernel reports idle continuously for ``settle_s``."""
    deadline = time.monotonic() + timeout_s
    idle_since = None
    while time.monotonic() < deadline:
        status = _state(page)["status"]
        if status == "idle":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle_s:
                return True
        else:
            idle_since = None
        page.wait_for_timeout(250)
    return False


JS_READY = """([n, name]) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const tabs = [...document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current')];
  const bar = document.querySelector('#jp-main-statusbar');
  return !!(panel && tabs.some(t => t.textContent.includes(name))
            && panel.querySelectorAll('.jp-Notebook .jp-Cell').length === n
            && bar && /\\|\\s*Idle/.test(bar.textContent));
}"""


def wait_until_open(page, n_cells: int, name: str, timeout_s: float) -> None:
    """Wait until the notebook's tab is current, all its ``n_cells`` cells are in the page and the status bar
    says the kernel is Idle (before that, JupyterLab shows one placeholder cell and 'No Kernel')."""
    page.wait_for_function(JS_READY, arg=[n_cells, name], timeout=timeout_s * 1000, polling=250)


def _dismiss_kernel_dialog(page) -> None:
    """A 'Select Kernel' dialog (a notebook without a kernelspec): accept the preferred kernel."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and "kernel" in dialog.first.inner_text().lower():
        dialog.locator(".jp-Dialog-button.jp-mod-accept").first.click()


def open_notebook(page, lab: JupyterLab, rel_path: str, nb: dict, report: Report) -> bool:
    """Open ``rel_path`` (relative to the server's root) in a fresh workspace; wait for cells and a kernel."""
    t0 = time.monotonic()
    page.goto(lab.url(f"lab/tree/{rel_path}") + "&reset", wait_until="domcontentloaded")
    try:
        page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell", timeout=SERVER_START_S * 1000)
        _dismiss_kernel_dialog(page)
        wait_until_open(page, len(nb["cells"]), Path(rel_path).name, SERVER_START_S)
    except Exception as err:
        _shot(page, report.shots / "00_open_failed.png", report)
        report.problem(f"{rel_path} did not open in JupyterLab with its {len(nb['cells'])} cells and an idle "
                       f"kernel: {str(err).splitlines()[0][:200]}")
        return False
    if not _wait_idle(page, SERVER_START_S, settle_s=0.5):
        _shot(page, report.shots / "00_no_kernel.png", report)
        report.problem(f"{rel_path}: the kernel did not become idle within {SERVER_START_S:.0f} s "
                       f"(status {_state(page)['status']!r})")
        return False
    report.seconds["open"] = round(time.monotonic() - t0, 1)
    _shot(page, report.shots / "01_opened.png", report)
    return True


def run_all(page, nb: dict, report: Report) -> bool:
    """Run → Run All Cells, then wait until every non-empty code cell has an execution count (or the run stops)."""
    t0 = time.monotonic()
    page.locator(".lm-MenuBar-itemLabel:text-is('Run')").click()
    page.locator(".lm-Menu-itemLabel:text-is('Run All Cells')").click()
    code = [i for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code" and cell_source(c).strip()]
    deadline = time.monotonic() + RUN_ALL_S
    quiet_since = None
    state = _state(page)
    while time.monotonic() < deadline:
        state = _state(page)
        prompts = state["prompts"]
        done = all(i < len(prompts) and re.fullmatch(r"\[\d+\]:", prompts[i] or "") for i in code)
        pending = any((p or "").startswith("[*]") for p in prompts if p is not None)
        if done and state["status"] == "idle":
            break
        # Stopped early (an error aborts the queue): nothing pending and idle for a while.
        if not pending and state["status"] == "idle" and time.monotonic() - t0 > 3:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 5:
                break
        else:
            quiet_since = None
        page.wait_for_timeout(500)
    else:
        _shot(page, report.shots / "02_run_timeout.png", report)
        prompts = state["prompts"]
        running = next((i for i, p in enumerate(prompts) if (p or "").startswith("[*]")), None)
        ran = sum(1 for i in code if i < len(prompts) and re.fullmatch(r"\[\d+\]:", prompts[i] or ""))
        report.problem(f"Run All Cells did not finish within {RUN_ALL_S:.0f} s (kernel {state['status']!r}; "
                       f"{ran} of {len(code)} code cells done, cell {running} running; a slow machine can "
                       "allow more with BROWSER_RUN_ALL_S)")
        return False
    _wait_idle(page, 60)
    report.seconds["run_all"] = round(time.monotonic() - t0, 1)
    _shot(page, report.shots / "02_after_run_all.png", report)
    prompts = _state(page)["prompts"]
    not_run = [i for i in code if not (i < len(prompts) and re.fullmatch(r"\[\d+\]:", prompts[i] or ""))]
    if len(prompts) != len(nb["cells"]):
        report.problem(f"the page shows {len(prompts)} cells; the notebook has {len(nb['cells'])}")
    if not_run:
        report.problem(f"code cells {not_run} have no execution count after Run All Cells "
                       "(the run stopped at an error, or they never ran)")
    return True


def check_outputs(page, report: Report) -> None:
    panel = page.locator(PANEL)
    cells = panel.locator(".jp-Notebook .jp-Cell")
    for found in panel.evaluate(JS_OUTPUT_PROBLEMS):
        i = found["cell"]
        _shot(cells.nth(i), report.shots / f"problem_cell{i:02d}.png", report)
        what = {"error": "shows an error", "widget": "shows a widget that failed", "image": "shows"}[found["kind"]]
        report.problem(f"cell {i} {what}: {found['text']}")
    if page.locator(".jp-Dialog").count():
        _shot(page, report.shots / "problem_dialog.png", report)
        report.problem(f"a JupyterLab dialog is open: {page.locator('.jp-Dialog').first.inner_text()[:200]!r}")


def check_figures(page, nb: dict, report: Report) -> None:
    """For each helper of FIGURE_HELPERS the notebook calls: some cell calling it shows a loaded image."""
    cells = page.locator(PANEL).locator(".jp-Notebook .jp-Cell")
    for func, what in FIGURE_HELPERS.items():
        calling = [i for i, c in enumerate(nb["cells"])
                   if c.get("cell_type") == "code" and re.search(rf"\b{func}\s*\(", cell_source(c))]
        if not calling:
            continue
        shown = []
        for i in calling:
            area = cells.nth(i).locator(".jp-Cell-outputArea")
            if not area.count():
                continue
            area.first.scroll_into_view_if_needed()
            images = [im for im in area.first.evaluate(JS_VISIBLE_IMAGES) if im["loaded"]]
            if images:
                shown.append(i)
                _shot(area.first.locator("img").first, report.shots / f"figure_{func}_cell{i:02d}.png", report)
        if shown:
            report.figures_checked.append(f"{what} (cells {shown})")
        else:
            report.problem(f"{what}: cells {calling} call {func}() but none shows an image")


def _visible_images(area) -> list[dict]:
    return area.evaluate(JS_VISIBLE_IMAGES)


def _move_control(page, area, report: Report, tag: str) -> str | None:
    """Move the explorer's first slider with the mouse (or pick another dropdown option); return what moved."""
    handle = area.locator(SLIDER_HANDLE)
    if handle.count():
        track = area.locator(SLIDER_TRACK).first
        track.scroll_into_view_if_needed()
        tb, hb = track.bounding_box(), handle.first.bounding_box()
        if not tb or not hb:
            report.problem(f"{tag}: the slider is in the page but not visible")
            return None
        hx, hy = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
        frac = (hx - tb["x"]) / max(tb["width"], 1)
        tx = tb["x"] + tb["width"] * (0.2 if frac > 0.5 else 0.8)
        page.mouse.move(hx, hy)
        page.mouse.down()
        page.mouse.move(tx, hy, steps=12)
        page.mouse.up()
        return "slider"
    dropdown = area.locator(".widget-dropdown select")
    if dropdown.count():
        options = dropdown.first.locator("option").all_inner_texts()
        current = dropdown.first.evaluate("s => s.options[s.selectedIndex]?.text")
        others = [o for o in options if o != current]
        if others:
            dropdown.first.select_option(label=others[-1])
            return "dropdown"
    # A text box (or a Combobox: a text box with a list of suggestions): type another suggestion, press Enter.
    text = area.locator(".widget-text input, .widget-combobox input")
    if text.count():
        box = text.first
        current = box.input_value()
        suggestions = box.evaluate("e => e.list ? Array.from(e.list.options).map(o => o.value) : []")
        others = [o for o in suggestions if o != current]
        if others:
            box.scroll_into_view_if_needed()
            box.fill(others[-1])
            box.press("Enter")
            return "text"
    report.problem(f"{tag}: no slider, dropdown or suggested text to move")
    return None


def _readout(area) -> str:
    loc = area.locator(".widget-slider .widget-readout")
    if not loc.count():
        return ""
    el = loc.first
    return (el.input_value() if el.evaluate("e => e.tagName") == "INPUT" else el.text_content()).strip()


def check_explorers(page, nb: dict, report: Report) -> None:
    panel = page.locator(PANEL)
    cells = panel.locator(".jp-Notebook .jp-Cell")
    in_dom = panel.evaluate(JS_EXPLORER_CELLS)
    in_source = explorer_cells(nb)
    if in_source and not in_dom:
        _shot(page, report.shots / "problem_no_explorer.png", report)
        report.problem(f"the notebook makes explorers (cells {in_source}) but the page shows none "
                       "(no output with controls and an ipywidgets Output: is the widget extension missing?)")
        return
    for i in in_dom:
        tag = f"explorer in cell {i}"
        area = cells.nth(i).locator(".jp-Cell-outputArea").first
        area.scroll_into_view_if_needed()
        _shot(area, report.shots / f"explorer_cell{i:02d}_before.png", report)
        # The slider is what is moved; an explorer made of dropdowns only has another option picked instead.
        # Neither rendered: _move_control reports it.
        before = _visible_images(area)
        if not before or not all(im["loaded"] for im in before):
            report.problem(f"{tag}: no figure is shown before the control moves")
        before_png = None
        if before:
            img = area.locator("img").first
            before_png = _shot(img, report.shots / f"explorer_cell{i:02d}_figure_before.png", report)
        readout = _readout(area)
        t0 = time.monotonic()
        moved = _move_control(page, area, report, tag)
        if moved is None:
            continue
        # Wait for the redraw: the image shown changes, or error text appears in the explorer.
        # The move sends a comm message; the kernel turns busy while the callback draws. Done when the image
        # changed and the kernel is idle, or when the kernel has stayed idle for QUIET_S (nothing more coming).
        deadline = time.monotonic() + REDRAW_S
        idle_since = None
        while time.monotonic() < deadline:
            page.wait_for_timeout(300)
            idle = _state(page)["status"] == "idle"
            idle_since = (idle_since or time.monotonic()) if idle else None
            if idle and [im["src"] for im in _visible_images(area)] != [im["src"] for im in before]:
                break
            if idle_since and time.monotonic() - idle_since > QUIET_S:
                break
        _wait_idle(page, 60, settle_s=1.0)
        page.wait_for_timeout(300)  # let the browser decode and lay out the new image
        after = _visible_images(area)
        report.seconds[f"redraw_cell{i:02d}"] = round(time.monotonic() - t0, 1)
        _shot(area, report.shots / f"explorer_cell{i:02d}_after.png", report)
        new_readout = _readout(area)
        if moved == "slider" and readout == new_readout:
            report.problem(f"{tag}: the slider did not move when dragged (readout still {readout!r})")
        err_text = area.locator(".widget-output").first.text_content().strip()
        if re.search(r"^\s*[A-Za-z_][\w.]*(Error|Exception)\b", err_text, re.M):
            report.problem(f"{tag}: after moving the {moved}, the explorer shows an error: {err_text[:200]!r}")
        if not after or not all(im["loaded"] for im in after):
            report.problem(f"{tag}: after moving the {moved} ({readout!r} → {new_readout!r}) no figure is shown")
        elif [im["src"] for im in after] == [im["src"] for im in before]:
            report.problem(f"{tag}: moving the {moved} ({readout!r} → {new_readout!r}) did not change the figure "
                           f"(same image {time.monotonic() - t0:.0f} s later)")
        else:
            after_png = _shot(area.locator("img").first, report.shots / f"explorer_cell{i:02d}_figure_after.png",
                              report)
            if len(after) != 1:
                report.problem(f"{tag}: {len(after)} figures show after the redraw; expected one")
            if before_png and after_png and before_png.read_bytes() == after_png.read_bytes():
                report.problem(f"{tag}: the figure's data changed but its pixels did not")
        report.explorers_checked += 1


def check_notebook(page, lab: JupyterLab, rel_path: str, nb: dict, shots: Path) -> Report:
    """Open, run all, and check one notebook served by ``lab``; screenshots go to ``shots``."""
    shots.mkdir(parents=True, exist_ok=True)
    report = Report(rel_path, shots)
    t0 = time.monotonic()
    try:
        if open_notebook(page, lab, rel_path, nb, report) and run_all(page, nb, report):
            check_outputs(page, report)
            check_figures(page, nb, report)
            if explorer_cells(nb):
                check_explorers(page, nb, report)
    except Exception as err:  # Playwright timeouts and the like: a failed check, with what was seen
        _shot(page, shots / "problem_exception.png", report)
        report.problem(f"the check itself stopped: {type(err).__name__}: {str(err).splitlines()[0][:300]}")
    report.seconds["total"] = round(time.monotonic() - t0, 1)
    (shots / "report.json").write_text(json.dumps({
        "notebook": rel_path, "problems": report.problems, "seconds": report.seconds,
        "explorers_checked": report.explorers_checked, "figures_checked": report.figures_checked}, indent=1))
    return report
