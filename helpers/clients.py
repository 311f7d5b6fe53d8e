"""A ChatCompletionsClient built as the lessons teach, with retries that never keep a learner waiting."""

from __future__ import annotations

from azure.ai.inference import ChatCompletionsClient, EmbeddingsClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import RetryPolicy

from helpers.config import Settings, settings
from helpers.language import _, quantity

MAX_WAIT_SECONDS = 10.0


class RetryAfterTooLong(HttpResponseError):
    """The service asked to wait longer than helpers.client() is willing to."""

    def __init__(self, wait: float, response) -> None:
        super().__init__(response=response)
        self.wait = wait
        hours = _(" (about {hours} hours)", hours=quantity(f"{wait / 3600:.1f}")) if wait >= 3600 else ""
        self.message = _(
            "HTTP {status}: the service asks to wait {wait:.0f} s{hours} before retrying, longer than "
            "helpers.client() waits ({most:.0f} s in total), so it stopped instead of hanging. Wait that long and "
            "run the cell again. The service said: {said}",
            status=self.status_code,
            wait=wait,
            hours=hours,
            most=MAX_WAIT_SECONDS,
            said=self.error.message if self.error else self.message,
        )
        self.args = (self.message,)


class BoundedRetryPolicy(RetryPolicy):
    """azure-core's retries, but all waits of one call add up to at most MAX_WAIT_SECONDS."""

    def configure_retries(self, options: dict) -> dict:
        retry_settings = super().configure_retries(options)
        retry_settings["waited"] = 0.0
        return retry_settings

    def sleep(self, settings, transport, response=None) -> None:
        wait = self.get_retry_after(response) if response else None
        if wait is None:
            wait = self.get_backoff_time(settings)
        if response is not None and settings["waited"] + wait > MAX_WAIT_SECONDS:
            raise RetryAfterTooLong(wait, response.http_response)
        wait = min(wait, MAX_WAIT_SECONDS - settings["waited"])
        settings["waited"] += wait
        transport.sleep(wait)


def client(cfg: Settings | None = None) -> ChatCompletionsClient:
    """A ChatCompletionsClient for the current settings, with bounded retries; notebook 02 introduces it.

    Without `cfg` it calls settings(), which prints the setup line and, in replay mode, starts the kernel's
    replay server.
    """
    return _built(ChatCompletionsClient, cfg)


def embeddings_client(cfg: Settings | None = None) -> EmbeddingsClient:
    """An EmbeddingsClient for the current settings, with the same bounded retries as client(); notebook 12
    introduces it. It posts to ``<endpoint>/embeddings``, which replay, record and local mode answer too."""
    return _built(EmbeddingsClient, cfg)


def _built(kind, cfg: Settings | None):
    """A client of the SDK's `kind` for `cfg` (or the current settings), built as a learner builds one, plus the
    bounded retries."""
    cfg = cfg or settings()
    return kind(
        endpoint=cfg.endpoint, credential=AzureKeyCredential(cfg.token), retry_policy=BoundedRetryPolicy()
    )
