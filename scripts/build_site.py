"""Build the published site: ``python scripts/build_site.py`` (``make site``) writes build/site/, with the README
as its landing page (index.html) and every lesson as a page, from the notebooks' committed outputs.

Nothing is executed and nothing is fetched: the in-browser edition (lite/, scripts/build_lite.py) is built from
what make site installed first, and the lessons are staged into build/site-src/ (links to files that
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
from dataclasses import dataclass
from pathlib import Path

import build_lite
import nbformat
from navigation import EDITIONS, ENGLISH, ROOT, Edition, Lesson, launch_links, lessons, repository

from helpers.chat import NOT_RUNNING
from helpers.language import in_every_language

SITE = ROOT / "site"
# tests/test_browser.py writes build/screenshots/chat-box.png; this is a copy of it
CHAT_BOX_STILL = SITE / "chat-box.png"
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
IMAGES = "notebooks/images"  # the lessons' pictures (lesson 00's diagram), staged beside the lesson pages
WORDS = {  # what the site adds to the pages, in each edition's language
    "en": {
        "run": "Run it:",
        "show": "Show the solution",
        "hide": "Hide the solution",
        "alt": "The chat box, with a question and its recorded answer",
        "still": "*A still image of the chat box: it needs a running kernel. Open this lesson in JupyterLab "
        "(a launch button above, or `make lab`) to chat.*",
    },
    "fr": {
        "run": "Lancer :",
        "show": "Voir la solution",
        "hide": "Masquer la solution",
        "alt": "La boîte de discussion, avec une question et sa réponse enregistrée",
        "still": "*Une image fixe de la boîte de discussion : elle a besoin d'un noyau en marche. Ouvrez cette "
        "leçon dans JupyterLab (un bouton de lancement ci-dessus, ou `make lab`) pour discuter.*",
    },
}


@dataclass(frozen=True)
class Page:
    """A project file the site publishes: the edition it belongs to, and its file among the edition's staged
    pages (index.md for the README, notebooks/NN-slug.ipynb for a lesson)."""

    edition: Edition
    staged: str

    @property
    def html(self) -> str:
        """Its address in the site: the English edition at the root, the French one under fr/."""
        prefix = "" if self.edition is ENGLISH else f"{self.edition.language}/"
        return prefix + posixpath.splitext(self.staged)[0] + ".html"


def site_pages() -> dict[str, Page]:
    """Every page of the site, by the project file it comes from (README.md, notebooks/fr/01-….ipynb)."""
    pages = {}
    for edition in EDITIONS:
        pages[edition.readme] = Page(edition, "index.md")
        for lesson in lessons(ROOT, edition):
            pages[lesson.path.relative_to(ROOT).as_posix()] = Page(edition, f"notebooks/{lesson.path.name}")
    return pages


def relative(path: str, start: str) -> str:
    """`path` as a link written in the file `start` (both relative to the same root)."""
    return posixpath.relpath(path, posixpath.dirname(start) or ".")


def page_link(target: str, source: str, pages: dict[str, Page], repo: str) -> str:
    """A link of the project file `source` as its page writes it: to a page of the same edition, the staged
    file (Sphinx checks it); to the other edition's, that page's address; to a lesson picture, its staged copy;
    to any other file, the repository."""
    if re.match(r"[a-z]+:|#", target):
        return target
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    suffix = f"#{anchor}" if anchor else ""
    here, there = pages[source], pages.get(resolved)
    if resolved.startswith(IMAGES + "/"):  # a picture: staged too, so the page shows it offline
        return relative(resolved, here.staged)
    if there is None:
        return f"{repo}/blob/main/{resolved}{suffix}"
    if there.edition is here.edition:
        return relative(there.staged, here.staged) + suffix
    return relative(there.html, here.html) + suffix


def with_links(text: str, source: str, pages: dict[str, Page], repo: str) -> str:
    """The markdown of `source` with its links made right for the site; a link into the other edition is
    written in HTML, which Sphinx passes on as it is (it knows the pages of one edition only)."""

    def link(found: re.Match) -> str:
        url = page_link(found[2], source, pages, repo)
        if re.search(r"\.html(#|$)", url) and not re.match(r"[a-z]+:", url):
            return f'<a href="{url}">{found[1]}</a>'
        return f"[{found[1]}]({url})"

    return LINK.sub(link, text)


def launch_bar(repo: str, source: str, pages: dict[str, Page]) -> str:
    """The row at the top of a page (HTML, styled by site/_static/launch.css): the launch buttons (Binder opens
    this lesson, or the first one), and the switch to the same page in the other language."""
    page = pages[source]
    first = min(
        path for path, other in pages.items() if other.edition is page.edition and path.endswith(".ipynb")
    )
    notebook = source if source.endswith(".ipynb") else first
    buttons = "".join(
        f'<a class="launch-button" href="{url}">{label}</a>'
        for label, url, _ in launch_links(repo, notebook, page.edition, site=relative(".", page.html) + "/")
    )
    (twin,) = [
        other for other in pages.values() if other.edition is not page.edition and other.staged == page.staged
    ]
    switch = (
        f'<a class="language-switch" href="{relative(twin.html, page.html)}" '
        f'hreflang="{twin.edition.language}">{twin.edition.name}</a>'
    )
    return (
        f'<div class="launch-bar"><span>{WORDS[page.edition.language]["run"]}</span>{buttons}{switch}</div>\n'
    )


def landing_page(edition: Edition, pages: dict[str, Page], repo: str) -> str:
    """The edition's README as index.md, with its lessons as the site's table of contents."""
    text = with_links((ROOT / edition.readme).read_text(encoding="utf-8"), edition.readme, pages, repo)
    title, _, body = text.partition("\n")
    entries = "\n".join(f"{lesson.label} <notebooks/{lesson.path.name}>" for lesson in lessons(ROOT, edition))
    toctree = f"\n```{{toctree}}\n:hidden:\n:caption: {edition.contents}\n\n{entries}\n```\n"
    return f"{title}\n\n{launch_bar(repo, edition.readme, pages)}{body}{toctree}"


def still(output: nbformat.NotebookNode) -> bool:
    return output.get("data", {}).get("text/plain") in in_every_language(NOT_RUNNING)


def chat_box_still(words: dict[str, str]) -> list[nbformat.NotebookNode]:
    image = base64.b64encode(CHAT_BOX_STILL.read_bytes()).decode()
    return [
        nbformat.v4.new_output("display_data", {"image/png": image, "text/plain": NOT_RUNNING}),
        nbformat.v4.new_output("display_data", {"text/markdown": words["still"]}),
    ]


def collapsed(text: str, words: dict[str, str]) -> str:
    """A written solution in a closed <details>, marked up as MyST-NB marks up the code solutions it hides."""
    summary = (
        '<summary aria-label="Toggle hidden content">'
        f'<p class="collapsed admonition-title">{words["show"]}</p>'
        f'<p class="expanded admonition-title">{words["hide"]}</p></summary>'
    )
    return f'<details class="admonition hide above-input">\n{summary}\n\n{text}\n\n</details>'


def lesson_page(lesson: Lesson, pages: dict[str, Page], repo: str) -> nbformat.NotebookNode:
    """A lesson as its page shows it: links resolved, launch buttons, solutions collapsed, stills for widgets."""
    source = lesson.path.relative_to(ROOT).as_posix()
    words = WORDS[pages[source].edition.language]
    notebook = nbformat.read(lesson.path, as_version=4)
    for cell in notebook.cells:
        solution = "solution" in cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            cell.source = with_links(cell.source, source, pages, repo)
            cell.source = collapsed(cell.source, words) if solution else cell.source
        elif solution:  # collapsed, output too: "Show the solution"
            cell.metadata.tags.append("hide-cell")
            cell.metadata["mystnb"] = {"code_prompt_show": words["show"], "code_prompt_hide": words["hide"]}
        if any(still(output) for output in cell.get("outputs", [])):
            cell.outputs = [o for o in cell.outputs if not still(o)] + chat_box_still(words)
            cell.metadata.setdefault("mystnb", {})["image"] = {
                "alt": words["alt"]
            }  # a solution's prompts stay
    bar = nbformat.v4.new_markdown_cell(launch_bar(repo, source, pages), id="launch")
    notebook.cells.insert(2, bar)  # after the top navigation and the title cell
    return notebook


def stage(source: Path, repo: str, edition: Edition = ENGLISH) -> None:
    """Write the edition's landing page and lesson pages into `source`, the folder Sphinx reads."""
    shutil.rmtree(source, ignore_errors=True)
    (source / "notebooks").mkdir(parents=True)
    pages = site_pages()
    (source / "index.md").write_text(landing_page(edition, pages, repo), encoding="utf-8")
    for lesson in lessons(ROOT, edition):
        nbformat.write(lesson_page(lesson, pages, repo), source / "notebooks" / lesson.path.name)
    shutil.copytree(ROOT / IMAGES, source / IMAGES)


