"""Local mode (GITHUB_MODELS_MODE=local): the kernel's server forwards to Ollama, here tests/fake_ollama.py.

No real Ollama or model weights can be fetched here; the fake is written from Ollama's source. An opt-in test
at the end runs against a real Ollama when one answers at OLLAMA_HOST (RUN_REAL_OLLAMA=1).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from azure.ai.inference.models import UserMessage
from azure.core.exceptions import HttpResponseError
from fake_ollama import FakeOllama
from test_live_mode import direct_sdk_call_output, execute

from helpers import ChatBox, SettingsError, check, client, explain, runnable, settings
from helpers.local import ollama_url, pulled_tags
from helpers.models import MODELS

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
LONG_PROMPT = "All work and no play makes Jack a dull boy. " * 900
SETTINGS = (
    "GITHUB_MODELS_MODEL",
    "GITHUB_MODELS_CASSETTES",
    "GITHUB_MODELS_RECORD_LOCAL",
    "OLLAMA_CONTEXT_LENGTH",
)


@pytest.fixture
def local(monkeypatch, planted_token):
    """Local mode against a fake Ollama (keyword arguments as FakeOllama's); GITHUB_TOKEN holds a planted key."""
    servers = []

    def start(**options) -> FakeOllama:
        servers.append(FakeOllama(**options))
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("GITHUB_MODELS_MODE", "local")
        monkeypatch.setenv("OLLAMA_HOST", servers[-1].url)
        monkeypatch.setenv("GITHUB_TOKEN", planted_token)
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def ask(cfg, model=None, question="What is the capital of France?", **options):
    with client(cfg) as chat:
        return chat.complete(messages=[UserMessage(content=question)], model=model or cfg.model, **options)


def failure(cfg, **request) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as error:
        ask(cfg, **request)
    return error.value


def test_the_setup_line_names_local_ollama_the_model_and_its_tag(local, capsys):
    ollama = local()
    cfg = settings()
    assert capsys.readouterr().out.splitlines() == [
        f"Mode: local (Ollama at {ollama.host}) · Phi-3-mini-4k-instruct (Ollama tag phi3:mini)"
    ]
    assert cfg.mode == "local" and cfg.model == "Phi-3-mini-4k-instruct"


def test_answers_come_from_ollama_under_the_tag_and_no_key_is_sent(local, capsys, planted_token):
    ollama = local()
    response = ask(settings())
    assert response.choices[0].message.content == "Fake phi3:mini answer to: What is the capital of France?"
    assert ollama.last.path == "/v1/chat/completions" and ollama.last.model == "phi3:mini"
    headers = json.dumps([request.headers for request in ollama.requests])
    assert "authorization" not in headers and "api-key" not in headers and planted_token not in headers


def test_a_stream_asks_for_usage_so_the_last_update_carries_it(local, capsys):
    ollama = local()
    updates = list(ask(settings(), stream=True))
    assert ollama.last.stream_options == {"include_usage": True}
    assert updates[-1].usage.completion_tokens == len("Fake phi3:mini answer to: What".split()) + 5


@pytest.mark.parametrize("model", ["Phi-3-small-8k-instruct", "Phi-3-small-128k-instruct"])
def test_phi3_small_has_no_local_build(local, capsys, monkeypatch, model):
    ollama = local()
    error = failure(settings(), model=model)
    assert error.status_code == 404 and "no local build" in error.error.message
    assert "Phi-3-mini-4k-instruct (phi3:mini)" in explain(error, settings())
    assert not ollama.chats, "nothing to ask Ollama"
    monkeypatch.setenv("GITHUB_MODELS_MODEL", model)
    with pytest.raises(SettingsError, match="no local build"):
        settings()


@pytest.mark.parametrize("version", ["0.11.10", "0.12.3", "0.32.15"])
def test_a_model_not_pulled_says_how_to_pull_it_and_its_size(local, capsys, version):
    local(version=version)
    error = failure(settings(), model="Phi-3-medium-4k-instruct")
    assert error.status_code == 404
    assert "`ollama pull phi3:medium` (about 7.9 GB)" in explain(error, settings())


def test_an_unknown_name_is_not_told_to_pull_a_lesson_model(local, capsys):
    local()
    message = explain(failure(settings(), model="Phi-3-large-instruct"), settings())
    assert "has no model 'Phi-3-large-instruct'. Check the name (`ollama list`" in message
    assert "Phi-3-mini-4k-instruct (phi3:mini)" in message


def test_the_setup_line_says_when_the_model_is_not_pulled(local, capsys, monkeypatch):
    local(pulled={"phi3:mini"})
    monkeypatch.setenv("GITHUB_MODELS_MODEL", "Phi-3-mini-128k-instruct")
    settings()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("· Phi-3-mini-128k-instruct (Ollama tag phi3:mini-128k)")
    assert lines[1].startswith("⚠") and "`ollama pull phi3:mini-128k` (about 2.2 GB)" in lines[1]


def test_ollama_not_running_is_explained_in_the_setup_line_check_and_errors(
    local, capsys, monkeypatch, closed_port_url
):
    local()
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url)
    cfg = settings()
    check(cfg)
    lines = capsys.readouterr().out.splitlines()
    assert "Ollama does not answer" in lines[1] and "ollama serve" in lines[1]
    assert lines[2].startswith("✗ Ollama does not answer") and "GITHUB_MODELS_MODE=replay" in lines[2]
    error = failure(cfg)
    assert error.status_code == 502 and "ollama serve" in explain(error, cfg)


