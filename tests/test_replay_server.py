"""The replay server on loopback: matching, the seed samples through the SDK, SSE framing, misses,
bad input, concurrency and pacing."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from azure.core.exceptions import ResourceNotFoundError

from helpers.replay import MAX_BODY_BYTES, parse_speed

ROUTE = "/chat/completions"
API_VERSION = "?api-version=2024-05-01-preview"
SEEDS = ("single-call", "multi-turn", "streaming-exercise")


def reorder(body):
    return {key: body[key] for key in reversed(list(body))}


@pytest.mark.parametrize(
    ("cassette", "change", "status"),
    [
        ("single-call", lambda body: body, 200),
        ("single-call", reorder, 200),
        ("single-call", lambda body: {**body, "messages": [reorder(m) for m in body["messages"]]}, 200),
        ("single-call", lambda body: {**body, "temperature": 1}, 200),  # recorded as 1.0
        ("single-call", lambda body: {**body, "max_tokens": 1000.0}, 200),  # recorded as 1000
        ("single-call", lambda body: {**body, "stop": None, "seed": None}, 200),
        (
            "multi-turn",
            lambda body: {**body, "messages": [{**m, "name": None} for m in body["messages"]]},
            200,
        ),
        ("single-call", lambda body: {**body, "temperature": True}, 404),  # a bool is not the number 1
        ("streaming-exercise", lambda body: {**body, "stream": 1}, 404),
        ("single-call", lambda body: {**body, "seed": 0}, 404),
        ("single-call", lambda body: {**body, "max_tokens": 999}, 404),
        ("multi-turn", lambda body: {**body, "messages": body["messages"][:-1]}, 404),
    ],
    ids=[
        "as-recorded",
        "keys-reordered",
        "message-keys-reordered",
        "int-for-float",
        "float-for-int",
        "null-fields",
        "null-message-fields",
        "bool-for-number",
        "number-for-bool",
        "extra-field",
        "other-value",
        "fewer-messages",
    ],
)
def test_matching_uses_the_canonical_body(shipped_server, post, shipped, cassette, change, status):
    reply = post(shipped_server.url, ROUTE, change(shipped[cassette]["request"]["body"]))
    assert reply.status == status


@pytest.mark.parametrize("prefix", ["", "/v1", "/inference", "/models"])
@pytest.mark.parametrize("query", ["", API_VERSION])
def test_every_route_prefix_with_or_without_api_version_answers(shipped_server, post, shipped, prefix, query):
    recorded = shipped["single-call"]
    reply = post(shipped_server.url, prefix + ROUTE + query, recorded["request"]["body"])
    assert reply.status == 200
    assert reply.json() == recorded["response"]["body"]
    headers = recorded["response"]["headers"]
    assert {name: reply.headers.get(name) for name in headers} == headers


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", SEEDS)
def test_seed_samples_through_the_sdk_get_the_recorded_answer(shipped_server, sdk, ask_sdk, expected, name):
    answer, _ = ask_sdk(sdk(shipped_server.url), name)
    assert answer == expected(name)


@pytest.mark.timeout(60)
def test_each_streamed_piece_is_an_update_and_the_last_carries_usage(shipped_server, sdk, ask_sdk, shipped):
    _, updates = ask_sdk(sdk(shipped_server.url), "streaming-exercise")
    chunks = [event["data"] for event in shipped["streaming-exercise"]["response"]["events"]]
    pieces = [chunk["choices"][0]["delta"].get("content") for chunk in chunks[:-1] if chunk["choices"]]
    assert [update.choices[0].delta.content for update in updates if update.choices] == pieces
    assert updates[-1].choices == []
    assert dict(updates[-1].usage) == chunks[-2]["usage"]


def test_a_stream_is_framed_as_server_sent_events(shipped_server, post, shipped):
    recorded = shipped["streaming-exercise"]
    reply = post(shipped_server.url, ROUTE + API_VERSION, recorded["request"]["body"])
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert b"\r" not in reply.body
    text = reply.body.decode("utf-8")
    assert text.endswith("\n\ndata: [DONE]\n\n")
    lines = [line for line in text.split("\n") if line]
    assert all(line.startswith("data: ") for line in lines)
    data = [line.removeprefix("data: ") for line in lines]
    events = [json.loads(item) for item in data[:-1]]
    assert data[-1] == "[DONE]"
    assert events[0]["choices"] == [] and events[0]["prompt_filter_results"]
    assert events[-1]["choices"] == [] and events[-1]["usage"]["total_tokens"] > 0
    assert events == [event["data"] for event in recorded["response"]["events"][:-1]]


def test_a_miss_is_a_404_naming_what_was_asked_and_how_to_go_live_or_record(shipped_server, post):
    body = {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Is it Lyon?"}]}
    reply = post(shipped_server.url, ROUTE, {**body, "model": "Phi-3-mini-4k-instruct"})
    assert reply.status == 404
    assert reply.headers["content-type"].startswith("application/json")
    assert "retry-after" not in reply.headers
    error = reply.json()["error"]
    assert error["code"] == "no_recording"
    assert "Phi-3-mini-4k-instruct" in error["message"] and "Is it Lyon?" in error["message"]
    assert "GITHUB_MODELS_MODE=live" in error["message"] and "GITHUB_MODELS_MODE=record" in error["message"]


@pytest.mark.parametrize(
    "change, difference",
    [
        ({"temperature": 0.5}, "temperature (recorded 1, sent 0.5)"),
        ({"top_p": None}, "top_p (recorded 1, sent none)"),
        (
            {"messages": [{"role": "system", "content": "You are a poet."}]},
            "message 1 (the system message)",
        ),
    ],
)
def test_a_miss_names_the_closest_recording_of_the_same_question_and_how_it_differs(
    shipped_server, post, shipped, change, difference
):
    body = dict(shipped["single-call"]["request"]["body"])
    if "messages" in change:
        change = {"messages": change["messages"] + body["messages"][1:]}
    message = post(shipped_server.url, ROUTE, {**body, **change}).json()["error"]["message"]
    assert "The closest recording" in message and difference in message, message


def test_a_new_question_gets_no_closest_recording(shipped_server, post, model):
    body = {"messages": [{"role": "user", "content": "What is the capital of Peru?"}], "model": model}
    assert "closest" not in post(shipped_server.url, ROUTE, body).json()["error"]["message"]


@pytest.mark.timeout(30)
def test_a_miss_through_the_sdk_raises_404_at_once(shipped_server, sdk, model):
    statuses = []
    with pytest.raises(ResourceNotFoundError) as error:
        sdk(shipped_server.url).complete(
            messages=[{"role": "user", "content": "What is the capital of Italy?"}],
            model=model,
            raw_response_hook=lambda response: statuses.append(response.http_response.status_code),
        )
    assert error.value.status_code == 404
    assert "no_recording" in str(error.value)
    assert statuses == [404]


@pytest.mark.parametrize(
    ("method", "path", "body", "length", "status", "code"),
    [
        ("POST", ROUTE, b'{"model": ', True, 400, "invalid_json"),
        ("POST", ROUTE, b"[1, 2]", True, 400, "invalid_json"),
        ("POST", ROUTE, b'{"model": "caf\xe9"}', True, 400, "invalid_json"),  # Latin-1, not UTF-8
        ("POST", ROUTE, '{"model": "x"}'.encode("utf-16"), True, 400, "invalid_json"),
        ("POST", ROUTE, b"{" + b" " * MAX_BODY_BYTES + b"}", True, 413, "request_too_large"),
        ("POST", ROUTE, b"", False, 411, "length_required"),
        ("POST", "/completions", b"{}", True, 404, "not_found"),
        ("POST", "/v2" + ROUTE, b"{}", True, 404, "not_found"),
        ("GET", ROUTE, b"", True, 404, "not_found"),
        ("DELETE", ROUTE + API_VERSION, b"", True, 404, "not_found"),
    ],
    ids=[
        "malformed",
        "array",
        "latin-1",
        "utf-16",
        "too-large",
        "no-length",
        "unknown-route",
        "unknown-prefix",
        "get",
        "delete",
    ],
)
def test_bad_input_gets_a_clear_error_and_the_server_keeps_answering(
    shipped_server, post, shipped, method, path, body, length, status, code
):
    reply = post(shipped_server.url, path, body, method=method, length=length)
    assert reply.status == status
    assert reply.json()["error"]["code"] == code
    assert post(shipped_server.url, ROUTE, shipped["single-call"]["request"]["body"]).status == 200


@pytest.mark.timeout(120)
def test_many_threads_get_correct_answers_from_one_server(serve, sdk, ask_sdk, expected):
    server = serve(speed=0.01)

    def worker(offset):
        client = sdk(server.url)
        return [(name, ask_sdk(client, name)[0]) for name in (SEEDS[offset % 3 :] + SEEDS)[:4]]

    with ThreadPoolExecutor(16) as pool:
        results = [pair for batch in pool.map(worker, range(16)) for pair in batch]
    assert len(results) == 64
    assert all(answer == expected(name) for name, answer in results)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("speed", [0, 0.001])
def test_answers_are_the_same_at_any_pace(serve, sdk, ask_sdk, expected, speed):
    client = sdk(serve(speed=speed).url)
    assert [ask_sdk(client, name)[0] for name in SEEDS] == [expected(name) for name in SEEDS]


@pytest.mark.parametrize(("text", "speed"), [("0", 0.0), ("1", 1.0), ("0.5", 0.5), (" 2 ", 2.0)])
def test_parse_speed_reads_a_pacing_factor(text, speed):
    assert parse_speed(text) == speed


@pytest.mark.parametrize("text", ["fast", "-1", "", "nan", "1e9"])
def test_parse_speed_refuses_what_is_not_a_pacing_factor(text):
    with pytest.raises(ValueError, match="GITHUB_MODELS_REPLAY_SPEED"):
        parse_speed(text)
