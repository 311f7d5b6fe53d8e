"""Build the in-browser edition of the lessons: JupyterLite with the Pyodide kernel, offline at build and run time.

    python scripts/build_lite.py --out build/site/lite [--wheels DIR]

Everything the kernel needs to start and to run ``import helpers, azure.ai.inference, ipywidgets`` is served by
the site itself: the Pyodide runtime (npm's ``pyodide``, pinned in lite/package.json), the pure-Python wheels of
lite/requirements.txt (downloaded by make into .venv/lite-wheels), the kernel's own shim wheels (from the installed
jupyterlite-pyodide-kernel) and a wheel of this project (helpers and its cassettes). The site's pyodide-lock.json
is Pyodide's own, with those wheels' file names and digests; every other package of Pyodide's lock (numpy, pandas,
matplotlib, aiohttp, ...) points at the Pyodide CDN by absolute URL and loads only when a cell imports it.

The build reads no network: run ``make site`` (or the install steps of the Makefile's .installed-lite stamp) first.
"""

from __future__ import annotations

import argparse
import base64
import email.parser
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

if sys.version_info >= (3, 11):
    import tomllib
else:  # the dev extra installs tomli there
    import tomli as tomllib

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "lite"
RUNTIME = LITE / "node_modules" / "pyodide"
DEFAULT_WHEELS = ROOT / ".venv" / "lite-wheels"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
APP_NAME = "Phi-3 lessons"
PROJECT = "phi3-github-models-tutorial"

# The runtime files the kernel loads from static/pyodide/ (a module worker: pyodide.mjs, not pyodide.js).
RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
# The kernel's shims, from its labextension (widgetsnbextension 3.6.999 is for ipywidgets 7: left out).
SHIMS = ["ipykernel-*.whl", "piplite-*.whl", "pyodide_kernel-*.whl", "widgetsnbextension-4.*.whl"]
# Loaded when the kernel starts. The worker skips its own micropip/piplite installs for the packages named here
# (initPackageManager, initKernel), so none of them is looked for on PyPI.
PRELOAD = [
    "micropip",
    "piplite",
    "ipykernel",
    "comm",
    "pyodide-kernel",
    "jedi",
    "ipython",
    "ipywidgets",
    "azure-ai-inference",
    PROJECT,
]
# The project's dependencies that stay on the CDN: a lesson's cell that imports one loads it then (the kernel
# calls loadPackagesFromImports), so they are not dependencies of the preloaded project in the lock.
# JupyterLab settings of the edition: every cell in the page (lessons are short), so "Run All" shows each result
OVERRIDES = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
# What a browser tab cannot run: the lessons that need a machine, and the cells that do (by their first line).
DESKTOP_ONLY = {"04"}
MACHINE_CELLS = {"00": "# Solution 4"}  # local mode: Ollama on the learner's machine
# The note each of those lessons opens with in the browser (English, French).
NOTES = {
    "00": {
        "en": "**In your browser, every cell here runs except Solution 4.** Solution 4 tries local mode, which needs "
        "a server on your machine, and a browser tab cannot run one: here the cell stops with an error that says "
        "so. To try local mode, open this lesson in JupyterLab on your computer (`make lab`) or in the Codespace "
        "with Ollama.",
        "fr": "**Dans votre navigateur, toutes les cellules tournent sauf la Solution 4.** La Solution 4 essaie le "
        "mode local, qui a besoin d'un serveur sur votre machine, et un onglet de navigateur ne peut pas en faire "
        "tourner\u00a0: ici, la cellule s'arrête sur une erreur qui l'explique. Pour essayer le mode local, ouvrez "
        "cette leçon dans JupyterLab sur votre ordinateur (`make lab`) ou dans le Codespace avec Ollama.",
    },
    "04": {
        "en": "**In your browser, you can read this lesson but not run it.** Its cells call curl and Node.js from a "
        "shell, and the OpenAI SDK opens its own network connections: in a browser tab, Python has no shell and "
        "cannot open connections itself. To run it, open it in a Codespace (the button at the top of this "
        "lesson's page on the website) or run `make lab` on your computer.",
        "fr": "**Dans votre navigateur, cette leçon se lit mais ne s'exécute pas.** Ses cellules appellent curl et "
        "Node.js depuis un shell, et le SDK OpenAI ouvre ses propres connexions réseau\u00a0: dans un onglet de "
        "navigateur, Python n'a pas de shell et ne peut pas ouvrir de connexion lui-même. Pour l'exécuter, "
        "ouvrez-la dans un Codespace (le bouton en haut de la page de cette leçon sur le site) ou lancez "
        "`make lab` sur votre ordinateur.",
    },
}
LOADED_ON_IMPORT = {"aiohttp", "openai", "pandas", "matplotlib"}
# Requires-Dist markers, evaluated as in Pyodide's Python.
EMSCRIPTEN = {
    "implementation_name": "cpython",
    "implementation_version": "3.14.2",
    "os_name": "posix",
    "platform_machine": "wasm32",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Emscripten",
    "platform_version": "",
    "python_full_version": "3.14.2",
    "python_version": "3.14",
    "sys_platform": "emscripten",
    "extra": "",
}


