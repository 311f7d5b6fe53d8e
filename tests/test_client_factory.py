"""client(): the seed's ChatCompletionsClient with a retry policy that never keeps a learner waiting."""

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.core.exceptions import HttpResponseError

from helpers import Settings, client
from helpers.clients import BoundedRetryPolicy, RetryAfterTooLong

RATE_LIMITED = {"error": {"code": "RateLimitReached", "message": "Rate limit of 15 per 60s exceeded"}}


@pytest.mark.timeout(60)
def test_client_answers_the_single_call_through_replay(replay_env, capsys, ask_sdk, expected):
    learner_client = client()
    assert isinstance(learner_client, ChatCompletionsClient)
    assert isinstance(learner_client._config.retry_policy, BoundedRetryPolicy)
    assert ask_sdk(learner_client, "single-call")[0] == expected("single-call")
    assert capsys.readouterr().out.startswith("Mode: replay")


@pytest.fixture
def rate_limited(write_cassette, serve, model):
    """Ask a replay server whose cassette answers 429 with the given Retry-After; .attempts lists statuses."""

    def ask(retry_after: str) -> None:
        response = {"status": 429, "headers": {"retry-after": retry_after}, "body": RATE_LIMITED}
        folder = write_cassette(f"wait-{retry_after}", response=response).parent
        cfg = Settings("replay", serve(folder, speed=0).url, "replay-test-key", model)
        client(cfg).complete(
            messages=[{"role": "user", "content": f"wait-{retry_after}"}],
            model=model,
            raw_response_hook=lambda response: ask.attempts.append(response.http_response.status_code),
        )

    ask.attempts = []
    return ask


@pytest.mark.timeout(30)
def test_a_long_retry_after_raises_at_once_with_the_wait(rate_limited):
    with pytest.raises(RetryAfterTooLong) as error:
        rate_limited("3600")
    assert error.value.status_code == 429 and error.value.wait == 3600
    assert "3600" in str(error.value)
    assert rate_limited.attempts == [429]


@pytest.mark.timeout(30)
def test_a_short_retry_after_is_retried_then_reported(rate_limited):
    with pytest.raises(HttpResponseError) as error:
        rate_limited("1")
    assert not isinstance(error.value, RetryAfterTooLong)
    assert error.value.status_code == 429 and "Rate limit" in str(error.value)
    assert len(rate_limited.attempts) > 1 and set(rate_limited.attempts) == {429}


@pytest.mark.timeout(30)
def test_retries_stop_before_ten_seconds_of_waiting_in_total(rate_limited):
    with pytest.raises(RetryAfterTooLong) as error:
        rate_limited("6")
    assert error.value.wait == 6
    assert rate_limited.attempts == [429, 429]
