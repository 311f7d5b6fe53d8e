"""Every pytest run, nbval's kernels included, talks to the replay server at speed 0.

Kernels inherit this process's environment, so each notebook starts its own replay server, offline.
"""

import os

os.environ["GITHUB_MODELS_MODE"] = "replay"
os.environ["GITHUB_MODELS_REPLAY_SPEED"] = "0"
