"""The published site (make site) in a real browser: built once into a tmp folder by scripts/build_site.py, served
from loopback by http.server, and read by headless Chromium (Debian's chromium package) driven by Playwright's
Python API, the way a learner reads it.

Every request a page makes to another host is aborted and reported: the site must work offline, from its own
files (links to other sites are fine, they are not followed). Every page loads with no console error and no page
error, has its lesson's title, its launch buttons and the previous · contents · next links of the notebooks; the
sidebar lists the lessons in order; a crawl from the landing page finds no broken link, fragment or image; search
finds a lesson; the chart, the chat box's still, the collapsed solutions and the copy buttons are there. A
screenshot of lesson 01 goes to build/screenshots/. Without Chromium the browser tests skip locally and fail
under CI=true.

A few fast tests (no browser) check scripts/build_site.py itself: where it points links, and that a link Sphinx
cannot resolve fails the build.
"""

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import build_site  # scripts/ is on the path (the root conftest.py)
import navigation
import nbformat
import pytest
from browser import CHROMIUM_FLAGS, chromium, need

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "build" / "screenshots" / "site-01-single-call.png"  # build/ is git-ignored
REPO = "https://github.com/example/tutorial"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WAIT = 60_000  # ms: a hang guard for every browser step, never a timing check
LESSONS = navigation.lessons(ROOT)
PAGES = {f"notebooks/{lesson.path.stem}.html": lesson for lesson in LESSONS}

# The page's title: its first h1 without the "#" of the heading's permalink.
TITLE = """() => {
    const h1 = document.querySelector("article h1");
    if (!h1) return null;
    const copy = h1.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(link => link.remove());
    return copy.textContent.trim();
}"""
# What a crawl needs of a page: where its links go (resolved, fragments kept), the ids and names its fragments can
# reach, and the images that did not load (lazy ones are made eager so that every image loads).
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
TARGETS = """() => [...document.querySelectorAll('[id]')].map(e => e.id)
    .concat([...document.querySelectorAll('[name]')].map(e => e.getAttribute('name')))"""
EAGER = "() => document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })"
IMAGES_DONE = "() => [...document.images].every(img => img.complete)"
BROKEN_IMAGES = """() => [...document.images].filter(img => img.naturalWidth === 0)
    .map(img => img.getAttribute('src'))"""
NATURAL_WIDTH = "img => img.complete ? img.naturalWidth : 0"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built once by scripts/build_site.py and served on loopback; yields its base URL."""
    folder = tmp_path_factory.mktemp("site-build") / "site"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_site.py"), "--out", str(folder)], check=True, cwd=ROOT
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no line per request in the test's output
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )  # port 0: a free port, chosen by the kernel
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # only the dev extra installs it
        need("Playwright (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


class Tab:
    """A page of a fresh browser context that lets only loopback requests through and notes what went wrong:
    console errors, uncaught page errors, and requests to other hosts (aborted)."""

    def __init__(self, browser, base: str):
        self.base = base
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=base)
        self.context.set_default_timeout(WAIT)
        self.context.route("**/*", self.route)
        self.page = self.context.new_page()
        self.page.on("console", self.console)
        self.page.on(
            "pageerror", lambda error: self.problems.append(f"page error on {self.page.url}: {error}")
        )

    def route(self, route):
        request = route.request
        if urlsplit(request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            self.problems.append(f"off-site request from {request.frame.url}: {request.url}")
            route.abort()

    def console(self, message):
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text} ({message.location})")

    def open(self, path: str):
        """Load a page of the site (a path relative to its root, or a full URL) and return the response."""
        response = self.page.goto(path if "://" in path else self.base + path)
        # 304: the browser's cache revalidated a page it had (the crawl checks each link's status afresh)
        assert response is not None and response.status in (200, 304), (
            f"{path}: {response and response.status}"
        )
        return response

    def path(self) -> str:
        """The page's path in the site, such as notebooks/01-single-call.html (no query, no fragment)."""
        return urlsplit(self.page.url).path.lstrip("/")

    def title(self) -> str | None:
        return self.page.evaluate(TITLE)

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def tab(browser, site):
    opened = Tab(browser, site)
    try:
        yield opened
    finally:
        opened.context.close()


def label(path: str) -> str:
    """The title a page of the site shows: the README's for the landing page, the lesson's label otherwise."""
    if path == "index.html":
        return (ROOT / "README.md").read_text(encoding="utf-8").partition("\n")[0].removeprefix("# ").strip()
    return PAGES[path].label


