"""The replay server under hostile input and idle connections: every well-formed HTTP request gets an HTTP
answer, a body nested too deep a 400, and idle connections neither slow others down nor hold threads."""

from __future__ import annotations

import json
import random
import re
import resource
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from helpers.replay import MAX_NESTING

ROUTE = "/chat/completions"
FRANCE = "What is the capital of France?"
STATUS_LINE = re.compile(rb"HTTP/1\.[01] [1-5]\d\d ")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW")
PATHS = (
    ROUTE,
    "/v1" + ROUTE + "?api-version=2024-05-01-preview",
    "/_scenario/rate-limited" + ROUTE,
    "/_scenario/%00/" + ROUTE,
    "/_scenario//chat/completions",
    "/models/../chat/completions",
    "/chat/completions/" * 50,
    "/" + "é" * 100,
    "/embeddings",
    "*",
)


def exchange(url: str, request: bytes) -> bytes:
    """Send raw request bytes on a fresh connection; the first line of the answer (b"" if none came)."""
    parts = urlsplit(url)
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as connection:
        try:
            connection.sendall(request)
        except OSError:
            pass  # the server may answer and close before reading everything; its answer is still there
        try:
            while b"\r\n" not in received and (chunk := connection.recv(4096)):
                received += chunk
        except OSError:
            pass
    return received.split(b"\r\n", 1)[0]


def raw_request(method: str, path: str, body: bytes, headers: dict | None = None) -> bytes:
    """An HTTP/1.1 request as bytes (its head in Latin-1, as HTTP has it): the body as given, with its
    Content-Length unless headers say otherwise."""
    headers = {"Host": "127.0.0.1", "Content-Type": "application/json", **(headers or {})}
    headers.setdefault("Content-Length", str(len(body)))
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items() if v is not None)]
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


def nested(rng: random.Random) -> str:
    """JSON nested around the limit or far beyond it, bare or inside a chat request."""
    depth = rng.choice([63, 64, 65, 100, 999, 1_000, 5_000, 100_000])
    kind = rng.choice(["array", "object", "messages", "content"])
    if kind == "array":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    inner = "[" * depth + "]" * depth
    if kind == "messages":
        return '{"messages": ' + inner + "}"
    return '{"messages": [{"role": "user", "content": ' + inner + "}]}"


def odd_value(rng: random.Random):
    """A value of a type or size a chat request does not expect, as JSON text."""
    return rng.choice(
        [
            "1" + "0" * rng.choice([20, 308, 309, 400, 4_299, 4_301, 10_000]),
            "-" + "9" * 400,
            "1e999",
            "-1e999",
            "1e-999",
            "NaN",
            "Infinity",
            "-0",
            "null",
            "true",
            '"\\ud800"',
            '"\\u0000"',
            '"' + "🦜" * 50 + '"',
            '"\\udfff\\ud800"',
            "[]",
            "{}",
            '[{"role": "user"}]',
            '["What is the capital of France?"]',
            '[1, "two", null, [], {}]',
            '{"role": "user", "content": "x"}',
        ]
    )


