"""scripts/check_links.py (make links): Sphinx's real linkcheck against a real HTTP server on loopback.

A small project stands in for the staged site: a README and one lesson linking to /ok (200), /gone (404),
/retired (410) and /moved (302 to /ok) on a loopback server, to a closed loopback port, and to the launch
services. The check must list the dead links with their status, the unreachable one apart, count the rest, and
exit 0; it exits non-zero only when it could not run.
"""

import http.server
import runpy
import socket
import threading
from pathlib import Path

import check_links  # scripts/ is on the path (the root conftest.py)
import navigation
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


LESSON = "notebooks/01-single-call.ipynb"  # a real lesson's file name: the report names it by its label
(LESSON_LABEL,) = [
    lesson.label for lesson in navigation.lessons(ROOT) if lesson.path.name == Path(LESSON).name
]
LAUNCH = [
    "https://codespaces.new/example/tutorial?quickstart=1",
    "https://mybinder.org/v2/gh/example/tutorial/HEAD",
]


class Handler(http.server.BaseHTTPRequestHandler):
    ROUTES = {"/ok": 200, "/gone": 404, "/retired": 410, "/moved": 302}

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        status = self.ROUTES.get(self.path, 404)
        text = f"<html><body>{status}</body></html>".encode()
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if body:
            self.wfile.write(text)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on: bound once by the system, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_project(source: Path, base: str, closed: int) -> None:
    """What build_site.stage writes, in small: index.md (the README) and a lesson notebook."""
    (source / "notebooks").mkdir(parents=True)
    links = [f"{base}/ok", f"{base}/gone", f"{base}/moved", f"http://127.0.0.1:{closed}/", *LAUNCH]
    readme = "# Tutorial\n\n" + "\n".join(f"- [link {i}]({url})" for i, url in enumerate(links))
    toctree = "\n\n```{toctree}\n:hidden:\n\nnotebooks/01-single-call\n```\n"
    (source / "index.md").write_text(readme + toctree, encoding="utf-8")
    lesson = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# A single call\n\nThe [retired docs]({base}/retired).")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(lesson, source / LESSON)


def without_loopback() -> str:
    """site/conf.py's linkcheck_ignore without its loopback entry, which would skip the test server."""
    patterns = runpy.run_path(str(ROOT / "site" / "conf.py"))["linkcheck_ignore"]
    kept = [pattern for pattern in patterns if not any(map(pattern.__contains__, ("localhost", "127")))]
    assert kept and len(kept) < len(patterns)
    return "linkcheck_ignore=" + ",".join(kept)


@pytest.fixture(scope="module")
def checked(server, tmp_path_factory):
    """make links over the small project: main's exit status, its printed report, the step summary, the port."""
    tmp = tmp_path_factory.mktemp("links")
    summary = tmp / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    closed = closed_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(check_links, "stage", lambda source, repo: write_project(source, server, closed))
        patch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a proxy of the machine must not answer for loopback
        status = check_links.main(["--out", str(tmp / "linkcheck"), "-D", without_loopback()])
    report = (tmp / "linkcheck" / "report.md").read_text(encoding="utf-8")
    return status, report, summary.read_text(encoding="utf-8"), closed


def test_dead_links_are_a_table_with_their_page_and_status(checked, server):
    _, report, _, _ = checked
    dead = report.split("### Dead links (2)\n")[1].split("###")[0]
    assert f"| README | {server}/gone | 404 Not Found |" in dead
    assert f"| {LESSON_LABEL} | {server}/retired | 410 Gone |" in dead
    assert f"{server}/ok " not in dead and f"{server}/moved" not in dead


def test_a_closed_port_is_unreachable_not_dead(checked):
    _, report, _, closed = checked
    unreachable = report.split("### Unreachable (1: no HTTP answer)\n")[1]
    assert f"- README: http://127.0.0.1:{closed}/ (connection refused)" in unreachable
    assert f"127.0.0.1:{closed}" not in report.split("### Unreachable")[0]


def test_working_redirected_and_ignored_links_are_counted(checked):
    _, report, _, _ = checked
    # /ok works, /moved redirects to it, the two launch links are ignored (site/conf.py).
    assert "7 links checked: 2 dead, 1 unreachable, 1 working, 1 redirected, 2 ignored." in report


def test_dead_links_exit_0_and_the_report_goes_to_the_step_summary(checked):
    status, report, summary, _ = checked
    assert status == 0
    assert summary == "earlier step\n" + report  # appended, the earlier steps' summary kept


def test_the_site_ignores_loopback_and_launch_links(tmp_path):
    """site/conf.py as it is: nothing on loopback or on the launch services is requested."""
    write_project(tmp_path / "src", "http://127.0.0.1:9", closed_port())
    results = check_links.linkcheck(tmp_path / "src", tmp_path / "out")
    ignored = {r["uri"] for r in results if r["status"] == "ignored"}
    assert len(results) == 7 and ignored == {r["uri"] for r in results}
    assert set(LAUNCH) <= ignored


def test_a_check_that_cannot_run_exits_non_zero(tmp_path, monkeypatch):
    """No pages to check (the staging failed, say): an error, not an empty report."""
    monkeypatch.setattr(check_links, "stage", lambda source, repo: source.mkdir(parents=True))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    with pytest.raises(SystemExit) as exit:
        check_links.main(["--out", str(tmp_path / "linkcheck")])
    assert exit.value.code and "the link check did not run" in str(exit.value.code)
    assert not (tmp_path / "summary.md").exists()
