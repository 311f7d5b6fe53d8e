"""CI workflows: valid GitHub workflow files (checked offline), replay for `make test`, live only by hand."""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from jsonschema import validators
from referencing import Registry
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    """A workflow as GitHub reads it: YAML 1.2, so the key `on` stays a string (PyYAML would make it True)."""
    return YAML(typ="safe").load((WORKFLOWS / name).read_text("utf-8"))


def run_steps(workflow: dict) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


@pytest.fixture(scope="module")
def validator():
    """check-jsonschema's vendored copy of the SchemaStore workflow schema (its CLI's vendor.github-workflows)."""
    package = Path(importlib.util.find_spec("check_jsonschema").origin).parent
    schema = json.loads((package / "builtin_schemas/vendor/github-workflows.json").read_text("utf-8"))
    # An empty registry: a remote $ref would raise instead of being downloaded.
    return validators.validator_for(schema)(schema, registry=Registry())


@pytest.mark.parametrize("name", ["test.yml", "live.yml"])
def test_workflow_is_valid(validator, name):
    assert [error.message for error in validator.iter_errors(load(name))] == []


def test_a_misspelt_key_is_rejected(validator):
    workflow = load("test.yml")
    job = workflow["jobs"]["test"]
    job["run-on"] = job.pop("runs-on")
    messages = [e.message for error in validator.iter_errors(workflow) for e in [error, *error.context]]
    assert any("'run-on' was unexpected" in message for message in messages)


def test_ci_runs_the_readme_test_command_in_replay_on_push_and_pull_request():
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"^## Two commands\n.*?```bash\n(.*?)```", readme, re.S | re.M)[1]
    command = next(line.split("#")[0].strip() for line in block.splitlines() if line.startswith("make test"))
    workflow = load("test.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["jobs"]["test"]["env"]["GITHUB_MODELS_MODE"] == "replay"
    assert run_steps(workflow) == [command]


def test_live_runs_only_by_hand_with_models_permission_in_live_mode():
    workflow = load("live.yml")
    assert list(workflow["on"]) == ["workflow_dispatch"]
    assert workflow["permissions"]["models"] == "read"
    env = workflow["jobs"]["notebooks"]["env"]
    assert env["GITHUB_MODELS_MODE"] == "live" and env["GITHUB_MODELS_ENDPOINT"] == "${{ inputs.endpoint }}"
    # Lax: live answers differ from the committed outputs. No conftest: the project's conftest forces replay.
    assert any(
        "pytest notebooks" in run and {"--nbval-lax", "--noconftest"} <= set(run.split())
        for run in run_steps(workflow)
    )
