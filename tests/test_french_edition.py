"""The French edition (notebooks/fr/, README.fr.md) cannot drift from the English one (issue 16).

Each French lesson is its English twin cell for cell: the same cell ids in the same order, the same cell types
and metadata (solution tags, collapsed cells), the same code, and outputs that say the same thing, the helpers'
sentences aside, which speak French there (helpers/french.py). Only the markdown differs, and all of it is
translated. The navigation of both editions is generated (scripts/navigation.py) and checked in test_notebooks.
"""

import ast
import configparser
import re
import shutil
from pathlib import Path

import navigation  # scripts/ is on the path (the root conftest.py)
import nbformat
import pytest
import test_notebooks

from helpers import language
from helpers.config import settings
from helpers.errors import SettingsError
from helpers.french import FRENCH

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
FRENCH_LESSONS = sorted((ROOT / "notebooks" / "fr").glob("[0-9][0-9]-*.ipynb"))
PLACEHOLDER = re.compile(r"\{(\w+)(![rsa])?(:[^}]*)?\}")  # {name}, {name!r}, {wait:.0f}
# The sections every French lesson has, in this order (the English lessons' HEADINGS, in French).
HEADINGS = (
    "## Vue d'ensemble",
    "## Prérequis",
    "**Durée**",
    "## À vous de jouer",
    "## Résumé",
    "## Ressources et références",
    "## Et ensuite",
)
# The English lessons' budget, plus a tenth: French prose runs about 10% longer than the English.
SIZE_BUDGET = int(test_notebooks.SIZE_BUDGET * 1.1)


def pattern(template: str) -> re.Pattern:
    """A French sentence of the catalog as a regular expression, each placeholder a named group."""
    regex, end = "", 0
    for found in PLACEHOLDER.finditer(template):
        regex += re.escape(template[end : found.start()]) + f"(?P<{found[1]}>.*?)"
        end = found.end()
    return re.compile(regex + re.escape(template[end:]), re.S)


# (regex, its longest fixed part, English) for each sentence that French says differently, longest first
CATALOG = sorted(
    (
        (pattern(fr), max(PLACEHOLDER.sub("\0", fr).split("\0"), key=len), en)
        for en, fr in FRENCH.items()
        if en != fr
    ),
    key=lambda item: -len(item[0].pattern),
)


def english_quantity(value: str) -> str:
    """A value helpers.language.quantity wrote in French ("11,5", "2,2 Go") as English writes it."""
    value = re.sub(r"(?<=\d),(?=\d)", ".", value)
    return re.sub(r"(?<=\d) (Go|Mo)\b", lambda m: {"Go": " GB", "Mo": " MB"}[m[1]], value)


def in_english(text: str) -> str:
    """`text` with every sentence of the catalog it holds put back into English, placeholders included. A
    sentence may sit between a prefix ("✗ ", "SettingsError: ") and a full stop, or in a JSON string; the
    longest sentence that fits goes first, then the text is read again for the next."""
    starts = [0] + [index + shift for index, char in enumerate(text) if char in ' "' for shift in (0, 1)]
    ends = [len(text)] + [index for index, char in enumerate(text) if char in '".']
    for regex, fixed, english in CATALOG:
        if fixed not in text:
            continue
        for start in starts:
            for end in ends:
                found = regex.fullmatch(text, start, end) if start <= end else None
                if found:
                    values = {
                        name: english_quantity(in_english(value)) for name, value in found.groupdict().items()
                    }
                    english = PLACEHOLDER.sub(lambda m, values=values: values[m[1]], english)
                    return in_english(text[:start] + english + text[end:])
    return text


def sanitizers() -> list[tuple[re.Pattern, str]]:
    """tests/sanitize.cfg's masks of what changes from run to run (timings), as nbval applies them."""
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(config[name]["regex"]), config[name]["replace"]) for name in config.sections()]


SANITIZERS = sanitizers()


def said(outputs: list, to_english=lambda text: text) -> list:
    """What a cell's outputs say, as nbval compares them: text (sanitized), and the kinds of the rest."""

    def text(value: str) -> str:
        value = "\n".join(to_english(line) for line in value.split("\n"))
        for regex, replace in SANITIZERS:
            value = regex.sub(replace, value)
        return value

    return [
        (output.output_type, text(output.get("text", "")), text(output.get("data", {}).get("text/plain", "")))
        + tuple(sorted(output.get("data", {})))
        + (output.get("ename"), output.get("evalue"))
        for output in outputs
    ]


