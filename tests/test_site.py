"""The published site (make site) in a real browser: built once into a tmp folder by scripts/build_site.py, served
from loopback by http.server, and read by headless Chromium (Debian's chromium package) driven by Playwright's
Python API, the way a learner reads it.

The site has two editions, English at the root (index.html, notebooks/NN-slug.html) and French under fr/; every
page test runs on the pages of both. Every request a page makes to another host is refused by the browser and
reported: the site must work offline, from its own files (links to other sites are fine, they are not followed). Every page loads
with no console error and no page error, has its lesson's title in its edition's language, its launch buttons
(Binder opens the edition's notebook) and a language switch that leads to the same page in the other language;
the previous · contents · next · twin links of the notebooks lead where they say; the sidebar lists the edition's
lessons in order; a crawl from the landing page reaches every page of both editions and finds no broken link,
fragment or image; each edition's search finds a lesson; the chart, the chat box's still, the collapsed solutions
and the copy buttons are there, in the edition's words. Screenshots of lesson 01 in both languages go to
build/screenshots/. Without Chromium the browser tests skip locally and fail under CI=true.

A few fast tests (no browser) check scripts/build_site.py itself: where it points links, within an edition and
across the two, and that a link Sphinx cannot resolve fails the build.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import build_site  # scripts/ is on the path (the root conftest.py)
import navigation
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"  # build/ is git-ignored
REPO = "https://github.com/example/tutorial"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WAIT = 60_000  # ms: a hang guard for every browser step, never a timing check
ENGLISH, FRENCH = navigation.ENGLISH, navigation.FRENCH
EDITIONS = navigation.EDITIONS
LESSONS = {edition.language: navigation.lessons(ROOT, edition) for edition in EDITIONS}
# What the site itself says, in each edition's language (scripts/build_site.py, Sphinx's French translation).
WORDS = {
    "en": {
        "show": "Show the solution",
        "hide": "Hide the solution",
        "still": "chat box",  # in the still image's alt text
        "note": "needs a running kernel",
        "searched": "Search finished",
        "search": ("streaming", "03 · Streaming"),
    },
    "fr": {
        "show": "Voir la solution",
        "hide": "Masquer la solution",
        "still": "boîte de discussion",
        "note": "a besoin d'un noyau en marche",
        "searched": "Recherche terminée",
        "search": ("diffusion", "03 · Le streaming"),
    },
}


def prefix(edition: navigation.Edition) -> str:
    """Where the edition's pages are in the site: English at the root, French under fr/."""
    return "" if edition is ENGLISH else f"{edition.language}/"


def other(edition: navigation.Edition) -> navigation.Edition:
    return FRENCH if edition is ENGLISH else ENGLISH


def lesson_path(edition: navigation.Edition, lesson: navigation.Lesson) -> str:
    return f"{prefix(edition)}notebooks/{lesson.path.stem}.html"


# Every page of the site, by its path in the site: its edition, and its lesson (None for the landing page).
PAGES = {}
for _edition in EDITIONS:
    PAGES[f"{prefix(_edition)}index.html"] = (_edition, None)
    PAGES.update({lesson_path(_edition, lesson): (_edition, lesson) for lesson in LESSONS[_edition.language]})


def label(path: str) -> str:
    """The title a page of the site shows: its README's for a landing page, the lesson's label otherwise."""
    edition, lesson = PAGES[path]
    if lesson is None:
        readme = (ROOT / edition.readme).read_text(encoding="utf-8")
        return readme.partition("\n")[0].removeprefix("# ").strip()
    return lesson.label


def shown(text: str | None) -> str | None:
    """Text of a page as the notebooks write it: Sphinx's smart quotes print the apostrophe of "d'accès" as ’ in
    titles and links (not in the sidebar, whose entries it takes as they are)."""
    return None if text is None else text.strip().replace("\u2019", "'")


