"""The fake Ollama answers as Ollama's source says, seen through the OpenAI SDK, the Azure AI Inference SDK and
raw HTTP. Versions: 0.11.10 (old 404 wording), 0.12.3 (new wording, "api_error" type, old stream chunks) and
the default, the newest release (typed errors, finish chunk). See tests/fake_ollama.py for the sources.
"""

from __future__ import annotations

import http.client
import json
import re

import openai
import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import SystemMessage, UserMessage
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from fake_ollama import DEFAULT_VERSION, FakeOllama, count_tokens, fake_ollama  # noqa: F401 (a fixture)

OLD, MIDDLE, NEW = "0.11.10", "0.12.3", DEFAULT_VERSION
QUESTION = "What is the capital of France?"
ANSWER = f"Fake phi3:mini answer to: {QUESTION}"
MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": QUESTION},
]
CHAT = {"model": "phi3:mini", "messages": MESSAGES}


def openai_client(ollama: FakeOllama) -> openai.OpenAI:
    return openai.OpenAI(base_url=ollama.url + "/v1", api_key="unused", max_retries=0)


def azure_client(ollama: FakeOllama) -> ChatCompletionsClient:
    return ChatCompletionsClient(endpoint=ollama.url + "/v1", credential=AzureKeyCredential("unused"))


def events(body: bytes) -> list:
    """The SSE events of a stream body, checking the framing on the way: `data: <one-line JSON>` + blank line."""
    text = body.decode()
    assert text.endswith("data: [DONE]\n\n")
    blocks = text.split("\n\n")[:-1]
    assert all(block.startswith("data: ") and "\n" not in block for block in blocks)
    return [block[6:] if block == "data: [DONE]" else json.loads(block[6:]) for block in blocks]


@pytest.fixture
def start(fake_ollama):  # noqa: F811
    """Start a FakeOllama (FakeOllama's keyword arguments); stopped after the test."""
    return fake_ollama


@pytest.fixture
def ollama(start):
    return start()


# ---- answers --------------------------------------------------------------------------------------------


def test_a_non_stream_answer_reads_in_the_openai_sdk(ollama):
    response = openai_client(ollama).chat.completions.create(**CHAT)
    assert re.fullmatch(r"chatcmpl-\d{1,3}", response.id)
    assert (response.object, response.model, response.system_fingerprint) == (
        "chat.completion",
        "phi3:mini",
        "fp_ollama",
    )
    choice = response.choices[0]
    assert (choice.index, choice.message.role, choice.message.content) == (0, "assistant", ANSWER)
    assert choice.finish_reason == "stop"
    prompt = count_tokens(MESSAGES)
    assert response.usage.model_dump(exclude_none=True) == {
        "prompt_tokens": prompt,
        "completion_tokens": len(ANSWER.split()),
        "total_tokens": prompt + len(ANSWER.split()),
    }


def test_a_non_stream_answer_has_ollamas_fields_in_order_and_a_trailing_newline(ollama, post):
    reply = post(ollama.url, "/v1/chat/completions", CHAT)
    assert (reply.status, reply.headers["content-type"]) == (200, "application/json")
    body = reply.json()
    assert reply.body == json.dumps(body, separators=(",", ":")).encode() + b"\n"
    assert list(body) == ["id", "object", "created", "model", "system_fingerprint", "choices", "usage"]
    assert body["choices"] == [
        {"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}
    ]
    assert list(body["usage"]) == ["prompt_tokens", "completion_tokens", "total_tokens"]


@pytest.mark.parametrize("version", [MIDDLE, NEW])
def test_a_stream_carries_usage_only_when_include_usage_asks(start, version):
    client = openai_client(start(version=version))
    for include_usage in (True, False, None):
        options = {} if include_usage is None else {"stream_options": {"include_usage": include_usage}}
        chunks = list(client.chat.completions.create(**CHAT, stream=True, **options))
        with_choices = [chunk for chunk in chunks if chunk.choices]
        assert "".join(chunk.choices[0].delta.content or "" for chunk in with_choices) == ANSWER
        assert [c.choices[0].finish_reason for c in with_choices if c.choices[0].finish_reason] == ["stop"]
        assert {chunk.object for chunk in chunks} == {"chat.completion.chunk"}
        assert len({chunk.id for chunk in chunks}) == 1
        usage = [chunk for chunk in chunks if chunk.usage]
        if include_usage:
            assert usage == [chunks[-1]] and chunks[-1].choices == []
            assert chunks[-1].usage.completion_tokens == len(ANSWER.split())
        else:
            assert usage == [] and all(chunk.choices for chunk in chunks)


def test_before_0_32_6_every_chunk_says_assistant_and_the_last_one_finishes(start, post):
    ollama = start(version=MIDDLE)
    reply = post(
        ollama.url,
        "/v1/chat/completions",
        {**CHAT, "stream": True, "stream_options": {"include_usage": True}},
    )
    assert (reply.headers["content-type"], reply.headers["transfer-encoding"]) == (
        "text/event-stream",
        "chunked",
    )
    *chunks, finish, usage, done = events(reply.body)
    assert [c["choices"][0]["delta"]["role"] for c in chunks] == ["assistant"] * len(ANSWER.split())
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks)
    assert finish["choices"] == [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": "stop"}
    ]
    assert usage["choices"] == [] and set(usage) == {*finish, "usage"} and done == "[DONE]"


