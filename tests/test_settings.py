"""settings(): the mode, endpoint, key and model read afresh from the environment on every call."""

import subprocess
import sys

import pytest

from helpers import Settings, SettingsError, settings

RETIRED = "https://models.inference.ai.azure.com"


def one_line(capsys) -> str:
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_replay_is_the_default_and_shows_no_url_or_key(
    replay_env, capsys, planted_token, post, shipped, model
):
    replay_env.delenv("GITHUB_MODELS_MODE")
    replay_env.setenv("GITHUB_TOKEN", planted_token)
    cfg = settings()
    line = one_line(capsys)
    assert line.startswith("Mode: replay") and "synthetic" in line and model in line
    assert "http" not in line and "127.0.0.1" not in line and cfg.endpoint.rsplit(":", 1)[1] not in line
    assert (cfg.mode, cfg.model) == ("replay", "Phi-3-small-8k-instruct")
    assert cfg.endpoint.startswith("http://127.0.0.1:")
    assert cfg.token and cfg.token != planted_token
    recorded = shipped["single-call"]
    assert post(cfg.endpoint, "/chat/completions", recorded["request"]["body"]).status == 200


def test_the_same_server_answers_every_call(replay_env, capsys):
    assert settings().endpoint == settings().endpoint


def test_the_environment_is_read_again_on_every_call(replay_env, capsys, planted_token):
    assert settings().mode == "replay"
    replay_env.setenv("GITHUB_MODELS_MODE", "live")
    replay_env.setenv("GITHUB_TOKEN", planted_token)
    assert settings().mode == "live"
    replay_env.setenv("GITHUB_MODELS_MODE", "Replay")
    assert settings().mode == "replay"


def test_an_unknown_mode_names_the_variable_and_the_modes(replay_env):
    replay_env.setenv("GITHUB_MODELS_MODE", "offline")
    with pytest.raises(SettingsError) as error:
        settings()
    assert all(word in str(error.value) for word in ("GITHUB_MODELS_MODE", "replay", "live", "record"))


def test_live_without_a_token_names_github_token(replay_env):
    replay_env.setenv("GITHUB_MODELS_MODE", "live")
    with pytest.raises(SettingsError, match="GITHUB_TOKEN"):
        settings()


def test_live_uses_the_token_and_the_seed_endpoint_but_never_shows_the_token(
    replay_env, capsys, planted_token, model
):
    replay_env.setenv("GITHUB_MODELS_MODE", "live")
    replay_env.setenv("GITHUB_TOKEN", planted_token)
    cfg = settings()
    line = one_line(capsys)
    assert (cfg.mode, cfg.endpoint, cfg.token, cfg.model) == ("live", RETIRED, planted_token, model)
    assert line.startswith("Mode: live") and RETIRED in line and planted_token not in line
    assert planted_token not in repr(cfg) and planted_token not in str(cfg)


def test_live_takes_the_endpoint_and_model_from_the_environment(replay_env, capsys, planted_token):
    replay_env.setenv("GITHUB_MODELS_MODE", "live")
    replay_env.setenv("GITHUB_TOKEN", planted_token)
    replay_env.setenv("GITHUB_MODELS_ENDPOINT", "https://models.github.ai/inference/")
    replay_env.setenv("GITHUB_MODELS_MODEL", "microsoft/Phi-3-mini-4k-instruct")
    cfg = settings()
    assert (cfg.endpoint, cfg.model) == (
        "https://models.github.ai/inference",
        "microsoft/Phi-3-mini-4k-instruct",
    )


@pytest.mark.parametrize("endpoint", ["not a url", "ftp://x", "https://h/chat/completions", "https://h?x=1"])
def test_a_malformed_endpoint_names_github_models_endpoint(replay_env, planted_token, endpoint):
    replay_env.setenv("GITHUB_MODELS_MODE", "live")
    replay_env.setenv("GITHUB_TOKEN", planted_token)
    replay_env.setenv("GITHUB_MODELS_ENDPOINT", endpoint)
    with pytest.raises(SettingsError, match="GITHUB_MODELS_ENDPOINT"):
        settings()


def test_a_model_without_recordings_lists_the_recorded_ones(replay_env, model):
    replay_env.setenv("GITHUB_MODELS_MODEL", "Phi-4-mini-instruct")
    with pytest.raises(SettingsError) as error:
        settings()
    assert "GITHUB_MODELS_MODEL" in str(error.value) and model in str(error.value)


def test_a_bad_replay_speed_is_a_settings_error(replay_env):
    replay_env.setenv("GITHUB_MODELS_REPLAY_SPEED", "fast")
    with pytest.raises(SettingsError, match="GITHUB_MODELS_REPLAY_SPEED"):
        settings()


def test_a_broken_cassette_folder_is_a_settings_error_naming_the_file(replay_env, write_cassette):
    replay_env.setenv("GITHUB_MODELS_CASSETTES", str(write_cassette("broken", text="[]").parent))
    with pytest.raises(SettingsError, match="broken.json"):
        settings()


@pytest.mark.parametrize(
    ("kinds", "words"),
    [
        (["recorded"], ["recorded answers"]),
        (["synthetic"], ["synthetic"]),
        (["recorded", "synthetic"], ["synthetic"]),  # never present a synthetic answer as real output
    ],
    ids=["recorded", "synthetic", "mixed"],
)
def test_the_setup_line_says_where_the_answers_came_from(replay_env, capsys, write_cassette, kinds, words):
    for number, kind in enumerate(kinds):
        folder = write_cassette(f"answer-{number}", kind=kind).parent
    replay_env.setenv("GITHUB_MODELS_CASSETTES", str(folder))
    settings()
    line = one_line(capsys)
    assert all(word in line for word in words), line


def test_settings_repr_never_shows_the_token(planted_token, model):
    cfg = Settings("live", RETIRED, planted_token, model)
    assert planted_token not in repr(cfg) and planted_token not in cfg.describe()


def test_importing_helpers_starts_nothing_and_prints_nothing(root):
    code = "import threading, sys; import helpers; sys.stderr.write(str(threading.active_count()))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "1")


def test_an_empty_cassette_folder_says_it_holds_no_cassettes(replay_env, tmp_path):
    replay_env.setenv("GITHUB_MODELS_CASSETTES", str(tmp_path))
    with pytest.raises(SettingsError, match=r"holds no \*\.json cassettes"):
        settings()


def test_a_settings_error_shows_in_a_notebook_as_its_message_alone(replay_env):
    replay_env.setenv("GITHUB_MODELS_MODE", "offline")
    with pytest.raises(SettingsError) as error:
        settings()
    assert error.value._render_traceback_() == [f"SettingsError: {error.value}"]
