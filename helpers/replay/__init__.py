"""The local replay server: answers chat-completion requests from recorded cassettes.

Run it on its own with ``python -m helpers.replay [--port P] [--cassettes DIR] [--speed S]``;
``helpers.settings()`` starts one inside the kernel in replay mode (notebook 01 introduces it).
The server is in ``server.py``, what it answers in ``answers.py`` (the browser's kernel answers the same),
what a request with no recording is told in ``misses.py``.
"""

from helpers.replay.answers import MAX_BODY_BYTES, MAX_NESTING
from helpers.replay.misses import differences, miss_message
from helpers.replay.server import (
    DEFAULT_CASSETTES,
    ReplayHandler,
    ReplayServer,
    default_cassettes,
    default_speed,
    parse_speed,
    sse_line,
    start_in_thread,
)

__all__ = [
    "DEFAULT_CASSETTES",
    "MAX_BODY_BYTES",
    "MAX_NESTING",
    "ReplayHandler",
    "ReplayServer",
    "default_cassettes",
    "default_speed",
    "differences",
    "miss_message",
    "parse_speed",
    "sse_line",
    "start_in_thread",
]
