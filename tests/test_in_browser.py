"""The in-browser edition (make site's lite/: JupyterLite and its Pyodide kernel), in a real browser, offline.

Each lesson that can run in a browser is opened in a fresh browser profile and run with Run All: every code cell
runs, in order, with no error, and the setup line says the answers are replayed in the browser. The browser can
reach loopback only (tests/browser.py's OFFLINE); every request to another host is refused and reported. A lesson
whose packages come from Pyodide's CDN (compiled ones: pandas, matplotlib) is listed as needing it, and checked to
fail offline for that reason alone; the lessons that need a machine open with a note saying so.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import build_lite  # scripts/build_lite.py (conftest.py puts scripts/ on the path)
import navigation
import nbformat
import pytest
from browser import CODE_CELLS, IN_BROWSER, KERNEL, WATCH_CELL, Lite

from helpers.chat import DEMO_QUESTIONS

CDN = "cdn.jsdelivr.net"
NEEDS_CDN = {"07": "pandas and matplotlib"}  # compiled for Pyodide: not on PyPI, so served from Pyodide's CDN
LESSONS = {
    lesson.path.relative_to(navigation.ROOT).as_posix(): lesson
    for edition in navigation.EDITIONS
    for lesson in navigation.lessons(navigation.ROOT, edition)
}
# Every English lesson a browser can run (03 and 06 have tests of their own below, which run them whole too), and
# the French edition's first call: its code is the English one's, and it checks the layout that makes helpers
# speak French there. About 20 s each on 2 cores: each opens a new Pyodide kernel.
RUNNABLE = [
    path
    for path, lesson in LESSONS.items()
    if lesson.number not in {*build_lite.DESKTOP_ONLY, "03", "06"}
    and ("/fr/" not in path or lesson.number == "01")
]


@pytest.fixture
def lite(browser, site):
    opened = []

    def start(env: dict[str, str] | None = None) -> Lite:
        opened.append(Lite(browser, site, {"GITHUB_MODELS_REPLAY_SPEED": "0", **(env or {})}))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


def test_the_browser_helpers_open_the_page_and_set_the_kernel_the_build_makes():
    assert (IN_BROWSER, KERNEL) == (navigation.IN_BROWSER, build_lite.KERNEL_PLUGIN)


def test_every_relative_link_of_the_staged_lessons_leads_to_a_staged_file(tmp_path):
    build_lite.stage_contents(tmp_path)
    lessons = sorted(tmp_path.glob("notebooks/**/[0-9][0-9]-*.ipynb"))
    assert len(lessons) == len(LESSONS)
    broken = []
    for lesson in lessons:
        for cell in nbformat.read(lesson, as_version=4).cells:
            for target in re.findall(r"\]\(([^)\s#]+)", cell.source) if cell.cell_type == "markdown" else []:
                if not re.match(r"[a-z]+:", target) and not (lesson.parent / target).exists():
                    broken.append(f"{lesson.relative_to(tmp_path)}: {target}")
    assert broken == []


def ran_cleanly(cells: list[dict], machine: str | None = None) -> list[str]:
    """What went wrong in a Run All: a cell that did not run in its turn, or an error a cell does not expect. A
    cell that starts with `machine` needs one: it must stop with the error saying so, and Run All with it."""
    problems = []
    if machine:
        (stop,) = [turn for turn, cell in enumerate(cells) if cell["source"].startswith(machine)]
        refusal = cells[stop]["errors"]
        if not (refusal and "needs a server on your machine" in refusal[0]):
            problems.append(f"{machine!r} did not stop with the browser's refusal: {refusal}")
        if stop != len(cells) - 1:
            problems.append(
                f"{machine!r} is not the lesson's last code cell: Run All would stop before the rest"
            )
        cells = cells[:stop]
    for turn, cell in enumerate(cells, start=1):
        if cell["count"] != turn:
            problems.append(f"cell {turn} shows run count {cell['count']}: {cell['source'][:60]!r}")
        if cell["errors"] and "raises-exception" not in cell["tags"]:
            problems.append(f"cell {turn} failed: {cell['errors']} in {cell['source'][:60]!r}")
    return problems


@pytest.mark.timeout(600)  # a hang guard: a lesson takes well under a minute
@pytest.mark.parametrize("lesson", RUNNABLE)
def test_run_all_runs_every_cell_of_the_lesson_offline(lite, lesson):
    tab = lite()
    started = tab.open(lesson)
    cells = tab.run_all()
    number = LESSONS[lesson].number
    if number in NEEDS_CDN:
        assert tab.elsewhere and all(urlsplit(url).hostname == CDN for url in tab.elsewhere), tab.elsewhere
        assert any("ModuleNotFoundError" in error for cell in cells for error in cell["errors"])
        print(f"{lesson} needs the CDN ({NEEDS_CDN[number]}): {len(tab.elsewhere)} requests refused offline")
        return
    assert tab.elsewhere == []
    assert ran_cleanly(cells, build_lite.MACHINE_CELLS.get(number)) == []
    setup = next(cell["text"] for cell in cells if "Mode" in cell["text"])
    assert "replay in your browser" in setup or "replay dans votre navigateur" in setup, setup
    print(f"{lesson}: kernel ready in {started:.1f} s")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("lesson", [path for path in LESSONS if LESSONS[path].number in build_lite.NOTES])
def test_a_lesson_with_what_needs_a_machine_opens_with_a_note_saying_so(lite, lesson):
    tab = lite()
    tab.page.goto(f"{IN_BROWSER}?path={lesson}")
    expected = build_lite.NOTES[LESSONS[lesson].number]["fr" if "/fr/" in lesson else "en"]
    heading = expected.split("**")[1]  # its first sentence, in bold
    note = tab.page.locator(".jp-MarkdownCell").nth(2)  # after the top navigation and the title
    note.locator(".jp-RenderedMarkdown strong", has_text=heading).wait_for()
    assert "make lab" in note.inner_text()


@pytest.mark.timeout(600)
def test_lesson_03_shows_partial_answers_before_the_whole_at_the_recorded_pace(lite):
    tab = lite({"GITHUB_MODELS_REPLAY_SPEED": "1"})
    tab.open("notebooks/03-streaming.ipynb")
    sources = [cell["source"] for cell in tab.page.evaluate(CODE_CELLS)]
    streamed = next(index for index, source in enumerate(sources) if "for update in response" in source)
    tab.page.evaluate(WATCH_CELL, streamed)
    cells = tab.run_all()
    seen = tab.page.evaluate("() => { clearInterval(window.cellWatch); return window.cellSeen; }")
    assert ran_cleanly(cells) == [] and tab.elsewhere == []
    final = cells[streamed]["text"]
    partial = [text for text in seen if text and text != final]
    assert len(partial) >= 2, f"the answer did not stream: {seen}"
    assert all(final.startswith(text) for text in partial), f"not a beginning of {final!r}: {partial}"


@pytest.mark.timeout(600)
def test_lesson_06s_chat_box_answers_a_question(lite):
    tab = lite()
    tab.open("notebooks/06-chat-widget.ipynb")
    assert ran_cleanly(tab.run_all()) == []
    box = tab.page.locator(".chat-box")
    box.scroll_into_view_if_needed()
    box.locator(".chat-clear").click()
    box.locator(".chat-question input").press_sequentially(DEMO_QUESTIONS[0])
    box.locator(".chat-send").click()
    box.locator(".chat-usage").filter(has_text="Tokens:").wait_for()
    assert DEMO_QUESTIONS[0] in box.locator(".chat-transcript").inner_text()
    assert box.locator(".chat-reply").inner_text().strip()
    assert tab.elsewhere == []


@pytest.mark.timeout(600)
def test_the_run_in_your_browser_button_opens_the_lesson_in_the_in_browser_edition(lite):
    tab = lite()
    tab.page.goto("notebooks/01-single-call.html")
    with tab.page.expect_navigation():
        tab.page.locator(".launch-bar a.launch-button").first.click()
    assert urlsplit(tab.page.url).path.endswith(IN_BROWSER)
    opened = "() => window.jupyterapp && window.jupyterapp.shell.currentWidget?.context?.path"
    assert tab.page.wait_for_function(opened).json_value() == "notebooks/01-single-call.ipynb"
