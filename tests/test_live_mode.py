"""Live mode for real: every lesson runs unchanged against a compatible service, and failures explain themselves.

The service is tests/fake_service.py on loopback; its answers differ from every recording, so a lesson that
leaned on recorded text would fail here.
"""

from pathlib import Path

import nbformat
import pytest
from fake_service import FakeService
from nbclient import NotebookClient

from helpers import check

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
OFFLINE = "set GITHUB_MODELS_MODE=replay to continue offline"
WRONG_KEY_LESSON_05_SENDS_ON_PURPOSE = "not-a-real-key"
DIRECT_SDK_CALL = """
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import AzureKeyCredential

client = ChatCompletionsClient(endpoint=cfg.endpoint, credential=AzureKeyCredential(cfg.token))
client.complete(messages=[UserMessage(content="Hello")], model=cfg.model)
"""


@pytest.fixture
def live(monkeypatch, planted_token):
    """Live mode against a fake service; returns a function that starts it (optionally failing)."""
    services = []

    def start(fail_with=None, endpoint=None):
        services.append(FakeService(fail_with))
        monkeypatch.setenv("GITHUB_MODELS_MODE", "live")
        monkeypatch.setenv("GITHUB_TOKEN", planted_token)
        monkeypatch.setenv("GITHUB_MODELS_ENDPOINT", endpoint or services[-1].url)
        monkeypatch.delenv("GITHUB_MODELS_MODEL", raising=False)
        return services[-1]

    yield start
    for service in services:
        service.stop()


def execute(notebook, cwd: Path, allow_errors=False):
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=allow_errors)
    client.execute(cwd=str(cwd))
    return [
        "".join(
            o.get("text", "") + str(o.get("data", "")) + "".join(o.get("traceback", [])) for o in c.outputs
        )
        for c in notebook.cells
        if c.cell_type == "code"
    ]


def key_sent(request: dict) -> str:
    """The key a request carried: as Authorization: Bearer, and also as api-key from the Azure SDKs (Python and
    JavaScript); curl (as lesson 04 writes it) and the OpenAI SDK send only Authorization."""
    headers = {name.lower(): value for name, value in request["headers"].items()}
    key = headers["authorization"].removeprefix("Bearer ")
    assert headers.get("api-key", key) == key, "api-key and Authorization carry different keys"
    return key


def direct_sdk_call_output(folder: Path) -> str:
    """Everything a learner sees under a cell that calls the SDK directly, after the usual setup cell."""
    cells = [
        nbformat.v4.new_code_cell(source)
        for source in ("import helpers\ncfg = helpers.settings()", DIRECT_SDK_CALL)
    ]
    return execute(nbformat.v4.new_notebook(cells=cells), folder, allow_errors=True)[1]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_every_lesson_runs_live_and_sends_the_key(live, planted_token, path):
    service = live()
    outputs = execute(nbformat.read(path, as_version=4), path.parent)
    assert outputs[0].startswith("Mode: live") and "synthetic" not in outputs[0]
    assert service.requests, "the lesson made no request to the live service"
    assert "Live answer number" in "".join(outputs)
    keys = {key_sent(request) for request in service.requests}
    assert planted_token in keys and keys <= {planted_token, WRONG_KEY_LESSON_05_SENDS_ON_PURPOSE}
    assert planted_token not in "".join(outputs)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "status, cause",
    [(401, "refused the key in GITHUB_TOKEN"), (404, "does not know model"), (410, "is retired")],
)
def test_a_direct_sdk_call_that_fails_live_is_explained_under_its_traceback(live, tmp_path, status, cause):
    live(fail_with=status)
    output = direct_sdk_call_output(tmp_path)
    assert (
        "HttpResponseError" in output
        or "ClientAuthenticationError" in output
        or "ResourceNotFoundError" in output
    )
    assert cause in output and OFFLINE in output


@pytest.mark.timeout(120)
def test_an_unreachable_host_is_explained_under_its_traceback(live, tmp_path, closed_port_url):
    live(endpoint=closed_port_url)
    output = direct_sdk_call_output(tmp_path)
    assert "ServiceRequestError" in output
    assert "Cannot reach 127.0.0.1" in output and OFFLINE in output


@pytest.mark.parametrize(
    "status, cause",
    [
        (401, "refused the key"),
        (404, "does not know model"),
        (410, "is retired"),
        (429, "Wait a minute before"),
    ],
)
def test_check_explains_each_live_failure(live, capsys, status, cause):
    live(fail_with=status)
    check()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Mode: live") and lines[1].startswith("✗") and cause in lines[1]
    assert OFFLINE in lines[1]


def test_check_reports_a_working_live_endpoint(live, capsys):
    service = live()
    check()
    assert (
        capsys.readouterr().out.splitlines()[1] == "✓ The endpoint answers: Phi-3-small-8k-instruct said "
        '"Live answer number 1 from the fake service.".'
    )
    assert service.requests[0]["body"]["max_tokens"] == 5
