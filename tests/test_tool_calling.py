"""Lesson 10, tool calling (issue 22): its cassettes hold the requests azure-ai-inference 1.0.0b9 sends for
``tools``, an ``AssistantMessage`` carrying an answer's ``tool_calls`` and a ``ToolMessage`` per call, their answers
have the wire format's shape, and local mode answers tools as Ollama's OpenAI-compatible API does
(tests/fake_ollama.py, from openai/openai.go and server/routes.go)."""

import json
import re
from pathlib import Path

import pytest
from azure.ai.inference.models import (
    AssistantMessage,
    ChatCompletions,
    ChatCompletionsToolDefinition,
    FunctionDefinition,
    SystemMessage,
    ToolMessage,
    UserMessage,
)
from fake_ollama import FakeOllama
from openai import BadRequestError, NotFoundError, OpenAI
from test_structured_output import sent

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "helpers" / "cassettes"
WEATHER_TOOL = ChatCompletionsToolDefinition(
    function=FunctionDefinition(
        name="get_weather",
        description="Get today's weather in a city.",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city's name, for example Lisbon"}},
            "required": ["city"],
        },
    )
)
WEATHER = {"Lisbon": {"temperature_c": 21, "sky": "sunny"}, "Porto": {"temperature_c": 17, "sky": "cloudy"}}
SYSTEM = SystemMessage(content="You are a helpful assistant.")
WEATHER_QUESTION = UserMessage(content="What's the weather like in Lisbon today?")
COMPARE_QUESTION = UserMessage(content="Is it warmer in Lisbon or in Porto today?")
NAMES = [
    "tools-weather",
    "tools-weather-answer",
    "tools-parallel",
    "tools-parallel-answer",
    "tools-not-needed",
    "tools-choice-none",
]


def cassette(name: str) -> dict:
    return json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))


def answer_of(name: str) -> ChatCompletions:
    """The cassette's answer as the SDK reads it."""
    return ChatCompletions(cassette(name)["response"]["body"])


def follow_up(question, name: str) -> list:
    """The lesson's messages after the answer of `name`: the calls as they came, then one result per call."""
    calls = answer_of(name).choices[0].message.tool_calls
    results = [
        ToolMessage(json.dumps({"city": city, **WEATHER[city]}), tool_call_id=call.id)
        for call in calls
        for city in [json.loads(call.function.arguments)["city"]]
    ]
    return [SYSTEM, question, AssistantMessage(tool_calls=calls), *results]


def requests() -> dict:
    ask = dict(model="gpt-4o-mini", tools=[WEATHER_TOOL])
    return {
        "tools-weather": dict(messages=[SYSTEM, WEATHER_QUESTION], **ask),
        "tools-weather-answer": dict(messages=follow_up(WEATHER_QUESTION, "tools-weather"), **ask),
        "tools-parallel": dict(messages=[SYSTEM, COMPARE_QUESTION], **ask),
        "tools-parallel-answer": dict(messages=follow_up(COMPARE_QUESTION, "tools-parallel"), **ask),
        "tools-not-needed": dict(
            messages=[SYSTEM, UserMessage(content="What is the capital of Portugal?")], **ask
        ),
        "tools-choice-none": dict(messages=[SYSTEM, WEATHER_QUESTION], tool_choice="none", **ask),
    }


@pytest.mark.parametrize("name", NAMES)
def test_each_cassette_holds_the_request_the_sdk_sends(name):
    assert sent(**requests()[name]) == cassette(name)["request"]["body"]


def test_the_sdk_sends_tools_the_assistant_s_calls_and_tool_messages_as_the_wire_format_says():
    body = sent(**requests()["tools-weather-answer"])
    assert body["tools"] == [WEATHER_TOOL.as_dict()] and body["tools"][0]["type"] == "function"
    assistant, tool = body["messages"][2:]
    assert assistant == {
        "role": "assistant",
        "tool_calls": cassette("tools-weather")["response"]["body"]["choices"][0]["message"]["tool_calls"],
    }
    assert tool == {
        "role": "tool",
        "content": '{"city": "Lisbon", "temperature_c": 21, "sky": "sunny"}',
        "tool_call_id": assistant["tool_calls"][0]["id"],
    }
    assert sent(**requests()["tools-choice-none"])["tool_choice"] == "none"


