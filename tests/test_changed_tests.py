"""scripts/changed_tests.py (make check): which test files and lessons a change selects, and what --run runs."""

import subprocess
import sys

import changed_tests  # scripts/ is on the path (the root conftest.py)
import pytest

from helpers import chat

ROOT = changed_tests.ROOT
LESSON = "notebooks/03-streaming.ipynb"


def select(*paths: str) -> list[str]:
    return changed_tests.selection(set(paths))


def test_a_test_file_selects_itself_only():
    assert select("tests/test_takes.py") == ["tests/test_takes.py"]


def test_a_lesson_selects_itself_its_twin_and_the_tests_that_read_lessons():
    assert select(LESSON) == sorted(
        [LESSON, "notebooks/fr/03-streaming.ipynb", *changed_tests.LESSON_READERS]
    )
    assert select("notebooks/fr/03-streaming.ipynb") == select(LESSON)


def test_a_helpers_module_selects_the_lessons_and_tests_that_import_it_even_through_others():
    chosen = select("helpers/chat.py")
    assert {"notebooks/06-chat-widget.ipynb", "notebooks/fr/06-chat-widget.ipynb"} <= set(chosen)
    assert "tests/test_chat_widget.py" in chosen  # imports helpers.chat
    assert "tests/test_site.py" in chosen  # through scripts/build_site.py, which imports helpers.chat
    assert "notebooks/01-single-call.ipynb" not in chosen  # imports no name that helpers/chat.py defines
    assert "tests/test_takes.py" not in chosen
    assert chat.ChatBox  # the module the selection is about


def test_a_support_module_of_the_tests_selects_the_tests_that_import_it():
    chosen = set(select("tests/fake_ollama.py")) - {"tests/test_changed_tests.py"}  # this file names it too
    assert {"tests/test_fake_ollama.py", "tests/test_local_mode.py"} <= chosen
    assert "tests/test_takes.py" not in chosen  # it does not use the fake


def test_another_file_selects_the_tests_that_name_it_or_its_folder_as_a_word():
    chosen = set(select(".github/workflows/test.yml")) - {"tests/test_changed_tests.py"}  # this file names it
    assert chosen == {"tests/test_workflows.py"}
    chosen = select("js/package.json")
    assert "tests/test_quickstart_clients.py" in chosen
    assert "tests/test_takes.py" not in chosen  # "json" is not the folder js


@pytest.mark.parametrize("path", sorted(changed_tests.EVERYTHING))
def test_what_every_test_reads_selects_everything(path):
    chosen = select(path)
    assert "tests/test_takes.py" in chosen and LESSON in chosen
    assert len(chosen) == len(list((ROOT / "tests").glob("test_*.py"))) + len(
        list((ROOT / "notebooks").rglob("[0-9][0-9]-*.ipynb"))
    )


def test_a_deleted_file_selects_nothing_by_itself():
    assert select("helpers/no_such_module.py") == []


def test_run_leaves_the_browser_suites_to_make_test_and_says_so(capfd, monkeypatch):
    ran = []
    monkeypatch.setattr(
        subprocess, "run", lambda command, **_: ran.append(command) or subprocess.CompletedProcess(command, 0)
    )
    assert changed_tests.run(["tests/test_site.py", "tests/test_takes.py"]) == 0
    out = capfd.readouterr().out
    assert "left to make test: tests/test_site.py" in out
    assert ran == [[sys.executable, "-m", "pytest", "tests/test_takes.py"]]
    assert changed_tests.run(["tests/test_browser.py"]) == 0
    assert "no test to run for what changed but the slow suites above" in capfd.readouterr().out
    assert len(ran) == 1


def test_the_command_line_lists_the_selection_against_a_base(tmp_path):
    done = subprocess.run(
        [sys.executable, "scripts/changed_tests.py", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    wrong = subprocess.run(
        [sys.executable, "scripts/changed_tests.py", "no-such-revision"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "git does not know no-such-revision" in wrong.stderr
