"""Every client of the quick start on one replay server (lesson 04): the Python SDK, the OpenAI SDK, the Node
samples in js/ and the cURL commands, each making the single call, the conversation and the stream.

Answers are compared with the cassette files. The commands and JavaScript files that lesson 04 shows are the ones
run here. Without node or curl these tests skip, except under CI=true, where a missing tool is a failure.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from fake_service import FakeService
from nbclient import NotebookClient
from openai import OpenAI

from helpers.config import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "js"
NOTEBOOK = ROOT / "notebooks" / "04-rest-and-javascript.ipynb"
CALLS = ("single", "multi-turn", "stream")
SAMPLES = {"single": "single-call.mjs", "multi-turn": "multi-turn.mjs", "stream": "streaming.mjs"}
SEED = {"single": "single-call", "multi-turn": "multi-turn", "stream": "streaming-exercise"}
# The quick start's cURL call sends no sampling parameters; lesson 04 streams the short primary-colors answer
# with cURL (18 events, where the exercise answer takes 130), to keep the raw stream readable.
CURL = {**SEED, "single": "capital-of-france", "stream": "primary-colors"}
MAGICS = ("%%bash", "%%bash --no-raise-error")
KEY = "replay-test-key"
SYSTEM = {"role": "system", "content": "You are a helpful assistant."}

pytestmark = pytest.mark.timeout(120)


def need(tool: str) -> None:
    """Skip when a program the lesson runs is missing; under CI=true, fail instead."""
    if tool == "node_modules":
        found, what = (JS / "node_modules").is_dir(), "the JavaScript packages (npm ci --prefix js)"
    else:
        found, what = shutil.which(tool) is not None, tool
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed; under CI=true a missing tool is a failure, not a skip")
    pytest.skip(f"{what} is not installed")


def environment(url: str, model: str = DEFAULT_MODEL) -> dict:
    """The variables lesson 04's setup cell gives curl and node: the endpoint, a key, the model (cfg.model,
    in replay by default the quick start's Phi-3-small-8k-instruct) and the js/ folder."""
    return {**os.environ, "ENDPOINT": url, "TOKEN": KEY, "MODEL": model, "JS": str(JS)}


def bash(command: str, url: str, model: str = DEFAULT_MODEL) -> subprocess.CompletedProcess:
    """Run a command as a lesson 04 %%bash cell does: bash, the notebook's folder, ENDPOINT, TOKEN, MODEL, JS set."""
    return subprocess.run(
        ["bash"],
        input=command,
        cwd=NOTEBOOK.parent,
        env=environment(url, model),
        capture_output=True,
        text=True,
        timeout=60,
    )


def bash_cells() -> list[tuple[str, str, str]]:
    """Lesson 04's %%bash cells: (magic line, command, committed stdout). Solutions to its exercises are left
    out: some fail on purpose, and nbval checks their output."""
    found = []
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        solution = "solution" in cell.metadata.get("tags", [])
        if cell.cell_type == "code" and cell.source.startswith("%%bash") and not solution:
            magic, _, command = cell.source.partition("\n")
            stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
            found.append((magic, command, stdout))
    return found


def cells_running(program: str) -> list[tuple[str, str]]:
    return [(command, stdout) for _, command, stdout in bash_cells() if command.startswith(program + " ")]


def curl_command(call: str) -> str:
    """The notebook's cURL command for one call: the stream is the one with -N, the conversation has 4 messages."""
    for command, _ in cells_running("curl"):
        body = sent_body(command)
        if (call == "stream") == bool(body.get("stream")) and (call == "multi-turn") == (
            len(body["messages"]) == 4
        ):
            return command
    raise AssertionError(f"lesson 04 has no cURL cell for the {call} call")


def sent_body(command: str, model: str = DEFAULT_MODEL) -> dict:
    """The JSON a cURL command sends from its here-document (--data-binary @- <<EOF ... EOF), with $MODEL filled in
    as bash fills it in; the model must come from $MODEL, nothing else from the environment."""
    document = re.fullmatch(r".*\n    --data-binary @- <<EOF\n(.*)\nEOF\n?", command, re.S)[1]
    assert '"model": "$MODEL"' in document and document.count("$") == 1, document
    return json.loads(document.replace("$MODEL", model))


def sse_events(text: str) -> list:
    """The data of each server-sent event in a stream's text: parsed JSON, or the string [DONE]."""
    assert text.endswith("\n\n"), text[-80:]
    events = []
    for block in text[:-2].split("\n\n"):
        assert block.startswith("data: ") and "\n" not in block, block[:80]
        data = block.removeprefix("data: ")
        events.append(data if data == "[DONE]" else json.loads(data))
    return events


def chunks_of(events: list) -> list[dict]:
    return [event["data"] for event in events if isinstance(event["data"], dict)]


@pytest.fixture
def url(shipped_server) -> str:
    return shipped_server.url


# Each client, each call