def site_path(url: str) -> str:
    """A page's path in the site, such as notebooks/01-single-call.html, from its URL (no query, no fragment)."""
    return urlsplit(url).path.lstrip("/")


def twin(path: str) -> str:
    """The same page in the other edition."""
    edition, _ = PAGES[path]
    found = f"fr/{path}" if edition is ENGLISH else path.removeprefix("fr/")
    assert found in PAGES and PAGES[found][0] is other(edition), f"{path} has no twin"
    return found


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
def context(browser, site):
    """One browser context for the module's pages, so that its HTTP cache serves the theme's files after the first
    page (Playwright's request routing would turn the cache off: the browser itself refuses other hosts)."""
    opened = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=site)
    opened.set_default_timeout(WAIT)
    yield opened
    opened.close()


class Tab:
    """A new page that notes what went wrong: console errors, uncaught page errors, and requests to other hosts
    (which the browser refuses: tests/browser.py's OFFLINE)."""

    def __init__(self, context, base: str):
        self.base = base
        self.problems: list[str] = []
        self.context = context
        self.page = context.new_page()
        self.page.on("request", self.request)
        self.page.on("console", self.console)
        self.page.on(
            "pageerror", lambda error: self.problems.append(f"page error on {self.page.url}: {error}")
        )

    def request(self, request):
        address = urlsplit(request.url)
        if address.scheme in ("http", "https") and address.hostname not in LOOPBACK:
            self.problems.append(f"off-site request from {request.frame.url}: {request.url}")

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
        return site_path(self.page.url)

    def title(self) -> str | None:
        return shown(self.page.evaluate(TITLE))

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def tab(context, site):
    """A page of its own, for a test that clicks or navigates."""
    opened = Tab(context, site)
    try:
        yield opened
    finally:
        opened.page.close()


@pytest.fixture(scope="module")
def at(context, site):
    """at(path) is a tab showing that page of the site (a path from its root, or a URL), loaded until the network is
    idle (late requests, fonts and scripts, are seen too). Each page is opened once and shared by the module's tests
    that only read it."""
    tabs = {}

    def opened(path: str) -> Tab:
        key = site_path(path) if "://" in path else path
        if key not in tabs:
            tabs[key] = Tab(context, site)
            tabs[key].open(path)
            tabs[key].page.wait_for_load_state("networkidle")
        return tabs[key]

    return opened


@pytest.mark.timeout(300)  # a hang guard, as are all of them below
@pytest.mark.parametrize("path", PAGES)
def test_a_page_loads_offline_without_errors_with_its_title_and_launch_buttons(at, path):
    edition, lesson = PAGES[path]
    tab = at(path)
    assert tab.title() == label(path)
    assert tab.page.locator("html").get_attribute("lang") == edition.language
    notebook = (lesson or LESSONS[edition.language][0]).path.relative_to(ROOT).as_posix()
    bar = tab.page.locator(".launch-bar")
    assert bar.count() == 1
    assert bar.is_visible()
    buttons = bar.locator("a.launch-button")
    texts = [text.strip() for text in buttons.all_inner_texts()]
    assert texts == [edition.launch[kind][0] for kind in navigation.LAUNCH_KINDS], texts
    hrefs = [link.get_attribute("href") for link in buttons.all()]
    browser, codespaces, ollama, binder = hrefs
    assert browser.endswith(f"{navigation.IN_BROWSER}?path={notebook}") and not browser.startswith("http"), (
        browser
    )
    assert codespaces.startswith("https://codespaces.new/")
    assert "devcontainer_path" not in codespaces
    assert ollama.startswith("https://codespaces.new/")
    assert "devcontainer_path=.devcontainer%2Flocal-phi3%2Fdevcontainer.json" in ollama
    assert binder.startswith("https://mybinder.org/v2/gh/")
    assert binder.endswith(f"urlpath=lab/tree/{notebook}"), binder
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", PAGES)
def test_the_language_switch_leads_to_the_same_page_in_the_other_language(tab, path):
    edition, _ = PAGES[path]
    tab.open(path)
    switch = tab.page.locator(".launch-bar a.language-switch")
    assert switch.count() == 1, f"{path}: {switch.count()} language switches"
    assert switch.is_visible()
    assert switch.get_attribute("hreflang") == other(edition).language
    assert switch.inner_text().strip() == other(edition).name
    with tab.page.expect_navigation():
        switch.click()
    assert tab.path() == twin(path), f"the switch on {path} leads to {tab.page.url}"
    assert tab.title() == label(twin(path))
    tab.check()


