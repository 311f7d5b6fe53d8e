"""`make lab` serves JupyterLab with the first lesson, as the README promises, after installing the runtime only.

The runtime (pyproject's `dependencies`) covers every module that helpers/ and the lessons' code cells import;
the dev extra (tests, lint) comes with `make test`, on top of it, and never with `make lab`.
"""

import ast
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from functools import cache
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # requires-python is >=3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# Modules that need a distribution they never import by name: azure-core's async pipeline picks aiohttp.
IMPLIED = {"azure.ai.inference.aio": "aiohttp"}
TEST_TOOLS = {"pytest", "nbval", "ruff", "playwright"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.mark.timeout(120)
def test_make_lab_serves_the_first_lesson():
    port, token = free_port(), secrets.token_hex(16)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    if os.geteuid() == 0:
        args += " --allow-root"
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert lab.poll() is None, lab.stderr.read()
            try:
                status, _ = get(f"{base}/api/status?token={token}")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        status, page = get(f"{base}/lab/tree/notebooks/01-single-call.ipynb?token={token}")
        assert status == 200 and re.search(r"JupyterLab", page)
        status, contents = get(f"{base}/api/contents/notebooks/01-single-call.ipynb?token={token}")
        assert status == 200 and "A single call" in contents
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


@cache
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def runtime() -> set[str]:
    return requirement_names(project()["dependencies"])


def imported_modules(source: str) -> set[str]:
    """Absolute imports anywhere in the code, conditional ones included."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
    return found


def runtime_imports() -> dict[str, set[str]]:
    """Every module that helpers/ or a lesson's code cell imports, with where, stdlib and helpers left out."""
    where: dict[str, set[str]] = {}
    sources = [(path, path.read_text("utf-8")) for path in sorted((ROOT / "helpers").rglob("*.py"))]
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text("utf-8"))["cells"]
        code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        # IPython's own transform: magics (%env, %%bash) become plain calls.
        sources += [(path, TransformerManager().transform_cell(cell)) for cell in code]
    for path, source in sources:
        for module in imported_modules(source):
            top = module.partition(".")[0]
            if top not in sys.stdlib_module_names and top != "helpers":
                where.setdefault(module, set()).add(path.relative_to(ROOT).as_posix())
    return where


def distribution_of(module: str) -> str | None:
    """The installed distribution that holds the module's file (azure.core and azure.ai share `azure`)."""
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:  # a parent package is missing
        return None
    if not (spec and spec.origin):
        return None
    origin = os.path.normpath(spec.origin)
    for name in packages_distributions().get(module.partition(".")[0], []):
        dist = distribution(name)
        if any(os.path.normpath(dist.locate_file(file)) == origin for file in dist.files or ()):
            return canonicalize_name(name)
    return None


def test_the_runtime_covers_every_import_of_helpers_and_the_lessons():
    imports = runtime_imports()
    assert {"azure.ai.inference", "openai", "pandas", "ipywidgets"} <= set(imports)  # the collector works
    missing = {
        module: (distribution_of(module), sorted(paths))
        for module, paths in imports.items()
        if distribution_of(module) not in runtime()
    }
    assert missing == {}, f"import -> (distribution, importers) not in pyproject's dependencies: {missing}"


def test_the_runtime_has_what_imports_imply_and_what_make_lab_runs():
    imports = runtime_imports()
    implied = {dist for module, dist in IMPLIED.items() if any(m.startswith(module) for m in imports)}
    assert implied == {"aiohttp"}  # lesson 08's async client
    assert implied | {"jupyterlab", "ipykernel"} <= runtime()


def test_test_tools_are_in_the_dev_extra_not_the_runtime():
    dev = requirement_names(project()["optional-dependencies"]["dev"])
    assert TEST_TOOLS <= dev
    assert runtime() & dev == set()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The files make's install rules read, in a folder with no .venv."""
    for name in (
        "Makefile",
        "pyproject.toml",
        "js/package-lock.json",
        "lite/package-lock.json",
        "lite/requirements.txt",
    ):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def dry_run(folder: Path, *args: str) -> list[str]:
    steps = subprocess.run(
        ["make", "--no-print-directory", "-n", *args], cwd=folder, capture_output=True, text=True, check=True
    )
    return steps.stdout.splitlines()


