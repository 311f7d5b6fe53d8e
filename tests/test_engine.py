"""Live mode against a real inference engine (make test-engine; collected only with --engine): llama.cpp through
llama-cpp-python's OpenAI-compatible server, SmolLM2-135M-Instruct answering under every lesson model name
(scripts/engine.py). A 135M model is not Phi-3, and real answers vary: these tests check shapes and behaviour
(no error cell, non-empty answers, streams in pieces, usage where the engine sends it), never the text.

What this engine does differently from the loopback fakes, each checked here so that a new version that changes
it fails and the README's list gets updated:
- a stream carries no usage update, even when the request asks for one with stream_options.include_usage;
- a stream starts with a chunk whose delta holds only the role (no Azure-style first chunk with empty choices);
- a model name it does not know is answered by its default model, not refused with a 404;
- a request body it cannot read gets HTTP 500 (type internal_server_error), not 400 or 422.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import AzureKeyCredential
from engine import LESSONS, Engine, live_environment  # scripts/ is on the path (the root conftest.py)
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
QUESTION = [UserMessage(content="What is the capital of France?")]


@pytest.fixture(scope="module")
def engine():
    with Engine() as started:
        yield started


@pytest.fixture
def sdk(engine):
    with ChatCompletionsClient(
        endpoint=engine.url, credential=AzureKeyCredential("engine-needs-no-key")
    ) as client:
        yield client


@pytest.mark.timeout(900)
@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_runs_live_top_to_bottom_without_an_error_cell(engine, monkeypatch, lesson):
    for name, value in live_environment(engine).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_MODELS_MODEL", raising=False)
    notebook = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True).execute(
        cwd=str(ROOT / "notebooks")
    )
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [
        f"cell {number}: {output['ename']}: {output['evalue']}"
        for number, cell in enumerate(code)
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, "\n".join(errors)
    setup = "".join(output.get("text", "") for output in code[0].outputs)
    assert setup.startswith(f"Mode: live · endpoint {engine.url}"), setup
    text = "".join(output.get("text", "") for cell in code[1:] for output in cell.outputs)
    assert len(text.split()) > 20, text  # answers were printed


def test_an_answer_is_non_empty_with_usage_and_finish_reason(sdk):
    response = sdk.complete(messages=QUESTION, model="Phi-3-mini-4k-instruct", max_tokens=40)
    assert response.choices[0].message.content.strip()
    assert response.choices[0].finish_reason in ("stop", "length")
    assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens
    assert response.model == "Phi-3-mini-4k-instruct"  # the alias asked for, not the file


def test_a_stream_comes_in_pieces_and_without_usage(sdk):
    updates = list(
        sdk.complete(
            messages=QUESTION,
            stream=True,
            max_tokens=40,
            model_extras={"stream_options": {"include_usage": True}},
        )
    )
    pieces = [
        update.choices[0].delta.content
        for update in updates
        if update.choices and update.choices[0].delta.content
    ]
    assert len(pieces) > 1 and "".join(pieces).strip()
    assert updates[0].choices[0].delta.role == "assistant" and not updates[0].choices[0].delta.content
    assert updates[-1].choices[0].finish_reason in ("stop", "length")
    assert not [update for update in updates if update.usage], "the engine now sends usage: update the README"


def post(engine, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{engine.url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_an_unknown_model_is_answered_by_the_default_one_not_refused(engine):
    status, body = post(
        engine, {"messages": [{"role": "user", "content": "Hi"}], "model": "no-such-model", "max_tokens": 4}
    )
    assert status == 200 and body["choices"][0]["message"]["content"]


def test_a_body_it_cannot_read_gets_500_with_an_openai_error(engine):
    status, body = post(engine, {"messages": "not a list"})
    assert status == 500
    assert body["error"]["type"] == "internal_server_error" and "messages" in body["error"]["message"]