@pytest.mark.timeout(300)
def test_a_request_to_another_host_is_refused_and_reported(tab):
    """The check above can fail: an image from another site, planted in a page, is reported and never loads."""
    tab.open("index.html")
    planted = "https://example.org/planted.png"
    loaded = tab.page.evaluate(
        """src => new Promise(done => {
            const img = new Image();
            img.onload = () => done(true);
            img.onerror = () => done(false);
            img.src = src;
        })""",
        planted,
    )
    assert loaded is False
    assert tab.problems[0] == f"off-site request from {tab.base}index.html: {planted}"  # then the console's


NAVIGATED = [(edition, index) for edition in EDITIONS for index in range(len(LESSONS[edition.language]))]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("edition", "index"),
    NAVIGATED,
    ids=[f"{edition.language}-{LESSONS[edition.language][index].path.stem}" for edition, index in NAVIGATED],
)
def test_previous_contents_next_and_twin_lead_to_the_neighbouring_pages(at, edition, index):
    lessons = LESSONS[edition.language]
    here = lesson_path(edition, lessons[index])
    expected = []  # (text, page it leads to, fragment)
    if index:
        expected.append((f"← {lessons[index - 1].label}", lesson_path(edition, lessons[index - 1]), ""))
    expected.append((edition.contents, f"{prefix(edition)}index.html", edition.anchor))
    if index + 1 < len(lessons):
        expected.append((f"{lessons[index + 1].label} →", lesson_path(edition, lessons[index + 1]), ""))
    expected.append((other(edition).name, twin(here), ""))

    tab = at(here)
    # The top navigation is the article's first paragraph; the notebook's bottom navigation says the same.
    contents = tab.page.get_by_role("link", name=edition.contents, exact=True)
    rows = tab.page.locator("article p").filter(has=contents)
    assert rows.count() == 2, f"{here}: {rows.count()} navigation rows"
    assert rows.first.evaluate("row => row === row.closest('article').querySelector('p')"), "not at the top"
    links = []
    for row in rows.all():
        found = [(shown(a.inner_text()), a.evaluate("a => a.href")) for a in row.locator("a").all()]
        assert [text for text, _ in found] == [text for text, _, _ in expected], found
        links.append(found)
    assert links[0] == links[1]

    for (text, href), (_, page, fragment) in zip(links[0], expected, strict=True):
        assert site_path(href) == page, f"{text!r} on {here} leads to {href}"
        assert urldefrag(href).fragment == fragment, href
        assert at(href).title() == label(page), f"{text!r} on {here}"
        if fragment:
            assert at(href).page.locator(f"#{fragment}").count() == 1, f"no #{fragment} on {page}"
    # the twin is the same lesson in the other language
    assert label(twin(here)).split(" · ")[0] == lessons[index].number
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_the_sidebar_lists_every_lesson_in_order_and_each_entry_opens_it(at, edition):
    labels = [lesson.label for lesson in LESSONS[edition.language]]
    index = f"{prefix(edition)}index.html"
    for path in [path for path, (found, _) in PAGES.items() if found is edition]:
        sidebar = at(path).page.locator("nav.bd-links")
        assert sidebar.is_visible(), path
        assert [shown(text) for text in sidebar.locator("a").all_inner_texts()] == labels, path
        assert at(path).page.locator(".bd-links p.caption").inner_text().strip() == edition.contents, path
        if path != index:  # the current page's entry is marked as such
            current = sidebar.locator("li.current > a")
            assert shown(current.inner_text()) == label(path)
        at(path).check()

    entries = [a.evaluate("a => a.href") for a in at(index).page.locator("nav.bd-links a").all()]
    for text, href, lesson in zip(labels, entries, LESSONS[edition.language], strict=True):
        assert site_path(href) == lesson_path(edition, lesson), f"entry {text!r} leads to {href}"
        assert at(href).title() == text, f"sidebar entry {text!r} leads to {href}"


