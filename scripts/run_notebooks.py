"""Run the lessons: ``python scripts/run_notebooks.py [NOTEBOOK ...]`` refreshes their committed outputs in
replay mode; ``python scripts/run_notebooks.py --record DIR`` re-records every exchange they make against the
live endpoint into DIR (``make record``); ``--record-local DIR`` records them from a Phi-3 running under Ollama
(``make record-local``).

Outputs are committed so the lessons read well on GitHub, and nbval compares against them. Replay makes
them the same on every machine; the recorded pacing (speed 1) makes the few timing outputs realistic, and
tests/sanitize.cfg masks those for nbval.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpers.local import local_tag, ollama_url, readiness
from helpers.models import LOCAL_DEFAULT_MODEL

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def execute(path: Path):
    """Run one notebook top to bottom with its folder as working directory; returns it (an nbformat notebook)."""
    import nbformat  # imported when a lesson runs: a usage error answers at once, not after two seconds
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        coalesce_streams=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


def refresh_outputs(paths: list[Path]) -> None:
    import nbformat  # as in execute()

    os.environ.update(GITHUB_MODELS_MODE="replay", GITHUB_MODELS_REPLAY_SPEED="1")
    for name in ("GITHUB_MODELS_MODEL", "GITHUB_MODELS_CASSETTES", "GITHUB_MODELS_LANG"):
        os.environ.pop(name, None)
    for path in paths:
        notebook = execute(path)
        notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
        for cell in notebook.cells:
            cell.metadata.pop("execution", None)
            for output in cell.get("outputs", []):
                # A widget's view names a random model id that only the kernel that ran it knows: keep its
                # plain-text form, which GitHub and an unrun notebook show (nbval ignores widget views).
                output.get("data", {}).pop(WIDGET_VIEW, None)
        nbformat.write(notebook, path)
        print(f"ran {path.name}")


def record(folder: Path, paths: list[Path]) -> None:
    missing = [name for name in ("GITHUB_TOKEN", "GITHUB_MODELS_ENDPOINT") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Recording needs a live endpoint and its key: set {' and '.join(missing)} first.")
    os.environ.update(GITHUB_MODELS_MODE="record", GITHUB_MODELS_CASSETTES=str(folder.resolve()))
    for path in paths:
        execute(path)
        print(f"recorded {path.name}")
    print(
        f"New recordings are in {folder}/. Review them, then move them into helpers/cassettes/ in place of "
        "the synthetic ones they answer, and run make notebooks."
    )


def record_local(folder: Path, paths: list[Path]) -> None:
    try:
        ollama, tag = ollama_url(), local_tag(os.environ.get("GITHUB_MODELS_MODEL") or LOCAL_DEFAULT_MODEL)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    missing = readiness(ollama, tag)
    if missing:
        raise SystemExit(missing.replace("re-run this cell", "run make record-local again"))
    os.environ.update(
        GITHUB_MODELS_MODE="local",
        GITHUB_MODELS_RECORD_LOCAL="1",
        GITHUB_MODELS_CASSETTES=str(folder.resolve()),
    )
    for path in paths:
        execute(path)
        print(f"recorded {path.name} from Ollama")
    print(
        f"Real answers are in {folder}/, recorded from Ollama at {ollama}. Review them (README: Recording), "
        "then move them into helpers/cassettes/ and run make notebooks."
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The notebooks to run (default: every lesson) and, with --record, the folder to record into."""
    parser = argparse.ArgumentParser(
        prog="python scripts/run_notebooks.py",
        description="Re-run the lessons in replay mode and save their outputs, or re-record them live.",
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to run (default: every lesson, both editions; recording: the English lessons)",
    )
    recording = parser.add_mutually_exclusive_group()
    recording.add_argument(
        "--record",
        metavar="DIR",
        type=Path,
        help="record every exchange against the live endpoint (GITHUB_TOKEN, GITHUB_MODELS_ENDPOINT) into DIR",
    )
    recording.add_argument(
        "--record-local",
        metavar="DIR",
        type=Path,
        help="record every exchange from a Phi-3 running under Ollama (OLLAMA_HOST) into DIR",
    )
    args = parser.parse_intermixed_args(argv)
    missing = [str(path) for path in args.notebooks if not path.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    chosen = [path.resolve() for path in args.notebooks]
    english = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if args.record:  # the French lessons send the same requests: their recordings are the English ones
        record(args.record, chosen or english)
    elif args.record_local:
        record_local(args.record_local, chosen or english)
    else:
        refresh_outputs(chosen or english + sorted((NOTEBOOKS / "fr").glob("[0-9][0-9]-*.ipynb")))


if __name__ == "__main__":
    main(sys.argv[1:])
