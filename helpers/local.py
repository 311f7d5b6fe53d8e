"""Local mode: a Phi-3 running under Ollama on this machine answers the lessons, for free.

Chat completions go to Ollama's ``/v1/chat/completions`` and embeddings to its ``/v1/embeddings`` (with an
embedding model: a Phi model's name there is refused with the reason, see ``not_an_embedding_model``).

``settings()`` starts the kernel's server as a forwarder to Ollama's OpenAI-compatible API (notebook 00
introduces local mode). This module knows where Ollama listens, which of its builds a lesson's model name
means, and how to say what is missing when Ollama or a model is not there.
"""

from __future__ import annotations

import json
import os
from http.client import HTTPConnection
from urllib.parse import urlsplit

from helpers.cassette import Library
from helpers.errors import SettingsError
from helpers.explain import OFFLINE
from helpers.language import _, quantity
from helpers.models import (
    DOWNLOAD_SIZES,
    MODELS,
    NO_LOCAL_BUILD,
    OLLAMA_TAGS,
    ollama_tag,
)
from helpers.record import Forwarder

DEFAULT_HOST = "http://localhost:11434"
PROBE_TIMEOUT = 2.0
DEFAULT_CONTEXT = 4096  # Ollama's default context (machines with under 23 GiB of GPU memory)
TRAINED_CONTEXT = (
    {tag: 4096 for tag in ("phi3:mini", "phi3:medium")}
    | {tag: 131072 for tag in ("phi3:mini-128k", "phi3:medium-128k", "phi3.5", "phi4-mini")}
    | {"phi4": 16384}
)
START_OLLAMA = "start it (run `ollama serve` in a terminal, or open the Ollama app)"
LOCAL_CHOICES = ", ".join(f"{model} ({OLLAMA_TAGS[model]})" for model in MODELS if model in OLLAMA_TAGS)


def ollama_url(value: str | None = None) -> str:
    """Where Ollama listens, read as Ollama reads OLLAMA_HOST: ``host``, ``host:port`` or a URL."""
    text = (os.environ.get("OLLAMA_HOST", "") if value is None else value).strip()
    if not text:
        return DEFAULT_HOST
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    parts = urlsplit(f"{scheme}://{rest.rstrip('/')}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme not in ("http", "https") or not parts.hostname or port == -1 or parts.query or " " in text:
        raise ValueError(
            _(
                "OLLAMA_HOST={text!r} is not where Ollama listens. Use host:port or a URL, for example "
                "localhost:11434 or http://localhost:11434 (unset it for that default).",
                text=text,
            )
        )
    host = "localhost" if parts.hostname in ("0.0.0.0", "::") else parts.hostname  # where a server binds
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port or (11434 if not sep else 443 if scheme == 'https' else 80)}"


def context_limit(tag: str) -> int:
    """The context Ollama gives a tag: OLLAMA_CONTEXT_LENGTH or its default of 4096 tokens, at most the model's
    own (Ollama caps it there, so the setting helps only the 128k builds)."""
    setting = os.environ.get("OLLAMA_CONTEXT_LENGTH", "").strip()
    requested = int(setting) if setting.isdigit() else DEFAULT_CONTEXT
    return min(requested, TRAINED_CONTEXT.get(tag, requested))


