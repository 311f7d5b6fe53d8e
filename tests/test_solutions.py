"""Every "Try it" exercise has its solution (issue 14): cells tagged `solution`, collapsed in JupyterLab,
numbered to match the exercise list, and run by nbval like every other cell."""

import re
from pathlib import Path

import nbformat
import pytest

LESSONS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))
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
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, "solutions start collapsed"
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