def drift(english_path: Path, french_path: Path) -> list[str]:
    """Every way a French lesson differs from its English twin beyond translated prose."""
    english, french = (nbformat.read(path, as_version=4) for path in (english_path, french_path))
    found = []
    if [c.id for c in english.cells] != [c.id for c in french.cells]:
        return [f"{french_path.name}: the cells are not the English lesson's, in its order (compare the ids)"]
    for en, fr in zip(english.cells, french.cells, strict=True):
        where = f"{french_path.name}, cell {fr.id}"
        if en.cell_type != fr.cell_type or en.metadata != fr.metadata:
            found.append(f"{where}: its type or metadata differ from the English cell's")
        elif en.cell_type == "code" and en.source != fr.source:
            found.append(f"{where}: its code differs from the English lesson's")
        elif en.cell_type == "code" and said(fr.outputs, in_english) != said(en.outputs):
            found.append(f"{where}: its outputs say something else than the English lesson's")
        elif en.cell_type == "markdown" and en.id not in navigation.NAV_IDS and en.source == fr.source:
            found.append(f"{where}: not translated")
    return found


def unpaired(root: Path) -> set[str]:
    """The lessons of a project folder that exist in one language only."""
    english, french = (
        {path.name for path in (root / folder).glob("[0-9][0-9]-*.ipynb")}
        for folder in ("notebooks", "notebooks/fr")
    )
    return english ^ french


def test_every_lesson_exists_in_both_languages():
    assert len(FRENCH_LESSONS) == len(ENGLISH) > 0
    assert unpaired(ROOT) == set()


@pytest.mark.parametrize("path", FRENCH_LESSONS, ids=lambda path: path.name)
def test_the_french_lesson_is_its_english_twin_translated(path):
    assert drift(ROOT / "notebooks" / path.name, path) == []


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (lambda fr, en: fr[5].__setitem__("source", fr[5].source + "\nprint(1)"), "its code differs"),
        (lambda fr, en: fr.pop(3), "not the English lesson's"),
        (lambda fr, en: fr[5].metadata.__setitem__("tags", ["solution"]), "type or metadata"),
        (lambda fr, en: fr[2].__setitem__("source", en[2].source), "not translated"),
    ],
    ids=["code", "cell", "metadata", "prose"],
)
def test_a_planted_change_is_found(tmp_path, plant, expected):
    english, french = (nbformat.read(path, as_version=4) for path in (ENGLISH[1], FRENCH_LESSONS[1]))
    assert drift(ENGLISH[1], FRENCH_LESSONS[1]) == []
    plant(french.cells, english.cells)
    nbformat.write(french, tmp_path / FRENCH_LESSONS[1].name)
    found = drift(ENGLISH[1], tmp_path / FRENCH_LESSONS[1].name)
    assert found and expected in found[0], found


def test_a_changed_output_is_found(tmp_path):
    french = nbformat.read(FRENCH_LESSONS[1], as_version=4)
    cell = next(c for c in french.cells if c.cell_type == "code" and any("text" in o for o in c.outputs))
    text_output = next(o for o in cell.outputs if "text" in o)
    text_output.text = text_output.text.replace("Phi-3", "Phi-4")
    nbformat.write(french, tmp_path / "lesson.ipynb")
    assert "outputs say something else" in drift(ENGLISH[1], tmp_path / "lesson.ipynb")[0]


def test_a_lesson_in_one_language_only_is_found(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "notebooks" / "fr" / ENGLISH[-1].name).unlink()
    shutil.copy(ENGLISH[0], tmp_path / "notebooks" / "09-new-lesson.ipynb")
    assert unpaired(tmp_path) == {ENGLISH[-1].name, "09-new-lesson.ipynb"}


