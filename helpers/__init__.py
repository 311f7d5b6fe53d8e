"""Helpers for the Phi-3 lessons: settings, a client factory and a local replay server.

Importing this package has no side effects; ``settings()`` does the work when a lesson calls it.
"""

from helpers.clients import client
from helpers.config import Settings, SettingsError, settings

__all__ = ["Settings", "SettingsError", "client", "settings"]
