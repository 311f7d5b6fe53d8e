"""Replay inside the browser (the in-browser edition: JupyterLite's Pyodide kernel), where no server can run.

In a Pyodide kernel, urllib3 2 (under requests, under azure-core) sends every request through two functions of
``urllib3.contrib.emscripten``, ``send_request`` and ``send_streaming_request``, which call the browser's fetch.
Requests to the reserved host ``replay.invalid`` are answered here instead, with the takes, misses and refusals of
``helpers.replay.answers``, paced as recorded; every other request goes on to fetch, so live mode works where
the endpoint allows cross-origin requests.

The SDK's async client (``azure.ai.inference.aio``, lesson 08) would send through aiohttp, which has no network in a
browser: there, azure-core's default async transport is ``ReplayAsyncTransport``, which answers the same takes and
paces them with ``asyncio.sleep``, so requests sent together are answered together.
"""

from __future__ import annotations

import asyncio
import io
import sys
import types
from urllib.parse import urlsplit

from azure.core.exceptions import ServiceRequestError
from azure.core.pipeline.transport import AsyncHttpTransport
from azure.core.rest._http_response_impl_async import AsyncHttpResponseImpl
from azure.core.utils import CaseInsensitiveDict

from helpers.cassette import Library, is_stream, parse_path
from helpers.language import _
from helpers.replay.answers import (
    Refused,
    Turns,
    answer,
    json_bytes,
    pause,
    request_body,
    sent_headers,
    sse_line,
    unknown_route,
)

RESERVED_HOST = "replay.invalid"  # .invalid is reserved (RFC 2606): no such request can reach a real host
# The urllib3 whose emscripten functions this wraps: lite/requirements.txt pins it for the in-browser edition.
URLLIB3_TESTED = "2.6.3"


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

    def take(self, method: str, url: str, body: bytes) -> dict:
        """The take that answers one request (its URL, or only its path and query), as the replay server would
        choose it."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        scenario, route = parse_path(path)
        if method != "POST" or route is None:
            return unknown_route(method, path)
        try:
            return answer(self.library, self.turns, route, request_body(body), scenario)
        except Refused as refused:
            return refused.take

    def respond(self, request):
        """urllib3's EmscriptenResponse for its EmscriptenRequest to the reserved host."""
        from urllib3.contrib.emscripten import connection  # its EmscriptenResponse (from .response)

        take = self.take(request.method, request.url, body_bytes(request.body))
        if is_stream(take):
            body = PacedEvents(take["events"], self.speed)
        else:
            pause(take.get("elapsed_ms", 0), self.speed)
            body = json_bytes(take["body"])
        return connection.EmscriptenResponse(take["status"], sent_headers(take), body, request)


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
    """Answer this kernel's requests to the reserved host from `library`, from now on: the SDK's through urllib3,
    its async client's through ReplayAsyncTransport."""
    from urllib3.contrib.emscripten import connection

    replay = BrowserReplay(library, speed)
    make_async_default(replay)
    for name in ("send_request", "send_streaming_request"):
        sent = getattr(connection, name)
        sent = getattr(sent, "__wrapped__", sent)  # a kernel that starts replay again replaces its own
        setattr(connection, name, _answered_by(replay, sent))
    return replay


def make_async_default(replay: BrowserReplay) -> None:
    """Make ReplayAsyncTransport, answering from `replay`, the transport of every async client built from now on
    without one: azure-core imports its default (aiohttp's) from this module name."""
    default = types.ModuleType("azure.core.pipeline.transport._aiohttp")
    default.AioHttpTransport = type("ReplayAsyncTransport", (ReplayAsyncTransport,), {"replay": replay})
    sys.modules[default.__name__] = default


def _answered_by(replay: BrowserReplay, send):
    from urllib3.contrib.emscripten import fetch

    def answered(request):
        if urlsplit(request.url).hostname == RESERVED_HOST:
            return replay.respond(request)
        # Any other host (live mode) goes by urllib3's synchronous XMLHttpRequest, not its JSPI fetch: with Pyodide
        # 314 a fetch that fails (a host that is down, or refuses web pages: CORS) also fails the cell after
        # Python has handled the error. The answer then arrives whole, even when streamed.
        jspi, fetch.has_jspi = fetch.has_jspi, lambda: False
        try:
            return send(request)
        finally:
            fetch.has_jspi = jspi

    answered.__wrapped__ = send
    return answered


class ReplayedAsyncResponse(AsyncHttpResponseImpl):
    """A take as azure-core's async pipeline reads it: a whole body, or a stream of events paced as recorded."""

    @classmethod
    async def paced(cls, request, take: dict, speed: float) -> ReplayedAsyncResponse:
        headers = sent_headers(take)
        response = cls(
            request=request,
            internal_response=None,
            status_code=take["status"],
            reason="",
            content_type=headers.get("content-type"),
            headers=CaseInsensitiveDict(headers),
            stream_download_generator=lambda **_: paced_events(take["events"], speed),
        )
        if not is_stream(take):
            await asyncio.sleep(take.get("elapsed_ms", 0) * speed / 1000)
            response._content = json_bytes(take["body"])
        return response

    async def close(self) -> None:
        self._is_closed = True


async def paced_events(events: list[dict], speed: float):
    """A stream take's events, each after its recorded delay, letting other requests run meanwhile."""
    for event in events:
        await asyncio.sleep(event.get("delay_ms", 0) * speed / 1000)
        yield sse_line(event["data"])


class AsyncReplayOnly(ServiceRequestError):
    """A live request from the async client in the browser; its message says what to use instead."""

    explained = True  # explain() adds nothing


class ReplayAsyncTransport(AsyncHttpTransport):
    """An azure-core async transport that answers from the browser's replay (its `replay`), pacing each answer
    with asyncio.sleep so that other requests go on meanwhile; a request to any other host is refused."""

    replay: BrowserReplay

    def __init__(self, **kwargs) -> None:
        pass

    async def __aenter__(self) -> ReplayAsyncTransport:
        return self

    async def __aexit__(self, *exc_info) -> None:
        pass

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def send(self, request, **kwargs) -> ReplayedAsyncResponse:
        url = urlsplit(request.url)
        if url.hostname != RESERVED_HOST:
            raise AsyncReplayOnly(
                _(
                    "In the browser, the SDK's async client works in replay mode only, so it cannot call {host}. "
                    "Here, use the synchronous client, azure.ai.inference.ChatCompletionsClient, or run this "
                    "lesson in JupyterLab (make lab) or a Codespace.",
                    host=url.hostname,
                )
            )
        take = self.replay.take(request.method, request.url, body_bytes(request.content))
        return await ReplayedAsyncResponse.paced(request, take, self.replay.speed)