def estimated_tokens(body: dict) -> int:
    """A rough count of a request's prompt tokens (about four characters each, as for English text)."""
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    return sum(len(json.dumps(m.get("content", "") if isinstance(m, dict) else m)) // 4 + 4 for m in messages)


def too_long(body: dict, tag: str) -> str:
    """Why a prompt cannot fit the local context ("" if it fits): Ollama would drop its start silently."""
    tokens, limit = estimated_tokens(body), context_limit(tag)
    if tokens <= limit:
        return ""
    trained = TRAINED_CONTEXT.get(tag, 0)
    remedy = (
        _(
            "start Ollama with OLLAMA_CONTEXT_LENGTH={length} ({tag} was trained on {trained} tokens)",
            length=min(trained, 32768),
            tag=tag,
            trained=trained,
        )
        if trained > limit
        else _(
            "use a 128k model (Phi-3-mini-128k-instruct: `ollama pull phi3:mini-128k`) with Ollama started "
            "with OLLAMA_CONTEXT_LENGTH=32768"
        )
    )
    return _(
        "This prompt is about {tokens} tokens, more than the {limit} tokens {tag} gets in Ollama, which would "
        "silently drop its beginning instead of refusing it. Send less, or {remedy}, and set it where Jupyter "
        "runs too, so local mode knows.",
        tokens=tokens,
        limit=limit,
        tag=tag,
        remedy=remedy,
    )


def download_size(tag: str) -> str:
    """ " (about 2.2 GB)" for a tag whose size we know, else ""."""
    return _(" (about {size})", size=quantity(DOWNLOAD_SIZES[tag])) if tag in DOWNLOAD_SIZES else ""


def pull_advice(tag: str) -> str:
    """How to get a model: the command and its download size."""
    return _(
        "pull it once with `ollama pull {tag}`{size}, then run the cell again",
        tag=tag,
        size=download_size(tag),
    )


def no_local_build(model: str) -> str:
    """Why a model cannot run under Ollama, and what to use instead."""
    return _(
        "{model} has no local build (llama.cpp cannot convert Phi-3-small's block-sparse attention, so Ollama "
        "has none). Use one that runs locally: {choices}; set GITHUB_MODELS_MODEL to it, or unset it for "
        "Phi-3-mini-4k-instruct.",
        model=model,
        choices=LOCAL_CHOICES,
    )


def not_an_embedding_model(model: str) -> str:
    """Why local mode does not send an embeddings request for one of the lessons' chat models."""
    return _(
        "{model} is a chat model, and Ollama computes embeddings only with an embedding model (it starts a "
        "model's runner for embeddings only when the model file has a pooling layer, which Phi models lack). "
        "Ask an embedding model instead, for example embeddinggemma: `ollama pull embeddinggemma`, then pass "
        'model="embeddinggemma" to the embeddings call.',
        model=model,
    )


def local_tag(model: str) -> str:
    """The Ollama tag for a model name, or ValueError for a model with no local build."""
    if model in NO_LOCAL_BUILD:
        raise ValueError(no_local_build(model))
    return ollama_tag(model)


def _get(url: str, path: str) -> dict:
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=PROBE_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return json.loads(response.read()) if response.status == 200 else {}
    finally:
        connection.close()


def ollama_version(url: str) -> str:
    """Ollama's version from /api/version ("" if it does not say); OSError when nothing answers."""
    return str(_get(url, "/api/version").get("version", ""))


def pulled_tags(url: str) -> set[str]:
    """The tags Ollama has on disk (from /api/tags), each also under its name without ``:latest``."""
    names = {model.get("name", "") for model in _get(url, "/api/tags").get("models", [])}
    return names | {name.removesuffix(":latest") for name in names}


def readiness(url: str, tag: str) -> str:
    """One line saying what is missing before local mode can answer ("" when Ollama has the model)."""
    where = urlsplit(url).netloc
    try:
        pulled = pulled_tags(url)
    except (OSError, ValueError):
        return _(
            "⚠ Ollama does not answer at {where}: {start}, then re-run this cell.",
            where=where,
            start=_(START_OLLAMA),
        )
    if tag not in pulled:
        return _(
            "⚠ Ollama at {where} does not have {tag}: {advice}.",
            where=where,
            tag=tag,
            advice=pull_advice(tag),
        )
    return ""


class OllamaForwarder(Forwarder):
    """Local mode's server: relays each request to Ollama's OpenAI-compatible API under the model's Ollama
    tag, asks for streamed usage, never sends a key, and says what to do when Ollama or the model is missing.
    With a library it also saves each exchange under the lesson's own request (``make record-local``)."""

    def __init__(self, ollama: str, library: Library | None = None):
        super().__init__(f"{ollama}/v1", library)
        self.ollama, self.version = ollama, None

    def forward(self, handler, route: str, body: dict) -> None:
        model = body.get("model")
        chat_models = {*OLLAMA_TAGS, *OLLAMA_TAGS.values(), *NO_LOCAL_BUILD}
        if route == "/embeddings" and isinstance(model, str) and ollama_tag(model) in chat_models:
            return handler.send_error_json(400, "not_an_embedding_model", not_an_embedding_model(model))
        if model in NO_LOCAL_BUILD:
            return handler.send_error_json(404, "no_local_build", no_local_build(model))
        if problem := too_long(body, ollama_tag(str(model))):
            return handler.send_error_json(413, "prompt_over_local_context", problem)
        super().forward(handler, route, body)

    def rewrite_request(self, body: dict, headers: dict) -> tuple[dict, dict]:
        body = {**body, "model": ollama_tag(str(body.get("model", "")))}
        if body.get("stream") and "stream_options" not in body:
            body["stream_options"] = {"include_usage": True}  # Ollama sends usage on a stream only if asked
        return body, {k: v for k, v in headers.items() if k.lower() not in ("authorization", "api-key")}

    def rewrite_answer(self, data, request: dict):
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict) or "not found" not in str(error.get("message", "")):
            return data
        tag = ollama_tag(str(request["body"].get("model", "")))
        where = urlsplit(self.ollama).netloc
        if tag in DOWNLOAD_SIZES:
            message = _(
                "Ollama at {where} does not have {tag}: {advice}.",
                where=where,
                tag=tag,
                advice=pull_advice(tag),
            )
        else:  # a name passed through as it is: maybe a typo, maybe a model Ollama's library has
            message = _(
                "Ollama at {where} has no model {tag!r}. Check the name (`ollama list` shows what is pulled; the "
                "lessons' models are {choices}), or, if Ollama's library has it, {advice}.",
                where=where,
                tag=tag,
                choices=LOCAL_CHOICES,
                advice=pull_advice(tag),
            )
        return {"error": {**error, "code": "model_not_pulled", "message": message}}

    def unreachable(self, error: OSError) -> str:
        """Said the same on every system: the OS's own words for a refused connection differ."""
        return _(
            "Ollama does not answer at {where}: {start}, then run the cell again. Check OLLAMA_HOST if it listens "
            "elsewhere, or {offline}.",
            where=urlsplit(self.ollama).netloc,
            start=_(START_OLLAMA),
            offline=_(OFFLINE),
        )

    def provenance(self, body: dict, user_agent: str) -> dict:
        if self.version is None:
            try:
                self.version = ollama_version(self.ollama)
            except (OSError, ValueError):
                self.version = ""
        tag = ollama_tag(str(body.get("model", "")))
        return {**super().provenance(body, user_agent), "ollama_tag": tag, "ollama_version": self.version}