@pytest.mark.timeout(300)  # a hang guard, as are all of them below
@pytest.mark.parametrize("path", ["index.html", *PAGES])
def test_a_page_loads_offline_without_errors_with_its_title_and_launch_buttons(tab, path):
    tab.open(path)
    tab.page.wait_for_load_state("networkidle")  # late requests (fonts, scripts) are seen too
    assert tab.title() == label(path)
    notebook = f"notebooks/{PAGES[path].path.name}" if path in PAGES else f"notebooks/{LESSONS[0].path.name}"
    bar = tab.page.locator(".launch-bar")
    assert bar.count() == 1
    assert bar.is_visible()
    hrefs = [link.get_attribute("href") for link in bar.locator("a").all()]
    assert len(hrefs) == 3, hrefs
    codespaces, ollama, binder = hrefs
    assert codespaces.startswith("https://codespaces.new/")
    assert "devcontainer_path" not in codespaces
    assert ollama.startswith("https://codespaces.new/")
    assert "devcontainer_path=.devcontainer%2Flocal-phi3%2Fdevcontainer.json" in ollama
    assert binder.startswith("https://mybinder.org/v2/gh/")
    assert binder.endswith(f"urlpath=lab/tree/{notebook}")
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[lesson.path.stem for lesson in LESSONS])
def test_previous_contents_and_next_lead_to_the_neighbouring_pages(tab, index):
    lesson = LESSONS[index]
    here = f"notebooks/{lesson.path.stem}.html"
    expected = []  # (text, page it leads to, fragment)
    if index:
        expected.append(
            (f"← {LESSONS[index - 1].label}", f"notebooks/{LESSONS[index - 1].path.stem}.html", "")
        )
    expected.append(("Contents", "index.html", "lessons"))
    if index + 1 < len(LESSONS):
        expected.append(
            (f"{LESSONS[index + 1].label} →", f"notebooks/{LESSONS[index + 1].path.stem}.html", "")
        )

    tab.open(here)
    # The top navigation is the article's first paragraph; the notebook's bottom navigation says the same.
    rows = tab.page.locator("article p").filter(has=tab.page.get_by_role("link", name="Contents", exact=True))
    assert rows.count() == 2, f"{here}: {rows.count()} navigation rows"
    assert rows.first.evaluate("row => row === row.closest('article').querySelector('p')"), "not at the top"
    links = []
    for row in rows.all():
        found = [(a.inner_text().strip(), a.evaluate("a => a.href")) for a in row.locator("a").all()]
        assert [text for text, _ in found] == [text for text, _, _ in expected], found
        links.append(found)
    assert links[0] == links[1]

    for (text, href), (_, page, fragment) in zip(links[0], expected, strict=True):
        tab.open(href)
        assert tab.path() == page, f"{text!r} on {here} leads to {href}"
        assert urldefrag(href).fragment == fragment, href
        assert tab.title() == label(page), f"{text!r} on {here}"
        if fragment:
            assert tab.page.locator(f"#{fragment}").count() == 1, f"no #{fragment} on {page}"
    tab.check()


@pytest.mark.timeout(300)
def test_the_sidebar_lists_every_lesson_in_order_and_each_entry_opens_it(tab):
    labels = [lesson.label for lesson in LESSONS]
    sidebar = tab.page.locator("nav.bd-links")
    for path in ["index.html", *PAGES]:
        tab.open(path)
        assert sidebar.is_visible(), path
        assert [text.strip() for text in sidebar.locator("a").all_inner_texts()] == labels, path
        if path != "index.html":  # the current page's entry is marked as such
            current = sidebar.locator("li.current > a")
            assert current.inner_text().strip() == label(path)

    tab.open("index.html")
    entries = [a.evaluate("a => a.href") for a in sidebar.locator("a").all()]
    for text, href in zip(labels, entries, strict=True):
        tab.open(href)
        assert tab.title() == text, f"sidebar entry {text!r} leads to {href}"
    tab.check()


@pytest.mark.timeout(300)
def test_a_crawl_from_the_landing_page_finds_no_broken_link_fragment_or_image(tab, site):
    """Every page reachable by links from index.html: each link on the site answers 200, each fragment names an
    element of its page, each image loads. All failures are reported together."""
    request = tab.context.request
    failures = []
    statuses = {}  # URL without fragment: HTTP status
    targets = {}  # crawled page URL: the ids and names on it
    fragments = []  # (page URL, fragment, the page whose link it is)
    queue = [site + "index.html"]
    while queue:
        url = queue.pop(0)
        if url in targets:
            continue
        tab.open(url)
        tab.page.evaluate(EAGER)
        tab.page.wait_for_function(IMAGES_DONE, timeout=WAIT)
        failures += [f"{url}: image {src} did not load" for src in tab.page.evaluate(BROKEN_IMAGES)]
        targets[url] = set(tab.page.evaluate(TARGETS))
        for link in tab.page.evaluate(LINKS):
            if not link.startswith(site):
                continue  # another site's page, or mailto: and the like: not loaded
            address, fragment = urldefrag(link)
            if address not in statuses:
                statuses[address] = request.get(address).status
                if statuses[address] != 200:
                    failures.append(f"{url}: link to {link} answers {statuses[address]}")
            if fragment:
                fragments.append((address, unquote(fragment), url))
            path = urlsplit(address).path
            if statuses[address] == 200 and (path.endswith(".html") or path.endswith("/")):
                if address not in targets and address not in queue:
                    queue.append(address)
    for address, fragment, source in fragments:
        if address in targets and fragment not in targets[address]:
            failures.append(f"{source}: link to {address}#{fragment}, but that page has no such id or name")
    print(
        f"crawled {len(targets)} pages, {len(statuses)} link targets, {len(fragments)} links with a fragment"
    )
    crawled = {urlsplit(url).path.lstrip("/") for url in targets}
    assert {"index.html", *PAGES} <= crawled, f"not reached: {sorted({'index.html', *PAGES} - crawled)}"
    assert not failures, f"{len(failures)} problems in {len(targets)} pages:\n" + "\n".join(failures)
    tab.check()


