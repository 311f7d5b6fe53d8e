"""Embeddings (issue 22): replay answers POST /embeddings from cassettes, record mode records it, local mode
forwards it to Ollama's /v1/embeddings (tests/fake_ollama.py), all through the SDK's own EmbeddingsClient.

Wire format (azure-ai-inference 1.0.0b9, _operations/_operations.py build_embeddings_embed_request and
_patch.py EmbeddingsClient.embed): ``POST <endpoint>/embeddings?api-version=2024-05-01-preview`` with a JSON
body ``input`` (a list of strings), ``dimensions``, ``encoding_format``, ``input_type``, ``model`` (unset ones
left out); the answer is ``{"id", "data": [{"embedding", "index", "object"}], "usage": {"prompt_tokens",
"total_tokens"}, "model"}`` (models/_models.py EmbeddingsResult, EmbeddingItem, EmbeddingsUsage).
"""

import base64
import json
import struct

import pytest
from azure.ai.inference import EmbeddingsClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError
from fake_ollama import FakeOllama

from helpers.cassette import Library, load_cassette
from helpers.clients import BoundedRetryPolicy, embeddings_client
from helpers.local import OllamaForwarder
from helpers.record import Recorder

MODEL = "text-embedding-3-small"
TEXTS = ["Lesson 01: your first call", "Lesson 04: streaming"]
pytestmark = pytest.mark.timeout(60)


def embeddings_cassette(body: dict | None = None) -> dict:
    body = body or {"input": TEXTS, "model": MODEL}
    data = [
        {"object": "embedding", "index": i, "embedding": [0.6, 0.8] if i == 0 else [0.8, -0.6]}
        for i in range(len(body["input"]))
    ]
    answer = {
        "id": "embeddings-1",
        "object": "list",
        "model": MODEL,
        "data": data,
        "usage": {"prompt_tokens": 12, "total_tokens": 12},
    }
    return {
        "provenance": {"kind": "synthetic"},
        "request": {"method": "POST", "route": "/embeddings", "body": body},
        "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": answer},
    }


def embedder(url: str, key: str = "replay-test-key") -> EmbeddingsClient:
    return EmbeddingsClient(endpoint=url, credential=AzureKeyCredential(key))


@pytest.fixture
def ollama():
    fake = FakeOllama(pulled={"phi3:mini", "embeddinggemma"})
    yield fake
    fake.shutdown()
    fake.server_close()


def test_replay_answers_embeddings_through_the_sdk(cassette_dir, serve):
    (cassette_dir / "embed.json").write_text(json.dumps(embeddings_cassette()), encoding="utf-8")
    server = serve(library=Library.load(cassette_dir))
    result = embedder(server.url).embed(input=TEXTS, model=MODEL)
    assert [item.embedding for item in result.data] == [[0.6, 0.8], [0.8, -0.6]]
    assert [item.index for item in result.data] == [0, 1]
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (12, 12)


def test_embeddings_client_answers_from_the_kernel_s_replay_server(replay_env, cassette_dir, capsys):
    (cassette_dir / "embed.json").write_text(json.dumps(embeddings_cassette()), encoding="utf-8")
    replay_env.setenv("GITHUB_MODELS_CASSETTES", str(cassette_dir))
    replay_env.setenv("GITHUB_MODELS_MODEL", MODEL)  # settings() checks its model has recordings
    learner_client = embeddings_client()
    assert isinstance(learner_client._config.retry_policy, BoundedRetryPolicy)
    assert learner_client.embed(input=TEXTS, model=MODEL).data[0].embedding == [0.6, 0.8]
    assert capsys.readouterr().out.startswith("Mode: replay")


@pytest.mark.parametrize("prefix", ["", "/v1", "/inference", "/models"])
@pytest.mark.parametrize("query", ["", "?api-version=2024-05-01-preview"])
def test_replay_answers_embeddings_under_every_prefix(cassette_dir, serve, post, prefix, query):
    (cassette_dir / "embed.json").write_text(json.dumps(embeddings_cassette()), encoding="utf-8")
    server = serve(library=Library.load(cassette_dir))
    reply = post(
        server.url, f"{prefix}/embeddings{query}", {"model": MODEL, "input": TEXTS, "dimensions": None}
    )
    assert reply.status == 200
    assert reply.json()["data"][1]["embedding"] == [0.8, -0.6]


def test_an_embeddings_miss_names_the_model_and_the_input(cassette_dir, serve):
    (cassette_dir / "embed.json").write_text(json.dumps(embeddings_cassette()), encoding="utf-8")
    server = serve(library=Library.load(cassette_dir))
    with pytest.raises(HttpResponseError) as error:
        embedder(server.url).embed(input=["Something else"], model=MODEL)
    assert error.value.status_code == 404
    assert error.value.error.code == "no_recording"
    message = error.value.error.message
    assert "No embeddings recorded for this request" in message
    assert f"model '{MODEL}'" in message and "Something else" in message
    with pytest.raises(HttpResponseError) as error:  # same input, another option: the difference is named
        embedder(server.url).embed(input=TEXTS, model=MODEL, dimensions=256)
    assert "embed.json, differs in dimensions (recorded none, sent 256)" in error.value.error.message


