"""Record mode: forward each request to a live service with the client's own key, and save the exchange.

Every exchange is saved, errors and streams included (with the delay before each event), as one cassette
written atomically. No credential reaches a file: request headers are not stored, response headers are kept
only from a short list, and the forwarded key is blanked wherever it appears. An existing, different
recording of the same request is never overwritten; the recorder says so instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
from datetime import datetime, timezone
from http.client import HTTPConnection, HTTPResponse, HTTPSConnection
from urllib.parse import parse_qsl, urlencode, urlsplit

from helpers.cassette import Cassette, CassetteError, Library, load_cassette, request_key
from helpers.explain import OFFLINE

FORWARDED = ("Content-Type", "Accept", "Authorization", "api-key", "User-Agent", "extra-parameters")
KEPT_HEADERS = re.compile(r"content-type|retry-after(-ms)?|x-ratelimit-[\w-]+")
UPSTREAM_TIMEOUT = 120
REDACTED = "<redacted>"


def _warn(message: str) -> None:
    print(f"record mode: {message}", file=sys.stderr, flush=True)


def cassette_name(body: dict, key: tuple) -> str:
    """A readable, unique file stem: model, last question, and a short hash of the request."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict) and m.get("role") == "user"]
    question = messages[-1].get("content", "") if messages else ""
    words = re.sub(r"[^a-z0-9]+", "-", f"{body.get('model', '')} {question}".lower()).strip("-")[:60]
    return f"{words}-{hashlib.sha256(repr(key).encode()).hexdigest()[:8]}"


class Recorder:
    """Forwards requests to `upstream` and saves each exchange into `library`'s folder."""

    def __init__(self, upstream: str, library: Library):
        self.upstream, self.library = urlsplit(upstream), library
        self.lock = threading.Lock()

    def forward(self, handler, route: str, body: dict) -> None:
        """Answer the handler's request from upstream, events as they arrive; the exchange is saved before
        the answer ends, so a client that has its answer finds the cassette written."""
        keys = [
            handler.headers.get(name, "").removeprefix("Bearer ") for name in ("Authorization", "api-key")
        ]
        query = urlencode([(k, v) for k, v in parse_qsl(urlsplit(handler.path).query) if k == "api-version"])
        path = self.upstream.path.rstrip("/") + route + (f"?{query}" if query else "")
        headers = {name: handler.headers[name] for name in FORWARDED if name in handler.headers}
        connect = HTTPSConnection if self.upstream.scheme == "https" else HTTPConnection
        connection = connect(self.upstream.netloc, timeout=UPSTREAM_TIMEOUT)
        started, streaming = time.monotonic(), False
        try:
            connection.request("POST", path, json.dumps(body).encode(), headers)
            upstream = connection.getresponse()
            kept = {k.lower(): v for k, v in upstream.getheaders() if KEPT_HEADERS.fullmatch(k.lower())}
            response = {"status": upstream.status, "headers": kept}
            streaming = "text/event-stream" in kept.get("content-type", "")
            if streaming:
                response["events"] = self.relay_events(handler, upstream, started)
            else:
                response.update(self.read_body(upstream, started))
        except OSError as error:
            if not streaming:  # a stream cut off midway has sent its headers: only closing is left
                handler.send_error_json(
                    502,
                    "upstream_unreachable",
                    f"Record mode could not reach {self.upstream.netloc} ({error}). Check "
                    f"GITHUB_MODELS_ENDPOINT and your network, or {OFFLINE}.",
                )
            handler.close_connection = True
            return
        finally:
            connection.close()
        request = {"method": "POST", "route": route, "query": query, "body": body}
        self.save(request, response, handler.headers.get("User-Agent", ""), [k for k in keys if k])
        if "events" not in response:
            return handler.send_json(response["status"], response["body"], kept)
        if response["events"] and response["events"][-1]["data"] == "[DONE]":
            handler.write_chunk(b"data: [DONE]\n\n")
        handler.write_chunk(b"")

    @staticmethod
    def read_body(upstream: HTTPResponse, started: float) -> dict:
        raw = upstream.read()
        elapsed = round((time.monotonic() - started) * 1000)
        try:
            return {"elapsed_ms": elapsed, "body": json.loads(raw)}
        except ValueError:
            return {"elapsed_ms": elapsed, "body": raw.decode("utf-8", errors="replace")}

    @staticmethod
    def relay_events(handler, upstream: HTTPResponse, started: float) -> list:
        """Pass server-sent events on as they arrive, noting the delay before each; hold back the final
        ``[DONE]`` (the caller sends it once the exchange is saved)."""
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
                    events[-1]["data"] = json.loads(payload)
                    handler.write_chunk(f"data: {payload}\n\n".encode())
                data, last = [], now
        return events

    def provenance(self, body: dict, user_agent: str) -> dict:
        return {
            "kind": "recorded",
            "recorded": datetime.now(timezone.utc).date().isoformat(),
            "endpoint_host": self.upstream.hostname,
            "model": body.get("model"),
            "sdk": user_agent.split(" ")[0][:80],
        }

    def save(self, request: dict, response: dict, user_agent: str, secrets: list[str]) -> None:
        """Write the exchange as a new cassette, atomically, unless this request is already recorded."""
        key = request_key("POST", request["route"], request["body"])
        with self.lock:
            existing = self.library.by_key.get(key)
            if existing:
                if existing.response != response:
                    _warn(
                        f"not saved: {existing.name}.json already records this request with another answer. "
                        "Delete that file and run the request again to re-record it."
                    )
                return
            cassette = {"provenance": self.provenance(request["body"], user_agent), "request": request}
            text = json.dumps({**cassette, "response": response}, indent=2, ensure_ascii=False) + "\n"
            for secret in secrets:
                if len(secret) >= 8:  # a key, not a word that could stand anywhere in the JSON
                    text = text.replace(secret, REDACTED)
            path = self.library.folder / f"{cassette_name(request['body'], key)}.json"
            temporary = path.with_name(f".{path.name}.partial")
            temporary.write_text(text, encoding="utf-8")
            try:
                saved = load_cassette(temporary)
            except CassetteError as error:
                temporary.unlink()
                _warn(f"not saved: the answer to this request is incomplete ({error})")
                return
            os.replace(temporary, path)
            self.library.by_key[key] = Cassette(path.stem, saved.provenance, saved.request, saved.response)