@pytest.mark.parametrize("call", CALLS)
def test_the_python_sdk_gets_the_recorded_answer(sdk, ask_sdk, expected, url, call):
    with sdk(url) as client:
        answer, _ = ask_sdk(client, SEED[call])
    assert answer == expected(SEED[call])


def openai_request(call: str) -> dict:
    """Lesson 04's OpenAI SDK calls, as keyword arguments of chat.completions.create."""
    question = {"role": "user", "content": "What is the capital of France?"}
    if call == "single":
        return dict(messages=[SYSTEM, question], temperature=1.0, max_tokens=1000, top_p=1.0)
    if call == "multi-turn":
        paris = {"role": "assistant", "content": "The capital of France is Paris."}
        return dict(messages=[SYSTEM, question, paris, {"role": "user", "content": "What about Spain?"}])
    exercise = {"role": "user", "content": "Give me 5 good reasons why I should exercise every day."}
    return dict(messages=[SYSTEM, exercise], stream=True)


@pytest.mark.parametrize("call", CALLS)
def test_the_openai_sdk_gets_the_recorded_answer(expected, shipped, url, model, call):
    with OpenAI(base_url=url, api_key=KEY, max_retries=0) as client:
        response = client.chat.completions.create(model=model, **openai_request(call))
        if call != "stream":
            choice = response.choices[0]
            assert (choice.message.content, choice.finish_reason) == (
                expected(SEED[call]).content,
                expected(SEED[call]).finish_reason,
            )
            assert response.usage.model_dump(exclude_none=True) == expected(SEED[call]).usage
            return
        chunks = list(response)
    recorded = chunks_of(shipped[SEED[call]]["response"]["events"])
    assert len(chunks) == len(recorded)  # every event but [DONE], the Azure first one included
    assert chunks[0].choices == [] and chunks[0].usage is None
    assert (
        chunks[-1].choices == []
        and chunks[-1].usage.total_tokens == expected(SEED[call]).usage["total_tokens"]
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    finish = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices][-1]
    assert (text, finish) == (expected(SEED[call]).content, expected(SEED[call]).finish_reason)