def runnable(models, cfg) -> tuple[list[str], dict[str, str]]:
    """The models a comparison can ask, and why the others are left out; notebook 07 introduces it.

    Only local mode leaves models out: those Ollama has not pulled ("not pulled (ollama pull …)") and those
    with no local build. Replay and live ask every model."""
    if cfg.mode != "local":
        return list(models), {}
    where = urlsplit(cfg.upstream).netloc
    try:
        pulled = pulled_tags(cfg.upstream)
    except (OSError, ValueError):
        raise SettingsError(
            _(
                "Ollama does not answer at {where}: {start}, then run this cell again.",
                where=where,
                start=_(START_OLLAMA),
            )
        ) from None
    usable, skipped = [], {}
    for model in models:
        tag = ollama_tag(model)
        if model in NO_LOCAL_BUILD:
            skipped[model] = _("no local build")
        elif tag not in pulled:
            size = _(", about {size}", size=quantity(DOWNLOAD_SIZES[tag])) if tag in DOWNLOAD_SIZES else ""
            skipped[model] = _("not pulled (ollama pull {tag}{size})", tag=tag, size=size)
        else:
            usable.append(model)
    if not usable:
        raise SettingsError(
            _(
                "Nothing to compare: Ollama at {where} has none of these models. Pull one first: make local-model "
                "(phi3:mini, about 2.2 GB), then run this cell again.",
                where=where,
            )
        )
    return usable, skipped
