"""environment.yml (conda users) stays in step with pyproject.toml: a Python it allows, then pip install -e .[dev]."""

import sys
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # requires-python is >=3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))


def test_conda_forge_python_pip_and_the_project_with_its_dev_extra_only():
    env = environment()
    assert env["channels"] == ["conda-forge"]
    python, pip, from_pip = env["dependencies"]
    assert python.startswith("python=") and pip == "pip"
    assert from_pip == {"pip": ["-e .[dev]"]}


def test_python_pin_satisfies_requires_python():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["requires-python"]
    python = environment()["dependencies"][0]
    version = python.removeprefix("python=")
    assert version.replace(".", "").isdigit(), python  # one version (3.12), not a range
    assert version in SpecifierSet(requires), (python, requires)
