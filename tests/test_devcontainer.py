"""The Codespaces config is valid against the vendored devcontainer schema and sets up what the lessons need."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from referencing import Registry
from test_lab import dry_run

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".devcontainer" / "devcontainer.json"
SCHEMA = ROOT / "vendor" / "devcontainer-schema" / "devContainer.base.schema.json"
STRING = r'"(?:\\.|[^"\\])*"'  # a JSON string, so that // or /* inside one is left alone


def parse_jsonc(text: str):
    """JSON with comments and trailing commas, as devcontainer.json allows, parsed strictly otherwise."""
    text = re.sub(STRING + r"|//[^\n]*|/\*.*?\*/", lambda m: m[0] if m[0][0] == '"' else "", text, flags=re.S)
    return json.loads(re.sub(STRING + r"|,(?=\s*[}\]])", lambda m: m[0] if m[0][0] == '"' else "", text))


@pytest.fixture(scope="module")
def config() -> dict:
    return parse_jsonc(CONFIG.read_text("utf-8"))


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, registry=Registry())  # local $refs only; a remote one would raise


def test_jsonc_parser_drops_comments_and_trailing_commas_but_not_text_in_strings():
    text = '{"url": "https://x.org/a//b", "c": "/* kept */", // note\n "l": [1, 2,], /* gone */ "e": "\\"",}'
    assert parse_jsonc(text) == {"url": "https://x.org/a//b", "c": "/* kept */", "l": [1, 2], "e": '"'}


def test_config_is_valid_against_the_vendored_schema(config, validator):
    assert [error.message for error in validator.iter_errors(config)] == []


def test_a_misspelt_top_level_key_is_rejected(config, validator):
    broken = {**config, "postCreateCommnd": config["postCreateCommand"]}
    assert [error.message for error in validator.iter_errors(broken)] == [
        "Unevaluated properties are not allowed ('postCreateCommnd' was unexpected)"
    ]


def test_python_312_image_with_the_node_feature(config):
    assert re.fullmatch(r"mcr\.microsoft\.com/devcontainers/python:(\d+-)?3\.12(-\w+)?", config["image"])
    assert any(name.startswith("ghcr.io/devcontainers/features/node:") for name in config["features"])


def test_vscode_gets_the_python_and_jupyter_extensions_and_the_venv_interpreter(config):
    vscode = config["customizations"]["vscode"]
    assert {"ms-python.python", "ms-toolsai.jupyter"} <= set(vscode["extensions"])
    interpreter = vscode["settings"]["python.defaultInterpreterPath"]
    assert interpreter == "${containerWorkspaceFolder}/.venv/bin/python"


def test_codespaces_opens_the_setup_lesson_and_it_exists(config):
    open_files = config["customizations"]["codespaces"]["openFiles"]
    assert "notebooks/00-setup.ipynb" in open_files
    assert all((ROOT / name).is_file() for name in open_files), open_files


def test_post_create_installs_the_runtime_as_make_lab_does(config):
    command = config["postCreateCommand"]
    target = re.match(r"make (\S+)", command)[1]
    lab, steps = dry_run(ROOT, "-B", "lab"), dry_run(ROOT, "-B", target)
    # All of make lab but its last step, starting JupyterLab.
    assert steps == lab[:-1]
    steps = "\n".join(steps)
    assert "-m venv .venv" in steps and "npm ci --prefix js" in steps
    assert re.search(r"^\.venv/bin/python -m \S+ pip install .* -e \.$", steps, re.M), steps
    assert "[dev]" not in steps  # learners get the runtime; make test adds the dev extra


def test_replay_is_the_documented_default_despite_github_token(config):
    assert config["containerEnv"]["GITHUB_MODELS_MODE"] == "replay"
    text = CONFIG.read_text("utf-8")
    assert "GITHUB_TOKEN" in text and "GITHUB_MODELS_MODE=live" in text and "GITHUB_MODELS_ENDPOINT" in text


# The second configuration: local mode with Ollama (.devcontainer/local-phi3/).
LOCAL = ROOT / ".devcontainer" / "local-phi3" / "devcontainer.json"
OLLAMA_SH = LOCAL.parent / "ollama.sh"
OLLAMA_FEATURE = "ghcr.io/prulloac/devcontainer-features/ollama"
BUILD_TIME = ("initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand")


@pytest.fixture(scope="module")
def local_config() -> dict:
    return parse_jsonc(LOCAL.read_text("utf-8"))


def commands(value) -> str:
    """A lifecycle command as text, whichever of its three forms (string, array, object) it takes."""
    if isinstance(value, dict):
        return "\n".join(commands(part) for part in value.values())
    return " ".join(value) if isinstance(value, list) else value or ""


def test_local_config_is_valid_against_the_vendored_schema(local_config, validator):
    assert [error.message for error in validator.iter_errors(local_config)] == []


def test_a_misspelt_key_in_the_local_config_is_rejected(local_config, validator):
    broken = {**local_config, "hostRequirement": local_config["hostRequirements"]}
    assert [error.message for error in validator.iter_errors(broken)] == [
        "Unevaluated properties are not allowed ('hostRequirement' was unexpected)"
    ]
    broken = {**local_config, "hostRequirements": {"cpus": 4, "memory": "16 GB"}}  # the schema wants "16gb"
    messages = [e.message for error in validator.iter_errors(broken) for e in [error, *error.context]]
    assert "'16 GB' does not match '^\\\\d+([tgmk]b)?$'" in messages


def test_local_config_keeps_the_first_configs_base(config, local_config):
    for key in ("image", "postCreateCommand", "customizations"):
        assert local_config[key] == config[key], key
    assert {name: local_config["features"][name] for name in config["features"]} == config["features"]


def test_local_config_adds_a_pinned_ollama_feature_after_zstd(local_config):
    features = local_config["features"]
    assert all(re.fullmatch(r"[\w./-]+:\d+", name) for name in features)  # each pinned to a major version
    (ollama,) = [name for name in features if name.startswith(OLLAMA_FEATURE + ":")]
    # Ollama's installer needs zstd, which neither the image nor the Ollama feature installs: it must come first.
    (apt,) = [name for name, options in features.items() if "zstd" in options.get("packages", "").split(",")]
    order = local_config["overrideFeatureInstallOrder"]
    assert order.index(apt.rsplit(":", 1)[0]) < order.index(OLLAMA_FEATURE)


def test_local_config_asks_for_4_cores_16_gb_and_sets_local_mode(local_config):
    assert local_config["hostRequirements"] == {"cpus": 4, "memory": "16gb"}
    assert local_config["containerEnv"]["GITHUB_MODELS_MODE"] == "local"


def test_no_model_is_pulled_at_build_time(local_config):
    options = local_config["features"][f"{OLLAMA_FEATURE}:1"]
    assert options.get("pull", "") in ("", "none")
    for key in BUILD_TIME:
        text = commands(local_config.get(key))
        assert "ollama pull" not in text and "local-model" not in text, key
    # The start-up commands run the script beside the config, and neither the script pulls.
    for key in ("postStartCommand", "postAttachCommand"):
        assert commands(local_config[key]).startswith("sh .devcontainer/local-phi3/ollama.sh "), key
    assert "pull" not in OLLAMA_SH.read_text("utf-8").replace("pulled", "")


@pytest.fixture
def fake_ollama(tmp_path):
    """A PATH whose curl answers like an Ollama with the models listed in $FAKE_TAGS (or not at all, if unset)."""
    curl = tmp_path / "curl"
    curl.write_text(
        '#!/bin/sh\n[ -n "${FAKE_TAGS+x}" ] || exit 7\n'
        'for a; do case "$a" in */api/tags) echo "{\\"models\\":[$FAKE_TAGS]}";; '
        '*/api/version) echo "{\\"version\\":\\"0.12.0\\"}";; esac; done\n'
    )
    curl.chmod(0o755)

    def hint(tags=None, **env) -> str:
        env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(tmp_path), **env}
        if tags is not None:
            env["FAKE_TAGS"] = tags
        done = subprocess.run(["sh", OLLAMA_SH, "hint"], env=env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0 and done.stderr == "", done
        assert done.stdout.count("\n") == 1, done.stdout  # one line
        return done.stdout

    return hint


def test_the_attach_hint_says_what_to_run(fake_ollama):
    assert "make local-model" in fake_ollama(tags="")
    assert "make local-model" in fake_ollama(tags='{"name":"phi4:latest"},{"name":"phi3:medium"}')
    ready = fake_ollama(tags='{"name":"phi3:mini","model":"phi3:mini"}')
    assert "phi3:mini is pulled" in ready and "make local-model" not in ready
    down = fake_ollama(OLLAMA_HOST="127.0.0.1:11999")
    assert "not answering at http://127.0.0.1:11999" in down and "ollama.sh start" in down


def test_start_returns_at_once_when_ollama_answers(fake_ollama, tmp_path):
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(tmp_path), "FAKE_TAGS": ""}
    done = subprocess.run(["sh", OLLAMA_SH, "start"], env=env, capture_output=True, text=True, timeout=10)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
