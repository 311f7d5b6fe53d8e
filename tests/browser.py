"""What the real-browser tests share (tests/test_browser.py, tests/test_site.py): Debian's chromium, headless,
driven by Playwright's sync API, and a free loopback port. Without Chromium or Playwright a test skips on a
laptop and fails under CI=true."""

import os
import shutil
import socket
from contextlib import contextmanager

import pytest

# Offline: no host but loopback resolves (an address is mapped too), so a request to another site fails in the
# browser itself, without Playwright's request routing, which would turn the HTTP cache off.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    OFFLINE,
]


def need(what: str) -> None:
    """A missing tool skips the test on a laptop, but fails it in CI (DESIGN.md: never a silent skip there)."""
    message = f"{what} is needed for the browser test (.ci/run installs it: apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def chromium() -> str:
    """Debian's chromium, or the browser CHROMIUM_PATH names (GitHub's Ubuntu runners have Google Chrome)."""
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not found:
        need("Chromium (/usr/bin/chromium)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def launched_chromium():
    """Debian's chromium driven by Playwright, closed afterwards; without either, skipped (failed under CI)."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # only the dev extra installs it
        need("Playwright (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
