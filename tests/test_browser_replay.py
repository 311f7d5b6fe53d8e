"""The browser's replay (helpers.browser) answers as the replay server does: same takes, misses and refusals,
streams framed and paced alike, and the SDK's async client through ReplayAsyncTransport. The hook into urllib3's emscripten functions runs only in Pyodide:
tests/test_in_browser.py drives it in a real browser."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import build_lite  # scripts/build_lite.py (conftest.py puts scripts/ on the path)
import pytest
from azure.ai.inference.aio import ChatCompletionsClient as AsyncChatCompletionsClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import ServiceRequestError

from helpers import browser
from helpers.browser import (
    URLLIB3_TESTED,
    BrowserReplay,
    PacedEvents,
    ReplayAsyncTransport,
    body_bytes,
    make_async_default,
)
from helpers.cassette import Library
from helpers.config import Settings, settings
from helpers.explain import explain
from helpers.replay import DEFAULT_CASSETTES, answers

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = Library.load(DEFAULT_CASSETTES)
EXCHANGES = sorted(LIBRARY.by_key.values(), key=lambda cassette: cassette.name)


def served_and_replayed(serve, post, path: str, body: bytes, takes: int = 1):
    """The replay server's and the browser's answers to the same request, `takes` times in a row."""
    server, replay = serve(), BrowserReplay(LIBRARY, 0)
    pairs = []
    for _ in range(takes):
        reply = post(server.url, path, body)
        take = replay.take("POST", path, body)
        response = replay_response(replay, take)
        pairs.append((reply, response))
    return pairs


def replay_response(replay: BrowserReplay, take: dict) -> tuple[int, dict, bytes]:
    """What respond() would hand urllib3, as (status, headers, body bytes)."""
    if "events" in take:
        return take["status"], browser.sent_headers(take), PacedEvents(take["events"], replay.speed).read()
    return take["status"], browser.sent_headers(take), browser.json_bytes(take["body"])


def request_of(cassette) -> tuple[str, bytes]:
    _, route, scenario, body = cassette.key  # the body in canonical form
    return (f"/_scenario/{scenario}{route}" if scenario else route), body.encode()


@pytest.mark.parametrize("cassette", EXCHANGES, ids=lambda cassette: cassette.name)
def test_every_take_of_every_cassette_is_the_servers_byte_for_byte(serve, post, cassette):
    path, body = request_of(cassette)
    for reply, (status, headers, data) in served_and_replayed(serve, post, path, body, len(cassette.takes)):
        assert (status, data) == (reply.status, reply.body)
        assert {name: reply.headers[name] for name in headers} == headers


@pytest.mark.parametrize(
    "path, body, code",
    [
        (
            "/chat/completions",
            json.dumps({"model": "Phi-3-mini-4k-instruct", "messages": []}),
            "no_recording",
        ),
        ("/chat/completions", "{not json", "invalid_json"),
        ("/chat/completions", "[1, 2]", "invalid_json"),
        ("/chat/completions", "[" * 70 + "]" * 70, "too_deeply_nested"),
        ("/completions", "{}", "not_found"),
    ],
)
def test_a_request_replay_cannot_answer_gets_the_servers_error(serve, post, path, body, code):
    ((reply, (status, _, data)),) = served_and_replayed(serve, post, path, body.encode())
    assert json.loads(data)["error"]["code"] == code
    assert (status, json.loads(data)) == (reply.status, reply.json())


def test_a_get_is_an_unknown_route_as_on_the_server():
    take = BrowserReplay(LIBRARY, 0).take("GET", "/chat/completions", b"")
    assert take["status"] == 404 and "No route GET /chat/completions" in take["body"]["error"]["message"]


def test_a_stream_is_read_one_event_at_a_time_after_its_recorded_delay(monkeypatch):
    waits = []
    monkeypatch.setattr(answers.time, "sleep", waits.append)
    events = [{"delay_ms": 200, "data": {"n": 1}}, {"delay_ms": 50, "data": "[DONE]"}]
    stream = PacedEvents(events, speed=0.5)
    assert stream.read(5) == b"data:" and waits == [0.1]
    assert stream.read(100) == b' {"n":1}\n\n' and waits == [0.1]  # the rest of the first event: no new wait
    assert stream.read(100) == b"data: [DONE]\n\n" and waits == [0.1, 0.025]
    assert stream.read(100) == b""


def test_speed_0_never_waits(monkeypatch):
    waits = []
    monkeypatch.setattr(answers.time, "sleep", waits.append)
    assert PacedEvents([{"delay_ms": 900, "data": "[DONE]"}], speed=0).read() == b"data: [DONE]\n\n"
    assert waits == []


@pytest.mark.parametrize("body", [b'{"a": 1}', '{"a": 1}', bytearray(b'{"a": 1}')])
def test_a_request_body_is_read_in_every_form_urllib3_hands_over(body, tmp_path):
    assert body_bytes(body) == b'{"a": 1}'
    (tmp_path / "body.json").write_bytes(b'{"a": 1}')
    with open(tmp_path / "body.json", "rb") as file:
        assert body_bytes(file) == b'{"a": 1}'


def test_in_the_browser_the_setup_line_says_so_and_local_mode_is_refused(replay_env, monkeypatch, capsys):
    monkeypatch.setattr("sys.platform", "emscripten")
    monkeypatch.setattr(
        "helpers.config.start_in_browser", lambda library, speed: BrowserReplay(library, speed)
    )
    monkeypatch.setattr("helpers.config._servers", {})
    cfg = settings()
    assert cfg.endpoint == "https://replay.invalid"
    assert capsys.readouterr().out.startswith("Mode: replay in your browser (synthetic answers)")
    for mode in ("local", "record"):
        replay_env.setenv("GITHUB_MODELS_MODE", mode)
        with pytest.raises(ValueError, match=f"GITHUB_MODELS_MODE={mode} needs a server on your machine"):
            settings()


def async_transport(speed: float, counting: list[int] | None = None):
    """A ReplayAsyncTransport on the shipped cassettes; with `counting`, it notes how many requests are in flight
    each time one starts."""
    replay = BrowserReplay(LIBRARY, speed)
    in_flight = [0]

    class Counted(ReplayAsyncTransport):
        async def send(self, request, **kwargs):
            in_flight[0] += 1
            if counting is not None:
                counting.append(in_flight[0])
            try:
                return await super().send(request, **kwargs)
            finally:
                in_flight[0] -= 1

    Counted.replay = replay
    return Counted()


def test_the_async_client_answers_together_five_at_a_time_as_on_the_server(shipped_server):
    cities = [c for c in EXCHANGES if c.name.startswith("city-")]
    bodies = [c.request["body"] for c in cities]
    counts: list[int] = []
    key = AzureKeyCredential("browser")

    async def ask_all(endpoint, transport=None):
        slots = asyncio.Semaphore(5)
        extra = {"transport": transport} if transport else {}
        async with AsyncChatCompletionsClient(endpoint=endpoint, credential=key, **extra) as client:

            async def ask(body):
                async with slots:
                    return (await client.complete(body=body)).choices[0].message.content

            return await asyncio.gather(*(ask(body) for body in bodies))

    replayed = asyncio.run(ask_all("https://replay.invalid", async_transport(0.05, counts)))
    assert replayed == asyncio.run(ask_all(shipped_server.url))
    assert len(bodies) > 5 and max(counts) == 5  # paced with asyncio.sleep: five waited at once


def test_the_async_client_streams_the_recorded_pieces(shipped_server):
    cassette = next(c for c in EXCHANGES if "events" in c.response and not c.request.get("scenario"))
    key = AzureKeyCredential("browser")

    async def pieces(endpoint, transport=None):
        extra = {"transport": transport} if transport else {}
        async with AsyncChatCompletionsClient(endpoint=endpoint, credential=key, **extra) as client:
            stream = await client.complete(body=cassette.request["body"])
            return [update.choices[0].delta.content async for update in stream if update.choices]

    assert asyncio.run(pieces("https://replay.invalid", async_transport(0))) == asyncio.run(
        pieces(shipped_server.url)
    )


def test_an_async_client_built_without_a_transport_uses_replays_in_the_browser(monkeypatch):
    monkeypatch.setitem(sys.modules, "azure.core.pipeline.transport._aiohttp", None)  # put back afterwards
    make_async_default(BrowserReplay(LIBRARY, 0))
    client = AsyncChatCompletionsClient(endpoint="https://replay.invalid", credential=AzureKeyCredential("k"))
    assert type(client._client._pipeline._transport).__name__ == "ReplayAsyncTransport"


def test_the_async_client_refuses_another_host_in_the_browser_and_says_what_to_use():
    async def ask():
        async with AsyncChatCompletionsClient(
            endpoint="https://example.com", credential=AzureKeyCredential("k"), transport=async_transport(0)
        ) as client:
            await client.complete(messages=[{"role": "user", "content": "hi"}])

    with pytest.raises(
        ServiceRequestError, match="works in replay mode only, so it cannot call example.com"
    ) as caught:
        asyncio.run(ask())
    live = Settings("live", "https://example.com", "k", "Phi-3-mini-4k-instruct")
    assert (
        explain(caught.value, live) is None
    )  # no "What to do" line under it: its own message says what to do


def test_the_in_browser_edition_pins_the_urllib3_and_pyodide_this_was_written_for():
    pins = dict(
        line.split("==") for line in (ROOT / "lite/requirements.txt").read_text().splitlines() if "==" in line
    )
    assert pins["urllib3"].split()[0] == URLLIB3_TESTED
    runtime = json.loads((ROOT / "lite/package.json").read_text())["dependencies"]["pyodide"]
    assert runtime == build_lite.pyodide_version()  # the version the kernel was built for, exactly