@pytest.mark.parametrize("path", FRENCH_LESSONS, ids=lambda path: path.name)
def test_each_french_lesson_has_the_tutorial_shape_and_links_its_twin(path):
    notebook = nbformat.read(path, as_version=4)
    text = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert [heading for heading in HEADINGS if heading not in text] == []
    assert [text.index(heading) for heading in HEADINGS] == sorted(text.index(h) for h in HEADINGS)
    assert f"[English](../{path.name})" in notebook.cells[0].source
    english = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
    assert f"[Français](fr/{path.name})" in english.cells[0].source
    assert path.stat().st_size <= SIZE_BUDGET, f"{path.name}: {path.stat().st_size} bytes"


@pytest.mark.parametrize("path", FRENCH_LESSONS, ids=lambda path: path.name)
def test_the_french_exercises_are_the_english_ones(path):
    def exercises(notebook_path, heading):
        notebook = nbformat.read(notebook_path, as_version=4)
        (cell,) = [c for c in notebook.cells if c.cell_type == "markdown" and c.source.startswith(heading)]
        return re.findall(r"^(\d+)\. ", cell.source, re.M)

    assert exercises(path, "## À vous de jouer") == exercises(ROOT / "notebooks" / path.name, "## Try it")


def test_the_french_readme_has_the_lesson_table_and_a_glossary():
    text = (ROOT / "README.fr.md").read_text(encoding="utf-8")
    for lesson in navigation.lessons(ROOT, navigation.FRENCH):
        assert f"[{lesson.title}](notebooks/fr/{lesson.path.name})" in text
    glossary = text.split("## Glossaire", 1)[1]
    for term in (
        "jeton",
        "point de terminaison",
        "streaming (diffusion en continu)",
        "fragment",
        "variante",
        "invite",
    ):
        assert f"| {term}" in glossary
    assert "[Français](README.fr.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


# The helpers' sentences in French: helpers/french.py


def helpers_sentences() -> tuple[set[str], set[str]]:
    """The literal sentences passed to _() in helpers/, and every string literal there."""
    sentences, literals = set(), set()
    for path in (ROOT / "helpers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    sentences.add(node.args[0].value)
    return sentences, literals


def test_every_sentence_helpers_say_has_its_french_with_the_same_placeholders():
    sentences, literals = helpers_sentences()
    assert sentences - set(FRENCH) == set(), "sentences without French: add them to helpers/french.py"
    unused = {english for english in FRENCH if english not in literals and english}
    assert unused == set(), "French for sentences helpers no longer say"
    for english, french in FRENCH.items():
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(french)), english


def test_the_french_catalog_puts_each_sentence_back_into_english():
    def filled(template: str) -> str:
        return PLACEHOLDER.sub(lambda m: f"<{m[1]}>", template)

    for english, french in FRENCH.items():
        assert in_english(filled(french)) == filled(english), english


def test_helpers_speak_the_notebook_folder_s_language(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_MODELS_LANG", raising=False)
    (tmp_path / "fr").mkdir()
    monkeypatch.chdir(tmp_path / "fr")
    assert language.language() == "en"  # a folder named fr elsewhere is not the French edition
    (tmp_path / "notebooks" / "fr").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "notebooks" / "fr")
    assert language.language() == "fr"
    settings()
    assert capsys.readouterr().out.startswith("Mode\u00a0: replay (réponses synthétiques)")
    monkeypatch.setenv("GITHUB_MODELS_LANG", "en")
    settings()
    assert capsys.readouterr().out.startswith("Mode: replay (synthetic answers)")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_MODELS_LANG", "FR")
    assert language._("Send") == "Envoyer"


def test_a_language_helpers_do_not_speak_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("GITHUB_MODELS_LANG", "de")
    with pytest.raises(SettingsError, match="GITHUB_MODELS_LANG='de' is not a language of these lessons"):
        settings()


def test_numbers_and_sizes_are_written_the_french_way_in_french(monkeypatch):
    from helpers.local import pull_advice

    monkeypatch.setenv("GITHUB_MODELS_LANG", "fr")
    assert language.quantity("2.2 GB") == "2,2 Go" and language.quantity("11.5") == "11,5"
    assert "`ollama pull phi3:mini` (environ 2,2 Go)" in pull_advice("phi3:mini")
    monkeypatch.setenv("GITHUB_MODELS_LANG", "en")
    assert language.quantity("2.2 GB") == "2.2 GB"
    assert "`ollama pull phi3:mini` (about 2.2 GB)" in pull_advice("phi3:mini")
