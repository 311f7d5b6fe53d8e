"""The tests for what changed: ``python scripts/changed_tests.py [BASE]`` prints the test files and lessons that
test what changed, one per line; with ``--run`` (``make check``, after lint) it runs them with pytest, leaving the
browser suites and the real engine, which take minutes, to ``make test`` and ``make test-engine``; ``make test``
stays the gate before a commit lands.

What changed is every file that differs from BASE (default ``HEAD``: your uncommitted work, new files
included). What a change selects:

- a test file (``tests/test_*.py``): itself;
- a lesson: nbval on it and on its twin in the other edition, and the tests that read the lessons;
- a Python module of the project (``helpers/``, ``scripts/``, ``tests/`` support, ``benchmarks/``): every test
  file and lesson that imports it, directly or through other modules of the project (``from helpers import X``
  counts as an import of the module that defines X);
- any other file (a cassette, the site's configuration, ``js/``, a workflow): the test files that name its folder
  or its file name;
- ``conftest.py``, ``pyproject.toml`` or the ``Makefile``: everything, as ``make test``.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVERYTHING = {"conftest.py", "tests/conftest.py", "pyproject.toml", "Makefile"}
PACKAGES = ("helpers", "scripts", "tests", "benchmarks")
# The browser suites and the real engine take minutes: make check names them instead of running them.
SLOW = {  # file: (what it tests, how to run it alone)
    "tests/test_site.py": ("the website in Chromium", "python -m pytest tests/test_site.py"),
    "tests/test_browser.py": (
        "lesson 06 in JupyterLab in Chromium",
        "python -m pytest tests/test_browser.py",
    ),
    "tests/test_in_browser.py": (
        "the in-browser edition's lessons in Chromium",
        "python -m pytest tests/test_in_browser.py",
    ),
    "tests/test_engine.py": ("the lessons against a real engine", "make test-engine"),
}
LESSON_READERS = ("tests/test_notebooks.py", "tests/test_french_edition.py", "tests/test_solutions.py")


def changed_files(base: str) -> set[str]:
    """Tracked files that differ from `base`, and new files git does not ignore (paths from the root)."""
    git = ["git", "-C", str(ROOT)]
    tracked = subprocess.run([*git, "diff", "--name-only", base, "--"], capture_output=True, text=True)
    if tracked.returncode:
        raise SystemExit(
            f"git does not know {base} (make check BASE=main, for example): {tracked.stderr.strip()}"
        )
    new = subprocess.run([*git, "ls-files", "--others", "--exclude-standard"], capture_output=True, text=True)
    return {line for line in (tracked.stdout + new.stdout).splitlines() if line}


def module_file(name: str) -> str | None:
    """The project file of an imported module: helpers.x, a script or test support module imported by name."""
    if name.split(".")[0] == "helpers":
        dotted = ROOT / Path(*name.split("."))
        for candidate in (dotted.with_suffix(".py"), dotted / "__init__.py"):
            if candidate.is_file():
                return candidate.relative_to(ROOT).as_posix()
    for folder in PACKAGES[1:]:  # scripts/, tests/ and benchmarks/ import each other's modules by name
        if "." not in name and (ROOT / folder / f"{name}.py").is_file():
            return f"{folder}/{name}.py"
    return None


@cache
def exported() -> dict[str, str]:
    """Names helpers/__init__.py re-exports: the module that defines each."""
    tree = ast.parse((ROOT / "helpers" / "__init__.py").read_text(encoding="utf-8"))
    return {
        alias.asname or alias.name: module_file(node.module)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def imports(source: str) -> set[str]:
    """The project files that Python `source` imports."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a notebook cell with magics (%%bash), or code being edited
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {module_file(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "helpers":
                found |= {exported().get(alias.name) for alias in node.names}
            else:
                found.add(module_file(node.module))
                found |= {module_file(f"{node.module}.{alias.name}") for alias in node.names}
    return found - {None}


def source_of(path: str) -> str:
    """A Python file's text, or a notebook's code cells."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if not path.endswith(".ipynb"):
        return text
    cells = json.loads(text)["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def closure(path: str, graph: dict[str, set[str]]) -> set[str]:
    """Every project file that `path` imports, directly or through others (`graph` caches each file's imports)."""
    seen, todo = set(), [path]
    while todo:
        current = todo.pop()
        if current not in graph:
            graph[current] = imports(source_of(current))
        for found in graph[current] - seen:
            seen.add(found)
            todo.append(found)
    return seen


def twin(lesson: str) -> str:
    """The same lesson in the other edition (notebooks/NN-x.ipynb and notebooks/fr/NN-x.ipynb)."""
    name = Path(lesson).name
    return f"notebooks/{name}" if lesson.startswith("notebooks/fr/") else f"notebooks/fr/{name}"


def relative(paths) -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for path in paths)


def selection(changed: set[str]) -> list[str]:
    """The test files and lessons that test `changed`, sorted (a deleted file is tested through its users)."""
    changed = {path for path in changed if (ROOT / path).is_file()}
    tests = relative((ROOT / "tests").glob("test_*.py"))
    lessons = relative((ROOT / "notebooks").rglob("[0-9][0-9]-*.ipynb"))
    if changed & EVERYTHING:
        return tests + lessons
    modules = {path for path in changed if path.endswith(".py") and Path(path).parts[0] in PACKAGES}
    chosen, graph = set(), {}
    for path in changed - modules:
        if path in lessons:
            chosen |= {path, twin(path), *LESSON_READERS}
        elif path not in tests:  # a file no Python code imports: the tests that name it or its folder
            words = {Path(path).name, Path(path).parent.name} - {""}  # such as multi-turn.json, cassettes
            named = re.compile("(?i)" + "|".join(rf"(?<![\w-]){re.escape(word)}(?![\w-])" for word in words))
            chosen |= {test for test in tests if named.search((ROOT / test).read_text("utf-8"))}
    for user in tests + lessons:
        if user in changed or closure(user, graph) & modules:
            chosen.add(user)
    return sorted(chosen)


def run(selected: list[str]) -> int:
    """pytest on the selection, but for the slow suites (SLOW: make test runs them), which it names."""
    slow = [path for path in selected if path in SLOW]
    for path in slow:
        what, alone = SLOW[path]
        print(f"left to make test: {path} ({what}); run it alone with: {alone}")
    fast = [path for path in selected if path not in slow]
    if not fast:
        print("no test to run for what changed" + (" but the slow suites above" if slow else ""))
        return 0
    print("python -m pytest " + " ".join(fast), flush=True)
    return subprocess.run([sys.executable, "-m", "pytest", *fast], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", default="HEAD", help="what to compare with (default: HEAD)")
    parser.add_argument("--run", action="store_true", help="run them (without the slow suites)")
    args = parser.parse_args(argv)
    selected = selection(changed_files(args.base))
    if args.run:
        return run(selected)
    print("\n".join(selected))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
