"""Forwarding to a live service, and record mode: forward each request with the client's own key, and save
the exchange.

Every exchange is saved, errors and streams included (with the delay before each event), as one cassette
written atomically. No credential reaches a file: request headers are not stored, response headers are kept
only from a short list, and the forwarded key is blanked wherever it appears. Recording a request again adds
its answer as one more take of that cassette (replay serves the takes in turn), up to ``MAX_TAKES``; an
earlier take is never overwritten, and an answer the cassette already holds is not added twice.

``Forwarder.forward`` relays in named steps and saves only when given a cassette library; ``Recorder`` is
record mode's forwarder. A subclass changes what goes upstream (``rewrite_request``), what comes back
(``rewrite_answer``) and what a client hears when the upstream cannot be reached (``unreachable``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from http.client import HTTPConnection, HTTPResponse, HTTPSConnection
from urllib.parse import parse_qsl, urlencode, urlsplit

from helpers.cassette import (
    Cassette,
    CassetteError,
    Library,
    digest_images,
    is_stream,
    load_cassette,
    request_key,
)
from helpers.explain import OFFLINE

FORWARDED = ("Content-Type", "Accept", "Authorization", "api-key", "User-Agent", "extra-parameters")
KEPT_QUERY = ("api-version",)
KEPT_HEADERS = re.compile(r"content-type|retry-after(-ms)?|x-ratelimit-[\w-]+")
UPSTREAM_TIMEOUT = 120
REDACTED = "<redacted>"
MAX_TAKES = 5  # answers one cassette keeps for one request; delete the file to start over
SOURCE_FIELDS = ("kind", "endpoint_host", "model", "ollama_tag")  # takes of one file share these
VOLATILE_FIELDS = ("id", "created")  # differ on every call, even when the answer is the same


def _warn(message: str) -> None:
    print(f"record mode: {message}", file=sys.stderr, flush=True)


def cassette_name(body: dict, key: tuple) -> str:
    """A readable, unique file stem: model, last question, and a short hash of the request."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict) and m.get("role") == "user"]
    question = messages[-1].get("content", "") if messages else body.get("input", "")
    if isinstance(question, list):  # content parts (text and images), or the strings of an embeddings input
        parts = [part.get("text", "") if isinstance(part, dict) else part for part in question]
        question = " ".join(part for part in parts if isinstance(part, str))
    words = re.sub(r"[^a-z0-9]+", "-", f"{body.get('model', '')} {question}".lower()).strip("-")[:60]
    return f"{words}-{hashlib.sha256(repr(key).encode()).hexdigest()[:8]}"


def client_keys(handler) -> list[str]:
    """The keys the client sent (``Authorization: Bearer`` and ``api-key``), to blank them in saved files."""
    keys = [handler.headers.get(name, "").removeprefix("Bearer ") for name in ("Authorization", "api-key")]
    return [key for key in keys if key]


def kept_query(path: str) -> str:
    """The request's query string reduced to what the service needs (``api-version``); no credential."""
    return urlencode([(k, v) for k, v in parse_qsl(urlsplit(path).query) if k in KEPT_QUERY])


def forwarded_headers(handler) -> dict:
    """The client's headers that go upstream: content type, auth, user agent; not its request ids."""
    return {name: handler.headers[name] for name in FORWARDED if name in handler.headers}


def kept_headers(upstream: HTTPResponse) -> dict:
    """The response headers worth saving and passing on: content type, retry-after, x-ratelimit-*."""
    return {k.lower(): v for k, v in upstream.getheaders() if KEPT_HEADERS.fullmatch(k.lower())}


def announces_stream(response: dict) -> bool:
    """Whether the upstream's headers say it answers with server-sent events (before any event is read)."""
    return "text/event-stream" in response["headers"].get("content-type", "")


def steady(data):
    """A JSON answer or stream event without the fields that change on every call (id, created)."""
    return {k: v for k, v in data.items() if k not in VOLATILE_FIELDS} if isinstance(data, dict) else data


def same_answer(take: dict, response: dict) -> bool:
    """Whether two takes give the same answer: status and content, whatever their timings, headers and ids."""

    def answer(one: dict):
        if is_stream(one):
            return one["status"], [steady(event["data"]) for event in one["events"]]
        return one["status"], steady(one["body"])

    return answer(take) == answer(response)


def same_source(provenance: dict, other: dict) -> bool:
    """Whether two answers came from the same place (kind, endpoint, model), so they can share a file."""
    return all(provenance.get(field) == other.get(field) for field in SOURCE_FIELDS)


def redacted(text: str, secrets: list[str]) -> str:
    """The text with every key the client sent blanked out."""
    for secret in secrets:
        if len(secret) >= 8:  # a key, not a word that could stand anywhere in the JSON
            text = text.replace(secret, REDACTED)
    return text