def test_record_mode_records_embeddings_and_they_replay(ollama, serve, tmp_path, planted_token):
    folder = tmp_path / "recorded"
    folder.mkdir()
    recorder = serve(forwarder=Recorder(f"{ollama.url}/v1", Library.load(folder)))
    live = embedder(recorder.url, planted_token).embed(input=TEXTS, model="embeddinggemma")
    assert ollama.last.path == "/v1/embeddings"
    (saved,) = folder.glob("*.json")
    assert saved.name.startswith("embeddinggemma-lesson-01-your-first-call")
    cassette = load_cassette(saved)
    assert cassette.request["route"] == "/embeddings"
    assert cassette.request["body"]["input"] == TEXTS
    assert planted_token not in saved.read_text(encoding="utf-8")
    replayed = embedder(serve(library=Library.load(folder)).url).embed(input=TEXTS, model="embeddinggemma")
    assert [item.embedding for item in replayed.data] == [item.embedding for item in live.data]
    assert replayed.usage.prompt_tokens == live.usage.prompt_tokens


def test_local_mode_forwards_embeddings_to_ollama(ollama, serve):
    server = serve(forwarder=OllamaForwarder(ollama.url))
    result = embedder(server.url).embed(input=TEXTS, model="embeddinggemma", dimensions=256)
    assert ollama.last.path == "/v1/embeddings"
    assert ollama.last.json == {"input": TEXTS, "dimensions": 256, "model": "embeddinggemma"}
    assert "authorization" not in ollama.last.headers and "api-key" not in ollama.last.headers
    assert [len(item.embedding) for item in result.data] == [256, 256]
    assert abs(sum(v * v for v in result.data[0].embedding) - 1) < 1e-5


@pytest.mark.parametrize("model", ["Phi-3-mini-4k-instruct", "phi3:mini", "Phi-3-small-8k-instruct"])
def test_local_mode_refuses_a_phi_model_for_embeddings_and_says_why(ollama, serve, model):
    server = serve(forwarder=OllamaForwarder(ollama.url))
    with pytest.raises(HttpResponseError) as error:
        embedder(server.url).embed(input=TEXTS, model=model)
    assert error.value.status_code == 400 and error.value.error.code == "not_an_embedding_model"
    assert "`ollama pull embeddinggemma`" in error.value.error.message
    assert not ollama.requests


def test_local_mode_says_how_to_pull_a_missing_embedding_model(ollama, serve):
    server = serve(forwarder=OllamaForwarder(ollama.url))
    with pytest.raises(HttpResponseError) as error:
        embedder(server.url).embed(input=TEXTS, model="all-minilm")
    assert error.value.status_code == 404 and error.value.error.code == "model_not_pulled"
    assert "`ollama pull all-minilm`" in error.value.error.message


# ---- the fake's /v1/embeddings, as Ollama's source answers ---------------------------------------


def test_fake_ollama_embeds_as_ollama_does(ollama, post):
    reply = post(ollama.url, "/v1/embeddings", {"model": "embeddinggemma", "input": "Hello there"})
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    assert reply.body.endswith(b"}\n")
    answer = reply.json()
    assert set(answer) == {"object", "data", "model", "usage"} and answer["object"] == "list"
    (item,) = answer["data"]
    assert (item["object"], item["index"], len(item["embedding"])) == ("embedding", 0, 768)
    assert answer["usage"] == {"prompt_tokens": 2, "total_tokens": 2}
    again = post(ollama.url, "/v1/embeddings", {"model": "embeddinggemma", "input": ["Hello there"]}).json()
    assert again["data"][0]["embedding"] == item["embedding"]


def test_fake_ollama_sends_base64_as_little_endian_float32(ollama, post):
    body = {"model": "embeddinggemma", "input": ["a"], "dimensions": 4}
    floats = post(ollama.url, "/v1/embeddings", body).json()["data"][0]["embedding"]
    packed = post(ollama.url, "/v1/embeddings", {**body, "encoding_format": "BASE64"}).json()
    assert list(struct.unpack("<4f", base64.b64decode(packed["data"][0]["embedding"]))) == floats


@pytest.mark.parametrize(
    "body, status, message",
    [
        (
            {"model": "embeddinggemma", "input": "a", "encoding_format": "int8"},
            400,
            "Invalid value for 'encoding_format' = int8. Supported values: ['float', 'base64'].",
        ),
        ({"model": "embeddinggemma", "input": []}, 400, "invalid input"),
        ({"model": "embeddinggemma"}, 400, "invalid input"),
        ({"model": "embeddinggemma", "input": [1]}, 400, "invalid input type"),
        ({"model": "nomic-embed-text", "input": "a"}, 404, "model 'nomic-embed-text' not found"),
    ],
)
def test_fake_ollama_refuses_embeddings_as_ollama_does(ollama, post, body, status, message):
    reply = post(ollama.url, "/v1/embeddings", body)
    assert (reply.status, reply.json()["error"]["message"]) == (status, message)


def test_fake_ollama_does_not_guess_what_a_chat_model_embeds(ollama, post):
    reply = post(ollama.url, "/v1/embeddings", {"model": "phi3:mini", "input": "a"})
    assert reply.status == 501 and b"from a chat model (phi3:mini)" in reply.body
