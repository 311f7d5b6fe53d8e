"""What a learner reads (issue 21): each lesson where learners trip says how, in a "Common mistakes" box, and the
notices (the service's retirement, the synthetic answers) are said in full once, in lesson 00, not in every
lesson."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EDITIONS = {"": ("## Common mistakes", "## Try it"), "fr/": ("## Erreurs fréquentes", "## À vous de jouer")}
WITH_MISTAKES = [
    "01-single-call",
    "02-multi-turn",
    "03-streaming",
    "05-limits-and-errors",
    "08-beyond-the-free-tier",
]


def markdown(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]


@pytest.mark.parametrize("folder", EDITIONS, ids=["en", "fr"])
@pytest.mark.parametrize("lesson", WITH_MISTAKES)
def test_the_lesson_has_a_common_mistakes_box_just_before_its_exercises(folder, lesson):
    heading, try_it = EDITIONS[folder]
    cells = markdown(NOTEBOOKS / folder / f"{lesson}.ipynb")
    boxes = [i for i, source in enumerate(cells) if source.startswith(heading)]
    assert len(boxes) == 1, f"one {heading!r} cell"
    assert cells[boxes[0] + 1].startswith(try_it), f"{heading!r} comes right before {try_it!r}"
    bullets = re.findall(r"^- (.+)", cells[boxes[0]], re.M)
    assert 3 <= len(bullets) <= 5, f"3 to 5 mistakes, not {len(bullets)}"
    assert all("`" in bullet for bullet in bullets), "each mistake shows the code it is about"


RETIREMENT = re.compile(r"2026-07-30|July 30, 2026|30 juillet 2026|August 26, 2026|26 août 2026")
SYNTHETIC = re.compile(r"synth[eé]ti", re.I)


def sentences(path: Path) -> list[str]:
    """The sentences of a lesson's prose (code blocks left out)."""
    prose = re.sub(r"```.*?```", "", "\n".join(markdown(path)), flags=re.S)
    return [" ".join(sentence.split()) for sentence in re.split(r"(?<=[.!?])\s+|\n\n+", prose)]


LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")) + sorted((NOTEBOOKS / "fr").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.relative_to(NOTEBOOKS).as_posix())
def test_the_notices_are_said_in_full_in_lesson_00_only(path):
    """The retirement and the SDK's deprecation, with their dates, belong to lesson 00 (and the README); the other
    lessons have the setup line, which says where answers come from, and at most one sentence about synthetic
    answers where the lesson needs it."""
    said = sentences(path)
    dated = [sentence for sentence in said if RETIREMENT.search(sentence)]
    synthetic = [sentence for sentence in said if SYNTHETIC.search(sentence)]
    if path.name.startswith("00-"):
        assert dated and synthetic, "lesson 00 says both notices in full"
        return
    assert not dated, "the retirement's dates are lesson 00's: link it instead\n" + "\n".join(dated)
    assert len(synthetic) <= 1, "one sentence about synthetic answers at most:\n" + "\n".join(synthetic)
