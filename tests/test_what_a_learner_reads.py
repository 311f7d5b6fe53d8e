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
