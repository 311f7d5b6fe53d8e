"""Re-run lessons in replay mode and save their outputs: ``python scripts/run_notebooks.py [NOTEBOOK ...]``.

Outputs are committed so the lessons read well on GitHub, and nbval compares against them. Replay makes
them the same on every machine; the recorded pacing (speed 1) makes the few timing outputs realistic, and
tests/sanitize.cfg masks those for nbval.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def run(path: Path) -> None:
    """Execute one notebook in place with its folder as working directory, keeping only stable metadata."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        coalesce_streams=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def main(names: list[str]) -> None:
    os.environ.update(GITHUB_MODELS_MODE="replay", GITHUB_MODELS_REPLAY_SPEED="1")
    for name in ("GITHUB_MODELS_MODEL", "GITHUB_MODELS_CASSETTES"):
        os.environ.pop(name, None)
    paths = [Path(name).resolve() for name in names] or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        run(path)
        print(f"ran {path.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