@pytest.mark.timeout(300)
def test_search_finds_the_streaming_lesson(tab, site):
    tab.open("search.html?q=streaming")
    tab.page.locator("#search-results .search-summary").filter(has_text="Search finished").wait_for()
    results = tab.page.locator("#search-results ul.search li a")
    found = {(urlsplit(a.evaluate("a => a.href")).path, a.inner_text().strip()) for a in results.all()}
    assert ("/notebooks/03-streaming.html", "03 · Streaming") in found, found
    tab.check()


@pytest.mark.timeout(300)
def test_lesson_07_shows_its_chart_as_an_image(tab):
    tab.open("notebooks/07-compare-models.html")
    chart = tab.page.locator("div.cell:not(.tag_solution) .cell_output img").first
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    tab.page.wait_for_function(IMAGES_DONE, timeout=WAIT)
    assert chart.evaluate(NATURAL_WIDTH) > 0
    tab.check()


@pytest.mark.timeout(300)
def test_lesson_06_shows_the_chat_box_as_a_still_with_a_note(tab):
    tab.open("notebooks/06-chat-widget.html")
    still = tab.page.locator("div.cell:not(.tag_solution) .cell_output img[alt*='chat box' i]").first
    still.scroll_into_view_if_needed()
    assert still.is_visible()
    tab.page.wait_for_function(IMAGES_DONE, timeout=WAIT)
    assert still.evaluate(NATURAL_WIDTH) > 0
    note = still.locator("xpath=following-sibling::*[1]")
    assert "needs a running kernel" in note.inner_text()
    assert note.is_visible()
    tab.check()


@pytest.mark.timeout(300)
def test_solutions_are_collapsed_until_their_summary_is_clicked(tab):
    seen = 0
    for path, lesson in PAGES.items():
        notebook = nbformat.read(lesson.path, as_version=4)
        tagged = sum(
            "solution" in cell.metadata.get("tags", []) for cell in notebook.cells if cell.cell_type == "code"
        )
        tab.open(path)
        solutions = tab.page.locator("div.cell.tag_solution")
        assert solutions.count() == tagged, path
        for solution in solutions.all():
            details, code = solution.locator("details"), solution.locator(".cell_input pre")
            summary = details.locator("summary")
            assert details.get_attribute("open") is None, path
            assert summary.inner_text().strip() == "Show the solution", path
            assert not code.is_visible(), path
            summary.click()
            assert details.get_attribute("open") is not None, path
            assert code.is_visible(), path
            assert summary.inner_text().strip() == "Hide the solution", path
        seen += tagged
    assert seen, "no lesson has a solution cell"
    tab.check()


@pytest.mark.timeout(300)
def test_written_solutions_are_collapsed_too(tab):
    """A solution in a markdown cell (hidden in JupyterLab: source_hidden) is no more in view on the site than a
    solution in a code cell: it sits in a closed <details> until the learner opens it."""
    shown, seen = [], 0
    for path, lesson in PAGES.items():
        notebook = nbformat.read(lesson.path, as_version=4)
        written = [
            cell.source
            for cell in notebook.cells
            if cell.cell_type == "markdown" and "solution" in cell.metadata.get("tags", [])
        ]
        if not written:
            continue
        tab.open(path)
        for source in written:
            seen += 1
            opening = re.match(r"\*\*(.+?)\*\*", source)  # such as **Solution 2, the answer.**
            assert opening, f"{path}: a written solution starts with its bold heading: {source[:60]!r}"
            heading = tab.page.locator("article strong").filter(has_text=opening[1])
            assert heading.count() == 1, f"{path}: {opening[1]!r} is on the page {heading.count()} times"
            closed = heading.evaluate("node => { const d = node.closest('details'); return !!d && !d.open; }")
            if heading.is_visible() or not closed:
                shown.append(f"{tab.base}{path}: {opening[1]!r} is shown, not in a closed <details>")
    assert seen, "no lesson has a written solution"
    assert not shown, f"{len(shown)} of {seen} written solutions are not collapsed:\n" + "\n".join(shown)
    tab.check()


