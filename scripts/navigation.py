"""Generate the lesson navigation of both editions, English (notebooks/, README.md) and French (notebooks/fr/,
README.fr.md): each README's lesson table and launch buttons, and previous · contents · next links, with a link to
the lesson's twin in the other language, at the top and bottom of every notebook. ``python scripts/navigation.py``
rewrites what is stale; ``--check`` only lists it. The published site (scripts/build_site.py) takes its order,
titles and launch buttons from here too.

A lesson is ``notebooks/NN-slug.ipynb`` (its French twin ``notebooks/fr/NN-slug.ipynb``); its first markdown cell
is ``# NN · Title`` and one sentence, which the table shows. Gaps in the numbering are fine.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
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
NAV_IDS = ("nav-top", "nav-bottom")
LAUNCH_KINDS = ("Browser", "Codespaces", "Codespaces with Ollama", "Binder")
IN_BROWSER = "lite/notebooks/index.html"  # the in-browser edition's notebook page, in the website (make site)


@dataclass(frozen=True)
class Edition:
    """One language's lessons and README, and the words its generated navigation uses."""

    language: str
    folder: str  # the lessons' folder, from the project root
    readme: str
    name: str  # the edition's name in its own language, as the other edition's link to it shows it
    contents: str  # the link to the README's lesson table, and that table's heading anchor
    anchor: str
    table_head: str
    launch_head: str
    launch: dict[str, tuple[str, str]] = field(repr=False)  # kind: (label, what it gives)


ENGLISH = Edition(
    "en",
    "notebooks",
    "README.md",
    "English",
    "Contents",
    "lessons",
    "| # | Lesson | What you will do |",
    "| Open in | What you get |",
    {
        "Browser": (
            "Run in your browser",
            "The lesson runs entirely in your browser tab (JupyterLite): no server, nothing to install, no account. "
            "The first start takes 20 to 30 seconds. Replay mode, or live mode with an endpoint that accepts "
            "requests from web pages. Your changes stay in this browser: to keep a notebook, download it (File → "
            "Download). Lesson 04 and lesson 00's Solution 4 need one of the options below.",
        ),
        "Codespaces": (
            "Codespaces",
            "VS Code in the browser with everything installed and lesson 00 open; replay mode. Uses your GitHub "
            "account's free Codespaces hours (2 cores).",
        ),
        "Codespaces with Ollama": (
            "Codespaces with Ollama",
            "The same, plus Ollama for local mode: real Phi-3 answers after `make local-model` (a 2.2 GB "
            "download). 4 cores and 16 GB, so your free hours go twice as fast.",
        ),
        "Binder": (
            "Binder",
            "JupyterLab on mybinder.org, free and without an account, built from `environment.yml` (the first "
            "start can take minutes). Replay mode only: no Ollama, and nothing you change is kept.",
        ),
    },
)
FRENCH = Edition(
    "fr",
    "notebooks/fr",
    "README.fr.md",
    "Français",
    "Sommaire",
    "sommaire",
    "| # | Leçon | Ce que vous ferez |",
    "| Ouvrir dans | Ce que vous obtenez |",
    {
        "Browser": (
            "Lancer dans votre navigateur",
            "La leçon tourne entièrement dans l'onglet de votre navigateur (JupyterLite) : pas de serveur, rien à "
            "installer, pas de compte. Le premier démarrage prend 20 à 30 secondes. Mode replay, ou mode live avec "
            "un point de terminaison qui accepte les requêtes des pages web. Vos modifications restent dans ce "
            "navigateur : pour garder un notebook, téléchargez-le (File → Download). La leçon 04 et la Solution 4 "
            "de la leçon 00 ont besoin d'une des options ci-dessous.",
        ),
        "Codespaces": (
            "Codespaces",
            "VS Code dans le navigateur, tout installé, la leçon 00 ouverte ; mode replay. Consomme les heures "
            "Codespaces gratuites de votre compte GitHub (2 cœurs).",
        ),
        "Codespaces with Ollama": (
            "Codespaces avec Ollama",
            "La même chose, plus Ollama pour le mode local : de vraies réponses de Phi-3 après `make local-model` "
            "(2,2 Go à télécharger). 4 cœurs et 16 Go : vos heures gratuites partent deux fois plus vite.",
        ),
        "Binder": (
            "Binder",
            "JupyterLab sur mybinder.org, gratuit et sans compte, construit à partir de `environment.yml` (le "
            "premier démarrage peut prendre quelques minutes). Mode replay seulement : pas d'Ollama, et rien de "
            "ce que vous modifiez n'est conservé.",
        ),
    },
)
EDITIONS = (ENGLISH, FRENCH)


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


