"""Generate the lesson navigation: the README's lesson table and launch buttons, and previous · contents · next
links at the top and bottom of every notebook. ``python scripts/navigation.py`` rewrites what is stale;
``--check`` only lists it. The published site (scripts/build_site.py) takes its order, titles and launch buttons
from here too.

A lesson is ``notebooks/NN-slug.ipynb``; its first markdown cell is ``# NN · Title`` and one sentence, which the
table shows. Gaps in the numbering are fine.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TABLE_START, TABLE_END = "<!-- lessons:start -->", "<!-- lessons:end -->"
LAUNCH_START, LAUNCH_END = "<!-- launch:start -->", "<!-- launch:end -->"
OLLAMA_DEVCONTAINER = ".devcontainer/local-phi3/devcontainer.json"
LAUNCH_WHAT = {  # what each launch button gives, for the README's table
    "Codespaces": "VS Code in the browser with everything installed and lesson 00 open; replay mode. Uses your "
    "GitHub account's free Codespaces hours (2 cores).",
    "Codespaces with Ollama": "The same, plus Ollama for local mode: real Phi-3 answers after `make local-model` "
    "(a 2.2 GB download). 4 cores and 16 GB, so your free hours go twice as fast.",
    "Binder": "JupyterLab on mybinder.org, free and without an account, built from `environment.yml` (the first "
    "start can take minutes). Replay mode only: no Ollama, and nothing you change is kept.",
}
NAV_IDS = ("nav-top", "nav-bottom")


@dataclass(frozen=True)
class Lesson:
    path: Path
    number: str
    title: str
    summary: str

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"


def project_urls(root: Path = ROOT) -> dict[str, str]:
    """pyproject.toml's [project.urls]: the Repository on GitHub and the website's Documentation address."""
    with (root / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["urls"]


def repository(root: Path = ROOT) -> str:
    """The project's GitHub URL."""
    return project_urls(root)["Repository"]


def launch_links(repo: str, notebook: str) -> list[tuple[str, str, str]]:
    """(label, URL, what it gives) of each way to run `notebook` (a path such as notebooks/00-setup.ipynb)
    without installing anything: GitHub Codespaces in both configurations, and Binder."""
    name = repo.removeprefix("https://github.com/")
    codespaces = f"https://codespaces.new/{name}?quickstart=1"
    urls = {
        "Codespaces": codespaces,
        "Codespaces with Ollama": f"{codespaces}&devcontainer_path={quote(OLLAMA_DEVCONTAINER, safe='')}",
        "Binder": f"https://mybinder.org/v2/gh/{name}/HEAD?urlpath=lab/tree/{notebook}",
    }
    return [(label, url, LAUNCH_WHAT[label]) for label, url in urls.items()]


def lessons(root: Path) -> list[Lesson]:
    """Every lesson notebook, in order, with the title and sentence of its first heading cell."""
    found = []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        heading = next(c.source for c in notebook.cells if c.cell_type == "markdown" and c.id not in NAV_IDS)
        match = re.fullmatch(r"# (\d\d) · (.+?)\n\n(.+)", heading.strip(), re.DOTALL)
        if not match or match[1] != path.name[:2]:
            raise SystemExit(
                f"{path.name}: the first cell must be '# {path.name[:2]} · Title', a blank line, a sentence"
            )
        found.append(Lesson(path, match[1], match[2], " ".join(match[3].split())))
    return found


def nav_text(previous: Lesson | None, following: Lesson | None) -> str:
    links = [f"[← {previous.label}]({previous.path.name})" if previous else ""]
    links += ["[Contents](../README.md#lessons)"]
    links += [f"[{following.label} →]({following.path.name})" if following else ""]
    return " · ".join(link for link in links if link)


def with_navigation(lesson: Lesson, previous: Lesson | None, following: Lesson | None) -> str:
    """The notebook's text with its two navigation cells made current."""
    notebook = nbformat.read(lesson.path, as_version=4)
    cells = [cell for cell in notebook.cells if cell.id not in NAV_IDS]
    text = nav_text(previous, following)
    top, bottom = (nbformat.v4.new_markdown_cell(text, id=cell_id) for cell_id in NAV_IDS)
    notebook.cells = [top, *cells, bottom]
    return nbformat.writes(notebook) + "\n"


def between(text: str, start: str, end: str, table: str) -> str:
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    return f"{before}{start}\n{table}\n{end}{after}"


def readme_with_tables(readme: Path, all_lessons: list[Lesson], repo: str) -> str:
    text = readme.read_text(encoding="utf-8")
    rows = [f"| {x.number} | [{x.title}](notebooks/{x.path.name}) | {x.summary} |" for x in all_lessons]
    table = "\n".join(["| # | Lesson | What you will do |", "| --- | --- | --- |", *rows])
    launch = [
        f"| [{label}]({url}) | {what} |"
        for label, url, what in launch_links(repo, "notebooks/00-setup.ipynb")
    ]
    launch_table = "\n".join(["| Open in | What you get |", "| --- | --- |", *launch])
    return between(between(text, TABLE_START, TABLE_END, table), LAUNCH_START, LAUNCH_END, launch_table)


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file under the project folder `root` and the text it should have."""
    all_lessons = lessons(root)
    files = {root / "README.md": readme_with_tables(root / "README.md", all_lessons, repository(root))}
    for index, lesson in enumerate(all_lessons):
        previous = all_lessons[index - 1] if index else None
        following = all_lessons[index + 1] if index + 1 < len(all_lessons) else None
        files[lesson.path] = with_navigation(lesson, previous, following)
    return files


def stale_files(root: Path = ROOT) -> list[Path]:
    """The generated files whose text is not what the lessons call for."""
    return [path for path, text in expected_files(root).items() if path.read_text(encoding="utf-8") != text]


def main(args: list[str]) -> int:
    stale = stale_files()
    if "--check" in args:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run python scripts/navigation.py)")
        return 1 if stale else 0
    for path, text in expected_files().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
