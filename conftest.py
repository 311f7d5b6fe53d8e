"""Every pytest run, nbval's kernels included, talks to the replay server at speed 0.

Kernels inherit this process's environment, so each notebook starts its own replay server, offline. Tests
import the maintainer scripts by name (``import navigation``), as the scripts import each other.
"""

import os
import sys
from pathlib import Path

os.environ["GITHUB_MODELS_MODE"] = "replay"
os.environ["GITHUB_MODELS_REPLAY_SPEED"] = "0"
os.environ.pop(
    "GITHUB_MODELS_LANG", None
)  # each lesson speaks its folder's language (French in notebooks/fr/)
sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))


def pytest_xdist_make_scheduler(config, log):
    """make test spreads the suite over every core (pytest-xdist, -n auto in pyproject.toml): each test goes to
    whichever worker is free, but a notebook's cells share one kernel and run in order, so each notebook goes to
    one worker whole."""
    from xdist.scheduler import LoadScopeScheduling  # only under pytest-xdist, which calls this hook

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.partition("::")[0]
            return path if path.endswith(".ipynb") else nodeid

    return NotebookScheduling(config, log)


def pytest_addoption(parser):
    parser.addoption(
        "--engine",
        action="store_true",
        help="run tests/test_engine.py against a real engine (make test-engine installs it and passes this)",
    )


def pytest_ignore_collect(collection_path, config):
    """tests/test_engine.py needs the engine make test-engine installs: it is collected with --engine only."""
    if collection_path.name == "test_engine.py":
        return not config.getoption("--engine")
    return None
