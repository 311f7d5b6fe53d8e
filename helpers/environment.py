"""Trying settings in an exercise without losing the lesson's own."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager


@contextmanager
def restoring_env():
    """Put every environment variable back as it was when the block ends, even after an error; notebook 00
    introduces it for exercises that try other settings with ``%env``."""
    before = dict(os.environ)
    try:
        yield
    finally:
        for name in set(os.environ) - set(before):
            del os.environ[name]
        os.environ.update(before)


def in_browser() -> bool:
    """Whether this kernel runs in a browser (the in-browser edition's Pyodide kernel), where no server can run."""
    return sys.platform == "emscripten"