@pytest.mark.parametrize(
    "name, cities", [("tools-weather", ["Lisbon"]), ("tools-parallel", ["Lisbon", "Porto"])]
)
def test_an_answer_that_calls_tools_has_the_service_s_shape(name, cities):
    (choice,) = answer_of(name).choices
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    calls = choice.message.tool_calls
    assert [json.loads(call.function.arguments)["city"] for call in calls] == cities
    assert all(re.fullmatch(r"call_[A-Za-z0-9]{24}", call.id) and call.type == "function" for call in calls)
    assert len({call.id for call in calls}) == len(calls)


@pytest.mark.parametrize("name", ["tools-weather-answer", "tools-parallel-answer", "tools-not-needed"])
def test_a_text_answer_stops_and_calls_nothing(name):
    (choice,) = answer_of(name).choices
    assert choice.finish_reason == "stop" and choice.message.tool_calls is None and choice.message.content


def chat(ollama: FakeOllama, model: str, messages=None, **request):
    sdk = OpenAI(base_url=ollama.url + "/v1", api_key="unused")
    messages = messages or [{"role": "user", "content": "What's the weather like in Lisbon today?"}]
    return sdk.chat.completions.create(
        model=model, messages=messages, tools=[WEATHER_TOOL.as_dict()], **request
    )


def test_ollama_refuses_tools_for_a_model_whose_template_has_none():
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        with pytest.raises(BadRequestError) as error:
            chat(ollama, "phi3:mini")
        with pytest.raises(NotFoundError):  # a model not pulled: 404 first
            chat(ollama, "phi4-mini")
    assert error.value.body["message"] == "registry.ollama.ai/library/phi3:mini does not support tools"
    assert error.value.body["type"] == "invalid_request_error"


def test_ollama_answers_a_tools_capable_model_with_a_call_then_with_text():
    with FakeOllama(pulled={"phi4-mini"}) as ollama:
        first = chat(ollama, "phi4-mini").choices[0]
        (call,) = first.message.tool_calls
        messages = [
            {"role": "user", "content": "What's the weather like in Lisbon today?"},
            first.message.model_dump(exclude_none=True),
            {"role": "tool", "content": '{"sky": "sunny"}', "tool_call_id": call.id},
        ]
        second = chat(ollama, "phi4-mini", messages).choices[0]
    assert first.finish_reason == "tool_calls" and first.message.content == ""
    assert re.fullmatch(r"call_[a-z0-9]{8}", call.id) and call.function.name == "get_weather"
    assert sorted(json.loads(call.function.arguments)) == ["city"]
    assert second.finish_reason == "stop" and second.message.content.startswith("Fake phi4-mini answer to:")


def test_ollama_refuses_tool_call_arguments_that_are_not_json():
    bad = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": '}}
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "", "tool_calls": [bad]}]
    with FakeOllama(pulled={"phi4-mini"}) as ollama:
        with pytest.raises(BadRequestError) as error:
            chat(ollama, "phi4-mini", messages)
    assert error.value.body["message"] == "invalid tool call arguments"


@pytest.mark.timeout(240)
def test_the_lesson_runs_tool_calls_locally_with_phi4_mini(monkeypatch, planted_token):
    """Step 1's advice: with phi4-mini pulled and GITHUB_MODELS_MODEL=Phi-4-mini-instruct, the calls are real."""
    import nbformat
    from test_live_mode import execute
    from test_local_mode import SETTINGS

    lesson = ROOT / "notebooks" / "10-tool-calling.ipynb"
    with FakeOllama(pulled={"phi4-mini"}) as ollama:
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("GITHUB_MODELS_MODE", "local")
        monkeypatch.setenv("GITHUB_MODELS_MODEL", "Phi-4-mini-instruct")
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        outputs = "".join(execute(nbformat.read(lesson, as_version=4), lesson.parent))
        tools_sent = [request.json.get("tools") for request in ollama.chats]
    assert "does not support tools" not in outputs and "tool call: call_" in outputs
    assert "↳ get_weather(" in outputs and "Fake phi4-mini answer to:" in outputs
    assert all(tools_sent)
