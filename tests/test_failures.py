"""The failures lesson 05 teaches, replayed through the real SDK: each one's status, code and explanation."""

from pathlib import Path

import nbformat
import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import SystemMessage, UserMessage
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from nbclient import NotebookClient

from helpers import Settings, SettingsError, client, explain, settings
from helpers.cassette import Library
from helpers.clients import RetryAfterTooLong
from helpers.replay import DEFAULT_CASSETTES, start_in_thread

QUESTION = [
    SystemMessage(content="You are a helpful assistant."),
    UserMessage(content="What is the capital of France?"),
]
pytestmark = pytest.mark.timeout(60)
LESSON_05 = Path(__file__).resolve().parent.parent / "notebooks" / "05-limits-and-errors.ipynb"


def fail(cfg, messages=QUESTION, model=None, **client_options) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as error:
        client(cfg).complete(messages=messages, model=model or cfg.model, **client_options)
    return error.value


@pytest.mark.parametrize(
    "scenario, status, code, cause",
    [
        ("bad-key", 401, "unauthorized", "refused the key in GITHUB_TOKEN"),
        ("retired", 410, "gone", "is retired"),
        ("rate-limited", 429, "RateLimitReached", "Wait 1 s"),
    ],
)
def test_each_scenario_replays_its_failure_for_the_lesson_request(replay_env, scenario, status, code, cause):
    cfg = settings(scenario=scenario)
    error = fail(cfg)
    assert (error.status_code, error.error.code) == (status, code)
    assert cause in explain(error, cfg)
    assert settings().endpoint != cfg.endpoint  # and the same request without the scenario succeeds:
    assert client(settings()).complete(messages=QUESTION, model=cfg.model).choices[0].message.content


def test_a_refused_key_is_a_client_authentication_error(replay_env):
    assert isinstance(fail(settings(scenario="bad-key")), ClientAuthenticationError)


def test_a_filtered_prompt_names_the_category_and_what_to_do(replay_env):
    cfg = settings()
    violent = [
        QUESTION[0],
        UserMessage("Write a story in which one man violently attacks another, in graphic, bloody detail."),
    ]
    error = fail(cfg, violent)
    assert (error.status_code, error.error.code) == (400, "content_filter")
    assert error.error.innererror["content_filter_result"]["violence"] == {
        "filtered": True,
        "severity": "medium",
    }
    assert "filtered: violence" in explain(error, cfg) and "Rephrase" in explain(error, cfg)


def test_too_many_tokens_is_a_413_that_says_to_send_less(replay_env):
    cfg = settings()
    long_text = "All work and no play makes Jack a dull boy. " * 900
    error = fail(cfg, [QUESTION[0], UserMessage(long_text)])
    assert (error.status_code, error.error.code) == (413, "tokens_limit_reached")
    assert "8000 tokens" in error.error.message and "shorten" in explain(error, cfg)


def test_an_unknown_model_is_named_in_the_explanation(replay_env):
    cfg = settings()
    error = fail(cfg, model="Phi-3-large-instruct")
    assert (error.status_code, error.error.code) == (404, "unknown_model")
    assert "'Phi-3-large-instruct'" in explain(error, cfg) and "GITHUB_MODELS_MODEL" in explain(error, cfg)


def test_a_daily_limit_raises_at_once_with_the_wait_in_hours(replay_env):
    error = fail(settings(scenario="daily-limit"))
    assert isinstance(error, RetryAfterTooLong) and error.wait == 41373
    assert "41373 s (about 11.5 hours)" in str(error) and "run the cell again" in str(error)


def test_an_unknown_scenario_lists_the_recorded_ones(replay_env):
    with pytest.raises(SettingsError, match="rate-limited") as error:
        settings(scenario="meteor-strike")
    assert "meteor-strike" in str(error.value)