@pytest.mark.timeout(300)
def test_every_code_cell_of_lesson_01_has_a_copy_button_and_the_page_is_screenshot(tab):
    lesson = PAGES["notebooks/01-single-call.html"]
    cells = sum(cell.cell_type == "code" for cell in nbformat.read(lesson.path, as_version=4).cells)
    tab.open("notebooks/01-single-call.html")
    inputs = tab.page.locator("div.cell .cell_input")
    assert inputs.count() == cells
    for number, cell in enumerate(inputs.all(), 1):
        assert cell.locator("button.copybtn").count() == 1, f"code cell {number} has no copy button"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    tab.page.screenshot(path=SCREENSHOT, full_page=True)
    height = tab.page.evaluate("() => document.documentElement.scrollHeight")
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert height > 1000  # the whole lesson, more than one screen
    print(f"screenshot: {SCREENSHOT}")
    tab.check()


# Fast tests of scripts/build_site.py (no browser).

PAGE_SET = {f"notebooks/{lesson.path.name}" for lesson in LESSONS}


@pytest.mark.parametrize(
    ("target", "here", "expected"),
    [
        ("02-multi-turn.ipynb", "notebooks", "02-multi-turn.ipynb"),  # a page: kept
        ("02-multi-turn.ipynb#step-1", "notebooks", "02-multi-turn.ipynb#step-1"),
        ("notebooks/01-single-call.ipynb", "", "notebooks/01-single-call.ipynb"),
        ("#overview", "notebooks", "#overview"),  # an anchor: kept
        ("https://example.org/x#y", "notebooks", "https://example.org/x#y"),
        ("mailto:someone@example.org", "", "mailto:someone@example.org"),
        ("../README.md#lessons", "notebooks", "../index.md#lessons"),  # the README is the landing page
        ("../README.md", "notebooks", "../index.md"),
        ("README.md#x", "", "index.md#x"),
        ("LICENSE", "", f"{REPO}/blob/main/LICENSE"),  # not a page: the repository's file
        ("../helpers/chat.py", "notebooks", f"{REPO}/blob/main/helpers/chat.py"),
        ("../helpers/chat.py#L10", "notebooks", f"{REPO}/blob/main/helpers/chat.py#L10"),
        ("99-missing.ipynb", "notebooks", f"{REPO}/blob/main/notebooks/99-missing.ipynb"),
    ],
)
def test_page_link_keeps_pages_and_anchors_and_points_other_files_at_the_repository(target, here, expected):
    assert build_site.page_link(target, here, PAGE_SET, REPO) == expected


def test_with_links_rewrites_every_markdown_link():
    text = "See [the license](../LICENSE), [lesson 02](02-multi-turn.ipynb) and [contents](../README.md#lessons)."
    assert build_site.with_links(text, "notebooks", PAGE_SET, REPO) == (
        f"See [the license]({REPO}/blob/main/LICENSE), [lesson 02](02-multi-turn.ipynb) and "
        "[contents](../index.md#lessons)."
    )


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    """A copy of the project with the README and two lessons, which build_site reads in place of ROOT."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "README.md", project / "README.md")
    for lesson in LESSONS[:2]:
        shutil.copy(lesson.path, project / "notebooks" / lesson.path.name)
    monkeypatch.setattr(build_site, "ROOT", project)
    return project


def plant(lesson: Path, text: str) -> None:
    notebook = nbformat.read(lesson, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_markdown_cell(text, id="planted"))
    nbformat.write(notebook, lesson)


@pytest.mark.timeout(300)
def test_a_link_sphinx_cannot_resolve_fails_the_build(small_project, tmp_path, capfd):
    out = tmp_path / "out" / "site"
    build_site.build(out, REPO)  # the copy as it is builds
    assert (out / "notebooks" / f"{LESSONS[1].path.stem}.html").is_file()
    capfd.readouterr()

    lesson = small_project / "notebooks" / LESSONS[1].path.name
    plant(lesson, f"See [the first step]({LESSONS[0].path.name}#no-such-section) and [here](#nor-this-one).")
    built = (out / "notebooks" / f"{LESSONS[1].path.stem}.html").read_text()
    with pytest.raises(SystemExit, match="the site did not build"):
        build_site.build(out, REPO)
    warnings = capfd.readouterr().err
    assert "no-such-section" in warnings and "nor-this-one" in warnings, warnings
    # the site built before is still there, as it was: a failed build publishes nothing, not half a site
    assert (out / "notebooks" / f"{LESSONS[1].path.stem}.html").read_text() == built
