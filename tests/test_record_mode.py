"""Record mode: forwards with the client's key, saves every exchange without a credential, replays it back."""

import json
import subprocess
import sys

import pytest
from azure.core.exceptions import HttpResponseError
from fake_service import FakeService
from test_no_secrets import scan

from helpers import client, settings
from helpers.cassette import request_key

SEEDS = ("single-call", "multi-turn", "streaming-exercise")
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def fake():
    services = []

    def start(fail_with=None):
        services.append(FakeService(fail_with))
        return services[-1]

    yield start
    for service in services:
        service.stop()


@pytest.fixture
def recorder(cli, tmp_path):
    """Start `python -m helpers.replay --record` into tmp_path/recorded; returns (process, url)."""

    def start(upstream: str):
        process, line = cli("--record", "--upstream", upstream, "--cassettes", str(tmp_path / "recorded"))
        assert line.startswith("http://127.0.0.1:"), process.stderr.read()
        return process, line.strip()

    return start


def ask_failing(sdk, url, planted_token):
    with pytest.raises(HttpResponseError) as error:
        sdk(url, planted_token).complete(
            messages=[{"role": "user", "content": "Hello"}], model="no-such-model"
        )
    return error.value


def test_recording_saves_every_exchange_and_no_credential(
    fake, recorder, sdk, ask_sdk, planted_token, tmp_path
):
    service, failing = fake(), fake(fail_with=404)
    live_answers = {name: ask_sdk(sdk(recorder(service.url)[1], planted_token), name)[0] for name in SEEDS}
    error = ask_failing(sdk, recorder(failing.url)[1], planted_token)
    assert error.status_code == 404

    assert all(
        r["headers"]["Authorization"] == f"Bearer {planted_token}"
        for r in service.requests + failing.requests
    )
    files = sorted((tmp_path / "recorded").iterdir())
    assert len(files) == 4 and all(path.suffix == ".json" for path in files), files
    for path in files:
        text = path.read_text("utf-8")
        assert planted_token not in text and scan(path.name, text) == []
        provenance = json.loads(text)["provenance"]
        assert provenance["kind"] == "recorded" and provenance["endpoint_host"] == "127.0.0.1"
        assert provenance["sdk"].startswith("azsdk-python-ai-inference/")
    (stream,) = [json.loads(p.read_text())["response"].get("events") for p in files if "give-me-5" in p.name]
    assert stream[-1]["data"] == "[DONE]" and all(isinstance(e["delay_ms"], int) for e in stream)
    assert live_answers["streaming-exercise"].content.startswith("Live answer number")


def test_fresh_recordings_replay_the_same_answers(
    fake, recorder, sdk, ask_sdk, serve, planted_token, tmp_path
):
    url = recorder(fake().url)[1]
    live = {name: ask_sdk(sdk(url, planted_token), name)[0] for name in SEEDS}
    live_error = ask_failing(sdk, recorder(fake(fail_with=404).url)[1], planted_token)

    replay = serve(tmp_path / "recorded").url
    assert {name: ask_sdk(sdk(replay, "any-key"), name)[0] for name in SEEDS} == live
    replayed_error = ask_failing(sdk, replay, "any-key")
    assert (replayed_error.status_code, replayed_error.error.code) == (404, live_error.error.code)


def test_a_different_recording_is_never_overwritten_but_kept_as_another_take(
    fake, recorder, sdk, ask_sdk, planted_token, tmp_path
):
    service = fake()
    ask_sdk(sdk(recorder(service.url)[1], planted_token), "single-call")
    (saved,) = (tmp_path / "recorded").iterdir()
    before = json.loads(saved.read_text("utf-8"))["response"]
    process, url = recorder(service.url)
    again = ask_sdk(sdk(url, planted_token), "single-call")[0]
    assert again.content == "Live answer number 2 from the fake service."
    process.terminate()
    assert "not saved" not in process.communicate()[1]
    takes = json.loads(saved.read_text("utf-8"))["takes"]
    assert [saved] == list((tmp_path / "recorded").iterdir()) and len(takes) == 2 and takes[0] == before
    assert planted_token not in saved.read_text("utf-8")


def test_an_unreachable_upstream_is_a_clear_error_and_saves_nothing(recorder, sdk, closed_port_url, tmp_path):
    error = ask_failing(sdk, recorder(closed_port_url)[1], "some-planted-key")
    assert error.status_code == 502 and error.error.code == "upstream_unreachable"
    assert "GITHUB_MODELS_MODE=replay" in error.error.message
    assert list((tmp_path / "recorded").iterdir()) == []


def test_record_mode_in_a_kernel_goes_through_a_local_recorder(
    fake, replay_env, tmp_path, capsys, planted_token
):
    service = fake()
    replay_env.setenv("GITHUB_MODELS_MODE", "record")
    replay_env.setenv("GITHUB_TOKEN", planted_token)
    replay_env.setenv("GITHUB_MODELS_ENDPOINT", service.url)
    replay_env.setenv("GITHUB_MODELS_CASSETTES", str(tmp_path / "kernel-recordings"))
    cfg = settings()
    assert capsys.readouterr().out.startswith(
        f"Mode: record · endpoint {service.url} · saving to kernel-recordings/"
    )
    assert cfg.endpoint != service.url and cfg.token == planted_token
    client(cfg).complete(messages=[{"role": "user", "content": "Hi"}], model=cfg.model)
    assert len(list((tmp_path / "kernel-recordings").glob("*.json"))) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--record"], "--record and --upstream"),
        (["--record", "--upstream", "not a url"], "--upstream='not a url'"),
    ],
)
def test_record_options_are_checked(run, args, message):
    result = run(*args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def route_of(path: str) -> str:
    """The route a request to the fake service went to: lesson 12 embeds, the others chat."""
    return "/embeddings" if path.split("?")[0].endswith("/embeddings") else "/chat/completions"


@pytest.mark.timeout(300)
def test_make_record_re_records_every_lesson_request(fake, root, tmp_path, planted_token, subprocess_env):
    service = fake()
    env = subprocess_env(GITHUB_TOKEN=planted_token, GITHUB_MODELS_ENDPOINT=service.url)
    command = [sys.executable, "scripts/run_notebooks.py", "--record", str(tmp_path / "new")]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=280)
    assert result.returncode == 0, result.stderr[-2000:]
    requests = {request_key("POST", route_of(r["path"]), r["body"]) for r in service.requests}
    saved = [json.loads(path.read_text()) for path in (tmp_path / "new").glob("*.json")]
    assert len(saved) == len(requests) > 10
    assert {request_key("POST", c["request"]["route"], c["request"]["body"]) for c in saved} == requests
    assert not any(planted_token in json.dumps(cassette) for cassette in saved)
    assert not list((root / "notebooks").glob("*.partial"))