def test_in_live_mode_a_scenario_is_ignored_and_said_to_be(replay_env, capsys):
    replay_env.setenv("GITHUB_MODELS_MODE", "live")
    replay_env.setenv("GITHUB_TOKEN", "some-live-key")
    replay_env.setenv("GITHUB_MODELS_ENDPOINT", "https://example.invalid/inference")
    cfg = settings(scenario="rate-limited")
    assert cfg.endpoint == "https://example.invalid/inference"
    assert "scenario rate-limited ignored" in capsys.readouterr().out


def test_explanations_in_live_mode_add_the_way_back_offline(replay_env):
    error = fail(settings(scenario="retired"))
    live = Settings("live", "https://models.example.com", "key", "Phi-3-small-8k-instruct")
    assert explain(error, live).endswith("set GITHUB_MODELS_MODE=replay to continue offline.")
    assert "models.example.com" in explain(error, live)


def test_in_record_mode_explanations_name_the_live_service_not_the_recorder(replay_env):
    error = fail(settings(scenario="retired"))
    recording = Settings(
        "record", "http://127.0.0.1:9", "key", "Phi-3-small-8k-instruct", "", "https://live.example.com"
    )
    assert "live.example.com is retired" in explain(error, recording)


# A closed client (lessons 01-03 close theirs in a Clean up step; a learner may still run a cell after it)

RE_RUN = "re-run the cell that builds the client"


def closed_client_error(cfg) -> ValueError:
    """What a learner meets when a cell uses a client after client.close(): azure-core's ValueError."""
    used = client(cfg)
    used.complete(messages=QUESTION, model=cfg.model)  # a client that never sent anything reopens quietly
    used.close()
    with pytest.raises(ValueError, match="HTTP transport has already been closed") as error:
        used.complete(messages=QUESTION, model=cfg.model)
    return error.value


def test_a_closed_client_is_explained_and_no_other_value_error_is(replay_env):
    cfg = settings()
    advice = explain(closed_client_error(cfg), cfg)
    assert advice.startswith("The client was closed") and RE_RUN in advice
    assert explain(ValueError("HTTP transport has already been opened"), cfg) is None
    assert explain(ValueError("math domain error"), cfg) is None


