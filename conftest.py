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
