"""``python -m helpers.replay`` as a real subprocess: its URL line, its answers, its exit codes."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from helpers.replay import DEFAULT_CASSETTES

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_prints_its_url_answers_and_exits_0_when_stopped(cli, post, shipped, stop):
    process, line = cli("--speed", "0")
    assert re.fullmatch(r"http://127\.0\.0\.1:[1-9]\d*\n", line)
    recorded = shipped["single-call"]
    reply = post(line.strip(), "/chat/completions", recorded["request"]["body"])
    assert reply.status == 200 and reply.json() == recorded["response"]["body"]
    process.send_signal(stop)
    assert process.wait(30) == 0
    out, err = process.communicate()
    assert out == ""
    assert "Traceback" not in err


def test_a_request_line_it_cannot_parse_gets_an_answer_and_no_traceback(cli):
    process, line = cli("--speed", "0")
    parts = urlsplit(line.strip())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/2.0\r\n\r\n")
        assert b"505" in connection.recv(4096)
    process.terminate()
    assert process.wait(30) == 0
    assert "Traceback" not in process.communicate()[1]


def test_serves_the_folder_given_by_environment_relative_to_the_working_directory(
    cli, post, shipped, write_cassette, tmp_path
):
    body = json.loads(write_cassette("only-here").read_text("utf-8"))["request"]["body"]
    process, line = cli(cwd=tmp_path, GITHUB_MODELS_CASSETTES="cassettes", GITHUB_MODELS_REPLAY_SPEED="0")
    assert post(line.strip(), "/v1/chat/completions", body).json() == {"answer": "only-here"}
    assert post(line.strip(), "/chat/completions", shipped["single-call"]["request"]["body"]).status == 404
    process.terminate()
    assert process.wait(30) == 0


def test_a_folder_with_a_broken_cassette_stops_it_with_exit_2(run, cassette_dir, write_cassette):
    shutil.copytree(DEFAULT_CASSETTES, cassette_dir, dirs_exist_ok=True)
    write_cassette("zz-broken", text="{")
    result = run("--cassettes", str(cassette_dir), "--speed", "0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "zz-broken.json" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_cassette_folder_stops_it_with_exit_2(run, tmp_path):
    result = run("--cassettes", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "settings"), [(["--speed", "fast"], {}), ([], {"GITHUB_MODELS_REPLAY_SPEED": "-1"})]
)
def test_a_bad_speed_stops_it_with_exit_2(run, args, settings):
    result = run(*args, **settings)
    assert result.returncode == 2
    assert "GITHUB_MODELS_REPLAY_SPEED" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_a_port_out_of_range_is_refused_with_the_range(run, port):
    result = run("--port", port)
    assert result.returncode == 2 and "0 to 65535" in result.stderr and "Traceback" not in result.stderr


def test_a_port_in_use_is_named_with_what_to_do(cli, run):
    _, line = cli("--speed", "0")
    port = line.strip().rsplit(":", 1)[1]
    result = run("--port", port)
    assert result.returncode == 2 and f"port {port}" in result.stderr and "--port 0" in result.stderr


SEED_SAMPLES = {
    "single_call.py": "single-call",
    "multi_turn.py": "multi-turn",
    "streaming.py": "streaming-exercise",
}


@pytest.mark.parametrize("sample", SEED_SAMPLES)
def test_the_seed_samples_unchanged_but_for_endpoint_get_their_answers(cli, root, tmp_path, expected, sample):
    """The quick start's Python samples, verbatim in tests/seed_samples/, run against the command line."""
    _, line = cli("--speed", "0")
    source = (root / "tests" / "seed_samples" / sample).read_text()
    assert source.count('"https://models.inference.ai.azure.com"') == 1
    script = tmp_path / sample
    script.write_text(source.replace("https://models.inference.ai.azure.com", line.strip()))
    env = {**os.environ, "GITHUB_TOKEN": "seed-sample-key"}
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip("\n") == expected(SEED_SAMPLES[sample]).content
