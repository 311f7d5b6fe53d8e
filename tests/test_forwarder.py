"""helpers.record's forwarding core: each step on its own, a Forwarder that relays without saving, and the
hooks that rewrite what goes upstream and what comes back (what local mode builds on)."""

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest
from fake_service import FakeService

from helpers.cassette import Library
from helpers.record import Forwarder, client_keys, forwarded_headers, kept_query
from helpers.replay import start_in_thread

pytestmark = pytest.mark.timeout(60)
LOCAL_TAG = "phi3:mini"


class Renaming(Forwarder):
    """As local mode will: no key upstream, another model name there, streamed usage asked for, and the
    lesson's model name put back in every answer."""

    def rewrite_request(self, body: dict, headers: dict) -> tuple[dict, dict]:
        headers = {name: value for name, value in headers.items() if name not in ("Authorization", "api-key")}
        usage = {"stream_options": {"include_usage": True}} if body.get("stream") else {}
        return {**body, "model": LOCAL_TAG, **usage}, headers

    def rewrite_answer(self, data, request: dict):
        if isinstance(data, dict) and "model" in data:
            return {**data, "model": request["body"]["model"]}
        return data


@pytest.fixture
def service():
    fake = FakeService()
    yield fake
    fake.stop()


@pytest.fixture
def forwarding(tmp_path):
    """Start a server in a thread whose every request goes through the given forwarder; returns its URL."""
    servers = []

    def start(forwarder: Forwarder) -> str:
        servers.append(start_in_thread(None, 0, forwarder))
        return servers[-1].url

    (tmp_path / "unused").mkdir()
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class Handler:
    """Just what the steps read from a request handler: its path and headers."""

    def __init__(self, path: str, headers: dict):
        self.path, self.headers = path, headers


def test_the_steps_keep_only_what_the_service_needs():
    handler = Handler(
        "/chat/completions?api-version=2024-05-01-preview&api-key=secret-in-the-query",
        {"Authorization": "Bearer key-one-123", "api-key": "key-two-456", "x-ms-client-request-id": "1"},
    )
    assert kept_query(handler.path) == "api-version=2024-05-01-preview"
    assert client_keys(handler) == ["key-one-123", "key-two-456"]
    assert client_keys(Handler("/", {})) == []
    assert forwarded_headers(handler) == {"Authorization": "Bearer key-one-123", "api-key": "key-two-456"}
    forwarder = Forwarder("https://example.org/inference/")
    assert (
        forwarder.upstream_path("/chat/completions", "api-version=1")
        == "/inference/chat/completions?api-version=1"
    )
    assert forwarder.upstream_path("/chat/completions", "") == "/inference/chat/completions"
    assert forwarder.library is None


def test_a_forwarder_without_a_library_relays_with_the_clients_key_and_saves_nothing(
    service, forwarding, sdk, ask_sdk, planted_token, tmp_path
):
    url = forwarding(Forwarder(service.url))
    for name in ("single-call", "streaming-exercise"):
        answer, _ = ask_sdk(sdk(url, planted_token), name)
        assert answer.content.startswith("Live answer number")
    assert [r["headers"]["Authorization"] for r in service.requests] == [f"Bearer {planted_token}"] * 2
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_a_relayed_stream_passes_the_upstreams_bytes_on_as_they_came(service, forwarding, model):
    parts = urlsplit(forwarding(Forwarder(service.url)))
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = {"messages": [{"role": "user", "content": "Hi"}], "model": model, "stream": True}
    connection.request("POST", "/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
    raw = connection.getresponse().read()
    connection.close()
    assert raw.startswith(b'data: {"id": "fake", "created": 1700000000')  # the fake's spacing, not compacted
    assert raw.endswith(b"data: [DONE]\n\n")


def test_hooks_rewrite_what_goes_up_and_what_comes_back_and_the_cassette_keeps_the_clients_request(
    service, forwarding, sdk, planted_token, tmp_path, model
):
    (tmp_path / "saved").mkdir()
    url = forwarding(Renaming(service.url, Library.load(tmp_path / "saved")))
    client = sdk(url, planted_token)
    question = [{"role": "user", "content": "Hi"}]
    assert client.complete(messages=question, model=model).model == model
    updates = list(client.complete(messages=question, model=model, stream=True))
    assert {update.model for update in updates} == {model}
    assert [r["body"]["model"] for r in service.requests] == [LOCAL_TAG] * 2
    assert "stream_options" not in service.requests[0]["body"]
    assert service.requests[1]["body"]["stream_options"] == {"include_usage": True}
    assert not any({"Authorization", "api-key"} & set(r["headers"]) for r in service.requests)

    saved = [json.loads(path.read_text("utf-8")) for path in sorted((tmp_path / "saved").glob("*.json"))]
    assert len(saved) == 2
    for cassette in saved:
        body = cassette["request"]["body"]  # as the client sent it, so replay matches the same request
        assert body["messages"] == question and body["model"] == model and "stream_options" not in body
        response = cassette["response"]
        answers = [e["data"] for e in response.get("events", []) if isinstance(e["data"], dict)]
        assert {a["model"] for a in answers or [response["body"]]} == {model}
        assert planted_token not in json.dumps(cassette)


def test_the_upstream_connection_is_kept_alive_and_a_closed_one_replaced(serve, forwarding, sdk, ask_sdk):
    upstream = serve()
    upstream.idle_timeout = 0.3  # the upstream closes a connection that stays silent this long
    forwarder = Forwarder(upstream.url)
    client = sdk(forwarding(forwarder))
    first = ask_sdk(client, "single-call")[0]
    kept = list(forwarder.idle)
    assert len(kept) == 1
    assert ask_sdk(client, "single-call")[0] == first and forwarder.idle == kept, "not reused"
    time.sleep(0.8)
    assert ask_sdk(client, "single-call")[0] == first, "a closed connection was not replaced"
    assert len(forwarder.idle) == 1 and forwarder.idle[0] is not kept[0]
