"""Helpers for the Phi-3 lessons: settings, a client factory, a replay server and display helpers.

Importing this package has no side effects; ``settings()`` does the work when a lesson calls it.
"""

from helpers.chat import ChatBox
from helpers.clients import client, embeddings_client
from helpers.config import Settings, SettingsError, settings
from helpers.display import print_stream
from helpers.endpoint_check import check
from helpers.environment import restoring_env
from helpers.explain import explain
from helpers.local import runnable

__all__ = [
    "ChatBox",
    "Settings",
    "SettingsError",
    "check",
    "client",
    "embeddings_client",
    "explain",
    "print_stream",
    "restoring_env",
    "runnable",
    "settings",
]
