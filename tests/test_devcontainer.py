"""The Codespaces config is valid against the vendored devcontainer schema and sets up what the lessons need."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from referencing import Registry

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


def test_post_create_installs_the_project_into_the_makefiles_venv(config):
    command = config["postCreateCommand"]
    target = re.match(r"make (\S+)", command)[1]
    steps = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "-m venv .venv" in steps.stdout
    assert re.search(r"^\.venv/bin/python -m pip install .*-e '\.\[dev\]'$", steps.stdout, re.M), steps.stdout
    assert (
        "if [ -f js/package.json ]; then npm ci --prefix js; fi" in command
    )  # nothing to do until js/ exists


def test_replay_is_the_documented_default_despite_github_token(config):
    assert config["containerEnv"]["GITHUB_MODELS_MODE"] == "replay"
    text = CONFIG.read_text("utf-8")
    assert "GITHUB_TOKEN" in text and "GITHUB_MODELS_MODE=live" in text and "GITHUB_MODELS_ENDPOINT" in text
