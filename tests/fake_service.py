"""A small stand-in for a live, compatible chat-completions service, on loopback, for tests of live mode.

Its answers deliberately differ from every recording, it remembers what it was sent, and it can be told to
fail with a given status, as the real service did (401 bad key, 404 unknown model, 410 retired).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERRORS = {
    401: ("unauthorized", "Bad credentials"),
    404: ("unknown_model", "Unknown model: the model does not exist"),
    410: ("gone", "This service has been retired"),
    429: (
        "RateLimitReached",
        "Rate limit of 15 per 60s exceeded for UserByModelByMinute. Please wait 42 seconds before retrying.",
    ),
}


def embeddings_answer(body: dict) -> dict:
    """An embeddings answer of the service's shape (azure-ai-inference's EmbeddingsResult, OpenAI's "list"): a unit
    vector per input, of `dimensions` numbers (1536 by default, text-embedding-3-small's), derived from a hash of
    the text (equal texts, equal vectors; unrelated to meaning)."""
    length, data, tokens = body.get("dimensions") or 1536, [], 0
    for index, text in enumerate(body["input"]):
        seed = hashlib.sha256(text.encode()).digest()
        vector = [seed[i % len(seed)] - 127.5 + i % 7 for i in range(length)]
        norm = math.sqrt(sum(value * value for value in vector))
        data.append({"object": "embedding", "index": index, "embedding": [value / norm for value in vector]})
        tokens += len(text.split())
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return {"id": "fake", "object": "list", "data": data, "model": body["model"], "usage": usage}


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.server.fail_with:
            code, message = ERRORS[self.server.fail_with]
            return self.send_json(self.server.fail_with, {"error": {"code": code, "message": message}})
        if self.path.split("?")[0].endswith("/embeddings"):  # lesson 12
            return self.send_json(200, embeddings_answer(body))
        number = len(self.server.requests)
        words = f"Live answer number {number} from the fake service.".split(" ")
        usage = {"prompt_tokens": 11, "completion_tokens": len(words), "total_tokens": 11 + len(words)}
        if body.get("stream"):
            return self.send_stream(words, usage, body["model"])
        message = {"role": "assistant", "content": " ".join(words)}
        choice = {"index": 0, "finish_reason": "stop", "message": message}
        self.send_json(
            200, {**self.envelope(body["model"], "chat.completion"), "choices": [choice], "usage": usage}
        )

    def envelope(self, model: str, kind: str) -> dict:
        return {"id": "fake", "created": 1700000000, "model": model, "object": kind}

    def send_json(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_stream(self, words: list[str], usage: dict, model: str) -> None:
        chunk = self.envelope(model, "chat.completion.chunk")
        deltas = [{"role": "assistant", "content": ""}] + [
            {"content": (" " if i else "") + w} for i, w in enumerate(words)
        ]
        events = [{**chunk, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
        events += [{**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
        events += [{**chunk, "choices": [], "usage": usage}]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for event in [*map(json.dumps, events), "[DONE]"]:
            self.wfile.write(f"data: {event}\n\n".encode())
            self.wfile.flush()
        self.close_connection = True


class FakeService(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fail_with: int | None = None):
        self.requests: list[dict] = []
        self.fail_with = fail_with
        super().__init__(("127.0.0.1", 0), FakeHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
