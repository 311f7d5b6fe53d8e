"""Replay inside the browser (the in-browser edition: JupyterLite's Pyodide kernel), where no server can run.

In a Pyodide kernel, urllib3 2 (under requests, under azure-core) sends every request through two functions of
``urllib3.contrib.emscripten``, ``send_request`` and ``send_streaming_request``, which call the browser's fetch.
Requests to the reserved host ``replay.invalid`` are answered here instead, with the takes, misses and refusals of
``helpers.replay.answers``, paced as recorded; every other request goes on to fetch, so live mode works where
the endpoint allows cross-origin requests.
"""

from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

from helpers.cassette import Library, is_stream, parse_path
from helpers.replay.answers import (
    Refused,
    Turns,
    answer,
    json_bytes,
    request_body,
    sent_headers,
    sse_line,
    unknown_route,
)

RESERVED_HOST = "replay.invalid"  # .invalid is reserved (RFC 2606): no such request can reach a real host
URLLIB3_TESTED = (
    "2.6.3"  # the urllib3 whose emscripten functions this replaces (the in-browser edition pins it)
)


def pause(milliseconds: float, speed: float) -> None:
    if speed and milliseconds > 0:
        time.sleep(milliseconds * speed / 1000)


class PacedEvents(io.RawIOBase):
    """A stream take's body, read as the service sent it: each event after its recorded delay."""

    def __init__(self, events: list[dict], speed: float) -> None:
        super().__init__()
        self.events, self.speed, self.pending = iter(events), speed, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            event = next(self.events, None)
            if event is None:
                return 0
            pause(event.get("delay_ms", 0), self.speed)
            self.pending = sse_line(event["data"])
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


class BrowserReplay:
    """This kernel's replay: the same ``library``, ``speed`` and ``url`` as a replay server, but no server."""

    url = f"https://{RESERVED_HOST}"

    def __init__(self, library: Library, speed: float) -> None:
        self.library, self.speed, self.turns = library, speed, Turns()

    def take(self, method: str, path: str, body: bytes) -> dict:
        """The take that answers one request, as the replay server would choose it."""
        scenario, route = parse_path(path)
        if method != "POST" or route is None:
            return unknown_route(method, path)
        try:
            return answer(self.library, self.turns, route, request_body(body), scenario)
        except Refused as refused:
            return refused.take

    def respond(self, request):
        """urllib3's EmscriptenResponse for its EmscriptenRequest to the reserved host."""
        from urllib3.contrib.emscripten.response import EmscriptenResponse

        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        take = self.take(request.method, path, body_bytes(request.body))
        if is_stream(take):
            return EmscriptenResponse(
                take["status"], sent_headers(take), PacedEvents(take["events"], self.speed), request
            )
        pause(take.get("elapsed_ms", 0), self.speed)
        headers = {"content-type": "application/json", **sent_headers(take)}
        return EmscriptenResponse(take["status"], headers, json_bytes(take["body"]), request)


def body_bytes(body) -> bytes:
    """A request body as urllib3 hands it over (bytes, text or a file) in bytes."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return body_bytes(body.read())
    return bytes(body)


def start_in_browser(library: Library, speed: float) -> BrowserReplay:
    """Answer this kernel's requests to the reserved host from `library`, from now on."""
    from urllib3.contrib.emscripten import connection

    replay = BrowserReplay(library, speed)
    for name in ("send_request", "send_streaming_request"):
        sent = getattr(connection, name)
        sent = getattr(sent, "__wrapped__", sent)  # a kernel that starts replay again replaces its own
        setattr(connection, name, _answered_by(replay, sent))
    return replay


def _answered_by(replay: BrowserReplay, send):
    from urllib3.contrib.emscripten.fetch import _RequestError

    def answered(request):
        if urlsplit(request.url).hostname == RESERVED_HOST:
            return replay.respond(request)
        try:
            return send(request)
        except Exception as error:  # noqa: BLE001 (the browser's own error, a JavaScript one)
            # A host that is down or refuses web pages (CORS) makes fetch fail with a TypeError, which urllib3
            # 2.6.3's JSPI path lets through as it is: made a request error, it reaches azure-core as a
            # ServiceRequestError, which explain() turns into what to do.
            if type(error).__name__ != "JsException":
                raise
            raise _RequestError(
                f"the browser could not fetch {request.url}: {error}", request=request
            ) from None

    answered.__wrapped__ = send
    return answered