def test_from_0_32_6_the_role_comes_once_and_a_finish_chunk_has_an_empty_delta(ollama, post):
    reply = post(
        ollama.url,
        "/v1/chat/completions",
        {**CHAT, "stream": True, "stream_options": {"include_usage": True}},
    )
    *chunks, finish, usage, done = events(reply.body)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "Fake"}
    assert [list(c["choices"][0]["delta"]) for c in chunks[1:]] == [["content"]] * (len(chunks) - 1)
    assert finish["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    assert list(usage) == ["id", "object", "created", "model", "system_fingerprint", "choices", "usage"]
    assert len({c["created"] for c in [*chunks, finish, usage]}) == 1
    assert done == "[DONE]"


def test_max_tokens_cuts_the_answer_with_finish_reason_length(ollama):
    client = openai_client(ollama)
    response = client.chat.completions.create(**CHAT, max_tokens=3)
    assert (response.choices[0].message.content, response.choices[0].finish_reason) == (
        "Fake phi3:mini answer",
        "length",
    )
    assert response.usage.completion_tokens == 3
    chunks = list(client.chat.completions.create(**CHAT, max_tokens=3, stream=True))
    assert [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason] == ["length"]
    assert ollama.last.json["max_tokens"] == 3


def test_a_stop_string_ends_the_answer_before_it(ollama):
    response = openai_client(ollama).chat.completions.create(**CHAT, stop=["capital"])
    assert (response.choices[0].message.content, response.choices[0].finish_reason) == (
        "Fake phi3:mini answer to: What is the",
        "stop",
    )


# ---- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version, message, kind",
    [
        (OLD, 'model "phi3:medium" not found, try pulling it first', "api_error"),
        (MIDDLE, "model 'phi3:medium' not found", "api_error"),
        (NEW, "model 'phi3:medium' not found", "not_found_error"),
    ],
)
def test_a_model_not_pulled_is_a_404_worded_as_the_version_words_it(start, post, version, message, kind):
    ollama = start(version=version)
    with pytest.raises(openai.NotFoundError) as caught:
        openai_client(ollama).chat.completions.create(**{**CHAT, "model": "phi3:medium"}, stream=True)
    assert caught.value.message == f"Error code: 404 - {message}"
    assert caught.value.body == {"message": message, "type": kind, "param": None, "code": None}
    reply = post(ollama.url, "/v1/chat/completions", {**CHAT, "model": "phi3:medium"})
    assert (reply.status, reply.headers["content-type"]) == (404, "application/json")
    assert reply.body == json.dumps({"error": caught.value.body}, separators=(",", ":")).encode() + b"\n"