def installs(steps: list[str]) -> list[str]:
    """What each install step asks for: '.' (the runtime) or '.[dev]'."""
    return [re.search(r" -e '?([^' ]+)'?$", s)[1] for s in steps if re.search(r" pip install .* -e ", s)]


def touch_after_sources(folder: Path, *stamps: str) -> None:
    newer = (folder / "pyproject.toml").stat().st_mtime + 10
    for stamp in stamps:
        (folder / stamp).parent.mkdir(exist_ok=True)
        (folder / stamp).touch()
        os.utime(folder / stamp, (newer, newer))


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_make_lab_on_a_fresh_clone_installs_the_runtime_only(copy, installer):
    steps = dry_run(copy, "lab", f"INSTALLER={installer}")
    assert any("-m venv .venv" in step for step in steps)
    assert installs(steps) == ["."]
    assert any("import matplotlib.pyplot" in step for step in steps)  # the font cache
    assert any("npm ci --prefix js" in step for step in steps)  # lesson 04 runs node
    assert "jupyter lab" in steps[-1]


@pytest.mark.parametrize("lesson", [None, "notebooks/fr/00-setup.ipynb"])
def test_make_lab_opens_the_first_lesson_of_either_edition(copy, lesson):
    steps = dry_run(copy, "lab", *([f"LESSON={lesson}"] if lesson else []))
    opened = steps[-1].split()[-1]
    assert opened == (lesson or "notebooks/00-setup.ipynb") and (ROOT / opened).is_file()


def test_make_test_on_a_fresh_clone_installs_the_runtime_then_the_dev_extra(copy):
    assert installs(dry_run(copy, "test")) == [".", ".[dev]"]


def test_make_site_installs_the_dev_extra_then_builds_the_site(copy):
    steps = dry_run(copy, "site")
    assert installs(steps) == [".", ".[dev]"]  # Sphinx and its extensions are in the dev extra
    text = "\n".join(steps)  # Pyodide's runtime and the kernel's wheels (pip download), before the build
    assert (
        text.index("npm ci --prefix lite")
        < text.index("pip download")
        < text.index("-r lite/requirements.txt")
    )
    assert steps[-1].split() == [".venv/bin/python", "scripts/build_site.py"]


def test_make_test_after_make_lab_only_adds_dev(copy):
    touch_after_sources(copy, ".venv/.installed")
    steps = dry_run(copy, "test")
    assert installs(steps) == [".[dev]"]
    assert not any("-m venv" in step or "npm ci --prefix js" in step for step in steps)
    assert any(
        "npm ci --prefix lite" in step for step in steps
    )  # the in-browser edition, which the site holds


def test_make_lab_after_make_test_installs_nothing(copy):
    touch_after_sources(copy, ".venv/.installed", ".venv/.installed-dev")
    steps = dry_run(copy, "lab")
    assert installs(steps) == [] and len(steps) == 1 and "jupyter lab" in steps[0]


def test_a_changed_pyproject_reinstalls_both(copy):
    touch_after_sources(copy, ".venv/.installed", ".venv/.installed-dev")
    later = (copy / ".venv/.installed").stat().st_mtime + 10
    os.utime(copy / "pyproject.toml", (later, later))  # an edit after the last install
    assert installs(dry_run(copy, "test")) == [".", ".[dev]"]


def test_readme_installs_the_runtime_for_the_lessons_and_dev_for_the_tests():
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"^Without `make`.*?```bash\n(.*?)```", readme, re.S | re.M)[1]
    lines = [line.split("#")[0].strip() for line in block.splitlines()]
    runtime_line = lines.index(".venv/bin/python -m pip install -e .")
    dev_line = lines.index('.venv/bin/python -m pip install -e ".[dev]"')
    lab = next(i for i, line in enumerate(lines) if "jupyter lab" in line)
    tests = next(i for i, line in enumerate(lines) if "pytest" in line)
    assert runtime_line < lab < dev_line < tests
