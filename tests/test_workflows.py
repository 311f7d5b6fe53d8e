"""CI workflows: valid GitHub workflow files (checked offline), replay for `make test`, live only by hand, the
site published to Pages from main, its links checked weekly without failing on dead ones."""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from jsonschema import validators
from referencing import Registry
from ruamel.yaml import YAML
from test_lab import dry_run

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


@pytest.mark.parametrize("name", sorted(path.name for path in WORKFLOWS.glob("*.y*ml")))
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


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def assert_weekly_and_by_hand(workflow: dict) -> None:
    assert set(workflow["on"]) == {"workflow_dispatch", "schedule"}
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week


def test_local_runs_weekly_and_by_hand_with_read_only_contents():
    workflow = load("local.yml")
    assert_weekly_and_by_hand(workflow)
    assert workflow["permissions"] == {"contents": "read"}  # no secret, no write, no models permission
    assert workflow["concurrency"]["group"]
    job = workflow["jobs"]["record"]
    assert job["runs-on"] == "ubuntu-latest" and 0 < job["timeout-minutes"] <= 180
    assert job["env"]["GITHUB_MODELS_MODE"] == "local"
    assert "GITHUB_TOKEN" not in str(workflow)  # local mode needs no key


def test_local_installs_ollama_waits_for_it_pulls_then_records_every_lesson():
    workflow = load("local.yml")
    uses = [step.get("uses", "") for step in steps(workflow, "record")]
    assert {"actions/checkout@v4", "actions/setup-python@v5", "actions/setup-node@v4"} <= set(uses)
    python = next(step for step in steps(workflow, "record") if step.get("uses") == "actions/setup-python@v5")
    assert python["with"]["python-version"] == "3.12"
    runs = run_steps(workflow)
    install = next(i for i, run in enumerate(runs) if "curl -fsSL https://ollama.com/install.sh | sh" in run)
    assert "zstd" in runs[install]  # the installer stops without it
    wait = next(i for i, run in enumerate(runs) if "curl -sf http://localhost:11434/api/version" in run)
    pull = runs.index("make local-model")
    record = runs.index("make record-local RECORD_INTO=recordings")
    assert install < wait < pull < record
    assert not any("ollama pull" in run or "ollama serve" in run for run in runs)  # the Makefile's job


def test_local_uploads_the_recordings_even_after_a_failed_lesson():
    job = steps(load("local.yml"), "record")
    record = next(i for i, step in enumerate(job) if "make record-local" in step.get("run", ""))
    (upload,) = [step for step in job if step.get("uses") == "actions/upload-artifact@v4"]
    assert job.index(upload) > record
    assert upload["with"]["path"].rstrip("/") == "recordings" and upload["with"]["name"]
    assert upload["if"].replace(" ", "") in ("${{!cancelled()}}", "!cancelled()", "${{always()}}", "always()")


def test_the_make_targets_local_mode_relies_on_exist():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    defined = set(re.findall(r"^([\w.-]+):", makefile, re.M))
    assert {"local-model", "record-local", "lab"} <= defined


def test_every_workflow_is_checked():
    names = {path.name for path in WORKFLOWS.glob("*.y*ml")}  # the parameters of test_workflow_is_valid
    assert {"test.yml", "live.yml", "local.yml", "pages.yml", "links.yml"} <= names


def test_pages_builds_with_make_site_and_deploys_only_from_main():
    workflow = load("pages.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = steps(workflow, "build")
    uses = [step.get("uses") for step in build]
    python = build[uses.index("actions/setup-python@v5")]
    assert python["with"]["python-version"] == "3.12"
    (make,) = [step["run"] for step in build if "run" in step]
    assert make == 'make site SITE_ARGS="--repository https://github.com/$GITHUB_REPOSITORY"'
    upload = build[uses.index("actions/upload-pages-artifact@v3")]
    assert upload["with"]["path"] == "build/site"
    assert uses.index("actions/configure-pages@v5") < build.index(next(s for s in build if "run" in s))
    assert build.index(next(s for s in build if "run" in s)) < uses.index("actions/upload-pages-artifact@v3")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.ref == 'refs/heads/main'"  # a run by hand on a branch publishes nothing
    (step,) = deploy["steps"]
    assert step == {"id": "deployment", "uses": "actions/deploy-pages@v4"}
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }


def test_make_site_and_make_links_pass_their_arguments_on():
    site = dry_run(ROOT, "site", "SITE_ARGS=--repository https://github.com/o/r")[-1]
    assert site.endswith("python scripts/build_site.py --repository https://github.com/o/r")
    assert dry_run(ROOT, "site")[-1].split()[-1] == "scripts/build_site.py"  # nothing by default
    links = dry_run(ROOT, "links", "LINKS_ARGS=--repository https://github.com/o/r")[-1]
    assert links.endswith("python scripts/check_links.py --repository https://github.com/o/r")


def test_links_runs_weekly_and_reports_dead_links_without_failing():
    workflow = load("links.yml")
    assert_weekly_and_by_hand(workflow)
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["links"]
    # Dead links do not fail the job because check_links.py exits 0 on them (tests/test_check_links.py), not
    # because an error is swallowed: a check that cannot run must still fail it.
    assert "continue-on-error" not in job and not any("continue-on-error" in step for step in job["steps"])
    (check,) = run_steps(workflow)
    assert check == 'make links LINKS_ARGS="--repository https://github.com/$GITHUB_REPOSITORY"'
    (upload,) = [step for step in job["steps"] if step.get("uses") == "actions/upload-artifact@v4"]
    assert upload["with"]["path"].rstrip("/") == "build/linkcheck"  # report.md, Sphinx's output.json and .txt
    assert upload["if"].replace(" ", "") in ("${{!cancelled()}}", "!cancelled()", "${{always()}}", "always()")
