"""The one error helpers raise for a setting that cannot work."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting that cannot work, with the variable named and what to do next."""

    def _render_traceback_(self) -> list[str]:
        """In a notebook, show the message alone: the lines of helpers' code behind it would only bury it."""
        return [f"SettingsError: {self}"]
