"""What the real-browser tests share (tests/test_browser.py, tests/test_site.py): Debian's chromium, headless,
driven by Playwright's sync API, and a free loopback port. Without Chromium or Playwright a test skips on a
laptop and fails under CI=true."""

import functools
import http.server
import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

KERNEL = "@jupyterlite/pyodide-kernel-extension:kernel"  # the in-browser edition's kernel settings
IN_BROWSER = "lite/notebooks/index.html"  # its notebook page in the site (scripts/navigation.py's IN_BROWSER)

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
def served(folder):
    """`folder` on a loopback HTTP server (a free port) for as long as the block runs; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no line per request in the output
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


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


# The in-browser edition (tests/test_in_browser.py, benchmarks/bench.py): JupyterLite's app in window.jupyterapp.
KERNEL_IDLE = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    return !!kernel && kernel.status === "idle";
}"""
RUN_ALL = "() => window.jupyterapp.commands.execute('notebook:run-all-cells')"
CODE_CELLS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells, found = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i).toJSON();
        if (cell.cell_type !== "code") continue;
        found.push({
            count: cell.execution_count,
            tags: (cell.metadata.tags || []),
            source: [].concat(cell.source).join(""),
            errors: cell.outputs.filter(o => o.output_type === "error").map(o => `${o.ename}: ${o.evalue}`),
            text: cell.outputs.filter(o => o.output_type === "stream").map(o => [].concat(o.text).join("")).join(""),
        });
    }
    return found;
}"""
# Samples the text output of code cell `index` every 10 ms and keeps each text it showed, in order, from the moment
# its run cleared it (before, it shows the output stored in the notebook).
WATCH_CELL = """(index) => {
    window.cellSeen = [];
    let cleared = false;
    window.cellWatch = setInterval(() => {
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        const code = [...Array(cells.length).keys()].map(i => cells.get(i)).filter(c => c.type === "code");
        const text = code[index].toJSON().outputs.filter(o => o.output_type === "stream")
            .map(o => [].concat(o.text).join("")).join("");
        cleared = cleared || text === "";
        const seen = window.cellSeen;
        if (cleared && text !== (seen.length ? seen[seen.length - 1] : "")) seen.push(text);
    }, 10);
}"""


class Lite:
    """One lesson in the in-browser edition, in a fresh browser profile (so nothing a learner's browser kept, in
    its cache or its storage, helps it), with the requests that went elsewhere than loopback."""

    def __init__(self, browser, site: str, env: dict[str, str]) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=site)
        self.context.set_default_timeout(120_000)
        self.elsewhere: list[str] = []
        self.context.on("request", self.note)
        self.context.route("**/jupyter-lite.json", lambda route: self.configured(route, env))
        self.page = self.context.new_page()

    def note(self, request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost", None):
            self.elsewhere.append(request.url)

    @staticmethod
    def configured(route, env: dict[str, str]) -> None:
        """The site's configuration, plus what the test needs: the app in window.jupyterapp, and `env` for the
        kernel (replay's pace)."""
        config = route.fetch().json()
        data = config["jupyter-config-data"]
        data["exposeAppInBrowser"] = True
        kernel = data.get("litePluginSettings", {}).get(KERNEL)
        if kernel is not None:
            kernel["loadPyodideOptions"]["env"] = env
        route.fulfill(json=config)

    def open(self, lesson: str) -> float:
        """Open `lesson` (notebooks/NN-slug.ipynb) and wait for its kernel; the seconds that took."""
        started = time.monotonic()
        self.page.goto(f"{IN_BROWSER}?path={lesson}")
        self.page.wait_for_function(KERNEL_IDLE, polling=250)
        return time.monotonic() - started

    def run_all(self) -> list[dict]:
        self.page.evaluate(RUN_ALL)
        self.page.wait_for_function(KERNEL_IDLE, polling=250)
        return self.page.evaluate(CODE_CELLS)

    def close(self) -> None:
        self.context.close()
