"""Notebook 06 in a real browser: JupyterLab runs every cell, a learner types a recorded question into the
chat box and presses Send, and the answer arrives piece by piece at the recorded pace.

Headless Chromium (Debian's chromium package) driven by Playwright's Python API; JupyterLab on loopback
with a token, replay mode at speed 1. Without Chromium the test skips locally and fails under CI=true.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import free_port, launched_chromium, need

from helpers.chat import DEMO_QUESTIONS
from helpers.replay import DEFAULT_CASSETTES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "notebooks/06-chat-widget.ipynb"
SCREENSHOT = ROOT / "build" / "screenshots" / "chat-widget.png"  # build/ is git-ignored
# The chat box alone, with the recorded answer: the site's still of it (site/chat-box.png) is a copy of this.
CHAT_BOX_STILL = SCREENSHOT.with_name("chat-box.png")
LAB_SETTINGS = {  # JupyterLab user settings for the test's own settings folder
    "docmanager-extension/plugin": {"autosave": False},  # the lesson's committed outputs stay as they are
    "notebook-extension/tracker": {"windowingMode": "none"},  # every cell in the page, not only visible ones
    "apputils-extension/notification": {"fetchNews": "false"},  # no news toast over the notebook
}
# Samples the reply element every 10 ms in the page and keeps each text it showed, in order.
WATCH_REPLY = """() => {
    window.replaySeen = [];
    window.replayWatch = setInterval(() => {
        const node = document.querySelector(".chat-reply");
        const text = node ? node.innerText.trim() : "";
        const seen = window.replaySeen;
        if (text !== (seen.length ? seen[seen.length - 1] : "")) seen.push(text);
    }, 10);
}"""
ALL_CELLS_RAN = """(count) => {
    const prompts = [...document.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt")];
    return prompts.length === count && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on loopback with a token, the repository as its root, lessons in replay at speed 1."""
    port, token = free_port(), secrets.token_hex(16)
    for plugin, values in LAB_SETTINGS.items():
        path = tmp_path / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_MODELS_MODEL", "GITHUB_MODELS_CASSETTES")}
    env.update(
        GITHUB_MODELS_MODE="replay",
        GITHUB_MODELS_REPLAY_SPEED="1",
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        f"--FileCheckpoints.checkpoint_dir={tmp_path / 'checkpoints'}",  # not beside the lesson in the repo
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert server.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                time.sleep(0.1)
        yield base, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture
def page():
    with launched_chromium() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 1000})


def recorded_answer(name: str) -> tuple[str, dict]:
    events = json.loads((DEFAULT_CASSETTES / f"{name}.json").read_text("utf-8"))["response"]["events"]
    chunks = [event["data"] for event in events if isinstance(event["data"], dict)]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    return text, next(c["usage"] for c in chunks if c.get("usage"))


@pytest.mark.timeout(300)  # a hang guard: the whole test takes well under a minute
def test_a_question_typed_into_the_chat_box_streams_its_answer_in_jupyterlab(lab, page):
    from playwright.sync_api import expect  # importable: the page fixture checked

    base, token = lab
    committed = (ROOT / NOTEBOOK).read_bytes()
    answer, usage = recorded_answer("chat-widget-1")
    code_cells = sum(cell["cell_type"] == "code" for cell in json.loads(committed)["cells"])

    box = page.locator(".chat-box")
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
        # The status bar says "Idle" once a kernel is connected (the toolbar's indicator says so before).
        page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).wait_for(timeout=60_000)
        # Solutions start collapsed, and a collapsed cell shows no execution count: expand them first.
        page.get_by_role("menuitem", name="View", exact=True).click()
        page.get_by_role("menuitem", name="Expand All Code", exact=True).click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.wait_for_function(ALL_CELLS_RAN, arg=code_cells, timeout=60_000)

        box.scroll_into_view_if_needed()
        box.locator(".chat-clear").click()  # start over: the lesson's own cells asked questions before
        expect(box.locator(".chat-question input")).to_have_value("")
        expect(box.locator(".chat-transcript")).to_have_text("")
        box.locator(".chat-question input").press_sequentially(DEMO_QUESTIONS[0])
        page.evaluate(WATCH_REPLY)
        box.locator(".chat-send").click()
        box.locator(".chat-usage").filter(has_text="Tokens:").wait_for(timeout=60_000)
        seen = page.evaluate("() => { clearInterval(window.replayWatch); return window.replaySeen; }")
        box.screenshot(path=CHAT_BOX_STILL)
    finally:  # what the learner would see, passed or failed
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT)

    shown = [" ".join(text.split()) for text in seen if text]
    final = " ".join(answer.split())
    assert shown and shown[-1] == final, seen
    partial = shown[:-1]
    assert len(partial) >= 2, f"the answer did not stream: {seen}"
    print(f"{len(partial)} partial answers showed before the final one")
    assert all(final.startswith(text) and text != final for text in partial)
    assert all(len(a) < len(b) for a, b in zip(shown, shown[1:], strict=False))  # growing, piece by piece
    assert box.locator(".chat-usage").inner_text().strip() == (
        f"Tokens: {usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion = "
        f"{usage['total_tokens']} total"
    )
    assert DEMO_QUESTIONS[0] in box.locator(".chat-transcript").inner_text()
    assert box.locator(".chat-status").inner_text().strip() == ""
    assert (ROOT / NOTEBOOK).read_bytes() == committed  # the lesson's committed outputs are untouched


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="apt-get install chromium"):
        need("Chromium (/usr/bin/chromium)")