class BuildError(RuntimeError):
    pass


def kernel_extension() -> Path:
    """The installed jupyterlite-pyodide-kernel's labextension (its static/pypi holds the shim wheels)."""
    from jupyter_core.paths import jupyter_path

    for base in [Path(sys.prefix) / "share" / "jupyter", *map(Path, jupyter_path())]:
        folder = base / "labextensions" / KERNEL_PLUGIN.split(":")[0]
        if (folder / "static" / "pypi").is_dir():
            return folder
    raise BuildError("jupyterlite-pyodide-kernel is not installed in this environment: run make site")


def pyodide_version() -> str:
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    return PYODIDE_VERSION


def check_runtime() -> None:
    missing = [name for name in [*RUNTIME_FILES, "pyodide-lock.json"] if not (RUNTIME / name).is_file()]
    if missing:
        raise BuildError(
            f"the Pyodide runtime is missing from {RUNTIME.relative_to(ROOT)} ({', '.join(missing)}): run make site "
            "(or npm ci --prefix lite)"
        )
    npm_version = json.loads((RUNTIME / "package.json").read_text())["version"]
    if npm_version != pyodide_version():
        raise BuildError(
            f"lite/package.json pins pyodide {npm_version}, but jupyterlite-pyodide-kernel expects "
            f"{pyodide_version()}: pin that version and run npm install --prefix lite"
        )


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (LITE / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            specifiers = list(requirement.specifier)
            if len(specifiers) != 1 or specifiers[0].operator != "==":
                raise BuildError(f"lite/requirements.txt: {line} is not an exact pin (==)")
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def project_wheel(folder: Path) -> Path:
    """A wheel of this project: helpers (its modules and cassettes) and the metadata of pyproject.toml. Written
    here rather than by setuptools, so the build needs neither a newer setuptools nor the network."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    stem = f"{name.replace('-', '_')}-{version}"
    files = {}
    for path in sorted((ROOT / "helpers").rglob("*")):
        if path.is_file() and (
            path.suffix == ".py" or path.parent.name == "cassettes" and path.suffix == ".json"
        ):
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {project['description']}",
    ]
    lines += [f"Requires-Python: {project['requires-python']}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in project["dependencies"]]
    files[f"{stem}.dist-info/METADATA"] = ("\n".join(lines) + "\n").encode()
    wheel_lines = ["Wheel-Version: 1.0", "Generator: scripts/build_lite.py", "Root-Is-Purelib: true"]
    files[f"{stem}.dist-info/WHEEL"] = ("\n".join([*wheel_lines, "Tag: py3-none-any"]) + "\n").encode()
    files[f"{stem}.dist-info/top_level.txt"] = b"helpers\n"
    record = [f"{path},sha256={record_digest(data)},{len(data)}" for path, data in files.items()]
    files[f"{stem}.dist-info/RECORD"] = ("\n".join([*record, f"{stem}.dist-info/RECORD,,"]) + "\n").encode()
    wheel = folder / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(
                zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return wheel


def record_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def metadata(wheel: Path) -> tuple[list[str], list[str]]:
    """A wheel's top-level import names and the names it requires in Pyodide (Requires-Dist, markers applied)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        dist_info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(archive.read(f"{dist_info}/METADATA").decode())
        if f"{dist_info}/top_level.txt" in names:
            imports = archive.read(f"{dist_info}/top_level.txt").decode().split()
        else:
            imports = {
                name.split("/")[0].removesuffix(".py")
                for name in names
                if not name.split("/")[0].endswith((".dist-info", ".data"))
            }
    requires = []
    for line in message.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or Marker(str(requirement.marker)).evaluate(EMSCRIPTEN):
            requires.append(canonicalize_name(requirement.name))
    return sorted(set(imports)), requires


def write_lock(folder: Path, wheels: dict[str, Path], cdn: str) -> dict:
    """Pyodide's lock, with the local wheels' file names and digests, new entries for the packages it lacks, and
    every other package at the CDN's absolute URL."""
    lock = json.loads((RUNTIME / "pyodide-lock.json").read_text())
    packages = lock["packages"]
    added = {}
    for name, wheel in wheels.items():
        _, version, _, _ = parse_wheel_filename(wheel.name)
        if name in packages:
            if packages[name]["version"] != str(version):
                raise BuildError(
                    f"{wheel.name}: Pyodide's lock has {name} {packages[name]['version']}; pin that version in "
                    "lite/requirements.txt"
                )
            packages[name].update(file_name=wheel.name, sha256=sha256(wheel))
        else:
            imports, requires = metadata(wheel)
            added[name] = requires
            packages[name] = {
                "name": name,
                "version": str(version),
                "file_name": wheel.name,
                "install_dir": "site",
                "sha256": sha256(wheel),
                "package_type": "package",
                "imports": imports,
                "depends": [],
                "unvendored_tests": False,
            }
    for name, requires in added.items():
        skipped = LOADED_ON_IMPORT if name == canonicalize_name(PROJECT) else set()
        packages[name]["depends"] = [r for r in requires if r in packages and r not in skipped]
    for name, entry in packages.items():
        if name not in wheels and "://" not in entry["file_name"]:
            entry["file_name"] = cdn + entry["file_name"]
    check_preload(packages, wheels)
    (folder / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return lock


def check_preload(packages: dict, wheels: dict[str, Path]) -> None:
    """Every package the kernel loads at start, and everything it depends on, is served by the site."""
    seen, todo, parent = set(), [canonicalize_name(name) for name in PRELOAD], {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in packages:
            raise BuildError(f"{name} (preloaded) is in no lock: add its wheel to lite/requirements.txt")
        if name not in wheels:
            chain = [name]
            while chain[-1] in parent:
                chain.append(parent[chain[-1]])
            raise BuildError(
                f"{' <- '.join(chain)}: preloaded, but only on the CDN; add {name} to lite/requirements.txt"
            )
        for dependency in packages[name]["depends"]:
            dependency = canonicalize_name(dependency)
            parent.setdefault(dependency, name)
            todo.append(dependency)


def collect_wheels(wheel_folder: Path, into: Path) -> dict[str, Path]:
    """Copies the requirement, shim and project wheels into static/pyodide/; returns them by normalized name."""
    if not wheel_folder.is_dir():
        raise BuildError(
            f"no wheel folder {wheel_folder}: run make site (it downloads lite/requirements.txt)"
        )
    found = {}
    for wheel in wheel_folder.glob("*.whl"):
        name, version, _, tags = parse_wheel_filename(wheel.name)
        if all(tag.platform == "any" for tag in tags):
            found[name, str(version)] = wheel
    pins = requirement_pins()
    missing = [f"{name}=={version}" for name, version in pins.items() if (name, version) not in found]
    if missing:
        raise BuildError(
            f"{wheel_folder} lacks the pure-Python wheels of {', '.join(missing)}: run make site (or pip download "
            f"--no-deps --only-binary=:all: --platform any -r lite/requirements.txt -d {wheel_folder})"
        )
    wheels = {name: found[name, version] for name, version in pins.items()}
    shims = kernel_extension() / "static" / "pypi"
    for pattern in SHIMS:
        matches = sorted(shims.glob(pattern))
        if len(matches) != 1:
            raise BuildError(f"expected one {pattern} in {shims}, found {len(matches)}")
        wheels[canonicalize_name(parse_wheel_filename(matches[0].name)[0])] = matches[0]
    copied = {}
    for name, wheel in wheels.items():
        shutil.copy2(wheel, into / wheel.name)
        copied[name] = into / wheel.name
    copied[canonicalize_name(PROJECT)] = project_wheel(into)
    return copied


def stage_lite(folder: Path, wheel_folder: Path) -> dict[str, Path]:
    """The lite dir: static/pyodide (runtime, wheels, lock) and jupyter-lite.json."""
    if folder.exists():
        shutil.rmtree(folder)
    pyodide = folder / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copy2(RUNTIME / name, pyodide / name)
    wheels = collect_wheels(wheel_folder, pyodide)
    write_lock(pyodide, wheels, f"https://cdn.jsdelivr.net/pyodide/v{pyodide_version()}/full/")
    settings = {
        "loadPyodideOptions": {"packages": PRELOAD},  # the lock is read from pyodide.mjs's folder (indexURL)
        "disablePyPIFallback": True,
    }
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {"appName": APP_NAME, "litePluginSettings": {KERNEL_PLUGIN: settings}},
    }
    (folder / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")
    (folder / "overrides.json").write_text(json.dumps(OVERRIDES, indent=2) + "\n")
    return wheels


def stage_contents(folder: Path) -> None:
    """The lessons laid out as in the repository (notebooks/, notebooks/fr/, notebooks/images/, the READMEs), so
    that each lesson's links and pictures resolve, the launch buttons' ?path= is the repository path, and a kernel started
    in notebooks/fr/ speaks French. A lesson that cannot run in a browser opens with a note saying so."""
    if folder.exists():
        shutil.rmtree(folder)
    for edition in ("notebooks", "notebooks/fr"):
        (folder / edition).mkdir(parents=True)
        language = "fr" if edition.endswith("fr") else "en"
        for lesson in sorted((ROOT / edition).glob("[0-9][0-9]-*.ipynb")):
            notebook = nbformat.read(lesson, as_version=4)
            note = NOTES.get(lesson.name[:2])
            if note:  # after the top navigation and the title
                notebook.cells.insert(2, nbformat.v4.new_markdown_cell(note[language], id="in-browser-note"))
            nbformat.write(notebook, folder / edition / lesson.name)
    shutil.copytree(ROOT / "notebooks" / "images", folder / "notebooks" / "images")
    for readme in ("README.md", "README.fr.md"):  # each lesson's "Contents" link leads to its README's table
        shutil.copy2(ROOT / readme, folder / readme)


def check_output(out: Path) -> None:
    config = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    url = config["litePluginSettings"][KERNEL_PLUGIN].get("pyodideUrl", "")
    if url != "./static/pyodide/pyodide.mjs":
        raise BuildError(
            f"the built site's pyodideUrl is {url!r}, not the local ./static/pyodide/pyodide.mjs"
        )
    extensions = [extension["name"] for extension in config.get("federated_extensions", [])]
    if WIDGETS_EXTENSION not in extensions:
        raise BuildError(
            f"{WIDGETS_EXTENSION} is not in the build ({extensions}): is jupyterlab-widgets installed?"
        )


def size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def build(out: Path, wheels: Path = DEFAULT_WHEELS) -> None:
    started = time.monotonic()
    out = Path(out).resolve()
    check_runtime()
    work = Path(tempfile.mkdtemp(prefix="lite-"))  # each build its own: tests build sites side by side
    stage, contents = work / "src", work / "contents"
    staged = stage_lite(stage, Path(wheels))
    stage_contents(contents)
    if out.exists():
        shutil.rmtree(out)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lite",
            "build",
            "--lite-dir",
            str(stage),
            "--contents",
            str(contents),
        ]
        + ["--output-dir", str(out), "--no-sourcemaps", "--no-unused-shared-packages", "--log-level", "WARN"],
        check=True,
        cwd=stage,
    )
    shutil.rmtree(work)
    check_output(out)
    print(
        f"in-browser edition: {out} ({size(out) / 1e6:.1f} MB, {len(staged)} local wheels) in "
        f"{time.monotonic() - started:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site" / "lite")
    parser.add_argument(
        "--wheels", type=Path, default=DEFAULT_WHEELS, help="the lite/requirements.txt wheels"
    )
    args = parser.parse_args()
    try:
        build(args.out, args.wheels)
    except BuildError as error:
        sys.exit(f"build_lite: {error}")


if __name__ == "__main__":
    main()
