"""Check the site's external links: ``python scripts/check_links.py`` (``make links``, weekly in
.github/workflows/links.yml) prints a Markdown report of the dead and the unreachable ones.

The pages are staged as ``make site`` stages them (build_site.stage) and Sphinx's linkcheck builder, configured in
site/conf.py, requests every external link. Many lessons link to the docs of a retired service, so dead links
are reported, never an error: the exit status is 0 whenever the check ran, non-zero only when it could not run
(the pages did not build, say). The report also goes to <out>/report.md and, on GitHub Actions, to the run's
summary (the file named by GITHUB_STEP_SUMMARY).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from build_site import sphinx, stage
from navigation import ROOT, lessons, repository

HTTP_ERROR = re.compile(r"^(\d{3}) (?:Client|Server) Error: (.*?) for url: ")
REASONS = [  # what an unreachable link's error says, in a few words
    ("Name or service not known", "DNS: no such host"),
    ("nodename nor servname", "DNS: no such host"),
    ("Temporary failure in name resolution", "DNS: no answer"),
    ("Failed to resolve", "DNS: no answer"),
    ("Connection refused", "connection refused"),
    ("timed out", "timed out"),
    ("Connection reset", "connection reset"),
    ("CERTIFICATE_VERIFY_FAILED", "TLS certificate not trusted"),
    ("SSLError", "TLS error"),
    ("Exceeded", "too many redirects"),
]


def linkcheck(source: Path, out: Path, *options: str) -> list[dict]:
    """Run Sphinx's linkcheck over the staged pages in `source`; one result per link (output.json's lines:
    filename, lineno, status, code, uri, info). Sphinx's exit status is 1 when a link is broken, so the check
    counts as run when it wrote output.json."""
    sphinx("linkcheck", source, out, *options)
    results = out / "output.json"
    if not results.exists():
        raise SystemExit(f"the link check did not run (the messages above say why): no {results}")
    return [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]


def http_status(result: dict) -> str | None:
    """'404 Not Found' when the server answered a broken link with an HTTP error, else None."""
    if 400 <= result["code"] < 600:
        return str(result["code"])
    if result["info"] == "unauthorized":  # linkcheck's word for a 401
        return "401 Unauthorized"
    if found := HTTP_ERROR.match(result["info"]):
        return f"{found[1]} {found[2]}"
    return None


def kind(result: dict) -> str:
    """dead (an HTTP error), unreachable (no answer: DNS, connection, TLS, timeout), or linkcheck's status:
    working, redirected, ignored, unchecked (mailto:, #anchors), rate-limited."""
    if result["status"] == "timeout":
        return "unreachable"
    if result["status"] == "broken":
        return "dead" if http_status(result) else "unreachable"
    return result["status"]


def reason(info: str) -> str:
    """An unreachable link's error in a few words."""
    for text, short in REASONS:
        if text in info:
            return short
    return info[:120] or "no answer"


def cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def report(results: list[dict], pages: dict[str, str]) -> str:
    """The Markdown report: a table of dead links, a list of unreachable ones, counts of the rest. `pages` names
    the staged files (index.md: README); a file without a name is shown as its path."""
    order = {filename: i for i, filename in enumerate(pages)}
    results = sorted(
        results, key=lambda r: (order.get(r["filename"], len(order)), r["filename"], r["lineno"])
    )
    by_kind: dict[str, list[dict]] = {}
    for result in results:
        by_kind.setdefault(kind(result), []).append(result)
    dead, unreachable = by_kind.get("dead", []), by_kind.get("unreachable", [])
    counts = {name: len(by_kind.get(name, [])) for name in ("working", "redirected", "ignored")}
    checked = sum(len(found) for name, found in by_kind.items() if name != "unchecked")
    lines = [
        "## External links of the site",
        "",
        f"{checked} links checked: {len(dead)} dead, {len(unreachable)} unreachable, "
        + ", ".join(f"{count} {name}" for name, count in counts.items())
        + ". Dead links are reported, never an error.",
        "",
        f"### Dead links ({len(dead)})",
        "",
    ]
    if dead:
        lines += ["| Page | URL | Status |", "| --- | --- | --- |"]
        lines += [
            f"| {cell(pages.get(r['filename'], r['filename']))} | {cell(r['uri'])} | {cell(http_status(r))} |"
            for r in dead
        ]
    else:
        lines.append("None.")
    lines += ["", f"### Unreachable ({len(unreachable)}: no HTTP answer)", ""]
    lines += [
        f"- {pages.get(r['filename'], r['filename'])}: {r['uri']} ({reason(r['info'])})" for r in unreachable
    ] or ["None."]
    return "\n".join(lines) + "\n"


def page_names() -> dict[str, str]:
    """The staged files' names in the report, in the site's order: the README, then each lesson's label."""
    names = {"index.md": "README"}
    names.update({f"notebooks/{lesson.path.name}": lesson.label for lesson in lessons(ROOT)})
    return names


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "linkcheck", help="folder for Sphinx's results"
    )
    parser.add_argument("--repository", default=repository(), help="GitHub URL the pages link to")
    parser.add_argument(
        "-D", dest="options", action="append", default=[], metavar="NAME=VALUE", help="a Sphinx setting"
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    source = out.with_name(f"{out.name}-src")
    stage(source, args.repository.rstrip("/"))
    results = linkcheck(source, out, *(part for option in args.options for part in ("-D", option)))
    text = report(results, page_names())
    (out / "report.md").write_text(text, encoding="utf-8")
    print(text)
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as file:
            file.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