def test_a_tag_is_matched_as_ollama_resolves_names(start):
    client = openai_client(start(pulled={"phi3:mini", "phi3"}))
    for name in ("phi3:mini", "PHI3:MINI", "library/phi3:mini", "phi3", "phi3:latest"):
        assert client.chat.completions.create(**{**CHAT, "model": name}).model == name
    with pytest.raises(openai.NotFoundError, match="model 'Phi-3-small-8k-instruct' not found"):
        client.chat.completions.create(**{**CHAT, "model": "Phi-3-small-8k-instruct"})


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "EOF"),
        (b"{not json", "invalid character 'n' looking for beginning of value"),
        (b'{"model": "phi3:mini", "messages": [', "unexpected EOF"),
        (b"[]", "json: cannot unmarshal array into Go value of type openai.ChatCompletionRequest"),
        (b'{"model": "phi3:mini"}', "[] is too short - 'messages'"),
        (b'{"model": "phi3:mini", "messages": []}', "[] is too short - 'messages'"),
        (
            b'{"model": "phi3:mini", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}',
            "json: cannot unmarshal string into Go struct field ChatCompletionRequest.stream of type bool",
        ),
        (b'{"model": "phi3:mini", "messages": [{"role": "user"}]}', "invalid message content type: <nil>"),
        (b'{"model": "phi3:mini", "messages": [{"role": "user", "content": [1]}]}', "invalid message format"),
    ],
)
def test_a_request_the_middleware_refuses_is_a_400_invalid_request_error(ollama, post, body, message):
    reply = post(ollama.url, "/v1/chat/completions", body)
    assert (reply.status, reply.headers["content-type"]) == (400, "application/json; charset=utf-8")
    assert reply.json() == {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    }
    assert not reply.body.endswith(b"\n")


@pytest.mark.parametrize(
    "version, message, kind",
    [(MIDDLE, "model is required", "api_error"), (NEW, "invalid model name", "invalid_request_error")],
)
def test_a_missing_model_is_a_400(start, version, message, kind):
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client(start(version=version)).chat.completions.create(model="", messages=MESSAGES)
    assert caught.value.body == {"message": message, "type": kind, "param": None, "code": None}


def test_unknown_paths_get_gins_plain_text_404_and_wrong_methods_a_405(start, post):
    ollama = start()
    for path in ("/nope", "/chat/completions", "//v1/chat/completions", "/v1/chat/completions/extra"):
        reply = post(ollama.url, path, CHAT)
        assert (reply.status, reply.headers["content-type"], reply.body) == (
            404,
            "text/plain",
            b"404 page not found",
        )
    with pytest.raises(openai.NotFoundError) as caught:
        openai.OpenAI(base_url=ollama.url + "/inference", api_key="x", max_retries=0).chat.completions.create(
            **CHAT
        )
    assert caught.value.body == "404 page not found"
    reply = post(ollama.url, "/v1/chat/completions", method="GET")
    assert (reply.status, reply.headers["allow"], reply.body) == (405, "POST", b"405 method not allowed")
    assert post(start(version="0.6.8").url, "/v1/chat/completions", method="GET").status == 404
    reply = post(ollama.url, "/v1/chat/completions/?api-version=1", CHAT)
    assert (reply.status, reply.headers["location"]) == (307, "/v1/chat/completions?api-version=1")
    assert post(ollama.url, "/api/chat", CHAT).status == 501  # real, but not modelled: fails loudly


def test_the_azure_sdk_sees_a_404_it_can_explain(start):
    ollama = start(version=MIDDLE)
    with pytest.raises(ResourceNotFoundError) as caught:
        azure_client(ollama).complete(messages=[UserMessage(QUESTION)], model="phi3:medium")
    assert caught.value.status_code == 404
    assert caught.value.error.message == "model 'phi3:medium' not found"
    assert caught.value.error.code is None  # Ollama sends "code": null; str(error) starts "(None) model ..."
    assert caught.value.response.json()["error"]["type"] == "api_error"
    with pytest.raises(ResourceNotFoundError) as caught:
        ChatCompletionsClient(endpoint=ollama.url, credential=AzureKeyCredential("x")).complete(
            messages=[UserMessage(QUESTION)], model="phi3:mini"
        )
    assert caught.value.response.text() == "404 page not found"
    with pytest.raises(HttpResponseError) as caught:
        azure_client(ollama).complete(messages=[], model="phi3:mini")
    assert (caught.value.status_code, caught.value.error.message) == (400, "[] is too short - 'messages'")