def launch_links(
    repo: str, notebook: str, edition: Edition = ENGLISH, site: str | None = None
) -> list[tuple[str, str, str]]:
    """(label, URL, what it gives) of each way to run `notebook` (a path such as notebooks/00-setup.ipynb)
    without installing anything: in the browser (the website's in-browser edition, at `site`, by default the
    Documentation address), GitHub Codespaces in both configurations, and Binder."""
    name = repo.removeprefix("https://github.com/")
    codespaces = f"https://codespaces.new/{name}?quickstart=1"
    site = project_urls()["Documentation"] if site is None else site
    urls = {
        "Browser": f"{site}{IN_BROWSER}?path={notebook}",
        "Codespaces": codespaces,
        "Codespaces with Ollama": f"{codespaces}&devcontainer_path={quote(OLLAMA_DEVCONTAINER, safe='')}",
        "Binder": f"https://mybinder.org/v2/gh/{name}/HEAD?urlpath=lab/tree/{notebook}",
    }
    return [(edition.launch[kind][0], urls[kind], edition.launch[kind][1]) for kind in LAUNCH_KINDS]


def lessons(root: Path, edition: Edition = ENGLISH) -> list[Lesson]:
    """Every lesson notebook of an edition, in order, with the title and sentence of its first heading cell."""
    found = []
    for path in sorted((root / edition.folder).glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        heading = next(c.source for c in notebook.cells if c.cell_type == "markdown" and c.id not in NAV_IDS)
        match = re.fullmatch(r"# (\d\d) · (.+?)\n\n(.+)", heading.strip(), re.DOTALL)
        if not match or match[1] != path.name[:2]:
            raise SystemExit(
                f"{path.name}: the first cell must be '# {path.name[:2]} · Title', a blank line, a sentence"
            )
        found.append(Lesson(path, match[1], match[2], re.sub(r"[ \t\n]+", " ", match[3]).strip()))
    return found


def nav_text(
    previous: Lesson | None,
    following: Lesson | None,
    edition: Edition = ENGLISH,
    twin_of: Lesson | None = None,
) -> str:
    """The line of links at the top and bottom of a lesson: previous · contents · next · the twin."""
    readme = Path(os.path.relpath(edition.readme, edition.folder)).as_posix()
    links = [f"[← {previous.label}]({previous.path.name})" if previous else ""]
    links += [f"[{edition.contents}]({readme}#{edition.anchor})"]
    links += [f"[{following.label} →]({following.path.name})" if following else ""]
    if twin_of:  # the same file name in the other edition's folder
        other = FRENCH if edition is ENGLISH else ENGLISH
        links += [
            f"[{other.name}]({Path(os.path.relpath(other.folder, edition.folder), twin_of.path.name).as_posix()})"
        ]
    return " · ".join(link for link in links if link)


def with_navigation(
    lesson: Lesson, previous: Lesson | None, following: Lesson | None, edition: Edition = ENGLISH
) -> str:
    """The notebook's text with its two navigation cells made current."""
    notebook = nbformat.read(lesson.path, as_version=4)
    cells = [cell for cell in notebook.cells if cell.id not in NAV_IDS]
    text = nav_text(previous, following, edition, twin_of=lesson)
    top, bottom = (nbformat.v4.new_markdown_cell(text, id=cell_id) for cell_id in NAV_IDS)
    notebook.cells = [top, *cells, bottom]
    return nbformat.writes(notebook) + "\n"


def between(text: str, start: str, end: str, table: str) -> str:
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    return f"{before}{start}\n{table}\n{end}{after}"


def readme_with_tables(readme: Path, all_lessons: list[Lesson], repo: str, edition: Edition = ENGLISH) -> str:
    text = readme.read_text(encoding="utf-8")
    rows = [
        f"| {x.number} | [{x.title}]({edition.folder}/{x.path.name}) | {x.summary} |" for x in all_lessons
    ]
    table = "\n".join([edition.table_head, "| --- | --- | --- |", *rows])
    first = f"{edition.folder}/{all_lessons[0].path.name}"
    launch = [f"| [{label}]({url}) | {what} |" for label, url, what in launch_links(repo, first, edition)]
    launch_table = "\n".join([edition.launch_head, "| --- | --- |", *launch])
    return between(between(text, TABLE_START, TABLE_END, table), LAUNCH_START, LAUNCH_END, launch_table)


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file under the project folder `root` and the text it should have."""
    files = {}
    for edition in EDITIONS:
        all_lessons = lessons(root, edition)
        readme = root / edition.readme
        files[readme] = readme_with_tables(readme, all_lessons, repository(root), edition)
        for index, lesson in enumerate(all_lessons):
            previous = all_lessons[index - 1] if index else None
            following = all_lessons[index + 1] if index + 1 < len(all_lessons) else None
            files[lesson.path] = with_navigation(lesson, previous, following, edition)
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