@pytest.mark.timeout(300)
def test_a_crawl_from_the_landing_page_finds_no_broken_link_fragment_or_image(at, context, site):
    """Every page reachable by links from index.html, which are the pages of both editions (the language switch
    leads from one to the other) and Sphinx's search and index pages, but not the in-browser edition, which the
    launch bars' first button opens (it must answer 200): each link on the site answers 200, each
    fragment names an element of its page, each image loads. All failures are reported together."""
    request = context.request
    failures = []
    statuses = {}  # URL without fragment: HTTP status
    targets = {}  # crawled page URL: the ids and names on it
    fragments = []  # (page URL, fragment, the page whose link it is)
    queue = [site + "index.html"]
    while queue:
        url = queue.pop(0)
        if url in targets:
            continue
        tab = at(url)
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
            if path.endswith(navigation.IN_BROWSER):
                continue  # the in-browser edition: an app, not a page (tests/test_in_browser.py runs it)
            if statuses[address] == 200 and (path.endswith(".html") or path.endswith("/")):
                if address not in targets and address not in queue:
                    queue.append(address)
    for address, fragment, source in fragments:
        if address in targets and fragment not in targets[address]:
            failures.append(f"{source}: link to {address}#{fragment}, but that page has no such id or name")
    print(
        f"crawled {len(targets)} pages, {len(statuses)} link targets, {len(fragments)} links with a fragment"
    )
    crawled = {site_path(url) for url in targets}
    sphinx = {f"{prefix(edition)}{name}" for edition in EDITIONS for name in ("search.html", "genindex.html")}
    pages = crawled - sphinx
    lessons = len(list((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")))
    assert len(PAGES) == 2 * (1 + lessons)  # each edition: its landing page and every lesson
    assert pages == set(PAGES), (
        f"not reached: {sorted(set(PAGES) - pages)}; not expected: {sorted(pages - set(PAGES))}"
    )
    assert not failures, f"{len(failures)} problems in {len(targets)} pages:\n" + "\n".join(failures)
    for url in targets:
        at(url).check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_search_finds_the_streaming_lesson(tab, edition):
    words = WORDS[edition.language]
    query, title = words["search"]
    tab.open(f"{prefix(edition)}search.html?q={query}")
    tab.page.locator("#search-results .search-summary").filter(has_text=words["searched"]).wait_for()
    results = tab.page.locator("#search-results ul.search li a")
    found = {(urlsplit(a.evaluate("a => a.href")).path, shown(a.inner_text())) for a in results.all()}
    assert (f"/{prefix(edition)}notebooks/03-streaming.html", title) in found, found
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_lesson_07_shows_its_chart_as_an_image(at, edition):
    tab = at(f"{prefix(edition)}notebooks/07-compare-models.html")
    chart = tab.page.locator("div.cell:not(.tag_solution) .cell_output img").first
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    tab.page.wait_for_function(IMAGES_DONE, timeout=WAIT)
    assert chart.evaluate(NATURAL_WIDTH) > 0
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_lesson_06_shows_the_chat_box_as_a_still_with_a_note(at, edition):
    words = WORDS[edition.language]
    tab = at(f"{prefix(edition)}notebooks/06-chat-widget.html")
    still = tab.page.locator(f"div.cell:not(.tag_solution) .cell_output img[alt*='{words['still']}' i]").first
    still.scroll_into_view_if_needed()
    assert still.is_visible()
    tab.page.wait_for_function(IMAGES_DONE, timeout=WAIT)
    assert still.evaluate(NATURAL_WIDTH) > 0
    note = still.locator("xpath=following-sibling::*[1]")
    assert words["note"] in shown(note.inner_text())
    assert note.is_visible()
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_solutions_are_collapsed_until_their_summary_is_clicked(tab, edition):
    words = WORDS[edition.language]
    seen = 0
    for lesson in LESSONS[edition.language]:
        path = lesson_path(edition, lesson)
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
            assert summary.inner_text().strip() == words["show"], path
            assert not code.is_visible(), path
            summary.click()
            assert details.get_attribute("open") is not None, path
            assert code.is_visible(), path
            assert summary.inner_text().strip() == words["hide"], path
        seen += tagged
    assert seen, "no lesson has a solution cell"
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_written_solutions_are_collapsed_too(at, edition):
    """A solution in a markdown cell (hidden in JupyterLab: source_hidden) is no more in view on the site than a
    solution in a code cell: it sits in a closed <details> until the learner opens it, whose summary is the one
    of the code solutions."""
    words = WORDS[edition.language]
    shown, seen = [], 0
    for lesson in LESSONS[edition.language]:
        path = lesson_path(edition, lesson)
        notebook = nbformat.read(lesson.path, as_version=4)
        written = [
            cell.source
            for cell in notebook.cells
            if cell.cell_type == "markdown" and "solution" in cell.metadata.get("tags", [])
        ]
        if not written:
            continue
        tab = at(path)
        for source in written:
            seen += 1
            opening = re.match(r"\*\*(.+?)\*\*", source)  # such as **Solution 2, the answer.**
            assert opening, f"{path}: a written solution starts with its bold heading: {source[:60]!r}"
            heading = tab.page.locator("article strong").filter(has_text=opening[1])
            assert heading.count() == 1, f"{path}: {opening[1]!r} is on the page {heading.count()} times"
            closed = heading.evaluate("node => { const d = node.closest('details'); return !!d && !d.open; }")
            summary = heading.evaluate(
                "node => node.closest('details')?.querySelector('summary .collapsed')?.textContent.trim()"
            )
            if heading.is_visible() or not closed:
                shown.append(f"{tab.base}{path}: {opening[1]!r} is shown, not in a closed <details>")
            elif summary != words["show"]:
                shown.append(f"{tab.base}{path}: {opening[1]!r} is behind {summary!r}, not {words['show']!r}")
    assert seen, "no lesson has a written solution"
    assert not shown, f"{len(shown)} of {seen} written solutions are not collapsed:\n" + "\n".join(shown)
    tab.check()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_every_code_cell_of_lesson_01_has_a_copy_button_and_the_page_is_screenshot(at, edition):
    (lesson,) = [lesson for lesson in LESSONS[edition.language] if lesson.path.stem == "01-single-call"]
    screenshot = SCREENSHOTS / f"site-{prefix(edition).replace('/', '-')}01-single-call.png"
    cells = sum(cell.cell_type == "code" for cell in nbformat.read(lesson.path, as_version=4).cells)
    tab = at(lesson_path(edition, lesson))
    inputs = tab.page.locator("div.cell .cell_input")
    assert inputs.count() == cells
    for number, cell in enumerate(inputs.all(), 1):
        assert cell.locator("button.copybtn").count() == 1, f"code cell {number} has no copy button"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    tab.page.screenshot(path=screenshot, full_page=True)
    height = tab.page.evaluate("() => document.documentElement.scrollHeight")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert height > 1000  # the whole lesson, more than one screen
    print(f"screenshot: {screenshot}")
    tab.check()


WIDE_OUTPUTS = """() => [...document.querySelectorAll('div.cell_output pre')]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => pre.innerText.split('\\n').find(line => line.length > 80) || pre.innerText.slice(0, 80))"""


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
@pytest.mark.parametrize("lesson", ["01-single-call", "04-rest-and-javascript"])
def test_outputs_wrap_instead_of_scrolling_sideways(at, edition, lesson):
    """At a laptop's width (1280 px) the setup line and long outputs (04's raw JSON) are read without scrolling."""
    tab = at(f"{prefix(edition)}notebooks/{lesson}.html")
    assert tab.page.locator("div.cell_output pre").count() > 0
    wide = tab.page.evaluate(WIDE_OUTPUTS)
    assert not wide, f"{len(wide)} outputs scroll sideways, such as: {wide[:3]}"
    tab.check()


# Fast tests of scripts/build_site.py (no browser).

EN_LESSON = "notebooks/01-single-call.ipynb"
FR_LESSON = "notebooks/fr/01-single-call.ipynb"


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("02-multi-turn.ipynb", EN_LESSON, "02-multi-turn.ipynb"),  # a page of the same edition: kept
        ("02-multi-turn.ipynb#step-1", EN_LESSON, "02-multi-turn.ipynb#step-1"),
        ("notebooks/01-single-call.ipynb", "README.md", "notebooks/01-single-call.ipynb"),
        ("#overview", EN_LESSON, "#overview"),  # an anchor: kept
        ("https://example.org/x#y", EN_LESSON, "https://example.org/x#y"),
        ("images/modes.svg", "notebooks/00-setup.ipynb", "images/modes.svg"),  # a picture: its staged copy
        ("../images/modes.fr.svg", "notebooks/fr/00-setup.ipynb", "images/modes.fr.svg"),
        ("mailto:someone@example.org", "README.md", "mailto:someone@example.org"),
        ("../README.md#lessons", EN_LESSON, "../index.md#lessons"),  # the README is the landing page
        ("../README.md", EN_LESSON, "../index.md"),
        ("README.md#x", "README.md", "index.md#x"),
        ("LICENSE", "README.md", f"{REPO}/blob/main/LICENSE"),  # not a page: the repository's file
        ("../helpers/chat.py", EN_LESSON, f"{REPO}/blob/main/helpers/chat.py"),
        ("../helpers/chat.py#L10", EN_LESSON, f"{REPO}/blob/main/helpers/chat.py#L10"),
        ("99-missing.ipynb", EN_LESSON, f"{REPO}/blob/main/notebooks/99-missing.ipynb"),
        # a page of the other edition: its address in the site
        ("fr/01-single-call.ipynb", EN_LESSON, "../fr/notebooks/01-single-call.html"),
        ("README.fr.md", "README.md", "fr/index.html"),
        ("README.fr.md#sommaire", "README.md", "fr/index.html#sommaire"),
        ("../01-single-call.ipynb", FR_LESSON, "../../notebooks/01-single-call.html"),
        ("../../README.md#live-or-offline", FR_LESSON, "../../index.html#live-or-offline"),
        ("README.md", "README.fr.md", "../index.html"),
        # the French edition's own pages: staged files, as in English
        ("../../README.fr.md#sommaire", FR_LESSON, "../index.md#sommaire"),
        ("02-multi-turn.ipynb", FR_LESSON, "02-multi-turn.ipynb"),
        ("notebooks/fr/01-single-call.ipynb", "README.fr.md", "notebooks/01-single-call.ipynb"),
        ("#sommaire", FR_LESSON, "#sommaire"),
        # from the French edition, a file that is not a page: the repository's
        ("../../helpers/chat.py", FR_LESSON, f"{REPO}/blob/main/helpers/chat.py"),
        ("LICENSE", "README.fr.md", f"{REPO}/blob/main/LICENSE"),
        ("99-manquant.ipynb", FR_LESSON, f"{REPO}/blob/main/notebooks/fr/99-manquant.ipynb"),
    ],
)
def test_page_link_keeps_pages_and_anchors_and_points_other_files_at_the_repository(target, source, expected):
    assert build_site.page_link(target, source, build_site.site_pages(), REPO) == expected


def test_with_links_rewrites_every_markdown_link():
    pages = build_site.site_pages()
    text = (
        "See [the license](../LICENSE), [lesson 02](02-multi-turn.ipynb), [contents](../README.md#lessons) · "
        "[Français](fr/01-single-call.ipynb)."
    )
    assert build_site.with_links(text, EN_LESSON, pages, REPO) == (
        f"See [the license]({REPO}/blob/main/LICENSE), [lesson 02](02-multi-turn.ipynb), "
        '[contents](../index.md#lessons) · <a href="../fr/notebooks/01-single-call.html">Français</a>.'
    )


def test_with_links_writes_the_french_editions_links_to_english_pages_in_html():
    pages = build_site.site_pages()
    text = (
        "[Sommaire](../../README.fr.md#sommaire) · [English](../01-single-call.ipynb) · "
        "[le mode](../../README.md#live-or-offline) · [le code](../../helpers/chat.py)"
    )
    assert build_site.with_links(text, FR_LESSON, pages, REPO) == (
        '[Sommaire](../index.md#sommaire) · <a href="../../notebooks/01-single-call.html">English</a> · '
        '<a href="../../index.html#live-or-offline">le mode</a> · '
        f"[le code]({REPO}/blob/main/helpers/chat.py)"
    )


@pytest.fixture(scope="session")
def small_site(once_per_run):
    """A copy of the project with both READMEs, two lessons in both languages and their pictures, and the site build_site made of
    it (both editions), made once per run for the tests below; yields (project, site)."""

    def make(out: Path) -> None:
        project = out.with_name("small-project")
        shutil.rmtree(project, ignore_errors=True)
        for edition in EDITIONS:
            (project / edition.folder).mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / edition.readme, project / edition.readme)
            for lesson in LESSONS[edition.language][:2]:
                shutil.copy(lesson.path, project / edition.folder / lesson.path.name)
        shutil.copytree(ROOT / build_site.IMAGES, project / build_site.IMAGES)  # lesson 00's diagram
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(build_site, "ROOT", project)
            build_site.build(out, REPO)  # the copy as it is builds, both editions

    out = once_per_run("small-site", make)
    return out.with_name("small-project"), out