# ---- other routes ---------------------------------------------------------------------------------------


def test_the_version_route(start, post):
    ollama = start(version=MIDDLE)
    reply = post(ollama.url, "/api/version?x=1", method="GET")
    assert (reply.status, reply.headers["content-type"], reply.body) == (
        200,
        "application/json; charset=utf-8",
        b'{"version":"0.12.3"}',
    )
    assert post(ollama.url, "/api/version", method="HEAD").body == b""
    assert post(ollama.url, "/", method="GET").body == b"Ollama is running"


def test_the_lists_of_pulled_models(start, post):
    ollama = start(pulled={"phi3:mini", "phi3:medium"})
    models = post(ollama.url, "/api/tags", method="GET").json()["models"]
    assert sorted(model["name"] for model in models) == ["phi3:medium", "phi3:mini"]
    assert list(models[0]) == ["name", "model", "modified_at", "size", "digest", "details"]
    assert list(models[0]["details"]) == [
        "parent_model",
        "format",
        "family",
        "families",
        "parameter_size",
        "quantization_level",
    ]
    assert models[0]["modified_at"] > models[1]["modified_at"]  # newest first
    assert re.fullmatch(r"[0-9a-f]{64}", models[0]["digest"])
    listed = openai_client(ollama).models.list()
    assert sorted(model.id for model in listed) == ["phi3:medium", "phi3:mini"]
    assert {(model.object, model.owned_by) for model in listed} == {("model", "library")}
    assert openai_client(ollama).models.retrieve("phi3:mini").id == "phi3:mini"
    with pytest.raises(openai.NotFoundError, match="model 'phi4' not found"):
        openai_client(ollama).models.retrieve("phi4")
    assert post(start(pulled=()).url, "/v1/models", method="GET").body == b'{"object":"list","data":null}\n'


def test_pull_then_show(start, post):
    ollama = start(pulled=())
    reply = post(ollama.url, "/api/pull", {"model": "phi3:mini-128k"})
    assert reply.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in reply.body.splitlines()]
    assert (lines[0], lines[-1]) == ({"status": "pulling manifest"}, {"status": "success"})
    assert ollama.pulled == {"phi3:mini-128k"}
    show = post(ollama.url, "/api/show", {"model": "phi3:mini-128k"}).json()
    assert show["model_info"]["phi3.context_length"] == 131072
    assert post(ollama.url, "/api/show", {"model": "phi3:mini"}).json() == {
        "error": "model 'phi3:mini' not found"
    }
    reply = post(ollama.url, "/api/pull", {"model": "phi3:small", "stream": False})
    assert (reply.status, reply.json()) == (500, {"error": "pull model manifest: file does not exist"})


# ---- what the fake ignores, records and refuses ---------------------------------------------------------


def test_query_and_credentials_are_ignored_and_recorded(ollama, post):
    headers = {"Authorization": "Bearer planted", "api-key": "planted", "x-ms-client-request-id": "1"}
    reply = post(ollama.url, "/v1/chat/completions?api-version=2024-05-01-preview", CHAT, headers=headers)
    assert reply.json()["choices"][0]["message"]["content"] == ANSWER
    received = ollama.last
    assert (received.query, received.headers["authorization"], received.headers["api-key"]) == (
        "api-version=2024-05-01-preview",
        "Bearer planted",
        "planted",
    )
    assert (received.model, received.stream_options, received.status) == ("phi3:mini", None, 200)
    openai_client(ollama).chat.completions.create(**CHAT, stream=True, stream_options={"include_usage": True})
    assert ollama.last.stream_options == {"include_usage": True}
    assert len(ollama.chats) == 2


