"""The local replay server: answers chat-completion requests from recorded cassettes.

Run it on its own with ``python -m helpers.replay [--port P] [--cassettes DIR] [--speed S]``;
``helpers.settings()`` starts one inside the kernel in replay mode (notebook 01 introduces it).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers.cassette import Cassette, Library, canonical, parse_path
from helpers.record import Recorder

MAX_BODY_BYTES = 1024 * 1024
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024  # bodies refused up to this size are read first, larger ones cut off
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "date", "server"}
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


def _last_user_message(body: dict) -> str:
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                content = message.get("content")
                return content if isinstance(content, str) else json.dumps(content)
    return "(none)"


def _shown(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "none" if value is None else repr(value)


def differences(recorded: dict, sent: dict) -> list[str]:
    """What separates two request bodies, in a learner's words: 'max_tokens (recorded 10, sent 3)'."""
    recorded, sent = canonical(recorded), canonical(sent)
    found = [
        f"{key} (recorded {_shown(recorded.get(key))}, sent {_shown(sent.get(key))})"
        for key in sorted((set(recorded) | set(sent)) - {"messages"})
        if recorded.get(key) != sent.get(key)
    ]
    old, new = recorded.get("messages", []), sent.get("messages", [])
    if len(old) != len(new):
        found.append(f"the number of messages (recorded {len(old)}, sent {len(new)})")
    else:
        found += [
            f"message {n} (the {m.get('role')} message)"
            for n, (o, m) in enumerate(zip(old, new, strict=True), 1)
            if o != m
        ]
    return found


def miss_message(library: Library, route: str, body: dict, scenario: str = "") -> str:
    """What a learner reads when replay has no answer: what was asked, the nearest recording, what to do."""
    question = _last_user_message(body)
    if len(question) > 80:
        question = question[:77] + "..."
    nearest = ""
    recorded = [
        c
        for c in library.by_key.values()
        if c.request["route"] == route
        and c.request.get("scenario", "") == scenario
        and _last_user_message(c.request["body"]) == _last_user_message(body)
    ]
    if recorded:
        closest = min(recorded, key=lambda c: len(differences(c.request["body"], body)))
        found = differences(closest.request["body"], body)
        if len(found) <= 3:
            nearest = f" The closest recording, {closest.name}.json, differs in {'; '.join(found)}."
    where = f" in scenario {scenario!r}" if scenario else ""
    return (
        f"No recording for this request{where} (model {body.get('model', '(none)')!r}, last user message "
        f"{question!r}).{nearest} Replay answers only the requests the lessons make, exactly as written: "
        "re-run the lesson's cell unchanged, or go live to ask anything (set GITHUB_MODELS_MODE=live with "
        "GITHUB_TOKEN and GITHUB_MODELS_ENDPOINT)."
    )


class ReplayHandler(BaseHTTPRequestHandler):
    """Serves one connection; the server holds the cassette library and the pacing."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server_version = "replay"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.command} {self.path} -> {args[1] if len(args) > 1 else ''}\n")

    def send_json(self, status: int, body, headers: dict | None = None) -> None:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        payload = text.encode("utf-8")
        self.send_response(status)
        self.send_headers(
            {"content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
        )
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def send_headers(self, headers: dict) -> None:
        """Send recorded headers, leaving out those that describe the original connection."""
        for name, value in headers.items():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)

    def send_error_json(self, status: int, code: str, message: str) -> None:
        self.send_json(status, {"error": {"code": code, "message": message, "status": status}})

    def do_POST(self) -> None:
        scenario, route = parse_path(self.path)
        if route is None:
            return self.unknown_route()
        body = self.read_json_body()
        if body is None:
            return
        if self.server.recorder:
            return self.server.recorder.forward(self, route, body)
        cassette = self.server.library.find("POST", route, body, scenario)
        if cassette is None:
            return self.send_error_json(
                404, "no_recording", miss_message(self.server.library, route, body, scenario)
            )
        self.replay(cassette)

    def read_json_body(self) -> dict | None:
        """The request's JSON object, or None after answering 400, 411 or 413."""
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length is None or not length.isdigit():
            self.close_connection = True
            self.send_error_json(411, "length_required", "Send the JSON body with a Content-Length header.")
            return None
        if int(length) > MAX_BODY_BYTES:
            self.discard_body()
            self.send_error_json(
                413,
                "request_too_large",
                f"Request body over {MAX_BODY_BYTES} bytes; the replay server refuses it.",
            )
            return None
        raw = self.rfile.read(int(length))
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            self.send_error_json(400, "invalid_json", f"The request body is not valid JSON: {error}.")
            return None
        if not isinstance(body, dict):
            self.send_error_json(400, "invalid_json", "The request body must be a JSON object.")
            return None
        return body

    def discard_body(self) -> None:
        """Read and drop a body we will not use, so the client can finish sending and read our answer."""
        length = self.headers.get("Content-Length", "")
        remaining = int(length) if length.isdigit() and int(length) <= DRAIN_LIMIT_BYTES else -1
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            remaining = remaining - len(chunk) if chunk else -1
        if remaining < 0:
            self.close_connection = True

    def unknown_route(self) -> None:
        self.discard_body()
        self.send_error_json(
            404,
            "not_found",
            f"No route {self.command} {self.path.split('?', 1)[0]}. The replay server answers "
            "POST <endpoint>/chat/completions (also under /v1, /inference and /models).",
        )

    do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = unknown_route

    def pause(self, milliseconds: float) -> None:
        if self.server.speed and milliseconds > 0:
            time.sleep(milliseconds * self.server.speed / 1000)

    def replay(self, cassette: Cassette) -> None:
        response = cassette.response
        if not cassette.is_stream:
            self.pause(response.get("elapsed_ms", 0))
            return self.send_json(response["status"], response["body"], response.get("headers"))
        self.send_response(response["status"])
        self.send_headers(response.get("headers", {}))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for event in response["events"]:
            self.pause(event.get("delay_ms", 0))
            self.write_chunk(sse_line(event["data"]))
        self.write_chunk(b"")

    def write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def sse_line(data: object) -> bytes:
    """One server-sent event as the service framed it: ``data: <one-line JSON>`` and a blank line."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"data: {text}\n\n".encode()


class ReplayServer(ThreadingHTTPServer):
    """A threaded HTTP server on loopback that answers from a cassette library."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, library: Library, port: int = 0, speed: float = 1.0, verbose: bool = False, upstream=None
    ):
        self.library, self.speed, self.verbose = library, speed, verbose
        self.recorder = Recorder(upstream, library) if upstream else None
        super().__init__(("127.0.0.1", port), ReplayHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError) and self.verbose:
            super().handle_error(request, client_address)


def start_in_thread(library: Library, speed: float, upstream: str | None = None) -> ReplayServer:
    """Start a replay server (a recorder, given an upstream) on a free port in a daemon thread and return it."""
    server = ReplayServer(library, speed=speed, upstream=upstream)
    threading.Thread(target=server.serve_forever, name="replay-server", daemon=True).start()
    return server
