"""Shared fixtures: replay servers on loopback, raw HTTP requests, tmp cassettes and the seed samples.

The root conftest.py puts every test, and every nbval kernel, in replay mode at speed 0.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import AssistantMessage, SystemMessage, UserMessage
from azure.core.credentials import AzureKeyCredential
from browser import launched_chromium, served
from filelock import FileLock

from helpers.cassette import Library
from helpers.replay import DEFAULT_CASSETTES, start_in_thread

ROOT = Path(__file__).resolve().parent.parent
MODEL = "Phi-3-small-8k-instruct"
SYSTEM = "You are a helpful assistant."
FRANCE = "What is the capital of France?"
EXERCISE = "Give me 5 good reasons why I should exercise every day."


def seed_request(name: str) -> dict:
    """The keyword arguments of ``client.complete`` in the seed sample that the cassette `name` answers."""
    if name == "single-call":
        messages = [SystemMessage(SYSTEM), UserMessage(FRANCE)]
        return dict(messages=messages, temperature=1.0, max_tokens=1000, top_p=1.0, model=MODEL)
    if name == "multi-turn":
        messages = [
            SystemMessage(SYSTEM),
            UserMessage(FRANCE),
            AssistantMessage("The capital of France is Paris."),
            UserMessage("What about Spain?"),
        ]
        return dict(messages=messages, model=MODEL)
    assert name == "streaming-exercise"
    return dict(messages=[SystemMessage(SYSTEM), UserMessage(EXERCISE)], stream=True, model=MODEL)


@dataclass
class Answer:
    """What a chat completion says, from a cassette file or from the SDK."""

    content: str
    finish_reason: str
    usage: dict


def answer_in(cassette: dict) -> Answer:
    """The answer a cassette file holds (streamed pieces joined)."""
    response = cassette["response"]
    if "events" not in response:
        choice = response["body"]["choices"][0]
        return Answer(choice["message"]["content"], choice["finish_reason"], response["body"]["usage"])
    chunks = [event["data"] for event in response["events"] if isinstance(event["data"], dict)]
    choices = [chunk["choices"][0] for chunk in chunks if chunk["choices"]]
    return Answer(
        "".join(choice["delta"].get("content") or "" for choice in choices),
        [choice["finish_reason"] for choice in choices if choice.get("finish_reason")][-1],
        [chunk["usage"] for chunk in chunks if chunk.get("usage")][-1],
    )


def ask(client: ChatCompletionsClient, name: str) -> tuple[Answer, list]:
    """Make seed sample `name` through the SDK; the answer and, for a stream, every update the SDK yields."""
    response = client.complete(**seed_request(name))
    if name != "streaming-exercise":
        choice = response.choices[0]
        return Answer(choice.message.content, choice.finish_reason, dict(response.usage)), []
    updates = list(response)
    choices = [update.choices[0] for update in updates if update.choices]
    usage = [dict(update.usage) for update in updates if update.usage]
    finish = [choice.finish_reason for choice in choices if choice.finish_reason]
    content = "".join(choice.delta.content or "" for choice in choices)
    return Answer(content, finish[-1] if finish else None, usage[-1] if usage else None), updates


@pytest.fixture
def model() -> str:
    """The seed samples' model, the lessons' default."""
    return MODEL


@pytest.fixture
def root() -> Path:
    """The project folder."""
    return ROOT


@pytest.fixture
def shipped() -> dict[str, dict]:
    """The shipped cassette files, freshly read (tests may change their copy)."""
    return {path.stem: json.loads(path.read_text("utf-8")) for path in DEFAULT_CASSETTES.glob("*.json")}


@pytest.fixture
def expected(shipped):
    """The answer the shipped cassette `name` holds."""
    return lambda name: answer_in(shipped[name])


@pytest.fixture
def ask_sdk():
    return ask


@pytest.fixture
def sdk():
    """A ChatCompletionsClient built as the seed builds it, for a replay URL."""
    return lambda url, key="replay-test-key": ChatCompletionsClient(
        endpoint=url, credential=AzureKeyCredential(key)
    )


@pytest.fixture
def serve():
    """Start replay servers (cassette folder, speed) in threads; all are shut down after the test. A `library` or a
    `forwarder` (record or local mode) can stand in for the folder."""
    servers = []

    def start(folder: Path = DEFAULT_CASSETTES, speed: float = 0.0, *, library=None, forwarder=None):
        if library is None and forwarder is None:
            library = Library.load(folder)
        servers.append(start_in_thread(library, speed, forwarder))
        return servers[-1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def shipped_server():
    """One replay server on the shipped cassettes at speed 0, shared by the whole run."""
    server = start_in_thread(Library.load(DEFAULT_CASSETTES), 0)
    yield server
    server.shutdown()
    server.server_close()


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def send(url: str, path: str, body=b"", *, method="POST", headers=None, length=True) -> Reply:
    """One raw HTTP request with http.client; a dict body is sent as JSON, bytes as they are."""
    if isinstance(body, dict | list):
        body = json.dumps(body).encode()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            connection.putheader(name, value)
        if length:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body if body else None)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture
def post():
    return send


@pytest.fixture
def replay_env(monkeypatch):
    """Replay at speed 0 with every other setting unset; returns monkeypatch to change them."""
    for name in ("GITHUB_MODELS_ENDPOINT", "GITHUB_MODELS_MODEL", "GITHUB_MODELS_CASSETTES", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_MODELS_MODE", "replay")
    monkeypatch.setenv("GITHUB_MODELS_REPLAY_SPEED", "0")
    return monkeypatch


@pytest.fixture
def planted_token() -> str:
    """A key-like value made at run time, to check that it never shows."""
    return "planted-" + os.urandom(12).hex()


@pytest.fixture
def cassette_dir(tmp_path) -> Path:
    folder = tmp_path / "cassettes"
    folder.mkdir()
    return folder


@pytest.fixture
def write_cassette(cassette_dir):
    """Write a cassette file into cassette_dir: a small one asking `name`, or the given data or text."""

    def write(name: str, data: dict | None = None, *, text=None, response=None, kind="synthetic") -> Path:
        if data is None:
            body = {"messages": [{"role": "user", "content": name}], "model": MODEL}
            data = {
                "provenance": {"kind": kind},
                "request": {"method": "POST", "route": "/chat/completions", "body": body},
                "response": response or {"status": 200, "headers": {}, "body": {"answer": name}},
            }
        path = cassette_dir / f"{name}.json"
        path.write_text(text if text is not None else json.dumps(data, indent=2), encoding="utf-8")
        return path

    return write


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


COMMAND = [sys.executable, "-m", "helpers.replay"]


def environment(root, **settings):
    """This process's environment for a replay subprocess, with settings added."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_MODELS_CASSETTES", "PYTHONPATH")}
    return {**env, "PYTHONPATH": str(root), **settings}