def test_browser_origins_and_foreign_hosts_are_refused_as_ollama_refuses_them(start, post):
    ollama = start()
    codespace = {"Origin": "https://laughing-space-8888.app.github.dev"}
    assert (post(ollama.url, "/v1/chat/completions", CHAT, headers=codespace).status, ollama.last.status) == (
        403,
        403,
    )
    reply = post(ollama.url, "/v1/chat/completions", CHAT, headers={"Origin": "http://localhost:8888"})
    assert (reply.status, reply.headers["access-control-allow-origin"]) == (200, "http://localhost:8888")
    allowed = start(origins=["https://*.app.github.dev"])
    assert post(allowed.url, "/v1/chat/completions", CHAT, headers=codespace).status == 200
    connection = http.client.HTTPConnection("127.0.0.1", ollama.server_address[1], timeout=30)
    connection.putrequest("GET", "/api/version", skip_host=True)
    connection.putheader("Host", "example.com")  # DNS rebinding guard: a loopback Ollama wants a local name
    connection.endheaders()
    assert connection.getresponse().status == 403
    connection.close()


# ---- the context length ---------------------------------------------------------------------------------


def test_a_long_conversation_loses_its_oldest_turns_silently_keeping_the_system_message(ollama):
    turns = [{"role": role, "content": "word " * 500} for _ in range(6) for role in ("user", "assistant")]
    messages = [MESSAGES[0], *turns, MESSAGES[1]]
    response = openai_client(ollama).chat.completions.create(model="phi3:mini", messages=messages)
    assert response.choices[0].message.content == ANSWER
    prompt = ollama.last.prompt
    assert prompt["full_prompt_tokens"] > 4096 >= prompt["prompt_tokens"] == response.usage.prompt_tokens
    assert prompt["dropped_messages"] == 4 and not prompt["truncated"]  # 4 turns of 502 tokens


@pytest.mark.parametrize("version, kept", [(MIDDLE, 4096), (NEW, 4096 - (4096 - 4) // 2)])
def test_one_message_longer_than_the_context_is_cut_without_an_error(start, version, kept):
    ollama = start(version=version)
    message = {"role": "user", "content": "word " * 5000 + QUESTION}
    response = openai_client(ollama).chat.completions.create(model="phi3:mini", messages=[message])
    assert response.choices[0].finish_reason == "stop"
    assert response.usage.prompt_tokens == kept and ollama.last.prompt["truncated"]


def test_ollama_context_length_helps_the_128k_tags_only(start):
    ollama = start(pulled={"phi3:mini", "phi3:mini-128k"}, context_length=131072)
    client = openai_client(ollama)
    message = {"role": "user", "content": "word " * 5000}
    assert (
        client.chat.completions.create(model="phi3:mini-128k", messages=[message]).usage.prompt_tokens == 5003
    )
    assert client.chat.completions.create(model="phi3:mini", messages=[message]).usage.prompt_tokens < 4096
    assert ollama.context_for("phi3:mini") == 4096


# ---- the Azure AI Inference SDK reads Ollama's answers ---------------------------------------------------


@pytest.mark.parametrize("version", [MIDDLE, NEW])
def test_the_azure_sdk_reads_a_non_stream_answer_and_streams_with_and_without_usage(start, version):
    ollama = start(version=version)
    client = azure_client(ollama)
    messages = [SystemMessage(MESSAGES[0]["content"]), UserMessage(QUESTION)]
    response = client.complete(messages=messages, model="phi3:mini", max_tokens=1000)
    assert (response.choices[0].message.content, response.choices[0].finish_reason) == (ANSWER, "stop")
    assert response.usage.prompt_tokens == count_tokens(MESSAGES) and response.model == "phi3:mini"
    assert response.created.year >= 2025
    assert ollama.last.query == "api-version=2024-05-01-preview"
    assert {"authorization", "api-key"} <= set(ollama.last.headers)  # sent by the SDK, ignored by Ollama

    updates = list(client.complete(messages=messages, model="phi3:mini", stream=True))
    assert "".join(u.choices[0].delta.content or "" for u in updates) == ANSWER
    assert updates[-1].choices[0].finish_reason == "stop" and not any(u.usage for u in updates)

    extras = {"stream_options": {"include_usage": True}}
    updates = list(client.complete(messages=messages, model="phi3:mini", stream=True, model_extras=extras))
    assert updates[-1].choices == [] and updates[-1].usage.completion_tokens == len(ANSWER.split())
    assert ollama.last.stream_options == {"include_usage": True}
