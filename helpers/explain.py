"""Failures explained in a learner's words, wherever they surface: a helper's output or any cell's traceback."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

from helpers.environment import in_browser
from helpers.language import _

OFFLINE = "set GITHUB_MODELS_MODE=replay to continue offline"
# Errors of the kernel's own server whose message already says what to do (replay misses, local mode).
SELF_EXPLAINED = (
    "no_recording",
    "upstream_unreachable",
    "no_local_build",
    "model_not_pulled",
    "prompt_over_local_context",
)
# Codes of the errors the replay server makes itself (a miss, a request it cannot use). Every other error it sends
# comes from a cassette: an answer of the service, replayed, which learners read as the service's.
REPLAY_OWN = (
    "no_recording",
    "not_found",
    "length_required",
    "request_too_large",
    "invalid_json",
    "too_deeply_nested",
    "replay_server_error",
)
EXPLAINED = (HttpResponseError, ServiceRequestError, ServiceResponseError)
# azure-core's words when a closed client is used again (its sync and async transports both start so)
CLOSED_TRANSPORT = "HTTP transport has already been closed"
CLOSED_ADVICE = (
    "The client was closed (client.close(), or the end of its with block): re-run the cell that builds the "
    "client, then this one."
)


def _closed_client(error: BaseException) -> bool:
    """Whether `error` is the ValueError azure-core raises when a closed client sends a request."""
    return type(error) is ValueError and str(error).startswith(CLOSED_TRANSPORT)


def _filtered_categories(error: HttpResponseError) -> str:
    inner = getattr(error.error, "innererror", None) or {}
    results = inner.get("content_filter_result", {}) if isinstance(inner, dict) else {}
    return ", ".join(name for name, result in results.items() if result.get("filtered")) or "unknown"


def _requested_model(error: HttpResponseError, default: str) -> str:
    """The model the failed request asked for, read from its body."""
    try:
        return json.loads(error.response.request.content)["model"]
    except (AttributeError, TypeError, ValueError, KeyError):
        return default


def _host(error: BaseException, cfg) -> str:
    """Who refused, in words: the endpoint's host; in replay, "the service" for a replayed answer of the service
    (an unknown model's 404, a 429 ...) and the replay server for its own errors and when it cannot be reached."""
    if cfg.mode != "replay":
        return urlsplit(getattr(cfg, "upstream", "") or cfg.endpoint).netloc  # record mode: the live service
    replayed = isinstance(error, HttpResponseError) and getattr(error.error, "code", None) not in REPLAY_OWN
    return _("the service") if replayed else _("the replay server")


def _cause(error: BaseException, host: str, model: str) -> str | None:
    if isinstance(error, ServiceRequestError | ServiceResponseError) and in_browser():
        return _(
            "The browser could not reach {host}. Either the host is down, or it does not accept requests from "
            "web pages (CORS): a browser lets a page call another site only if that site allows it. Use an "
            "endpoint that allows them, or run this lesson in JupyterLab (make lab) or a Codespace, where CORS "
            "does not apply",
            host=host,
        )
    if isinstance(error, ServiceRequestError | ServiceResponseError):
        return _(
            "Cannot reach {host}: the host does not answer ({error}). Check GITHUB_MODELS_ENDPOINT and your "
            "network",
            host=host,
            error=type(error).__name__,
        )
    if not isinstance(error, HttpResponseError):
        return None
    code, status, model = (
        getattr(error.error, "code", None),
        error.status_code,
        _requested_model(error, model),
    )
    wait = error.response.headers.get("retry-after") if error.response is not None else None
    causes = {
        401: "HTTP 401: {host} refused the key in GITHUB_TOKEN. Check that it is current and allowed to use "
        "models (a fine-grained token needs the models: read permission)",
        403: "HTTP 403: {host} refused the key in GITHUB_TOKEN for this model. Check the token's permissions",
        404: "HTTP 404: {host} does not know model {model!r} (or the endpoint path is wrong). Check the "
        "model name (GITHUB_MODELS_MODEL, or the model= your code passes) and GITHUB_MODELS_ENDPOINT",
        410: "HTTP 410 Gone: {host} is retired (GitHub Models shut down on 2026-07-30). Point "
        "GITHUB_MODELS_ENDPOINT at a live compatible service",
        413: "HTTP 413: the request is larger than the model accepts (the free tier took 8000 tokens in). "
        "Send less: shorten or trim the messages",
        429: "HTTP 429: rate limit reached. Wait {wait} before the next request, or send fewer requests per "
        "minute and per day",
    }
    if code == "content_filter":
        return _(
            "HTTP 400: the content filter blocked this request (filtered: {categories}). Rephrase it; the "
            "filters could not be turned off on GitHub Models (a paid Azure deployment lets you configure them)",
            categories=_filtered_categories(error),
        )
    if status not in causes:
        return None
    wait = _("{seconds} s", seconds=wait) if wait else _("a minute")
    return _(causes[status], host=host, model=model, wait=wait)


def explain(error: BaseException, cfg) -> str | None:
    """What went wrong and what to do next, for the failures learners meet (None for others); notebook 05 introduces it."""
    if _closed_client(error):
        return _(CLOSED_ADVICE)
    if getattr(
        error, "explained", False
    ):  # its own message says what to do (helpers.browser.AsyncReplayOnly)
        return None
    if isinstance(error, HttpResponseError) and getattr(error.error, "code", None) in SELF_EXPLAINED:
        return error.error.message
    cause = _cause(error, _host(error, cfg), cfg.model)
    if cause is None:
        return None
    return (
        f"{cause}." if cfg.mode == "replay" else _("{cause}, or {offline}.", cause=cause, offline=_(OFFLINE))
    )


def explain_in_notebook(cfg) -> None:
    """In IPython, add the explanation under the traceback of any failed request, even a direct SDK call.

    Every ValueError reaches the handler too, but only a closed client's gets advice: the others show exactly
    IPython's own traceback and nothing more.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def show(shell, etype, evalue, tb, tb_offset=None):
        shell.showtraceback((etype, evalue, tb), tb_offset=tb_offset)
        advice = explain(evalue, cfg)
        if advice:
            print(_("What to do: {advice}", advice=advice))

    shell.set_custom_exc((*EXPLAINED, ValueError), show)
