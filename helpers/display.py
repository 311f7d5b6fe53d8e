"""Showing answers as they arrive."""

from __future__ import annotations


def print_stream(response) -> str:
    """Print a streamed answer piece by piece as it arrives and return the whole text; notebook 03 introduces it."""
    pieces = []
    for update in response:
        if update.choices and update.choices[0].delta.content:
            pieces.append(update.choices[0].delta.content)
            print(pieces[-1], end="", flush=True)
    print()
    return "".join(pieces)