class Forwarder:
    """Relays each request to `upstream` and its answer back, events as they arrive; with a `library`, it
    also saves each exchange into the library's folder before the answer ends."""

    def __init__(self, upstream: str, library: Library | None = None):
        self.upstream, self.library = urlsplit(upstream), library
        self.lock = threading.Lock()
        self.idle: list[HTTPConnection] = []  # kept-alive connections to the upstream, for the next requests

    def forward(self, handler, route: str, body: dict) -> None:
        """Answer the handler's request from upstream. Given a library, the exchange is saved before the
        answer ends, so a client that has its answer finds the cassette written."""
        request = {"method": "POST", "route": route, "query": kept_query(handler.path), "body": body}
        response = self.relay(handler, request)
        if response is None:
            return
        if self.library is not None:
            self.save(request, response, handler.headers.get("User-Agent", ""), client_keys(handler))
        self.reply(handler, response)

    # Hooks: a subclass changes these to send something else upstream or to pass something else back.

    def rewrite_request(self, body: dict, headers: dict) -> tuple[dict, dict]:
        """The body and headers sent upstream for the client's (default: as the client sent them)."""
        return body, headers

    def rewrite_answer(self, data, request: dict):
        """What the client gets (and a cassette keeps) for a JSON answer or one stream event's JSON. The
        default returns `data` itself, and a stream's events then pass on byte for byte as they came; any
        other object is sent re-serialized."""
        return data

    def unreachable(self, error: OSError) -> str:
        """The 502 message when the upstream cannot be reached."""
        return f"Could not reach {self.upstream.netloc} ({error})."

    # Steps of forward(), in order.

    def upstream_path(self, route: str, query: str) -> str:
        """The upstream's own path prefix, the route, and the kept query."""
        return self.upstream.path.rstrip("/") + route + (f"?{query}" if query else "")

    def open_connection(self) -> tuple[HTTPConnection, bool]:
        """An idle kept-alive connection to the upstream (True: reused), else a new one (False)."""
        with self.lock:
            if self.idle:
                return self.idle.pop(), True
        connect = HTTPSConnection if self.upstream.scheme == "https" else HTTPConnection
        connection = connect(self.upstream.netloc, timeout=UPSTREAM_TIMEOUT)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # http.client writes twice
        return connection, False

    def send(self, request: dict, body: dict, headers: dict) -> tuple[HTTPConnection, HTTPResponse]:
        """Send the request upstream and read its status line. A reused connection that the upstream has
        closed in the meantime is dropped, and the request sent again on another."""
        path, payload = self.upstream_path(request["route"], request["query"]), json.dumps(body).encode()
        while True:
            connection, reused = self.open_connection()
            try:
                connection.request("POST", path, payload, headers)
                return connection, connection.getresponse()
            except ConnectionError:
                connection.close()
                if not reused:
                    raise

    def release(self, connection: HTTPConnection | None, upstream: HTTPResponse | None) -> None:
        """Keep a connection whose answer was read to its end for the next request; close any other."""
        if connection is None:
            return
        if upstream is not None and upstream.isclosed() and not upstream.will_close:
            with self.lock:
                self.idle.append(connection)
        else:
            connection.close()

    def relay(self, handler, request: dict) -> dict | None:
        """Send the request upstream and the answer on: a stream event by event, short of its final
        ``[DONE]``; a whole body read, not yet sent (reply() finishes both). The response as a cassette
        holds it, or None when the upstream failed: the client has its 502, or a cut stream is closed."""
        body, headers = self.rewrite_request(request["body"], forwarded_headers(handler))
        started, streaming, connection, upstream = time.monotonic(), False, None, None
        try:
            connection, upstream = self.send(request, body, headers)
            response = {"status": upstream.status, "headers": kept_headers(upstream)}
            streaming = announces_stream(response)
            if streaming:
                response["events"] = self.relay_events(handler, upstream, started, request)
            else:
                response.update(self.read_body(upstream, started, request))
            return response
        except OSError as error:
            if not streaming:  # a stream cut off midway has sent its headers: only closing is left
                handler.send_error_json(502, "upstream_unreachable", self.unreachable(error))
            handler.close_connection = True
            return None
        finally:
            self.release(connection, upstream)

    def read_body(self, upstream: HTTPResponse, started: float, request: dict) -> dict:
        """A whole answer and how long it took; a body that is not JSON is kept as text."""
        raw = upstream.read()
        elapsed = round((time.monotonic() - started) * 1000)
        try:
            body = json.loads(raw)
        except ValueError:
            return {"elapsed_ms": elapsed, "body": raw.decode("utf-8", errors="replace")}
        return {"elapsed_ms": elapsed, "body": self.rewrite_answer(body, request)}

    def relay_events(self, handler, upstream: HTTPResponse, started: float, request: dict) -> list:
        """Pass server-sent events on as they arrive, noting the delay before each; hold back the final
        ``[DONE]`` (reply() sends it once the exchange is saved)."""
        handler.send_response(upstream.status)
        handler.send_headers({"content-type": upstream.getheader("Content-Type", "text/event-stream")})
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        events, data, last = [], [], started
        for line in upstream:
            text = line.decode("utf-8").rstrip("\r\n")
            if text.startswith("data:"):
                data.append(text[5:].removeprefix(" "))
            elif not text and data:
                now, payload = time.monotonic(), "\n".join(data)
                events.append({"delay_ms": round((now - last) * 1000), "data": payload})
                if payload != "[DONE]":
                    parsed = json.loads(payload)
                    events[-1]["data"] = answer = self.rewrite_answer(parsed, request)
                    if answer is not parsed:
                        payload = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
                    handler.write_chunk(f"data: {payload}\n\n".encode())
                data, last = [], now
        return events

    @staticmethod
    def reply(handler, response: dict) -> None:
        """Finish the answer: send a whole body, or end a relayed stream with the ``[DONE]`` it held back."""
        if "events" not in response:
            return handler.send_json(response)
        if response["events"] and response["events"][-1]["data"] == "[DONE]":
            handler.write_chunk(b"data: [DONE]\n\n")
        handler.write_chunk(b"")

    def provenance(self, body: dict, user_agent: str) -> dict:
        """Where a saved answer came from: recorded today from this upstream, for this model and SDK."""
        return {
            "kind": "recorded",
            "recorded": datetime.now(timezone.utc).date().isoformat(),
            "endpoint_host": self.upstream.hostname,
            "model": body.get("model"),
            "sdk": user_agent.split(" ")[0][:80],
        }

    def save(self, request: dict, response: dict, user_agent: str, secrets: list[str]) -> None:
        """Save the exchange atomically: a new cassette, or one more take of this request's cassette. An image
        sent inline is saved as its digest (``digest_images``), never as its base64."""
        request = {**request, "body": digest_images(request["body"])}
        key = request_key("POST", request["route"], request["body"])
        provenance = self.provenance(request["body"], user_agent)
        with self.lock:
            try:
                earlier = self.recorded(key)
            except CassetteError as error:  # its file was edited since: the client still gets its answer
                return _warn(f"not saved: {error}")
            if earlier is None:
                name = cassette_name(request["body"], key)
                self.write(Cassette(name, provenance, request, (response,)), key, secrets)
            elif self.takes_another(earlier, response, provenance):
                self.write(
                    Cassette(earlier.name, earlier.provenance, earlier.request, (*earlier.takes, response)),
                    key,
                    secrets,
                )

    # Steps of save(), in order; each runs under the lock.

    def recorded(self, key: tuple) -> Cassette | None:
        """This request's cassette as its file now holds it (another recorder may have added takes), or None
        when there is none, or its file has been deleted to start over."""
        known = self.library.by_key.get(key)
        if known is None:
            return None
        path = self.library.folder / f"{known.name}.json"
        if not path.exists():
            del self.library.by_key[key]
            return None
        return load_cassette(path)

    def takes_another(self, earlier: Cassette, response: dict, provenance: dict) -> bool:
        """Whether the answer becomes a new take of `earlier`; says on stderr why not, unless the cassette
        already holds this very answer."""
        if any(same_answer(take, response) for take in earlier.takes):
            return False
        start_over = f"To start over, delete {earlier.name}.json and run the request again."
        if not same_source(earlier.provenance, provenance):
            _warn(
                f"not saved: {earlier.name}.json holds {earlier.provenance.get('kind')} answers from another "
                f"source, and a take is added only to recordings from the same one. {start_over}"
            )
            return False
        if len(earlier.takes) >= MAX_TAKES:
            _warn(
                f"not saved: {earlier.name}.json is full, with {MAX_TAKES} takes of this request (the most a "
                f"cassette keeps). {start_over}"
            )
            return False
        return True

    def write(self, cassette: Cassette, key: tuple, secrets: list[str]) -> None:
        """Write the cassette file atomically, without a key: into a temporary file, checked, then renamed
        over the old one, so a reader sees the old file or the new one, never half of one."""
        text = redacted(json.dumps(cassette.file_data(), indent=2, ensure_ascii=False) + "\n", secrets)
        path = self.library.folder / f"{cassette.name}.json"
        temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.partial")
        temporary.write_text(text, encoding="utf-8")
        try:
            saved = load_cassette(temporary)
        except CassetteError as error:
            temporary.unlink()
            _warn(f"not saved: the answer to this request is incomplete ({error})")
            return
        os.replace(temporary, path)
        self.library.by_key[key] = Cassette(path.stem, saved.provenance, saved.request, saved.takes)


class Recorder(Forwarder):
    """Record mode: forwards requests to `upstream` with the client's own key and saves each exchange into
    `library`'s folder."""

    def __init__(self, upstream: str, library: Library):
        super().__init__(upstream, library)

    def unreachable(self, error: OSError) -> str:
        return (
            f"Record mode could not reach {self.upstream.netloc} ({error}). Check "
            f"GITHUB_MODELS_ENDPOINT and your network, or {OFFLINE}."
        )