def sphinx(builder: str, source: Path, out: Path, *options: str) -> int:
    """Run Sphinx's `builder` (html, linkcheck) over the staged pages in `source` into a fresh `out`, with the
    configuration in site/; its exit status."""
    shutil.rmtree(out, ignore_errors=True)
    doctrees = source.with_name(f"{source.name}-doctrees")
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-q", "-c", str(SITE), "-d", str(doctrees)]
    return subprocess.run([*command, *options, str(source), str(out)]).returncode


def build(out: Path, repo: str) -> None:
    """Stage and build each edition beside `out` (English at the root, French in fr/), then put the site in
    `out`, only if both built; a Sphinx warning is an error."""
    built = {}
    for edition in EDITIONS:
        source = out.with_name(f"{out.name}-src-{edition.language}")
        built[edition.language] = out.with_name(f"{out.name}-new-{edition.language}")
        stage(source, repo, edition)
        title = (ROOT / edition.readme).read_text(encoding="utf-8").partition("\n")[0].lstrip("# ")
        options = ["-W", "--keep-going", "-D", f"html_theme_options.repository_url={repo}"]
        options += [
            "-D",
            f"language={edition.language}",
            "-D",
            f"project={title}",
            "-D",
            f"html_title={title}",
        ]
        if sphinx("html", source, built[edition.language], *options):
            raise SystemExit(f"the site did not build (the warnings above say why); {out} was left as it was")
    built["fr"].rename(built["en"] / "fr")
    build_lite.build(
        built["en"] / "lite"
    )  # the in-browser edition, both languages: the launch bars' first button
    shutil.rmtree(out, ignore_errors=True)
    built["en"].rename(out)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="folder for the site")
    parser.add_argument("--repository", default=repository(), help="GitHub URL the launch buttons open")
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.repository.rstrip("/"))
    print(f"built {args.out / 'index.html'}")


if __name__ == "__main__":
    main(sys.argv[1:])
