"""Failures explained in a learner's words, wherever they surface: a helper's output or any cell's traceback."""

from __future__ import annotations

from urllib.parse import urlsplit

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

OFFLINE = "set GITHUB_MODELS_MODE=replay to continue offline"
EXPLAINED = (HttpResponseError, ServiceRequestError, ServiceResponseError)


def explain(error: BaseException, cfg) -> str | None:
    """What went wrong and what to do next, for the failures learners meet; None for anything else."""
    host = urlsplit(cfg.endpoint).netloc
    if isinstance(error, ServiceRequestError | ServiceResponseError):
        return (
            f"Cannot reach {host}: the host does not answer ({type(error).__name__}). Check "
            f"GITHUB_MODELS_ENDPOINT and your network, or {OFFLINE}."
        )
    if not isinstance(error, HttpResponseError):
        return None
    code, status = getattr(error.error, "code", None), error.status_code
    if code == "no_recording":
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


def explain_in_notebook(cfg) -> None:
    """In IPython, add the explanation under the traceback of any failed request, even a direct SDK call."""
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
            print(f"What to do: {advice}")

    shell.set_custom_exc(EXPLAINED, show)