@pytest.fixture
def cli(root):
    """Start the command line; returns (process, its first stdout line)."""
    processes = []

    def start(*args, cwd=root, **settings):
        process = subprocess.Popen(
            [*COMMAND, "--port", "0", *args],
            cwd=cwd,
            env=environment(root, **settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        return process, process.stdout.readline()

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.fixture
def run(root):
    """Run the command line to its end (for the failures that stop it at start)."""
    return lambda *args, **settings: subprocess.run(
        [*COMMAND, *args],
        cwd=root,
        env=environment(root, **settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def subprocess_env(root):
    """The environment for a subprocess of this project, with settings added."""
    return lambda **settings: environment(root, **settings)


def shared_folder(tmp_path_factory) -> Path:
    """The run's own temporary folder, which every pytest-xdist worker of the run shares."""
    folder = tmp_path_factory.getbasetemp()
    return folder.parent if os.environ.get("PYTEST_XDIST_WORKER") else folder


@pytest.fixture(scope="session")
def once_per_run(tmp_path_factory):
    """once_per_run(name, make) is the folder `name` in the run's shared folder, made by make(folder) unless a
    process of the run made it already (a lock makes the others wait for a make under way). make must leave an
    index.html in it only on success: after a failure the next caller tries again."""
    # The run's temporary folder now, in this thread: made first in site_in_the_background's thread, it raced a
    # test's tmp_path in this one (pytest empties a worker's folder when it first makes it), and that test's folder
    # vanished under it.
    shared_folder(tmp_path_factory)

    def made(name: str, make) -> Path:
        folder = shared_folder(tmp_path_factory) / name
        with FileLock(folder.with_name(name + ".lock")):
            if not (folder / "index.html").is_file():
                make(folder)
        return folder

    return made


def build_site(folder: Path, **output) -> None:
    """make site into `folder`."""
    command = [sys.executable, str(ROOT / "scripts/build_site.py"), "--out", str(folder)]
    subprocess.run(command, check=True, cwd=ROOT, **output)


@pytest.fixture(scope="session", autouse=True)
def site_in_the_background(request, once_per_run):
    """The site takes the longest to make: if the run has tests that need it, one process of the run (the first
    worker, or the only one) starts building it in a background thread as the first test starts."""
    wanted = any("built_site" in getattr(item, "fixturenames", ()) for item in request.session.items)
    if wanted and os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0":
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # built_site shows a failure again
        make = functools.partial(build_site, **quiet)
        threading.Thread(target=once_per_run, args=("site", make), daemon=True).start()


@pytest.fixture(scope="session")
def built_site(once_per_run) -> Path:
    """The site (make site), built once per run and shared by every worker: it waits for the background build."""
    return once_per_run("site", build_site)


@pytest.fixture(scope="module")
def site(built_site):
    """The built site served on loopback; yields its base URL."""
    with served(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as launched:
        yield launched
