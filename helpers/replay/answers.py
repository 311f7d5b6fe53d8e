"""What replay answers a request, wherever replay runs: the server on loopback (``server.py``) or a kernel in the
browser (``helpers.browser``). Both send the same takes, misses and refusals, so a lesson reads the same in both.

An answer is a take as a cassette holds it: ``{"status", "headers", "body"}`` for a whole body, or
``{"status", "headers", "events"}`` for a stream. The replay's own refusals are takes too, with no pacing.
"""

from __future__ import annotations

import json
import threading
import time

from helpers.cassette import Cassette, Library
from helpers.replay.misses import miss_message

MAX_BODY_BYTES = 1024 * 1024
MAX_NESTING = 64  # arrays and objects inside one another; a chat request nests 3 to 6 levels deep
# Recorded headers that described the original connection, left out when a take is sent again
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "date", "server"}


def error_take(status: int, code: str, message: str) -> dict:
    """An error answer in the service's JSON shape."""
    return {"status": status, "body": {"error": {"code": code, "message": message, "status": status}}}


TOO_LARGE = error_take(
    413, "request_too_large", f"Request body over {MAX_BODY_BYTES} bytes; the replay server refuses it."
)


class Refused(ValueError):
    """A request replay cannot use; ``take`` is the error answer to send back."""

    def __init__(self, take: dict) -> None:
        super().__init__(take["body"]["error"]["message"])
        self.take = take


def unknown_route(method: str, path: str) -> dict:
    return error_take(
        404,
        "not_found",
        f"No route {method} {path.split('?', 1)[0]}. The replay server answers POST <endpoint>/chat/completions "
        "and POST <endpoint>/embeddings (also under /v1, /inference and /models).",
    )


def sse_line(data: object) -> bytes:
    """One server-sent event as the service framed it: ``data: <one-line JSON>`` and a blank line."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"data: {text}\n\n".encode()


def json_bytes(body: object) -> bytes:
    """A whole answer's body as sent; a lone surrogate from the request (JSON allows "\\ud800") goes back as that
    same escape."""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return text.encode("utf-8", "backslashreplace")


def sent_headers(take: dict) -> dict[str, str]:
    """A take's headers as replay sends them: the recorded ones in lower case, none of the original connection's,
    and a whole body's content-type (JSON) unless recorded."""
    recorded = {k.lower(): v for k, v in take.get("headers", {}).items() if k.lower() not in HOP_BY_HOP}
    return recorded if "events" in take else {"content-type": "application/json", **recorded}


def pause(milliseconds: float, speed: float) -> None:
    """Wait a recorded delay, scaled by the pacing factor (0: not at all)."""
    if speed and milliseconds > 0:
        time.sleep(milliseconds * speed / 1000)


def nesting_depth(value: object) -> int:
    """How many arrays and objects deep a parsed JSON value goes (``{}`` is 1, ``{"a": [1]}`` is 2)."""
    depth, level = 0, [value]
    while level := [item for item in level if isinstance(item, dict | list)]:
        depth += 1
        level = [child for item in level for child in (item.values() if isinstance(item, dict) else item)]
    return depth


def request_body(raw: bytes) -> dict:
    """The request's JSON object, or Refused (too large, not JSON, nested too deep, not an object)."""
    if len(raw) > MAX_BODY_BYTES:
        raise Refused(TOO_LARGE)
    try:
        body = json.loads(raw.decode("utf-8"))
        too_deep = nesting_depth(body) > MAX_NESTING
    except RecursionError:  # json gives up near 1,000 levels
        too_deep = True
    except ValueError as error:  # not UTF-8, not JSON, or an integer of over 4,300 digits
        raise Refused(
            error_take(400, "invalid_json", f"The request body is not valid JSON: {error}.")
        ) from None
    if too_deep:
        message = (
            f"The request body nests arrays and objects more than {MAX_NESTING} levels deep; the replay "
            "server refuses it (a chat request nests 3 to 6 levels, tool schemas a few more)."
        )
        raise Refused(error_take(400, "too_deeply_nested", message))
    if not isinstance(body, dict):
        raise Refused(error_take(400, "invalid_json", "The request body must be a JSON object."))
    return body


class Turns:
    """How many times one replay (a server, or a browser kernel) has answered each cassette, so that takes are
    served in turn: 1, 2, 3, then 1 again, and a fresh kernel always serves the same sequence."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def next_take(self, cassette: Cassette) -> dict:
        with self.lock:
            turn = self.counts.get(cassette.name, 0)
            self.counts[cassette.name] = turn + 1
        return cassette.takes[turn % len(cassette.takes)]


def answer(library: Library, turns: Turns, route: str, body: dict, scenario: str = "") -> dict:
    """The take that answers ``POST route`` with ``body``: the cassette's next take, or a 404 miss that says
    what is closest and how to record it."""
    cassette = library.find("POST", route, body, scenario)
    if cassette is None:
        return error_take(404, "no_recording", miss_message(library, route, body, scenario))
    return turns.next_take(cassette)
