"""The course website in a real browser: built once, served on 127.0.0.1, read in headless Chromium.

The site is built with tools/build_site.py (into a temporary folder, from the working tree) once per session and
served by Python's http.server on 127.0.0.1 and a free port. Playwright drives Debian's Chromium
(/usr/bin/chromium, the launch flags of tests/browser_support.py) with every request to another host refused
and recorded, so a page that needs the network fails here as it would for a reader offline. Every page is
checked twice, at a desktop width and at a phone's (375 px):

- it loads with no console error, no script error, no failed or refused request;
- every image has loaded (``naturalWidth > 0``); a lesson shows as many figures as its notebook stores;
- on a page with math, MathJax (the local copy) has typeset it;
- every internal link resolves: the file is served, and a ``#fragment`` names an element of that page;
- a lesson's launch bar points at its own notebook: Binder's and Colab's addresses hold that notebook's path,
  and Download notebook fetches that notebook, byte for byte the committed one;
- at 375 px, the page does not scroll sideways and no text runs past the right edge (wide code and tables
  scroll inside their own box).

The built HTML is also read as text: no ``<script>``, stylesheet or image comes from another host. Search works
offline: the search page finds a lesson.

Screenshots of every page at both widths go to a temporary folder (or to ``$SITE_SHOTS`` when set) named in the
failure messages. Where Chromium, Playwright or the site tools (Sphinx, MyST-NB, sphinx-book-theme) are missing
the module is skipped with one line, except under CI, where that fails. Timing: the build about 15 s, the pages
about 30 s on 2 cores.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as bs  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = bs.ROOT
sys.path.insert(0, str(ROOT / "tools"))
import sync_launch  # noqa: E402

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _missing() -> str | None:
    reason = bs.missing_browser_reason()
    tools = [m for m in ("sphinx", "myst_nb", "sphinx_book_theme") if importlib.util.find_spec(m) is None]
    if tools:
        need = f"the site needs {', '.join(tools)} (pip install -r requirements.txt)"
        reason = f"{reason}; {need}" if reason else need
    return reason


REASON = _missing()
if REASON and not bs.in_ci():
    pytest.skip(REASON, allow_module_level=True)

LESSONS = bs.lessons()
PAGES = (["index.html"] + [f"notebooks/{p.stem}.html" for p in LESSONS]
         + ["docs/INSTRUCTOR_GUIDE.html", "data/DATASHEET.html", "search.html", "genindex.html"])


# ---------------------------------------------------------------------------------------------------------------
# The site, built once and served


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    if REASON:  # only under CI
        pytest.fail(f"CI is set but {REASON}")
    import build_site

    work = tmp_path_factory.mktemp("site")
    t0 = time.monotonic()
    out = build_site.build(out=work / "html", stage_dir=work / "src")
    print(f"site built in {time.monotonic() - t0:.1f} s")
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    path = Path(os.environ["SITE_SHOTS"]) if os.environ.get("SITE_SHOTS") else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=bs.CHROMIUM, headless=True, args=bs.CHROMIUM_ARGS)
    yield browser
    browser.close()
    pw.stop()


# ---------------------------------------------------------------------------------------------------------------
# Reading one page


class Visit:
    """One page opened at one viewport, with what went wrong while it loaded."""

    def __init__(self, chromium, server: str, rel: str, viewport: dict):
        self.problems: list[str] = []
        self.ctx = chromium.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(30_000)
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.url = f"{server}/{rel}"
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _failed(self, request) -> None:
        if "ERR_BLOCKED_BY_CLIENT" not in str(request.failure):  # refused by _route, reported there
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _route(self, route) -> None:
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.problems.append(f"a request left the machine: {route.request.url}")
            route.abort("blockedbyclient")

    def close(self) -> None:
        self.ctx.close()


JS_IMAGES = """() => [...document.images].map(im => ({src: im.currentSrc || im.src,
    ok: im.complete && im.naturalWidth > 0, output: !!im.closest('.cell_output')}))"""

JS_LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""

# Elements of the article whose box ends past the viewport's right edge without a scrolling box around them.
JS_OVERFLOW = """() => {
  const W = document.documentElement.clientWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX; if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return true; }
    return false; };
  for (const el of document.querySelectorAll('article *, .bd-header *')) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (r.right > W + 1 && !scrolls(el)) out.push(`${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80) +
        `: right edge ${Math.round(r.right)} px: ${(el.textContent || '').trim().slice(0, 60)}`);
  }
  return {W: W, doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, out: out.slice(0, 10)};
}"""


def stored_figures(nb_path: Path) -> int:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


@functools.cache
def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as resp:
            return resp.status, resp.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, ""


def broken_internal_links(links: list[str], server: str) -> list[str]:
    bad = []
    for href in sorted(set(links)):
        if not href.startswith(server):
            continue
        target, _, frag = href.partition("#")
        status, body = _fetch(target)
        if status != 200:
            bad.append(f"{href}: HTTP {status}")
        elif frag and not re.search(rf'\bid="{re.escape(urllib.parse.unquote(frag))}"', body):
            bad.append(f"{href}: no element with id {frag!r} on that page")
    return bad


def _wait_for_math(page) -> bool:
    if not page.locator(".math").count():
        return True
    try:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
        page.evaluate("() => MathJax.startup.promise")
        page.wait_for_function(
            "() => document.querySelectorAll('mjx-container').length >= document.querySelectorAll('.math').length",
            timeout=20_000)
        return True
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------------------------
# The checks


def test_the_html_needs_no_other_host(site):
    """No <script src>, <link href> (stylesheets, icons, preloads) or <img src> points off the site."""
    external = re.compile(r'<(script|link|img)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', re.I)
    found = []
    for page in sorted(site.rglob("*.html")):
        for tag, url in external.findall(page.read_text(encoding="utf-8")):
            found.append(f"{page.relative_to(site)}: <{tag}> {url}")
    assert not found, "assets from other hosts:\n" + "\n".join(found[:20])
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax is not served from the site itself"


def page_problems(visit: Visit, server: str, rel: str, shot: Path) -> list[str]:
    """What is wrong with a page opened at the desktop width: load errors, images, math, links, the launch bar."""
    page, problems = visit.page, list(visit.problems)
    if not _wait_for_math(page):
        problems.append("the math was not typeset (MathJax did not run)")
    page.screenshot(path=str(shot), full_page=False)
    images = page.evaluate(JS_IMAGES)
    problems += [f"image did not load: {im['src']}" for im in images if not im["ok"]]
    problems += [f"broken link: {b}" for b in broken_internal_links(page.evaluate(JS_LINKS), server)]
    if rel.startswith("notebooks/"):
        nb_path = ROOT / "notebooks" / (Path(rel).stem + ".ipynb")
        figures = sum(im["output"] and im["ok"] for im in images)
        if figures != stored_figures(nb_path):
            problems.append(f"{figures} figures shown; the notebook stores {stored_figures(nb_path)}")
        problems += _launch_bar_problems(page, nb_path, server, rel)
    return problems + [p for p in visit.problems if p not in problems]  # e.g. a request made by a click


def phone_problems(visit: Visit, shot: Path) -> list[str]:
    """What is wrong with a page at a phone's width: sideways scrolling, text past the right edge."""
    page = visit.page
    _wait_for_math(page)
    page.screenshot(path=str(shot), full_page=False)
    m = page.evaluate(JS_OVERFLOW)
    problems = list(visit.problems)
    if max(m["doc"], m["body"]) > m["W"] + 1:
        problems.append(f"the page scrolls sideways: {max(m['doc'], m['body'])} px wide at {m['W']} px")
    return problems + [f"runs past the right edge: {o}" for o in m["out"]]


@pytest.mark.parametrize("rel", PAGES)
def test_page_loads_with_figures_links_and_launch_bar(rel, chromium, server, shots):
    visit = Visit(chromium, server, rel, DESKTOP)
    try:
        shot = shots / f"{rel.replace('/', '_')}_desktop.png"
        problems = page_problems(visit, server, rel, shot)
        assert not problems, f"{rel}: screenshot {shot}\n" + "\n".join(problems)
    finally:
        visit.close()


def _launch_bar_problems(page, nb_path: Path, server: str, rel: str) -> list[str]:
    name, slug = nb_path.name, sync_launch.slug()
    bars = page.locator(".launch-bar")
    if bars.count() != 1:
        return [f"{bars.count()} launch bars on the page; expected one"]
    hrefs = {cls: page.locator(f".launch-bar a.{cls}").get_attribute("href")
             for cls in ("launch-binder", "launch-colab", "launch-download")}
    problems = []
    binder, colab, download = hrefs["launch-binder"] or "", hrefs["launch-colab"] or "", hrefs["launch-download"]
    if not (binder.startswith("https://mybinder.org/v2/gh/" + slug + "/") and binder.endswith(f"notebooks/{name}")):
        problems.append(f"Binder link {binder!r} does not open {slug}'s notebooks/{name}")
    if colab != f"https://colab.research.google.com/github/{slug}/blob/main/notebooks/{name}":
        problems.append(f"Colab link {colab!r} does not open {slug}'s notebooks/{name}")
    if not download:
        return problems + ["no Download notebook link"]
    with page.expect_download() as info:
        page.locator(".launch-bar a.launch-download").click()
    got = Path(info.value.path()).read_bytes()
    if info.value.suggested_filename != name:
        problems.append(f"Download notebook saves {info.value.suggested_filename!r}, not {name!r}")
    if got != nb_path.read_bytes():
        problems.append(f"Download notebook ({urllib.parse.urljoin(server + '/' + rel, download)}) is not the "
                        f"committed {name}")
    return problems


@pytest.mark.parametrize("rel", [p for p in PAGES if p != "genindex.html"])
def test_page_is_readable_at_phone_width(rel, chromium, server, shots):
    visit = Visit(chromium, server, rel, PHONE)
    try:
        shot = shots / f"{rel.replace('/', '_')}_phone.png"
        problems = phone_problems(visit, shot)
        assert not problems, f"{rel} at {PHONE['width']} px: screenshot {shot}\n" + "\n".join(problems)
    finally:
        visit.close()


def test_search_finds_a_lesson(chromium, server):
    visit = Visit(chromium, server, "search.html?q=attention", DESKTOP)
    try:
        results = visit.page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("04_attention" in h for h in hrefs), hrefs
        assert not visit.problems, visit.problems
    finally:
        visit.close()


# ---------------------------------------------------------------------------------------------------------------
# The checker itself: a page with one of each fault, put beside the built pages, must be reported for each.

BROKEN_PAGE = """<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">
<script src="https://cdn.example.invalid/lib.js"></script></head><body><article>
<p>A figure that is not there: <img src="_images/missing.png" alt="missing"></p>
<p><a href="notebooks/99_missing.html">a page that is not there</a>,
<a href="index.html#no-such-section">a section that is not there</a>, <a href="index.html">the landing page</a></p>
<div style="width: 600px">a box wider than a phone</div>
<script>console.error("broken on purpose")</script>
</article></body></html>"""


def test_checker_reports_each_fault(site, chromium, server, shots):
    (site / "zz_site_check_broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    rel = "zz_site_check_broken.html"
    desktop = Visit(chromium, server, rel, DESKTOP)
    try:
        found = "\n".join(page_problems(desktop, server, rel, shots / "zz_broken_desktop.png"))
    finally:
        desktop.close()
    phone = Visit(chromium, server, rel, PHONE)
    try:
        found += "\n" + "\n".join(phone_problems(phone, shots / "zz_broken_phone.png"))
    finally:
        phone.close()
    for expected in ("a request left the machine: https://cdn.example.invalid/lib.js",
                     "console error: broken on purpose", "image did not load", "HTTP 404",
                     "99_missing.html: HTTP 404", "no element with id 'no-such-section'",
                     "the page scrolls sideways", "runs past the right edge: div"):
        assert expected in found, f"the checker missed {expected!r}; it reported:\n{found}"
    assert "/index.html: HTTP" not in found, f"a link that resolves was reported:\n{found}"