def test_a_prompt_over_the_context_is_refused_with_what_to_do(local, capsys, monkeypatch):
    ollama = local(pulled={"phi3:mini", "phi3:mini-128k"})
    error = failure(settings(), question=LONG_PROMPT)
    assert error.status_code == 413 and "silently drop" in error.error.message
    assert "OLLAMA_CONTEXT_LENGTH" in explain(error, settings()) and not ollama.chats
    monkeypatch.setenv("OLLAMA_CONTEXT_LENGTH", "32768")
    ollama.context_length = 32768
    answer = ask(settings(), model="Phi-3-mini-128k-instruct", question=LONG_PROMPT)
    assert answer.usage.prompt_tokens > 4096 and not ollama.last.prompt["truncated"]


@pytest.mark.timeout(120)
def test_a_direct_sdk_call_for_a_model_not_pulled_is_explained_under_its_traceback(local, tmp_path):
    local(pulled=set())
    output = direct_sdk_call_output(tmp_path)
    assert "ResourceNotFoundError" in output and "What to do:" in output
    assert "`ollama pull phi3:mini`" in output


def test_ollama_host_accepts_what_ollama_accepts(local, capsys, monkeypatch):
    ollama = local()
    monkeypatch.setenv("OLLAMA_HOST", ollama.host)  # host:port, no scheme
    assert ask(settings()).choices[0].message.content.startswith("Fake phi3:mini")
    assert ollama_url() == ollama.url and "phi3:mini" in pulled_tags(ollama_url())


@pytest.mark.timeout(240)
@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_every_lesson_runs_in_local_mode_with_only_phi3_mini_pulled(local, planted_token, path):
    # lesson 12 embeds too, and Ollama embeds only with an embedding model: it also needs embeddinggemma
    ollama = local(pulled={"phi3:mini", "embeddinggemma"} if path.name.startswith("12-") else {"phi3:mini"})
    outputs = execute(nbformat.read(path, as_version=4), path.parent)
    assert outputs[0].startswith("Mode: local") and "⚠" not in outputs[0]
    assert ollama.chats, "the lesson asked Ollama nothing"
    assert "Fake phi3:mini answer to:" in "".join(outputs)
    assert planted_token not in json.dumps([request.headers for request in ollama.requests])


@pytest.mark.skipif(
    os.environ.get("RUN_REAL_OLLAMA") != "1", reason="opt-in: RUN_REAL_OLLAMA=1 with Ollama and phi3:mini"
)
def test_a_real_ollama_answers_through_local_mode(monkeypatch, capsys):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_MODELS_MODE", "local")
    cfg = settings()
    assert "⚠" not in capsys.readouterr().out, "start Ollama and run ollama pull phi3:mini first"
    response = ask(cfg, question="Reply with the single word OK.", max_tokens=5)
    assert response.choices[0].message.content.strip() and response.usage.prompt_tokens > 0
    updates = list(ask(cfg, question="Name one primary colour.", stream=True, max_tokens=10))
    assert updates[-1].usage is not None and updates[-1].usage.completion_tokens > 0


