"""The replay server: a threaded HTTP server on loopback that answers chat-completion and embeddings requests
from cassettes.

A cassette with several takes (answers to one request) has them served in turn, counted per server.

Every well-formed request gets an HTTP answer: a recording, a 404 miss that says what to do, or a JSON error
for a body it cannot use (no length, too large, not JSON, nested too deep). Idle connections are closed after
``idle_timeout`` seconds, so a client that opens many and sends nothing cannot hold the server's threads.
"""

from __future__ import annotations

import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers.cassette import Library, is_stream, parse_path
from helpers.record import Forwarder
from helpers.replay.answers import (
    MAX_BODY_BYTES,
    TOO_LARGE,
    Refused,
    Turns,
    answer,
    error_take,
    json_bytes,
    pause,
    request_body,
    sent_headers,
    sse_line,
    unknown_route,
)

DRAIN_LIMIT_BYTES = 64 * 1024 * 1024  # bodies refused up to this size are read first, larger ones cut off
DEFAULT_CASSETTES = Path(__file__).parent.parent / "cassettes"


def default_cassettes() -> Path:
    """The cassette folder: GITHUB_MODELS_CASSETTES (relative to the working directory) or the shipped one."""
    folder = os.environ.get("GITHUB_MODELS_CASSETTES", "").strip()
    return Path(folder).resolve() if folder else DEFAULT_CASSETTES


def default_speed() -> float:
    """The pacing factor from GITHUB_MODELS_REPLAY_SPEED: 1 as recorded, 0 instant."""
    return parse_speed(os.environ.get("GITHUB_MODELS_REPLAY_SPEED", "1"))


def parse_speed(text: str) -> float:
    """Read a pacing factor, with an error that says what is allowed."""
    try:
        speed = float(text)
    except ValueError:
        speed = -1.0
    if not 0 <= speed <= 100:
        raise ValueError(
            f"GITHUB_MODELS_REPLAY_SPEED={text!r} is not a pacing factor (a number from 0 to 100): use 1 for "
            "the recorded pacing, 0 for instant answers, 0.5 for twice as fast."
        )
    return speed


def content_length(headers) -> int | None:
    """The Content-Length header as a byte count, or None when it is missing or not plain ASCII digits."""
    value = headers.get("Content-Length", "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    digits = value.lstrip("0")
    return int(digits or "0") if len(digits) <= 18 else sys.maxsize  # longer counts are far over any limit


class ReplayHandler(BaseHTTPRequestHandler):
    """Serves one connection; the server holds the cassette library, the pacing and the idle timeout."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server_version = "replay"
    sys_version = ""

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # read by StreamRequestHandler.setup
        super().setup()

    def log_request(self, code="-", size="-") -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.requestline} -> {getattr(code, 'value', code)}\n")

    def log_message(self, format: str, *args) -> None:
        """Quiet: answers are logged by log_request, and an idle connection closing is not news."""

    def send_response_only(self, code: int, message: str | None = None) -> None:
        self.answer_started = True
        super().send_response_only(code, message)

    def send_json(self, take: dict) -> None:
        payload = json_bytes(take["body"])
        self.send_response(take["status"])
        self.send_headers(sent_headers(take))
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def send_headers(self, headers: dict) -> None:
        for name, value in headers.items():
            self.send_header(name, value)

    def send_error_json(self, status: int, code: str, message: str) -> None:
        self.replay(error_take(status, code, message))

    def do_POST(self) -> None:
        """Answer a POST; should the server itself fail, the client gets a 500 that says so, not a cut line."""
        self.answer_started = False
        try:
            self.answer_post()
        except OSError:
            raise  # the connection failed: there is nobody to answer
        except Exception as error:
            self.close_connection = True
            self.server.handle_error(self.request, self.client_address)
            if not self.answer_started:
                self.send_error_json(
                    500, "replay_server_error", f"The replay server failed on this request: {error!r}."
                )

    def answer_post(self) -> None:
        scenario, route = parse_path(self.path)
        if route is None:
            return self.unknown_route()
        body = self.read_json_body()
        if body is None:
            return
        if self.server.forwarder:
            return self.server.forwarder.forward(self, route, body)
        self.replay(answer(self.server.library, self.server.turns, route, body, scenario))

    def read_json_body(self) -> dict | None:
        """The request's JSON object, or None after answering 400, 411 or 413."""
        length = content_length(self.headers)
        if self.headers.get("Transfer-Encoding") or length is None:
            self.close_connection = True
            self.send_error_json(411, "length_required", "Send the JSON body with a Content-Length header.")
            return None
        if length > MAX_BODY_BYTES:
            self.discard_body()
            self.replay(TOO_LARGE)
            return None
        try:
            return request_body(self.rfile.read(length))
        except Refused as refused:
            self.replay(refused.take)
            return None

    def discard_body(self) -> None:
        """Read and drop a body we will not use, so the client can finish sending and read our answer."""
        length = content_length(self.headers)
        remaining = length if length is not None and length <= DRAIN_LIMIT_BYTES else -1
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            remaining = remaining - len(chunk) if chunk else -1
        if remaining < 0:
            self.close_connection = True

    def unknown_route(self) -> None:
        self.discard_body()
        self.replay(unknown_route(self.command, self.path))

    do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = unknown_route

    def pause(self, milliseconds: float) -> None:
        pause(milliseconds, self.server.speed)

    def replay(self, response: dict) -> None:
        """Send one recorded answer (one take): a whole body, or a stream paced as recorded."""
        if not is_stream(response):
            self.pause(response.get("elapsed_ms", 0))
            return self.send_json(response)
        self.send_response(response["status"])
        self.send_headers(sent_headers(response))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for event in response["events"]:
            self.pause(event.get("delay_ms", 0))
            self.write_chunk(sse_line(event["data"]))
        self.write_chunk(b"")

    def write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


class ReplayServer(ThreadingHTTPServer):
    """A threaded HTTP server on loopback that answers from a cassette library."""

    daemon_threads = True
    block_on_close = False
    # The listen backlog (the kernel caps it at net.core.somaxconn): socketserver's 5 drops connections when
    # many arrive at once, and each dropped one waits a second to try again.
    request_queue_size = 1024
    idle_timeout = 30.0  # seconds a connection may stay silent before it is closed and its thread freed

    def __init__(
        self,
        library: Library | None,
        port: int = 0,
        speed: float = 1.0,
        verbose: bool = False,
        forwarder: Forwarder | None = None,
    ):
        self.library, self.speed, self.verbose, self.forwarder = library, speed, verbose, forwarder
        self.turns = Turns()  # each cassette's takes in turn, counted per server
        super().__init__(("127.0.0.1", port), ReplayHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError) and self.verbose:
            super().handle_error(request, client_address)


def start_in_thread(
    library: Library | None, speed: float, forwarder: Forwarder | None = None
) -> ReplayServer:
    """Start a server on a free port in a daemon thread and return it: it replays `library`, or passes every
    request to `forwarder` (record mode's recorder, local mode's Ollama forwarder)."""
    server = ReplayServer(library, speed=speed, forwarder=forwarder)
    threading.Thread(target=server.serve_forever, name="replay-server", daemon=True).start()
    return server