@pytest.mark.parametrize("call", CALLS)
def test_the_node_sample_prints_the_recorded_answer(expected, url, call):
    need("node")
    need("node_modules")
    result = subprocess.run(
        ["node", str(JS / SAMPLES[call])], env=environment(url), capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == expected(SEED[call]).content + "\n"


@pytest.mark.parametrize("call", CALLS)
def test_the_curl_command_gets_the_recorded_response_byte_for_byte(shipped, url, call):
    need("curl")
    command, cassette = curl_command(call), shipped[CURL[call]]
    assert sent_body(command) == cassette["request"]["body"]  # the quick start's body, key order aside
    result = bash(command, url)
    assert (result.returncode, result.stderr) == (0, "")
    if call == "stream":
        assert sse_events(result.stdout) == [event["data"] for event in cassette["response"]["events"]]
    else:
        assert json.loads(result.stdout) == cassette["response"]["body"]


# What lesson 04 shows is what runs


def test_the_lesson_shows_and_runs_every_javascript_sample():
    shown = {re.fullmatch(r"cat \$JS/(\S+)\n?", c)[1]: out for c, out in cells_running("cat")}
    run = [re.fullmatch(r"node \$JS/(\S+)\n?", c)[1] for c, _ in cells_running("node")]
    assert sorted(shown) == sorted(run) == sorted(path.name for path in JS.glob("*.mjs"))
    for name, output in shown.items():
        assert output == (JS / name).read_text("utf-8"), f"lesson 04 shows an old copy of js/{name}"


def test_every_shell_cell_prints_its_committed_output_when_run_as_shown(url):
    cells = bash_cells()
    assert {magic for magic, _, _ in cells} <= set(MAGICS)
    assert len(cells_running("curl")) == 3 and len(cells_running("node")) == 3
    for _, command, committed in cells:
        need(command.split()[0])
        if command.startswith("node "):
            need("node_modules")
        result = bash(command, url)
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == committed, (
            f"the output of {command.splitlines()[0]!r} is not the committed one"
        )


def test_the_lesson_never_overwrites_github_token():
    sources = [
        cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells if cell.cell_type == "code"
    ]
    assert not [
        source for source in sources if re.search(r"GITHUB_TOKEN['\"]?\]?\s*=|export GITHUB_TOKEN", source)
    ]


# What each client puts on the wire (the facts lesson 04's table states)


@pytest.fixture
def service():
    fake = FakeService()
    yield fake
    fake.stop()


def sent(service) -> dict:
    (request,) = service.requests
    return {**request, "headers": {k.lower(): v for k, v in request["headers"].items()}}


def test_the_javascript_client_sends_1_for_1_dot_both_key_headers_and_the_api_version(service, shipped):
    need("node")
    need("node_modules")
    result = subprocess.run(
        ["node", str(JS / "single-call.mjs")],
        env=environment(service.url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    request = sent(service)
    assert request["body"] == shipped["single-call"]["request"]["body"]
    assert type(request["body"]["temperature"]) is int  # JSON 1, where Python's SDK sends 1.0
    assert request["headers"]["authorization"] == f"Bearer {KEY}" and request["headers"]["api-key"] == KEY
    assert request["path"] == "/chat/completions?api-version=2024-05-01-preview"


def test_the_openai_sdk_sends_only_what_it_is_given_and_one_key_header(service, model):
    with OpenAI(base_url=service.url, api_key=KEY, max_retries=0) as client:
        list(client.chat.completions.create(model=model, **openai_request("stream")))
    request = sent(service)
    assert request["body"] == {"model": model, **openai_request("stream")}  # no stream_options, nothing else
    assert request["headers"]["authorization"] == f"Bearer {KEY}" and "api-key" not in request["headers"]
    assert request["path"] == "/chat/completions"


def test_the_lesson_s_openai_settings_for_a_foundry_models_endpoint_send_api_key_and_api_version(
    service, monkeypatch
):
    """Step 5's advice for an Azure AI Foundry /models endpoint, run as the lesson prints it (against a fake)."""
    (cell,) = [
        c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.get("id") == "foundry-models"
    ]
    (snippet,) = re.findall(r"```python\n(.*?)```", cell, re.DOTALL)
    foundry = "https://<resource>.services.ai.azure.com/models"
    assert foundry in snippet
    monkeypatch.setenv("GITHUB_TOKEN", KEY)
    namespace = {"os": os, "OpenAI": OpenAI}
    exec(snippet.replace(foundry, service.url), namespace)
    with namespace["client"] as client:
        client.chat.completions.create(model=DEFAULT_MODEL, **openai_request("single"))
    request = sent(service)
    assert request["headers"]["api-key"] == KEY and request["headers"]["authorization"] == f"Bearer {KEY}"
    assert request["path"] == "/chat/completions?api-version=2024-05-01-preview"


def test_curl_sends_the_command_s_body_and_header_only(service):
    need("curl")
    command = curl_command("single")
    assert bash(command, service.url).returncode == 0
    request = sent(service)
    assert request["body"] == sent_body(command)
    assert request["headers"]["authorization"] == f"Bearer {KEY}" and "api-key" not in request["headers"]
    assert request["path"] == "/chat/completions"


def test_the_setup_cell_exports_what_curl_and_node_read():
    setup = next(c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code")
    (update,) = [
        node
        for node in ast.walk(ast.parse(setup.source))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "os.environ.update"
    ]
    exported = {keyword.arg: ast.unparse(keyword.value) for keyword in update.keywords}
    assert exported == {
        "ENDPOINT": "cfg.endpoint",
        "TOKEN": "cfg.token",
        "MODEL": "cfg.model",
        "JS": "str(JS)",
    }


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("client", ["curl", "node"])
def test_curl_and_node_ask_the_model_the_setup_cell_exports(service, client, call):
    """Local mode's Phi-3 mini (or any model set in GITHUB_MODELS_MODEL) answers lesson 04's cURL and Node."""
    need(client)
    mini = "Phi-3-mini-4k-instruct"
    if client == "curl":
        result = bash(curl_command(call), service.url, mini)
    else:
        need("node_modules")
        env = environment(service.url, mini)
        result = subprocess.run(["node", str(JS / SAMPLES[call])], env=env, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    body = sent(service)["body"]
    assert body["model"] == mini
    if client == "curl":
        assert body == sent_body(curl_command(call), mini)


def test_without_model_the_node_samples_ask_the_quick_start_s_model(service):
    need("node")
    need("node_modules")
    env = {k: v for k, v in environment(service.url).items() if k != "MODEL"}
    for sample in SAMPLES.values():
        result = subprocess.run(
            ["node", str(JS / sample)], env=env, capture_output=True, text=True, timeout=60
        )
        assert (result.returncode, result.stderr) == (0, "")
    assert [request["body"]["model"] for request in service.requests] == ["Phi-3-small-8k-instruct"] * 3


# Without the tools


def test_without_curl_and_node_the_lesson_says_so_in_one_line_and_goes_on(tmp_path, monkeypatch):
    need("bash")
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    for tool in ("bash", "cat"):
        (bin_folder / tool).symlink_to(shutil.which(tool))
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    setup = cells[0]
    shell = [
        c for c in cells if c.source.startswith("%%bash") and re.search(r"^(curl|node) ", c.source, re.M)
    ]
    notebook = nbformat.v4.new_notebook(cells=[setup, *shell])
    monkeypatch.setenv("PATH", str(bin_folder))  # the kernel inherits it; Python itself is found by its path
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute(cwd=str(NOTEBOOK.parent))
    outputs = ["".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells]
    assert outputs[0].splitlines()[1].startswith("Not installed: curl, node")
    for cell, output in zip(notebook.cells[1:], outputs[1:], strict=True):
        assert all(o.output_type == "stream" for o in cell.outputs), cell.source
        assert len(output.splitlines()) == 1 and "command not found" in output, output


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_tool_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome):
        need("no-such-tool-for-lesson-04")