def run_lesson(path: Path) -> tuple[str, list[str]]:
    """A lesson run now: its setup line, and its other outputs but its solutions' (some switch modes on
    purpose), with timings masked as tests/sanitize.cfg masks them and the mode's name (00 shows it) masked."""
    notebook = nbformat.read(path, as_version=4)
    outputs = execute(notebook, path.parent)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    kept = [
        out
        for out, cell in zip(outputs, code, strict=True)
        if "solution" not in cell.metadata.get("tags", [])
    ]
    masked = [re.sub(r"\d+\.\d+ s\b", "<seconds> s", output) for output in kept[1:]]
    return outputs[0], [re.sub(r"'(local|replay)'", "'<mode>'", output) for output in masked]


@pytest.mark.timeout(300)
def test_record_local_writes_real_recordings_that_replay_the_lessons_identically(
    local, planted_token, tmp_path, monkeypatch, root
):
    ollama = local(version="0.12.3")
    lessons = LESSONS[:4]
    local_run = [run_lesson(path)[1] for path in lessons]
    folder = tmp_path / "recordings"
    recorded = subprocess.run(
        [sys.executable, "scripts/run_notebooks.py", "--record-local", str(folder), *map(str, lessons)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert recorded.returncode == 0, recorded.stderr
    files = sorted(folder.glob("*.json"))
    assert files and all(planted_token not in path.read_text("utf-8") for path in files)
    for path in files:
        provenance = json.loads(path.read_text("utf-8"))["provenance"]
        assert provenance["kind"] == "recorded" and provenance["ollama_version"] == "0.12.3"
        assert provenance["ollama_tag"] == "phi3:mini" and provenance["model"] == "Phi-3-mini-4k-instruct"
    ollama.stop()
    monkeypatch.setenv("GITHUB_MODELS_MODE", "replay")
    monkeypatch.setenv("GITHUB_MODELS_CASSETTES", str(folder))
    monkeypatch.setenv("GITHUB_MODELS_MODEL", "Phi-3-mini-4k-instruct")
    for path, expected in zip(lessons, local_run, strict=True):
        setup_line, outputs = run_lesson(path)
        assert setup_line == "Mode: replay (recorded answers) · Phi-3-mini-4k-instruct\n"
        assert outputs == expected, path.name


@pytest.mark.timeout(240)
@pytest.mark.parametrize("path", LESSONS[1:4], ids=lambda path: path.name)
def test_other_openai_compatible_local_servers_work_in_live_mode(local, monkeypatch, path):
    """llama.cpp's llama-server and Foundry Local speak the same OpenAI format: live mode, endpoint .../v1."""
    server = local()
    monkeypatch.setenv("GITHUB_MODELS_MODE", "live")
    monkeypatch.setenv("GITHUB_MODELS_ENDPOINT", f"{server.url}/v1")
    monkeypatch.setenv("GITHUB_MODELS_MODEL", "phi3:mini")
    monkeypatch.setenv("GITHUB_TOKEN", "no-key-needed")
    outputs = execute(nbformat.read(path, as_version=4), path.parent)
    assert outputs[0].startswith(f"Mode: live · endpoint {server.url}/v1")
    assert "Fake phi3:mini answer to:" in "".join(outputs)


def pull(ollama_host: str, root: Path, **settings) -> subprocess.CompletedProcess:
    """What `make local-model` runs."""
    env = {**os.environ, "OLLAMA_HOST": ollama_host, **settings}
    return subprocess.run(
        [sys.executable, "-m", "helpers.pull"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )


def test_local_model_pulls_the_lessons_model_with_its_size(local, root):
    ollama = local(pulled=set())
    result = pull(ollama.url, root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Pulling phi3:mini into Ollama 0.32.15 at {ollama.host} (about 2.2 GB)")
    assert "phi3:mini is ready" in result.stdout and result.stderr == ""
    assert "phi3:mini" in ollama.pulled_tags()


@pytest.mark.parametrize(
    ("model", "says"),
    [("Phi-3-small-8k-instruct", "no local build"), ("nosuch:model", "could not pull nosuch:model")],
)
def test_local_model_explains_what_it_cannot_pull(local, root, model, says):
    result = pull(local(pulled=set()).url, root, GITHUB_MODELS_MODEL=model)
    assert result.returncode == 1 and says in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_local_model_says_how_to_start_ollama(root, closed_port_url):
    result = pull(closed_port_url, root)
    assert result.returncode == 1 and result.stdout.startswith("Ollama does not answer")
    assert "ollama serve" in result.stdout and "Traceback" not in result.stderr


def test_a_comparison_in_local_mode_asks_only_the_pulled_models(local, capsys):
    local(pulled={"phi3:mini", "phi3:medium-128k"})
    usable, skipped = runnable(MODELS, settings())
    assert usable == ["Phi-3-mini-4k-instruct", "Phi-3-medium-128k-instruct"]
    assert skipped == {
        "Phi-3-mini-128k-instruct": "not pulled (ollama pull phi3:mini-128k, about 2.2 GB)",
        "Phi-3-small-8k-instruct": "no local build",
        "Phi-3-small-128k-instruct": "no local build",
        "Phi-3-medium-4k-instruct": "not pulled (ollama pull phi3:medium, about 7.9 GB)",
    }


@pytest.mark.parametrize(("pulled", "says"), [(set(), "Nothing to compare"), (None, "does not answer")])
def test_a_comparison_with_nothing_to_ask_says_what_to_do(
    local, capsys, monkeypatch, closed_port_url, pulled, says
):
    local(pulled=pulled or set())
    if pulled is None:
        monkeypatch.setenv("OLLAMA_HOST", closed_port_url)
    with pytest.raises(SettingsError, match=says):
        runnable(MODELS, settings())


def test_replay_compares_every_model(replay_env, capsys):
    assert runnable(MODELS, settings()) == (list(MODELS), {})


def test_the_chat_box_explains_a_model_not_pulled_and_shows_streamed_usage(local, capsys):
    local(pulled={"phi3:mini"})
    box = ChatBox(settings())
    try:
        box.question.value = "Hello there"
        box.send.click()
        assert box.usage.value.startswith("Tokens: ") and box.history[-1].content.startswith("Fake phi3:mini")
        box.model.value = "Phi-3-medium-4k-instruct"
        box.question.value = "Hello again"
        box.send.click()
        assert "ollama pull phi3:medium" in box.status.value
    finally:
        box.close()


LESSON_04 = ROOT / "notebooks" / "04-rest-and-javascript.ipynb"


def answer_text(output: str) -> str:
    """The answer in a cURL or Node cell's output: a JSON body's message, a stream's deltas joined, or the text
    (an error body as it is, for the assertion to show)."""
    try:
        if output.startswith("data: "):
            events = [json.loads(line[6:]) for line in output.splitlines() if line.startswith("data: {")]
            return "".join(e["choices"][0]["delta"].get("content") or "" for e in events if e["choices"])
        if output.startswith("{"):
            return json.loads(output)["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError, ValueError):
        return output
    return output.removesuffix("\n")


@pytest.mark.timeout(240)
def test_lesson_04_s_curl_and_javascript_cells_get_phi3_mini_s_answers(local):
    ollama = local(pulled={"phi3:mini"})
    notebook = nbformat.read(LESSON_04, as_version=4)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    outputs = execute(notebook, LESSON_04.parent)
    clients = [
        (source.splitlines()[1].split()[0], output)
        for source, output in zip(sources, outputs, strict=True)
        if re.match(r"%%bash.*\n(curl|node) ", source)
    ]
    questions = ["What is the capital of France?", "What about Spain?"]
    assert [(program, answer_text(output)) for program, output in clients] == [
        (program, f"Fake phi3:mini answer to: {question}")
        for program, question in [
            *(("curl", q) for q in [*questions, "Name the three primary colors."]),
            *(("node", q) for q in [*questions, "Give me 5 good reasons why I should exercise every day."]),
        ]
    ]
    assert "no_local_build" not in "".join(outputs)
    assert {chat.model for chat in ollama.chats} == {"phi3:mini"}