@pytest.fixture
def small_project(small_site, tmp_path, monkeypatch):
    """A copy of the small project and of its built site, which build_site reads and writes in place of ROOT's;
    yields (project, site)."""
    project, out = (tmp_path / path.name for path in small_site)
    for source, copy in zip(small_site, (project, out), strict=True):
        shutil.copytree(source, copy)
    monkeypatch.setattr(build_site, "ROOT", project)
    return project, out


def plant(lesson: Path, text: str) -> None:
    notebook = nbformat.read(lesson, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_markdown_cell(text, id="planted"))
    nbformat.write(notebook, lesson)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda edition: edition.language)
def test_a_link_sphinx_cannot_resolve_fails_the_build(small_project, capfd, edition):
    """A broken link in either edition fails the build, and the site built before stays as it was (the French
    edition builds after the English one: an English edition that built is not published alone)."""
    project, out = small_project
    lessons = LESSONS[edition.language]
    pages = [
        out / "notebooks" / f"{lessons[1].path.stem}.html",
        out / "fr" / "notebooks" / f"{lessons[1].path.stem}.html",
    ]
    assert all(page.is_file() for page in pages)
    capfd.readouterr()

    lesson = project / edition.folder / lessons[1].path.name
    plant(lesson, f"See [the first step]({lessons[0].path.name}#no-such-section) and [here](#nor-this-one).")
    built = [page.read_text() for page in pages]
    with pytest.raises(SystemExit, match="the site did not build"):
        build_site.build(out, REPO)
    warnings = capfd.readouterr().err
    assert "no-such-section" in warnings and "nor-this-one" in warnings, warnings
    # the site built before is still there, as it was: a failed build publishes nothing, not half a site
    assert [page.read_text() for page in pages] == built