def hostile_body(rng: random.Random, recorded: list[dict]) -> bytes:
    """A body that a careless server chokes on: deep, huge, odd types, bad encodings, not an object."""
    kind = rng.randrange(10)
    base = rng.choice(recorded)
    if kind == 0:
        text = nested(rng)
    elif kind == 1:  # one field of a recorded request replaced
        key = rng.choice(["model", "messages", "max_tokens", "temperature", "stream", "top_p"])
        fields = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in base.items() if k != key]
        text = "{" + ", ".join([*fields, f"{json.dumps(key)}: {odd_value(rng)}"]) + "}"
    elif kind == 2:  # a recorded request with one message replaced or an odd key added
        messages = [json.dumps(m) for m in base["messages"]]
        messages[rng.randrange(len(messages) - 1)] = odd_value(rng)  # keeps the last user message
        extra = rng.choice(['"\\ud800": 1', '"": null', '"🦜": [1]', '"temperature": 2'])
        fields = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in base.items() if k != "messages"]
        text = "{" + ", ".join([*fields, f'"messages": [{", ".join(messages)}]', extra]) + "}"
    elif kind == 3:
        text = odd_value(rng)  # not an object
    elif kind == 4:
        messages = json.dumps(base["messages"])
        text = f'{{"model": "a", "model": "b", "messages": [], "messages": {messages}}}'
    elif kind == 5:
        message = {"role": "user", "content": "\u202e \u200b é 𝔘 \x00"}
        text = json.dumps({"messages": [message], "model": "🦜"})
    elif kind == 6:
        return rng.choice([b"", b"{", b"\xff\xfe{}", b'{"model": "caf\xe9"}', b"\x00" * 64, b"{}" * 1000])
    elif kind == 7:
        return json.dumps(base).encode("utf-16")
    elif kind == 8:
        text = '{"messages": [' + ", ".join(['{"role": "user", "content": "x"}'] * 5_000) + "]}"
    else:
        text = json.dumps(base, ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


def hostile_request(rng: random.Random, recorded: list[dict]) -> bytes:
    """One well-formed HTTP request with a hostile method, path, length header or body."""
    body = hostile_body(rng, recorded)
    kind = rng.randrange(6)
    if kind == 0:
        return raw_request(rng.choice(METHODS), rng.choice(PATHS), body)
    if kind == 1:  # a Content-Length that is no count of bytes, or not the body's
        fits = [str(len(body)), str(max(len(body) - 3, 0))]  # the body, or the body and then a bad request
        odd = ["²", "¹²", "-1", "1e3", "0x10", "9" * 5_000, "", f" {fits[0]} "]
        length = rng.choice(odd + fits)
        return raw_request("POST", ROUTE, body, {"Content-Length": length})
    if kind == 2:
        return raw_request("POST", ROUTE, body, {"Content-Length": None, "Transfer-Encoding": "chunked"})
    if kind == 3:
        content_type = rng.choice(["text/plain", "", "application/ÿ"])
        return raw_request("POST", ROUTE, body, {"Content-Type": content_type})
    return raw_request("POST", rng.choice(PATHS[:3]), body)


@pytest.mark.timeout(300)
def test_3000_hostile_requests_from_16_clients_each_get_an_http_answer(serve, post, shipped):
    recorded = [cassette["request"]["body"] for cassette in shipped.values()]
    recorded = [body for body in recorded if len(body.get("messages", [])) > 1]
    rng = random.Random(12)
    requests = [hostile_request(rng, recorded) for _ in range(3_000)]
    server = serve()
    with ThreadPoolExecutor(16) as pool:
        lines = list(pool.map(lambda request: exchange(server.url, request), requests))
    answers = list(zip(requests, lines, strict=True))
    unanswered = [request[:120] for request, line in answers if not STATUS_LINE.match(line)]
    assert not unanswered, f"{len(unanswered)} of 3000 got no HTTP answer, e.g. {unanswered[:5]}"
    failed = [request[:120] for request, line in answers if line[9:12] == b"500"]
    assert not failed, f"{len(failed)} answers were 500 (the server failed), e.g. {failed[:5]}"
    assert post(server.url, ROUTE, shipped["single-call"]["request"]["body"]).status == 200


@pytest.mark.parametrize(
    ("length", "status"), [("²", 411), ("-1", 411), ("1e3", 411), ("9" * 5_000, 413), (" 2 ", 404)]
)
def test_a_content_length_that_is_no_plain_count_of_bytes_is_refused(shipped_server, length, status):
    request = raw_request("POST", ROUTE, b"{}", {"Content-Length": length})
    assert exchange(shipped_server.url, request).startswith(b"HTTP/1.1 %d " % status)


def nested_body(levels: int, shape: str) -> bytes:
    if shape == "arrays":
        return b"[" * levels + b"]" * levels
    if shape == "objects":
        return b'{"a":' * levels + b"1" + b"}" * levels
    return b'{"messages": [{"role": "user", "content": ' + b"[" * levels + b"]" * levels + b"}]}"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", ["arrays", "objects", "in-a-message"])
@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_a_body_nested_too_deep_gets_a_400_and_the_server_keeps_answering(
    serve, post, shipped, levels, shape
):
    server = serve()
    body = nested_body(levels, shape)
    assert len(body) < 1024 * 1024
    reply = post(server.url, ROUTE, body)
    assert reply.status == 400
    error = reply.json()["error"]
    assert error["code"] == "too_deeply_nested"
    assert f"more than {MAX_NESTING} levels" in error["message"]
    assert post(server.url, ROUTE, shipped["single-call"]["request"]["body"]).status == 200


def test_nesting_up_to_the_limit_is_an_ordinary_miss(shipped_server, post):
    levels = MAX_NESTING - 3  # inside the body, its messages and one message
    assert post(shipped_server.url, ROUTE, nested_body(levels, "in-a-message")).status == 404
    reply = post(shipped_server.url, ROUTE, nested_body(levels + 1, "in-a-message"))
    assert reply.status == 400 and reply.json()["error"]["code"] == "too_deeply_nested"


@pytest.mark.parametrize(
    "change",
    [{"max_tokens": 10**400}, {"\ud800": 1}, {"messages": ["\ud800", {"role": "user", "content": FRANCE}]}],
    ids=["integer-beyond-floats", "lone-surrogate-key", "message-not-an-object"],
)
def test_odd_but_valid_json_near_a_recording_is_an_ordinary_miss(shipped_server, post, shipped, change):
    reply = post(shipped_server.url, ROUTE, {**shipped["single-call"]["request"]["body"], **change})
    assert reply.status == 404
    assert reply.json()["error"]["code"] == "no_recording"


def test_a_failure_of_the_server_itself_is_a_500_that_says_so_and_it_keeps_answering(serve, post, shipped):
    server = serve()
    library, server.library = server.library, None  # every lookup now fails
    reply = post(server.url, ROUTE, shipped["single-call"]["request"]["body"])
    assert reply.status == 500
    error = reply.json()["error"]
    assert error["code"] == "replay_server_error" and "AttributeError" in error["message"]
    server.library = library
    assert post(server.url, ROUTE, shipped["single-call"]["request"]["body"]).status == 200


def open_idle(url: str, count: int) -> list[socket.socket]:
    """Open `count` connections that send nothing, with room for them under the open-files limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 3 * count:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(3 * count, hard), hard))
    parts = urlsplit(url)
    return [socket.create_connection((parts.hostname, parts.port), timeout=20) for _ in range(count)]


@pytest.mark.timeout(120)
def test_with_1000_idle_connections_open_a_request_still_answers_at_once(serve, post, shipped):
    server, before = serve(), threading.active_count()
    started = time.monotonic()
    idle = open_idle(server.url, 1_000)
    try:
        while threading.active_count() < before + len(idle):  # the server has a thread for each
            time.sleep(0.01)
        assert time.monotonic() - started < 20  # hang guard: with a backlog of 5, 400 took 55 s
        for _ in range(3):
            started = time.monotonic()
            assert post(server.url, ROUTE, shipped["single-call"]["request"]["body"]).status == 200
            assert time.monotonic() - started < 0.5
    finally:
        for connection in idle:
            connection.close()


@pytest.mark.timeout(120)
def test_idle_connections_are_closed_after_the_idle_timeout_and_their_threads_freed(serve):
    server, before = serve(), threading.active_count()
    server.idle_timeout = 1.0
    idle = open_idle(server.url, 1_000)
    try:
        assert all(connection.recv(1) == b"" for connection in idle)  # each closed by the server
        deadline = time.monotonic() + 30
        while threading.active_count() > before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert threading.active_count() <= before
    finally:
        for connection in idle:
            connection.close()
