"""Build the published site: ``python scripts/build_site.py`` (``make site``) writes build/site/, with the README
as its landing page (index.html) and every lesson as a page, from the notebooks' committed outputs.

Nothing is executed and nothing is fetched: the lessons are staged into build/site-src/ (links to files that
are not pages point at the repository, solutions are collapsed, the chat box's placeholder becomes a still
image) and Sphinx builds them with the configuration in site/ (myst-nb, sphinx-book-theme). Any warning, such
as a link that leads nowhere, fails the build.
"""

from __future__ import annotations

import argparse
import base64
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from navigation import ROOT, Lesson, launch_links, lessons, repository

from helpers.chat import NOT_RUNNING
from helpers.language import in_every_language

SITE = ROOT / "site"
CHAT_BOX_STILL = (
    SITE / "chat-box.png"
)  # tests/test_browser.py writes build/screenshots/chat-box.png; copy it here
CHAT_BOX_NOTE = (
    "*A still image of the chat box: it needs a running kernel. Open this lesson in JupyterLab "
    "(a launch button above, or `make lab`) to chat.*"
)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def page_link(target: str, here: str, pages: set[str], repo: str) -> str:
    """A link of a staged file (`here` is its folder, "" or "notebooks"), kept if it leads to a page or an
    anchor, pointed at the repository otherwise."""
    if re.match(r"[a-z]+:|#", target):
        return target
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(here, path))
    if resolved == "README.md":
        return ("../" if here else "") + "index.md" + (f"#{anchor}" if anchor else "")
    if resolved in pages:
        return target
    return f"{repo}/blob/main/{resolved}" + (f"#{anchor}" if anchor else "")


def with_links(text: str, here: str, pages: set[str], repo: str) -> str:
    return LINK.sub(lambda m: f"]({page_link(m[1], here, pages, repo)})", text)


def launch_bar(repo: str, notebook: str) -> str:
    """The row of launch buttons at the top of a page (HTML, styled by site/_static/launch.css)."""
    buttons = "".join(
        f'<a class="launch-button" href="{url}">{label}</a>' for label, url, _ in launch_links(repo, notebook)
    )
    return f'<div class="launch-bar"><span>Run it:</span>{buttons}</div>\n'


def landing_page(all_lessons: list[Lesson], pages: set[str], repo: str) -> str:
    """The README as index.md, with the lessons as the site's table of contents."""
    text = with_links((ROOT / "README.md").read_text(encoding="utf-8"), "", pages, repo)
    title, _, body = text.partition("\n")
    entries = "\n".join(f"{lesson.label} <notebooks/{lesson.path.name}>" for lesson in all_lessons)
    toctree = f"\n```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{entries}\n```\n"
    return f"{title}\n\n{launch_bar(repo, all_lessons[0].path.relative_to(ROOT).as_posix())}{body}{toctree}"


def still(output: nbformat.NotebookNode) -> bool:
    return output.get("data", {}).get("text/plain") in in_every_language(NOT_RUNNING)


def chat_box_still() -> list[nbformat.NotebookNode]:
    image = base64.b64encode(CHAT_BOX_STILL.read_bytes()).decode()
    return [
        nbformat.v4.new_output("display_data", {"image/png": image, "text/plain": NOT_RUNNING}),
        nbformat.v4.new_output("display_data", {"text/markdown": CHAT_BOX_NOTE}),
    ]


def collapsed(text: str) -> str:
    """A written solution in a closed <details>, marked up as MyST-NB marks up the code solutions it hides."""
    summary = (
        '<summary aria-label="Toggle hidden content">'
        '<p class="collapsed admonition-title">Show the solution</p>'
        '<p class="expanded admonition-title">Hide the solution</p></summary>'
    )
    return f'<details class="admonition hide above-input">\n{summary}\n\n{text}\n\n</details>'


def lesson_page(lesson: Lesson, pages: set[str], repo: str) -> nbformat.NotebookNode:
    """A lesson as its page shows it: links resolved, launch buttons, solutions collapsed, stills for widgets."""
    notebook = nbformat.read(lesson.path, as_version=4)
    for cell in notebook.cells:
        solution = "solution" in cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            cell.source = with_links(cell.source, "notebooks", pages, repo)
            cell.source = collapsed(cell.source) if solution else cell.source
        elif solution:  # collapsed, output too: "Show the solution"
            cell.metadata.tags.append("hide-cell")
            cell.metadata["mystnb"] = {
                "code_prompt_show": "Show the solution",
                "code_prompt_hide": "Hide the solution",
            }
        if any(still(output) for output in cell.get("outputs", [])):
            cell.outputs = [o for o in cell.outputs if not still(o)] + chat_box_still()
            cell.metadata.setdefault("mystnb", {})["image"] = {  # a solution's prompts stay
                "alt": "The chat box, with a question and its recorded answer"
            }
    bar = nbformat.v4.new_markdown_cell(
        launch_bar(repo, lesson.path.relative_to(ROOT).as_posix()), id="launch"
    )
    notebook.cells.insert(2, bar)  # after the top navigation and the title cell
    return notebook


def stage(source: Path, repo: str) -> None:
    """Write the landing page and the lesson pages into `source`, the folder Sphinx reads."""
    shutil.rmtree(source, ignore_errors=True)
    (source / "notebooks").mkdir(parents=True)
    all_lessons = lessons(ROOT)
    pages = {lesson.path.relative_to(ROOT).as_posix() for lesson in all_lessons}
    (source / "index.md").write_text(landing_page(all_lessons, pages, repo), encoding="utf-8")
    for lesson in all_lessons:
        nbformat.write(lesson_page(lesson, pages, repo), source / "notebooks" / lesson.path.name)


def sphinx(builder: str, source: Path, out: Path, *options: str) -> int:
    """Run Sphinx's `builder` (html, linkcheck) over the staged pages in `source` into a fresh `out`, with the
    configuration in site/; its exit status."""
    shutil.rmtree(out, ignore_errors=True)
    doctrees = out.with_name(f"{out.name}-doctrees")
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-q", "-c", str(SITE), "-d", str(doctrees)]
    return subprocess.run([*command, *options, str(source), str(out)]).returncode


def build(out: Path, repo: str) -> None:
    """Stage the pages beside `out` and build the site, replacing `out` only if the build succeeds; a Sphinx
    warning is an error."""
    source, fresh = out.with_name(f"{out.name}-src"), out.with_name(f"{out.name}-new")
    stage(source, repo)
    options = ["-W", "--keep-going", "-D", f"html_theme_options.repository_url={repo}"]
    if sphinx("html", source, fresh, *options):
        raise SystemExit(f"the site did not build (the warnings above say why); {out} was left as it was")
    shutil.rmtree(out, ignore_errors=True)
    fresh.rename(out)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="folder for the site")
    parser.add_argument("--repository", default=repository(), help="GitHub URL the launch buttons open")
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.repository.rstrip("/"))
    print(f"built {args.out / 'index.html'}")


if __name__ == "__main__":
    main(sys.argv[1:])