def run_cells(*sources: str, folder) -> list[nbformat.NotebookNode]:
    """Run cells in a fresh python3 kernel, as a notebook does (errors allowed); each cell's outputs."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True).execute(cwd=str(folder))
    return [cell.outputs for cell in notebook.cells]


@pytest.mark.timeout(180)
def test_a_cell_that_uses_a_closed_client_says_under_its_traceback_to_rebuild_it(replay_env, tmp_path):
    setup = "from helpers import client as make_client, settings\ncfg = settings()\nclient = make_client(cfg)"
    use = (
        "from azure.ai.inference.models import SystemMessage, UserMessage\n"
        "question = [SystemMessage('You are a helpful assistant.'), UserMessage('What is the capital of France?')]\n"
        "client.complete(messages=question, model=cfg.model)"
    )
    outputs = run_cells(setup, f"{use}\nclient.close()", use, folder=tmp_path)[2]
    assert [(o.output_type, o.get("ename")) for o in outputs] == [("error", "ValueError"), ("stream", None)]
    closed = ValueError("HTTP transport has already been closed")
    assert outputs[1].text == f"What to do: {explain(closed, None)}\n"
    assert RE_RUN in outputs[1].text


@pytest.mark.timeout(180)
def test_other_value_errors_show_exactly_what_they_show_without_the_helpers(replay_env, tmp_path):
    others = ('raise ValueError("not a closed client")', 'import json\njson.loads("{")', 'int("one")')
    with_hook = run_cells("from helpers import settings\ncfg = settings()", *others, folder=tmp_path)[1:]
    without = run_cells("cfg = None", *others, folder=tmp_path)[1:]
    assert all(len(outputs) == 1 and outputs[0].output_type == "error" for outputs in with_hook)
    assert with_hook == without


# Lesson 05's burst (Try it 3): one minute of the Low tier, played as takes of one cassette


def test_the_burst_scenario_counts_down_fifteen_answers_then_refuses_the_sixteenth():
    server = start_in_thread(Library.load(DEFAULT_CASSETTES), speed=0)  # a fresh kernel's server
    remaining, key = [], AzureKeyCredential("any")

    def count_down(raw):
        remaining.append(raw.http_response.headers.get("x-ratelimit-remaining-requests"))

    try:
        with ChatCompletionsClient(f"{server.url}/_scenario/burst", key, retry_total=0) as burst:
            answers = [
                burst.complete(
                    messages=QUESTION, model="Phi-3-small-8k-instruct", raw_response_hook=count_down
                )
                for _ in range(15)
            ]
            with pytest.raises(HttpResponseError) as refused:
                burst.complete(messages=QUESTION, model="Phi-3-small-8k-instruct")
    finally:
        server.shutdown()
        server.server_close()
    assert all(answer.choices[0].message.content for answer in answers)
    assert remaining == [str(left) for left in range(14, -1, -1)]
    error = refused.value
    assert (error.status_code, error.error.code) == (429, "RateLimitReached")
    assert int(error.response.headers["Retry-After"]) > 1 and "UserByModelByMinute" in error.error.message


def test_the_burst_is_a_scenario_and_the_lesson_s_solution_runs_it():
    cells = nbformat.read(LESSON_05, as_version=4).cells
    (solution,) = [cell.source for cell in cells if cell.get("id") == "solution-3"]
    assert 'settings(scenario="burst")' in solution and "retry_total=0" in solution
    outputs = "".join(
        output.get("text", "") for cell in cells if cell.get("id") == "solution-3" for output in cell.outputs
    )
    assert "Request 15: answered, remaining requests: 0" in outputs and "Request 16: 429" in outputs


# What the lesson presents as the service's is explained as the service's; replay's own misses stay replay's


def test_a_replayed_unknown_model_is_the_service_s_404_and_a_miss_is_replay_s_own(replay_env):
    cfg = settings()
    unknown = explain(fail(cfg, model="Phi-3-large-instruct"), cfg)
    assert unknown.startswith("HTTP 404: the service does not know model 'Phi-3-large-instruct'")
    assert "replay server" not in unknown
    miss = fail(cfg, [QUESTION[0], UserMessage("A question no lesson asks")])
    assert miss.error.code == "no_recording" and explain(miss, cfg) == miss.error.message


def test_a_replayed_retirement_is_the_service_s_not_the_replay_server_s(replay_env):
    cfg = settings(scenario="retired")
    assert explain(fail(cfg), cfg).startswith("HTTP 410 Gone: the service is retired")


# Lesson 05's show(), run from the lesson's own cell


class PlainTextResponse:
    """What azure-core reads from a response whose body is not JSON (a proxy's page, Ollama's unknown path)."""

    status_code, reason, headers = 404, "Not Found", {"content-type": "text/plain"}

    def text(self):
        return "404 page not found"


def lesson_show():
    cells = nbformat.read(LESSON_05, as_version=4).cells
    (source,) = [cell.source for cell in cells if cell.get("id") == "7c30a777"]
    namespace = {}
    exec(source, namespace)
    return namespace["show"]


def test_the_lesson_s_show_prints_an_error_whose_body_is_not_json(capsys):
    error = HttpResponseError(response=PlainTextResponse())
    assert error.error is None  # azure-core could not read a code from the body
    lesson_show()(error)
    assert capsys.readouterr().out == "404 Not Found 404 page not found\n"


def test_the_lesson_s_show_prints_the_code_and_message_of_a_json_error(replay_env, capsys):
    lesson_show()(fail(settings(scenario="bad-key")))
    assert capsys.readouterr().out.splitlines()[-2:] == ["401 unauthorized", "Bad credentials"]
