"""Every "Try it" exercise has its solution (issue 14): cells tagged `solution`, collapsed in JupyterLab,
numbered to match the exercise list, and run by nbval like every other cell."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
HEADINGS = {
    "": ("## Try it", "### Solutions (click to expand)"),
    "fr/": ("## À vous de jouer", "### Solutions (cliquez pour déplier)"),
}
SOLUTION_NUMBER = re.compile(r"Solution (\d+)\b")


def exercises(notebook) -> list[int]:
    """The numbers of the "Try it" list."""
    (try_it,) = [c for c in notebook.cells if c.cell_type == "markdown" and c.source.startswith("## Try it")]
    return [int(n) for n in re.findall(r"^(\d+)\. ", try_it.source, re.M)]


def solutions(notebook) -> list:
    return [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_every_exercise_has_a_collapsed_solution_numbered_to_match(path):
    notebook = nbformat.read(path, as_version=4)
    numbers = exercises(notebook)
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, "exercises numbered 1, 2, 3 ..."
    solved = set()
    for cell in solutions(notebook):
        found = SOLUTION_NUMBER.search("\n".join(cell.source.splitlines()[:2]))
        assert found, f"a solution cell must say which exercise it solves: {cell.source[:60]!r}"
        solved.add(int(found.group(1)))
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") is True, "solutions start collapsed"
        if cell.cell_type == "code":
            assert hidden.get("outputs_hidden") is True, (
                f"a solution's output gives it away: {cell.source[:60]!r}"
            )
    assert solved == set(numbers), f"exercises without a solution: {sorted(set(numbers) - solved)}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_solutions_come_after_the_exercises_and_run_offline(path):
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    try_it = next(
        i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Try it")
    )
    summary = next(
        i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Summary")
    )
    for i, cell in enumerate(cells):
        if "solution" in cell.metadata.get("tags", []):
            assert try_it < i < summary, "solutions sit between Try it and the Summary"
            if cell.cell_type == "code":
                assert not [o for o in cell.outputs if o.output_type == "error"], "a solution runs offline"


@pytest.mark.parametrize("folder", HEADINGS, ids=["en", "fr"])
def test_every_lesson_heads_its_solutions_the_same_way_right_after_the_exercises(folder):
    try_it, heading = HEADINGS[folder]
    wrong = []
    for path in sorted((NOTEBOOKS / folder).glob("[0-9][0-9]-*.ipynb")):
        cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
        (exercises,) = [i for i, source in enumerate(cells) if source.startswith(try_it)]
        if cells[exercises + 1] != heading or [source for source in cells if "Solutions" in source[:20]] != [
            heading
        ]:
            wrong.append(f"{folder}{path.name}: {cells[exercises + 1][:60]!r}")
    assert not wrong, f"the solutions' heading should be {heading!r}:\n" + "\n".join(wrong)
