"""environment.yml (conda users) stays in step with pyproject.toml and the Makefile: a Python it allows, then the
runtime only (pip install -e .), as `make lab` installs it."""

import re
import sys
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet
from test_lab import dry_run

if sys.version_info >= (3, 11):
    import tomllib
else:  # requires-python is >=3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))


def test_conda_forge_python_pip_and_the_project_with_the_runtime_only():
    env = environment()
    assert env["channels"] == ["conda-forge"]
    python, pip, from_pip = env["dependencies"]
    assert python.startswith("python=") and pip == "pip"
    assert from_pip == {"pip": ["-e ."]}


def test_the_same_install_as_make_lab():
    steps = "\n".join(dry_run(ROOT, "-B", "lab"))
    installs = re.findall(r" pip install .* -e (\S+)$", steps, re.M)
    assert [f"-e {spec}" for spec in installs] == environment()["dependencies"][2]["pip"] == ["-e ."]


def test_python_pin_satisfies_requires_python():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["requires-python"]
    python = environment()["dependencies"][0]
    version = python.removeprefix("python=")
    assert version.replace(".", "").isdigit(), python  # one version (3.12), not a range
    assert version in SpecifierSet(requires), (python, requires)
