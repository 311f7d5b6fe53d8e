"""The lessons as files: generated navigation current, python3 kernels, stable outputs, the lesson shape."""

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
IGNORE_OUTPUT_BUDGET = 2  # each NBVAL_IGNORE_OUTPUT marker is a debt: a cell nbval cannot check
VOLATILE = {
    "loopback address": re.compile(r"(127\.0\.0\.1|localhost|0\.0\.0\.0)(:\d+)?"),
    "memory address": re.compile(r"\b0x[0-9a-f]{6,}\b"),
    "uuid": re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
    "timestamp": re.compile(r"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d"),
}
HEADINGS = (
    "## Overview",
    "## Prerequisites",
    "**Time to learn**",
    "## Setup",
    "## Try it",
    "## Summary",
    "## What's next",
)


def load_navigation():
    spec = importlib.util.spec_from_file_location("navigation", ROOT / "scripts" / "navigation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def output_text(cell) -> str:
    return "".join(output.get("text", "") + str(output.get("data", "")) for output in cell.outputs)


def test_the_core_lessons_exist():
    assert [path.name[:2] for path in NOTEBOOKS][:4] == ["00", "01", "02", "03"]


def test_navigation_and_readme_table_are_current():
    assert load_navigation().stale_files() == []


def test_a_renamed_lesson_makes_navigation_stale(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    navigation = load_navigation()
    assert navigation.stale_files(tmp_path) == []
    lesson = tmp_path / "notebooks" / "02-multi-turn.ipynb"
    lesson.write_text(lesson.read_text().replace("02 · A multi-turn conversation", "02 · Conversations"))
    stale = {path.name for path in navigation.stale_files(tmp_path)}
    assert stale == {"README.md", "01-single-call.ipynb", "03-streaming.ipynb"}  # the neighbours link to it


def test_navigation_links_previous_contents_and_next():
    navigation = load_navigation()
    first, second = navigation.lessons(ROOT)[:2]
    assert (
        navigation.nav_text(None, second)
        == f"[Contents](../README.md#lessons) · [{second.label} →]({second.path.name})"
    )
    assert (
        navigation.nav_text(first, None)
        == f"[← {first.label}]({first.path.name}) · [Contents](../README.md#lessons)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_notebook_runs_on_the_python3_kernel(path):
    assert nbformat.read(path, as_version=4).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_committed_outputs_hold_nothing_volatile_and_no_errors(path):
    for cell in code_cells(path):
        text = output_text(cell)
        found = [label for label, pattern in VOLATILE.items() if pattern.search(text)]
        assert found == [], f"{path.name}: {found} in output of {cell.source[:60]!r}"
        assert all(output.output_type != "error" for output in cell.outputs), cell.source[:60]
        assert cell.outputs or cell.execution_count, f"{path.name}: not executed: {cell.source[:60]!r}"


def test_ignore_output_markers_stay_within_budget():
    markers = [
        f"{path.name}: {cell.source.splitlines()[0]}"
        for path in NOTEBOOKS
        for cell in code_cells(path)
        if "NBVAL_IGNORE_OUTPUT" in cell.source
    ]
    print("NBVAL_IGNORE_OUTPUT markers:", len(markers), *markers, sep="\n  ")
    assert len(markers) <= IGNORE_OUTPUT_BUDGET


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_each_lesson_has_the_tutorial_shape(path):
    text = "\n".join(
        cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"
    )
    assert [heading for heading in HEADINGS if heading not in text] == []
    cells = code_cells(path)
    imports_helpers = [
        i for i, cell in enumerate(cells) if re.search(r"^(from|import) helpers\b", cell.source, re.M)
    ]
    assert imports_helpers == [0], "only the first code cell, the setup cell, imports helpers"
    assert [cell.source[:40] for cell in cells if len(cell.source.splitlines()) > 15] == []
    assert not any(re.search(r"\binput\(", cell.source) for cell in cells), (
        "kernels have no stdin under nbval"
    )
