"""Lesson 09, structured output (issue 22): the requests its cassettes hold are the ones azure-ai-inference
1.0.0b9 sends for ``response_format`` (the string ``"json_object"`` and a ``JsonSchemaFormat``), and local mode
answers them as Ollama's OpenAI-compatible API does (tests/fake_ollama.py, from openai/openai.go)."""

import json
from pathlib import Path

import nbformat
import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import JsonSchemaFormat, SystemMessage, UserMessage
from azure.core.credentials import AzureKeyCredential
from azure.core.pipeline.transport import HttpTransport
from fake_ollama import FakeOllama
from openai import OpenAI

from helpers import client, settings

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "helpers" / "cassettes"
LESSON = ROOT / "notebooks" / "09-structured-output.ipynb"
SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "country": {"type": "string"},
        "population": {"type": "integer"},
        "landmarks": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["city", "country", "population", "landmarks"],
    "additionalProperties": False,
}
CITY_FORMAT = JsonSchemaFormat(name="city", schema=SCHEMA, description="Facts about a city", strict=True)
QUESTION = "Describe Lisbon as JSON with the keys city, country, population and landmarks (a list of three)."


class Sent(Exception):
    pass


class Capture(HttpTransport):
    """A transport that keeps the request the SDK would send, and sends nothing."""

    def __init__(self):
        self.urls, self.bodies = [], []

    def __enter__(self):
        return self

    def __exit__(self, *args):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send(self, request, **kwargs):
        self.urls.append(request.url)
        self.bodies.append(json.loads(request.content if request.content is not None else request.body))
        raise Sent


def captured(kind, call: str, **request) -> Capture:
    """The transport that caught what a client of the SDK's `kind` sends for `call(**request)`, before it leaves."""
    transport = Capture()
    with kind(
        endpoint="http://sdk.invalid",
        credential=AzureKeyCredential("unused"),
        transport=transport,
        retry_total=0,
    ) as sdk:
        with pytest.raises(Sent):
            getattr(sdk, call)(**request)
    return transport


def sent(**request) -> dict:
    return captured(ChatCompletionsClient, "complete", **request).bodies[-1]


def cassette_body(name: str) -> dict:
    return json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))["request"]["body"]


LISBON = [SystemMessage(content="You describe cities."), UserMessage(content="Describe Lisbon.")]
CASES = {
    "json-prompted": dict(
        messages=[SystemMessage(content="You are a helpful assistant."), UserMessage(content=QUESTION)],
        model="Phi-3-small-8k-instruct",
    ),
    "json-mode": dict(
        messages=[SystemMessage(content="You answer in JSON."), UserMessage(content=QUESTION)],
        model="gpt-4o-mini",
        response_format="json_object",
    ),
    "json-schema": dict(messages=LISBON, model="gpt-4o-mini", response_format=CITY_FORMAT),
    "json-schema-cut": dict(messages=LISBON, model="gpt-4o-mini", response_format=CITY_FORMAT, max_tokens=20),
    "json-schema-porto": dict(
        messages=[SystemMessage(content="You describe cities."), UserMessage(content="Describe Porto.")],
        model="gpt-4o-mini",
        response_format=CITY_FORMAT,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_cassette_holds_the_request_the_sdk_sends(name):
    assert sent(**CASES[name]) == cassette_body(name)


def test_the_sdk_sends_response_format_as_the_wire_format_says():
    assert sent(**CASES["json-mode"])["response_format"] == {"type": "json_object"}
    assert sent(**CASES["json-schema"])["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "city",
            "schema": SCHEMA,
            "description": "Facts about a city",
            "strict": True,
        },
    }
    with pytest.raises(ValueError, match="Unsupported `response_format`"):  # the lesson's common mistake
        sent(**{**CASES["json-mode"], "response_format": {"type": "json_object"}})


def test_the_cut_answer_is_invalid_json_with_finish_reason_length():
    response = json.loads((CASSETTES / "json-schema-cut.json").read_text(encoding="utf-8"))["response"]
    (choice,) = response["body"]["choices"]
    assert choice["finish_reason"] == "length" and response["body"]["usage"]["completion_tokens"] == 20
    with pytest.raises(json.JSONDecodeError):
        json.loads(choice["message"]["content"])


def ask_ollama(ollama: FakeOllama, **request):
    sdk = OpenAI(base_url=ollama.url + "/v1", api_key="unused")
    return sdk.chat.completions.create(
        model="phi3:mini", messages=[{"role": "user", "content": "Hi"}], **request
    )


def test_ollama_answers_json_mode_with_a_json_object():
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        answer = ask_ollama(ollama, response_format={"type": " JSON_Object "}).choices[0].message.content
    assert json.loads(answer) == {"answer": "Fake phi3:mini answer to: Hi"}


def test_ollama_answers_a_json_schema_with_an_instance_of_it():
    schema = {"type": "json_schema", "json_schema": {"name": "city", "schema": SCHEMA, "strict": True}}
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        data = json.loads(ask_ollama(ollama, response_format=schema).choices[0].message.content)
    assert sorted(data) == sorted(SCHEMA["properties"]) and isinstance(data["population"], int)
    assert isinstance(data["landmarks"], list) and data["city"].startswith("Fake phi3:mini answer to:")


@pytest.mark.parametrize(
    "response_format", [{"type": "text"}, {"type": "json_schema"}, {"type": "yaml"}], ids=str
)
def test_ollama_ignores_a_format_it_does_not_know_and_answers_text(response_format):
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        answer = ask_ollama(ollama, response_format=response_format).choices[0].message.content
    assert answer == "Fake phi3:mini answer to: Hi"


def test_ollama_cuts_json_at_max_tokens():
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        choice = ask_ollama(ollama, response_format={"type": "json_object"}, max_tokens=3).choices[0]
    assert choice.finish_reason == "length"
    with pytest.raises(json.JSONDecodeError):
        json.loads(choice.message.content)


def test_local_mode_sends_the_lesson_s_schema_to_ollama_under_the_tag(monkeypatch, planted_token):
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        monkeypatch.delenv("GITHUB_MODELS_MODEL", raising=False)
        monkeypatch.setenv("GITHUB_MODELS_MODE", "local")
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        monkeypatch.setenv("GITHUB_TOKEN", planted_token)
        cfg = settings()
        with client(cfg) as chat:
            response = chat.complete(messages=LISBON, model=cfg.model, response_format=CITY_FORMAT)
        received = ollama.chats[-1].json
    assert received["model"] == "phi3:mini"
    assert received["response_format"] == sent(**CASES["json-schema"])["response_format"]
    assert sorted(json.loads(response.choices[0].message.content)) == sorted(SCHEMA["properties"])


def test_the_lesson_says_which_model_took_response_format_and_uses_it():
    cells = nbformat.read(LESSON, as_version=4).cells
    text = " ".join(" ".join(cell.source for cell in cells if cell.cell_type == "markdown").split())
    assert '"Response formats: Text"' in text and "concepts/models" in text
    assert '`gpt-4o-mini` "Text, JSON, structured outputs"' in text
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    assert 'json_model = model_name if cfg.mode == "local" else "gpt-4o-mini"' in code
