"""Every pytest run, nbval's kernels included, talks to the replay server at speed 0.

Kernels inherit this process's environment, so each notebook starts its own replay server, offline. Tests
import the maintainer scripts by name (``import navigation``), as the scripts import each other.
"""

import os
import sys
from pathlib import Path

import pytest

os.environ["GITHUB_MODELS_MODE"] = "replay"
os.environ["GITHUB_MODELS_REPLAY_SPEED"] = "0"
os.environ.pop(
    "GITHUB_MODELS_LANG", None
)  # each lesson speaks its folder's language (French in notebooks/fr/)
sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup, pyproject.toml)
def pytest_collection_modifyitems(items):
    """A notebook's cells share one kernel and run in order, so nbval's items of one notebook form one group:
    pytest-xdist hands the whole notebook to one worker."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(item.nodeid.partition("::")[0]))
