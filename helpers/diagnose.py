"""Failures explained in a learner's words, and a check that the configured endpoint answers."""

from __future__ import annotations

from urllib.parse import urlsplit

from azure.ai.inference.models import UserMessage
from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

from helpers.clients import RetryAfterTooLong, client
from helpers.config import Settings, settings

OFFLINE = "set GITHUB_MODELS_MODE=replay to continue offline"
CHECK_QUESTION = "Reply with the single word OK."


def _code(error: HttpResponseError) -> str:
    return getattr(error.error, "code", None) or ""


def explain(error: Exception, cfg: Settings) -> str | None:
    """What went wrong and what to do next, for the failures learners meet; None for anything else."""
    host = urlsplit(cfg.endpoint).netloc
    if isinstance(error, ServiceRequestError | ServiceResponseError):
        return (
            f"Cannot reach {host}: the host does not answer ({type(error).__name__}). Check "
            f"GITHUB_MODELS_ENDPOINT and your network, or {OFFLINE}."
        )
    if not isinstance(error, HttpResponseError) or isinstance(error, RetryAfterTooLong):
        return None
    status = error.status_code
    if _code(error) == "no_recording":
        return error.error.message
    if status in (401, 403):
        return (
            f"HTTP {status}: {host} refused the key in GITHUB_TOKEN. Check that it is current and allowed to use "
            f"models (a fine-grained token needs the models: read permission), or {OFFLINE}."
        )
    if status == 404:
        return (
            f"HTTP 404: {host} does not know model {cfg.model!r} (or the endpoint path is wrong). Check "
            f"GITHUB_MODELS_MODEL and GITHUB_MODELS_ENDPOINT, or {OFFLINE}."
        )
    if status == 410:
        return (
            f"HTTP 410 Gone: {host} is retired (GitHub Models shut down on 2026-07-30). Point "
            f"GITHUB_MODELS_ENDPOINT at a live compatible service, or {OFFLINE}."
        )
    return None


def check(cfg: Settings | None = None) -> None:
    """Ask the configured endpoint for a one-word answer and say whether it works; notebook 00 introduces it."""
    cfg = cfg or settings()
    try:
        with client(cfg) as chat:
            response = chat.complete(
                messages=[UserMessage(content=CHECK_QUESTION)], model=cfg.model, max_tokens=5
            )
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as error:
        print(f"✗ {explain(error, cfg) or error}")
        return
    answer = (response.choices[0].message.content or "").strip()
    print(f"✓ The endpoint answers: {response.model or cfg.model} said {answer!r}.")
