"""A loopback fake of Ollama's OpenAI-compatible API, written from Ollama's source, for tests of local mode.

No real Ollama or model weights can be fetched here, so local mode is tested against this fake. It answers
like the Ollama version it is told to be (``version=``), with deterministic text derived from the request
("Fake phi3:mini answer to: <last user message>"), and remembers every request it received, headers
included, so tests can check which model tag, ``stream_options`` and headers arrived.

    with FakeOllama(pulled={"phi3:mini"}, version="0.12.3") as ollama:
        OpenAI(base_url=ollama.url + "/v1", api_key="unused").chat.completions.create(...)
        ollama.last.json["model"], ollama.last.headers.get("authorization")

Where each behaviour comes from (github.com/ollama/ollama; tags and commit ids as read here; HEAD is
fb30760996871fa9460115c753afd2c60d4ab0f7, 2026-08-21, newest release v0.32.15 = b7871fc0d1d8):

Routes (server/routes.go, GenerateRoutes): ``GET|HEAD /`` "Ollama is running"; ``GET|HEAD /api/version``;
``GET|HEAD /api/tags``; ``POST /api/pull``; ``POST /api/show``; ``POST /v1/chat/completions``
(middleware.ChatMiddleware then ChatHandler); ``POST /v1/embeddings`` (see below); ``GET /v1/models`` and
``GET /v1/models/:model``. Routing is
on the URL path only: the query string is never read (``?api-version=`` is harmless) and no handler reads
``Authorization`` or ``api-key``. An unknown path gets gin's ``404 page not found`` (text/plain, no JSON);
a known path with the wrong method gets ``405 method not allowed`` with an ``Allow`` header (gin v1.10.0
with ``HandleMethodNotAllowed``, since v0.7.0, 4090aca97b768e093832a5b2ed101bb867168d5c; 404 before);
``/v1/chat/completions/`` is redirected (gin's RedirectTrailingSlash: 307 for POST, 301 for GET) and
``//v1/chat/completions`` is a 404. Other routes of real Ollama (``/api/chat``, ``/api/generate``,
``/v1/completions``, ``/api/embed``, ...) are not modelled: the fake answers them 501 so a test that
strays there fails loudly instead of seeing a plausible 404.

Headers that do matter (same GenerateRoutes): gin-contrib/cors v1.7.2 with envconfig.AllowedOrigins()
(http(s)://localhost, 127.0.0.1, 0.0.0.0 with any port, app://, file://, tauri://, vscode-webview://,
vscode-file://, plus ``OLLAMA_ORIGINS``): a request whose ``Origin`` is none of these, nor the server's own
host, is refused 403 with an empty body, e.g. a Codespaces page origin ``https://*.app.github.dev``
forwarded as is. allowedHostsMiddleware: on a loopback listener, a ``Host`` that is not a loopback/private
IP, ``localhost``, the machine's name or ``*.localhost|.local|.internal`` is refused 403.

``/v1/chat/completions`` request (openai/openai.go ChatCompletionRequest, FromChatRequest): accepted
fields ``model, messages, stream, stream_options.include_usage, max_tokens (-> num_predict), seed, stop
(string or list), temperature (default 1.0), top_p (default 1.0), frequency_penalty, presence_penalty,
response_format, tools, reasoning_effort, reasoning, logprobs, top_logprobs``; unknown fields (``n``,
``user``, ``tool_choice``, ``max_completion_tokens``, ...) are ignored. Errors of the middleware are
``400 {"error": {"message", "type": "invalid_request_error", "param": null, "code": null}}`` with
``application/json; charset=utf-8`` and no trailing newline: undecodable JSON (Go's decoder message, e.g.
``EOF`` for an empty body; the fake imitates the common ones), no messages (``[] is too short -
'messages'``), a bad content part (``invalid message format``) or content type (``invalid message content
type: <nil>``).

Errors raised after the middleware (model lookup) are re-encoded by BaseWriter.writeError as
``{"error": {"message", "type", "param": null, "code": null}}\\n`` with ``application/json``:
  * type: before v0.18.0 always ``api_error`` whatever the status (writeError calls
    ``NewError(http.StatusInternalServerError, ...)``: openai/openai.go at v0.12.3
    b04e46da3ebca69a2b1216b3943d8a463e8b4a14, middleware/openai.go at v0.17.7
    9b0c7cc7b90562b370ce6a30efdc667326799223); from v0.18.0 (abf8e8e9c81c00270876c250ad886dfc4a20c8b2)
    from the status: 400 ``invalid_request_error``, 404 ``not_found_error``, else ``api_error``.
  * model not pulled, 404: up to v0.11.x ``model "phi3:mini" not found, try pulling it first``
    (handleScheduleError's ``%q``, server/routes.go at v0.11.10 5994e8e8fdaca3815d5a49f27d3fab33ac9ef51f);
    from v0.12.0 ``model 'phi3:mini' not found`` (ChatHandler calls GetModel first since "engine: add
    remote proxy", 8b894933a73f4c477ba1401299c29f3553b622ee). The name is the request's ``model`` as sent.
  * empty or invalid model name, 400: ``model is required``; from v0.17.6 ``invalid model name``
    (writeModelRefParseError, 8207e55ec).

Answers (openai/openai.go ToChatCompletion, ToUsage; middleware/openai.go ChatWriter): ``id`` is
``chatcmpl-<rand.Intn(999)>``; ``system_fingerprint`` is always ``fp_ollama``; ``model`` echoes the
request; ``finish_reason`` is the runner's done reason, ``stop`` or ``length`` (num_predict reached);
``usage`` is always present on a non-stream answer (prompt_eval_count, eval_count). Non-stream:
``{"id","object":"chat.completion","created","model","system_fingerprint","choices":[{"index":0,
"message":{"role":"assistant","content"},"finish_reason"}],"usage":{...}}\\n``, ``application/json``.
Stream: ``text/event-stream``, chunked, one ``data: <json>\\n\\n`` per event, ending ``data: [DONE]\\n\\n``;
no Azure-style first chunk with empty choices. Usage comes on a stream only when the request says
``"stream_options": {"include_usage": true}`` (since v0.5.2, e28f2d4900548e00f4188c254bde9816fa623337), as a
chunk with ``"choices": []`` after the finish, just before ``[DONE]``; without it no chunk carries usage.
The chunk shapes changed in v0.32.6 ("match openai's streaming wire format",
8edecb5c69cd1115ba7b5b8c96d4b061803ccd14):
  * before: every chunk's delta is ``{"role":"assistant","content":"<token>"}`` with ``finish_reason``
    null, and the last chunk is ``{"role":"assistant","content":""}`` with the finish reason; the usage
    chunk copies it with ``"choices": []``; ``created`` is stamped per chunk.
  * from v0.32.6: role only in the first delta; then ``{"content":"<token>"}``; then a finish chunk with
    ``"delta": {}`` and the reason; the usage chunk copies it with ``"choices": []``; one ``created``.

Context length: the default is 4096 tokens (envconfig ``OLLAMA_CONTEXT_LENGTH``, default 4096 since
v0.6.7; from v0.15.5 the default is 4096 unless the GPUs have >= 23 GiB of VRAM, then 32k or 256k:
server/routes.go ``vram-based default context``), and it is capped at the model's training context
(llm/server.go at v0.12.3 "requested context size too large for model"; server/sched.go
effectiveContext at HEAD), so ``OLLAMA_CONTEXT_LENGTH`` helps the 128k tags only. A longer prompt is never
an error through the OpenAI API (it sets no ``truncate``, so truncation is on):
  1. server/prompt.go chatPrompt drops the oldest messages, keeping every system message and always the
     last message, until the rendered prompt fits (only a debug log line says so);
  2. if it still does not fit, the runner cuts tokens after the first ``num_keep`` (4): before v0.30.0
     down to exactly the context length (runner/ollamarunner/runner.go and runner/llamarunner/runner.go
     NewSequence, "truncating input prompt" warning in the server log); from v0.30.0 (llama-server only,
     9db4bdbad6a4981ad761aa2b603e69e8fb83212c; llm/llama_server.go completionPromptForRequest) down to
     ``ctx - (ctx - num_keep) // 2`` (about half) when context shift is on, the default for every
     family but deepseek2; with it off, 400 "the prompt is longer than the context length ...".
  The answer is a 200 like any other; the only trace a client sees is ``usage.prompt_tokens`` at or below
  the context length. The fake records what it did in ``Received.prompt``.

Lists: ``/api/tags`` is ``{"models": [{"name","model","modified_at","size","digest","details":{
"parent_model","format","family","families","parameter_size","quantization_level"}}]}``, newest first
(ListHandler); ``/v1/models`` is ``{"object":"list","data":[{"id","object":"model","created","owned_by":
"library"}]}\\n`` (ToListCompletion) and, with nothing pulled, ``"data": null``. ``/api/version`` is
``{"version":"0.12.3"}``. ``/api/show`` of a missing model: 404 ``{"error":"model 'x' not found"}``.
``/api/pull`` streams NDJSON progress ending ``{"status":"success"}``; an unknown name gets
``pull model manifest: file does not exist``. Sizes, digests, dates, quantizations and training contexts of
tags are illustrative, not measured.

``/v1/embeddings`` (since v0.2.6, 987dbab0b; middleware/openai.go EmbeddingsMiddleware, EmbedWriter;
openai/openai.go EmbedRequest, ToEmbeddingList; server/routes.go EmbedHandler, normalize): request fields
``input`` (a string or a list of strings), ``model``, ``dimensions``, ``encoding_format`` (``float`` or
``base64``, case-insensitive, since v0.12.7, e0ead1ade; before it the field was not read); anything else
(the SDK's ``input_type``) is ignored. Middleware 400s (gin JSON, no newline): ``Invalid value for
'encoding_format' = <x>. Supported values: ['float', 'base64'].``, ``invalid input`` for a missing input or
an empty list (``""`` becomes ``[""]``); EmbedHandler's ``invalid input type`` (a list item that is not a
string) and ``model '<name>' not found`` (404) are re-encoded by writeError like the chat errors. Answer
(json.Encoder, newline): ``{"object":"list","data":[{"object":"embedding","embedding":[...],"index":i}],
"model":<as sent>,"usage":{"prompt_tokens":n,"total_tokens":n}}``; each vector L2-normalized, and with
``dimensions`` below the model's length cut to it and normalized again; base64 is the float32 values
little-endian. No ``id``, no ``created``. Vectors here are derived from a hash of the text (equal texts,
equal vectors; unrelated to meaning). Ollama checks no capability before embedding (scheduleRunner with an
empty capability list): a chat model's runner is started without ``--embedding`` (llm/llama_server.go
appendBatchArgs: only GGUFs with ``<arch>.pooling_type``), and what llama-server then answers is not read
here, so the fake answers 501 for a tag that is not an embedding model rather than guess.

``response_format`` (openai/openai.go FromChatRequest, ResponseFormat, JsonSchema at HEAD): only ``type``
(trimmed, lower-cased) and ``json_schema.schema`` are read; ``json_object`` becomes Ollama's ``format: "json"``,
``json_schema`` with a ``json_schema`` its ``schema`` as the format (``name``, ``description``, ``strict`` are
dropped), and ``text``, any other type, or ``json_schema`` without one set no format: the answer is plain text and
no error is raised. With a format, sampling is constrained to JSON (to the schema), so the fake answers JSON: for
``json_object`` ``{"answer": "<the fake text>"}``, for a schema an instance of it (strings are the fake text,
integers and numbers 0, booleans true, an enum its first value, arrays one item, objects every property). Cut by
``max_tokens`` it is cut JSON with ``finish_reason`` ``length``, as Ollama's num_predict cuts it.

``tools`` (openai/openai.go FromChatRequest, ToChatCompletion, ToToolCalls, FromCompletionToolCall; server/routes.go
ChatHandler, toolCallId; server/images.go CheckCapabilities; server/sched.go scheduleRunner at HEAD): a request
with a non-empty ``tools`` list needs the model's ``tools`` capability (its chat template handles tools), else 400
``<full name> does not support tools`` (``registry.ollama.ai/library/phi3:mini does not support tools``), after the
404 for a model not pulled. Of the tags here only ``phi4-mini`` has it. ``tool_choice`` is not a field Ollama reads.
A tools-capable model answers with one call of the first tool (arguments an instance of its ``parameters``, as for
a schema above) unless the last message is a ``tool`` result, then with text: ``content`` ``""``, ``tool_calls``
``[{"id": "call_<8 of a-z0-9>", "index": 0, "type": "function", "function": {"name", "arguments": "<JSON>"}}]``,
``finish_reason`` ``tool_calls`` (a ``stop`` with tool calls). A message's ``tool_calls`` whose ``arguments`` are
not JSON are refused by the middleware: 400 ``invalid tool call arguments``. Tool calls are not streamed here.

Not modelled: tool calls on streams, images, thinking, logprobs, ``keep_alive``, model
loading time and errors while a stream runs. Tokens are whitespace-separated words; the prompt renders as
Phi-3's template does, two tokens per message (``<|role|>``, ``<|end|>``) plus one (``<|assistant|>``).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import random
import re
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

DEFAULT_VERSION = "0.32.15"  # the newest release in the source read (2026-08-19)
DEFAULT_PULLED = frozenset({"phi3:mini"})
DEFAULT_CONTEXT_LENGTH = 4096
NUM_KEEP = 4  # api.DefaultOptions NumKeep

# Version gates (first version with the newer behaviour); see the module docstring for the commits.
USAGE_ON_STREAMS = (0, 5, 2)
METHOD_NOT_ALLOWED = (0, 7, 0)
SINGLE_QUOTED_NOT_FOUND = (0, 12, 0)
INVALID_MODEL_NAME = (0, 17, 6)
ERROR_TYPE_FROM_STATUS = (0, 18, 0)
LLAMA_SERVER_TRUNCATION = (0, 30, 0)
FINISH_CHUNK = (0, 32, 6)


@dataclass(frozen=True)
class Tag:
    """What /api/tags and /api/show say about a library tag (illustrative values)."""

    family: str
    parameter_size: str
    quantization: str
    train_context: int | None  # the model's own context length; None: no cap
    size: int
    embedding_length: int | None = None  # an embedding model's vector length; None: a chat model
    tools: bool = False  # its template handles tools (Ollama's "tools" capability)


LIBRARY: dict[str, Tag] = {
    "phi3:mini": Tag("phi3", "3.8B", "Q4_0", 4096, 2_176_178_913),
    "phi3:mini-128k": Tag("phi3", "3.8B", "Q4_0", 131072, 2_176_179_011),
    "phi3:medium": Tag("phi3", "14B", "Q4_0", 4096, 7_897_126_241),
    "phi3:medium-128k": Tag("phi3", "14B", "Q4_0", 131072, 7_897_126_400),
    "phi3.5:latest": Tag("phi3", "3.8B", "Q4_0", 131072, 2_176_178_400),
    "phi4:latest": Tag("phi3", "14.7B", "Q4_K_M", 16384, 9_053_116_391),
    "phi4-mini:latest": Tag("phi3", "3.8B", "Q4_K_M", 131072, 2_491_876_774, tools=True),
    "embeddinggemma:latest": Tag("gemma3", "307M", "BF16", 2048, 621_875_418, embedding_length=768),
    "all-minilm:latest": Tag("bert", "23M", "F16", 512, 45_960_996, embedding_length=384),
}

ALLOWED_ORIGINS = [
    f"{scheme}://{host}{port}"
    for host in ("localhost", "127.0.0.1", "0.0.0.0")
    for port in ("", ":*")
    for scheme in ("http", "https")
] + ["app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*"]

# Method trees in gin's registration order (the order of the Allow header).
METHOD_ORDER = ("HEAD", "GET", "POST", "DELETE")
MODELLED = {
    "/": {"HEAD", "GET"},
    "/api/version": {"HEAD", "GET"},
    "/api/tags": {"HEAD", "GET"},
    "/api/pull": {"POST"},
    "/api/show": {"POST"},
    "/v1/chat/completions": {"POST"},
    "/v1/embeddings": {"POST"},
    "/v1/models": {"GET"},
}
NOT_MODELLED = {
    "/api/status": {"GET"},
    "/api/push": {"POST"},
    "/api/delete": {"DELETE"},
    "/api/me": {"POST"},
    "/api/signout": {"POST"},
    "/api/create": {"POST"},
    "/api/copy": {"POST"},
    "/api/ps": {"GET"},
    "/api/generate": {"POST"},
    "/api/chat": {"POST"},
    "/api/embed": {"POST"},
    "/api/embeddings": {"POST"},
    "/api/experimental/web_search": {"POST"},
    "/api/experimental/web_fetch": {"POST"},
    "/v1/completions": {"POST"},
    "/v1/responses": {"POST"},
    "/v1/audio/transcriptions": {"POST"},
    "/v1/messages": {"POST"},
}
NAME = re.compile(
    r"^(?:[A-Za-z0-9_][\w.\-:]*/){0,2}[A-Za-z0-9_][\w.\-]{0,79}(?::[A-Za-z0-9_][\w.\-]{0,79})?$"
)

# Go types of ChatCompletionRequest's fields, for Go's "cannot unmarshal" messages.
REQUEST_FIELDS = {
    "model": "string",
    "messages": "[]openai.Message",
    "stream": "bool",
    "stream_options": "openai.StreamOptions",
    "max_tokens": "int",
    "seed": "int",
    "temperature": "float64",
    "frequency_penalty": "float64",
    "presence_penalty": "float64",
    "top_p": "float64",
    "response_format": "openai.ResponseFormat",
    "tools": "[]api.Tool",
    "reasoning": "openai.Reasoning",
    "reasoning_effort": "string",
    "logprobs": "bool",
    "top_logprobs": "int",
}
MESSAGE_FIELDS = {
    "role": "string",
    "reasoning": "string",
    "tool_calls": "[]openai.ToolCall",
    "name": "string",
    "tool_call_id": "string",
}


def normalized(vector: list[float]) -> list[float]:
    """server/routes.go normalize: the vector over its L2 norm, rounded to float32."""
    norm = 1.0 / max(sum(v * v for v in vector) ** 0.5, 1e-12)
    return [struct.unpack("<f", struct.pack("<f", v * norm))[0] for v in vector]


def fake_embedding(text: str, length: int) -> list[float]:
    """A deterministic unit vector for a text (from its SHA-256; equal texts get equal vectors)."""
    seed = random.Random(hashlib.sha256(text.encode()).digest())
    return normalized([seed.uniform(-1, 1) for _ in range(length)])


def float32_base64(vector: list[float]) -> str:
    """openai.floatsToBase64: the float32 values, little-endian, in standard base64."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def parse_version(version: str) -> tuple[int, int, int]:
    """(0, 12, 3) for "0.12.3", "v0.12.3" or "0.12.3-rc1"."""
    numbers = [int(part) for part in re.findall(r"\d+", version.lstrip("v").split("-")[0])[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))  # type: ignore[return-value]


def tag_of(name: str) -> str:
    """The tag Ollama resolves a model name to: lower case, default registry and namespace dropped, ':latest'."""
    name = name.lower()
    for prefix in ("registry.ollama.ai/", "library/"):
        name = name.removeprefix(prefix)
    return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"


def go_json(value: Any, newline: bool = False) -> bytes:
    """JSON as Go's encoding/json writes it: compact, UTF-8, with <, >, & and U+2028/9 escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (text + ("\n" if newline else "")).encode()


def go_time(seconds: float) -> str:
    """A time as Go's time.Time marshals to JSON (RFC 3339, nanoseconds trimmed, UTC as Z)."""
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def count_tokens(messages: list[dict]) -> int:
    """The fake's token count of a rendered Phi-3 prompt: words, two tags per message, one to open the answer."""
    return sum(len(text_of(message).split()) + 2 for message in messages) + 1


def text_of(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


class BadRequest(Exception):
    """A 400 of the OpenAI middleware."""


def json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return f"number {json.dumps(value)}"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def fits(value: Any, go_type: str) -> bool:
    if value is None:
        return True
    if go_type == "string":
        return isinstance(value, str)
    if go_type == "bool":
        return isinstance(value, bool)
    if go_type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if go_type == "float64":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if go_type.startswith("[]"):
        return isinstance(value, list)
    return isinstance(value, dict)


def unmarshal_error(value: Any, where: str, go_type: str) -> BadRequest:
    kind = json_kind(value)
    if kind.startswith("number") and go_type not in ("int", "float64"):
        kind = "number"
    return BadRequest(
        f"json: cannot unmarshal {kind} into Go struct field ChatCompletionRequest.{where} of type {go_type}"
    )


def instance(schema: Any, text: str) -> Any:
    """A value that fits a JSON schema, its strings the fake text (the module docstring)."""
    if not isinstance(schema, dict):
        return text
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {name: instance(rule, text) for name, rule in properties.items()}
    if kind == "array":
        return [instance(schema.get("items"), text)]
    return {"integer": 0, "number": 0, "boolean": True, "null": None}.get(kind, text)


def formatted(response_format: Any, text: str) -> str:
    """The answer as Ollama's format constrains it (FromChatRequest): JSON for json_object and json_schema."""
    if not isinstance(response_format, dict) or not isinstance(response_format.get("type"), str):
        return text
    kind = response_format["type"].strip().lower()
    if kind == "json_object":
        return json.dumps({"answer": text}, ensure_ascii=False)
    schema = response_format.get("json_schema")
    if kind == "json_schema" and isinstance(schema, dict) and "schema" in schema:
        return json.dumps(instance(schema["schema"], text), ensure_ascii=False)
    return text


def decode_chat_request(raw: bytes) -> dict:
    """The request as ChatMiddleware accepts it, or BadRequest with Ollama's message."""
    text = raw.decode("utf-8", "replace")
    if not text.strip():
        raise BadRequest("EOF")
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()):
            raise BadRequest("unexpected EOF") from None
        raise BadRequest(f"invalid character {text[error.pos]!r} looking for beginning of value") from None
    if not isinstance(body, dict):
        raise BadRequest(
            f"json: cannot unmarshal {json_kind(body).split()[0]} into Go value of type openai.ChatCompletionRequest"
        )
    for name, go_type in REQUEST_FIELDS.items():
        if not fits(body.get(name), go_type):
            raise unmarshal_error(body[name], name, go_type)
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            raise unmarshal_error(message, "messages", "openai.Message")
        for name, go_type in MESSAGE_FIELDS.items():
            if not fits(message.get(name), go_type):
                raise unmarshal_error(message[name], f"messages.{name}", go_type)
    options = body.get("stream_options") or {}
    if not fits(options.get("include_usage"), "bool"):
        raise unmarshal_error(options["include_usage"], "stream_options.include_usage", "bool")
    if not body.get("messages"):
        raise BadRequest("[] is too short - 'messages'")
    for message in body["messages"]:
        check_content(message)
        for call in message.get("tool_calls") or []:  # FromCompletionToolCall
            try:
                json.loads(((call or {}).get("function") or {}).get("arguments") or "")
            except (json.JSONDecodeError, AttributeError):
                raise BadRequest("invalid tool call arguments") from None
    return body


def full_name(tag: str) -> str:
    """The model's name as Ollama's errors spell it (model.ParseName(name).String())."""
    return f"registry.ollama.ai/{tag if '/' in tag else 'library/' + tag}"


def check_content(message: dict) -> None:
    """openai.FromChatRequest's checks of one message's content."""
    content = message.get("content")
    if isinstance(content, str):
        return
    if isinstance(content, list):
        for part in content:
            if not isinstance(part, dict):
                raise BadRequest("invalid message format")
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                continue
            if part.get("type") == "image_url":
                url = part.get("image_url")
                url = url.get("url") if isinstance(url, dict) else url
                if not isinstance(url, str):
                    raise BadRequest("invalid message format")
                if url.startswith(("http://", "https://")):
                    raise BadRequest(
                        "image URLs are not currently supported, please use base64 encoded data instead"
                    )
                continue
            raise BadRequest("invalid message format")
        return
    if message.get("tool_calls") is None:
        go_type = {
            type(None): "<nil>",
            bool: "bool",
            int: "float64",
            float: "float64",
            dict: "map[string]interface {}",
        }
        raise BadRequest(f"invalid message content type: {go_type[type(content)]}")


@dataclass
class Received:
    """One request as the fake received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    json: Any = None  # the decoded body, when it was JSON
    prompt: dict | None = None  # chats that reached the model: what the context did to the prompt
    status: int | None = None  # the status the fake answered

    @property
    def model(self) -> str | None:
        return self.json.get("model") if isinstance(self.json, dict) else None

    @property
    def stream_options(self) -> dict | None:
        return self.json.get("stream_options") if isinstance(self.json, dict) else None


@dataclass
class Answer:
    tokens: list[str]
    finish_reason: str
    prompt_tokens: int

    @property
    def usage(self) -> dict:
        completion = len(self.tokens)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: FakeOllama

    def log_message(self, format, *args):
        pass

    def send_response(self, code, message=None):
        """Status line and Date, without http.server's Server header (Go sends none)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    # ---- plumbing ---------------------------------------------------------------------------------

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, body: bytes = b"", content_type: str | None = None, headers=()) -> None:
        self.received.status = status
        self.send_response(status)
        for name, value in [*self.extra_headers, *headers]:
            self.send_header(name, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def gin_json(self, status: int, value: Any) -> None:
        """gin's c.JSON: compact, no newline."""
        self.reply(status, go_json(value), "application/json; charset=utf-8")

    def writer_json(self, status: int, value: Any) -> None:
        """What Ollama's OpenAI writers encode (json.Encoder): a trailing newline, plain application/json."""
        self.reply(status, go_json(value, newline=True), "application/json")

    def openai_error(self, status: int, message: str) -> None:
        """An error of ChatHandler after the middleware, re-encoded by BaseWriter.writeError."""
        if self.server.version_tuple >= ERROR_TYPE_FROM_STATUS:
            kind = {400: "invalid_request_error", 404: "not_found_error"}.get(status, "api_error")
        else:
            kind = "api_error"
        self.writer_json(status, {"error": {"message": message, "type": kind, "param": None, "code": None}})

    def middleware_error(self, message: str) -> None:
        """A 400 of ChatMiddleware: c.AbortWithStatusJSON(400, NewError(400, ...))."""
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
        self.gin_json(400, {"error": error})

    # ---- routing (gin engine + global middleware) -------------------------------------------------

    def dispatch(self) -> None:
        # http.server folds a leading "//" into "/" (CPython gh-87389); gin routes the path as sent.
        target = self.requestline.split(" ")[1] if self.requestline.count(" ") == 2 else self.path
        path, _, query = target.partition("?")
        body = self.read_body()
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.received = Received(self.command, path, query, headers, body)
        try:
            self.received.json = json.loads(body) if body else None
        except ValueError:
            pass
        self.server.record(self.received)
        self.extra_headers: list[tuple[str, str]] = []
        try:
            self.route(path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, path: str) -> None:
        method = self.command
        routes = {**NOT_MODELLED, **MODELLED}
        methods = routes.get(path, set())
        if self.is_model_path(path):
            methods = {"GET"}
        if method not in methods and self.redirect_trailing_slash(path, routes):
            return
        if not self.cors_and_hosts_allow():
            return
        if method in methods:
            if path in MODELLED or self.is_model_path(path):
                return self.serve_route(path)
            message = f"fake Ollama does not model {method} {path}".encode()
            return self.reply(501, message, "text/plain; charset=utf-8")
        if methods and self.server.version_tuple >= METHOD_NOT_ALLOWED:
            allowed = ", ".join(m for m in METHOD_ORDER if m in methods)
            return self.reply(405, b"405 method not allowed", "text/plain", [("Allow", allowed)])
        self.reply(404, b"404 page not found", "text/plain")

    @staticmethod
    def is_model_path(path: str) -> bool:
        """/v1/models/:model"""
        name = path[len("/v1/models/") :]
        return path.startswith("/v1/models/") and name != "" and "/" not in name

    def redirect_trailing_slash(self, path: str, routes: dict) -> bool:
        other = path[:-1] if path.endswith("/") else path + "/"
        if len(path) <= 1 or self.command not in routes.get(other, set()):
            return False
        location = other + (f"?{self.received.query}" if self.received.query else "")
        if self.command == "GET":
            body = f'<a href="{location}">Moved Permanently</a>.\n\n'.encode()
            self.reply(301, body, "text/html; charset=utf-8", [("Location", location)])
        else:
            self.reply(307, b"", None, [("Location", location)])
        return True

    def cors_and_hosts_allow(self) -> bool:
        """gin-contrib/cors with Ollama's origins, then allowedHostsMiddleware (loopback listener)."""
        origin = self.headers.get("Origin", "")
        host_header = self.headers.get("Host", "")
        if origin and origin not in (f"http://{host_header}", f"https://{host_header}"):
            if not self.server.origin_allowed(origin):
                self.reply(403)
                return False
            self.extra_headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            if self.command == "OPTIONS":
                self.reply(204)
                return False
        host = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
        host = host.strip("[]")
        try:
            address = ipaddress.ip_address(host)
            if address.is_loopback or address.is_private or address.is_unspecified:
                return True
        except ValueError:
            pass
        lowered = host.lower()
        if lowered in ("", "localhost", socket.gethostname().lower()) or lowered.endswith(
            (".localhost", ".local", ".internal")
        ):
            if self.command == "OPTIONS":
                self.reply(204)
                return False
            return True
        self.reply(403)
        return False

    # ---- handlers ---------------------------------------------------------------------------------

    def serve_route(self, path: str) -> None:
        if path == "/":
            return self.reply(200, b"Ollama is running", "text/plain; charset=utf-8")
        if path == "/api/version":
            return self.gin_json(200, {"version": self.server.version})
        if path == "/api/tags":
            return self.gin_json(
                200, {"models": [self.server.tag_entry(tag) for tag in self.server.listed()]}
            )
        if path == "/v1/models":
            data = [self.server.model_entry(tag) for tag in self.server.listed()]
            return self.writer_json(200, {"object": "list", "data": data or None})
        if self.is_model_path(path):
            name = path[len("/v1/models/") :]
            if tag_of(name) not in self.server.pulled_tags():
                return self.openai_error(404, f"model '{name}' not found")
            return self.writer_json(200, {**self.server.model_entry(tag_of(name)), "id": name})
        if path == "/api/show":
            return self.show()
        if path == "/api/pull":
            return self.pull()
        if path == "/v1/embeddings":
            return self.embeddings()
        return self.chat()

    def show(self) -> None:
        body = self.received.json if isinstance(self.received.json, dict) else {}
        name = body.get("model") or body.get("name")
        if not self.received.body:
            return self.gin_json(400, {"error": "missing request body"})
        if not name:
            return self.gin_json(400, {"error": "model is required"})
        tag = tag_of(name)
        if tag not in self.server.pulled_tags():
            return self.gin_json(404, {"error": f"model '{name}' not found"})
        info = self.server.tag_info(tag)
        model_info = {"general.architecture": info.family}
        if info.train_context:
            model_info[f"{info.family}.context_length"] = info.train_context
        self.gin_json(
            200,
            {
                "details": self.server.tag_entry(tag)["details"],
                "model_info": model_info,
                "capabilities": ["completion"],
                "modified_at": self.server.tag_entry(tag)["modified_at"],
            },
        )

    def pull(self) -> None:
        body = self.received.json if isinstance(self.received.json, dict) else {}
        name = body.get("model") or body.get("name") or ""
        tag = tag_of(name)
        known = tag in self.server.library
        digest = self.server.digest(tag)
        if known:
            size = self.server.tag_info(tag).size
            progress = [
                {"status": "pulling manifest"},
                {
                    "status": f"pulling {digest[:12]}",
                    "digest": f"sha256:{digest}",
                    "total": size,
                    "completed": size,
                },
                {"status": "verifying sha256 digest"},
                {"status": "writing manifest"},
                {"status": "success"},
            ]
            self.server.pull(tag)
        else:
            progress = [{"status": "pulling manifest"}, {"error": "pull model manifest: file does not exist"}]
        if body.get("stream") is False:
            if not known:
                return self.gin_json(500, {"error": progress[-1]["error"]})
            return self.reply(200, go_json(progress[-1]), "application/json")
        self.start_chunked(200, "application/x-ndjson")
        for line in progress:
            self.write_chunk(go_json(line, newline=True))
        self.end_chunked()

    def start_chunked(self, status: int, content_type: str) -> None:
        self.received.status = status
        self.send_response(status)
        for name, value in self.extra_headers:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # ---- /v1/embeddings (issue 22) ---------------------------------------------------------------

    def embeddings(self) -> None:
        """EmbeddingsMiddleware, EmbedHandler and EmbedWriter (see the module docstring)."""
        request = self.received.json
        if not isinstance(request, dict):
            if not self.received.body or request is None:
                return self.middleware_error("EOF" if not self.received.body else "invalid character")
            kind = json_kind(request).removeprefix("number ").split(" ")[0]
            kind = "number" if isinstance(request, int | float) and not isinstance(request, bool) else kind
            return self.middleware_error(
                f"json: cannot unmarshal {kind} into Go value of type openai.EmbedRequest"
            )
        encoding = request.get("encoding_format") or ""
        if encoding and encoding.lower() not in ("float", "base64"):
            return self.middleware_error(
                f"Invalid value for 'encoding_format' = {encoding}. Supported values: ['float', 'base64']."
            )
        given = [""] if request.get("input") == "" else request.get("input")
        if given is None or given == []:
            return self.middleware_error("invalid input")
        texts = [given] if isinstance(given, str) else given
        if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
            return self.openai_error(400, "invalid input type")
        name = request.get("model") or ""
        if tag_of(name) not in self.server.pulled_tags():
            return self.openai_error(404, f"model '{name}' not found")
        length = self.server.tag_info(tag_of(name)).embedding_length
        if length is None:
            message = f"fake Ollama does not model embeddings from a chat model ({name})".encode()
            return self.reply(501, message, "text/plain; charset=utf-8")
        dimensions = request.get("dimensions") or 0
        data = []
        for index, text in enumerate(texts):
            vector = fake_embedding(text, length)
            if 0 < dimensions < length:
                vector = normalized(vector[:dimensions])
            value = float32_base64(vector) if encoding.lower() == "base64" else vector
            data.append({"object": "embedding", "embedding": value, "index": index})
        tokens = sum(len(text.split()) for text in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        self.writer_json(200, {"object": "list", "data": data, "model": name, "usage": usage})

    # ---- /v1/chat/completions ---------------------------------------------------------------------

    def chat(self) -> None:
        try:
            request = decode_chat_request(self.received.body)
        except BadRequest as error:
            return self.middleware_error(str(error))
        server = self.server
        name = request.get("model") or ""
        if not NAME.match(name):
            message = (
                "invalid model name" if server.version_tuple >= INVALID_MODEL_NAME else "model is required"
            )
            return self.openai_error(400, message)
        if tag_of(name) not in server.pulled_tags():
            if server.version_tuple >= SINGLE_QUOTED_NOT_FOUND:
                return self.openai_error(404, f"model '{name}' not found")
            return self.openai_error(404, f"model {json.dumps(name)} not found, try pulling it first")
        tools = request.get("tools") or []
        tag = LIBRARY.get(tag_of(name))
        if tools and not (tag and tag.tools):  # scheduleRunner: CheckCapabilities(completion, tools)
            return self.openai_error(400, f"{full_name(tag_of(name))} does not support tools")
        answer = server.answer(tag_of(name), name, request, self.received)
        chat_id = f"chatcmpl-{server.next_id()}"
        last_role = (request["messages"][-1] or {}).get("role")
        if tools and last_role != "tool" and not request.get("stream"):
            function = (tools[0] or {}).get("function") or {}
            text = f"Fake {name} call of {function.get('name', '')}"
            arguments = instance(function.get("parameters") or {"type": "object"}, text)
            call_id = "call_" + "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=8))
            call = {
                "id": call_id,
                "index": 0,
                "type": "function",
                "function": {"name": function.get("name", ""), "arguments": go_json(arguments).decode()},
            }
            message = {"role": "assistant", "content": "", "tool_calls": [call]}
            choice = {"index": 0, "message": message, "finish_reason": "tool_calls"}
            body = {"id": chat_id, "object": "chat.completion", "created": int(time.time()), "model": name}
            body |= {"system_fingerprint": "fp_ollama", "choices": [choice], "usage": answer.usage}
            return self.writer_json(200, body)
        if request.get("stream"):
            include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
            return self.stream(
                chat_id, name, answer, include_usage and server.version_tuple >= USAGE_ON_STREAMS
            )
        time.sleep(server.token_delay * len(answer.tokens))
        message = {"role": "assistant", "content": "".join(answer.tokens)}
        choice = {"index": 0, "message": message, "finish_reason": answer.finish_reason}
        self.writer_json(
            200,
            {
                "id": chat_id,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": name,
                "system_fingerprint": "fp_ollama",
                "choices": [choice],
                "usage": answer.usage,
            },
        )

    def stream(self, chat_id: str, model: str, answer: Answer, include_usage: bool) -> None:
        created = int(time.time())
        new_format = self.server.version_tuple >= FINISH_CHUNK

        def chunk(delta: dict | None, finish_reason: str | None = None) -> dict:
            choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
            stamp = created if new_format else int(time.time())
            return {
                "id": chat_id,
                "object": "chat.completion.chunk",
                "created": stamp,
                "model": model,
                "system_fingerprint": "fp_ollama",
                "choices": choices,
            }

        def send(event: dict | str) -> None:
            data = event if isinstance(event, str) else go_json(event).decode()
            self.write_chunk(f"data: {data}\n\n".encode())

        self.start_chunked(200, "text/event-stream")
        for number, token in enumerate(answer.tokens):
            time.sleep(self.server.token_delay)
            if new_format:
                send(chunk({"role": "assistant", "content": token} if number == 0 else {"content": token}))
            else:
                send(chunk({"role": "assistant", "content": token}))
        if new_format:
            if not answer.tokens:  # a wholly empty completion still opens with a role chunk
                send(chunk({"role": "assistant", "content": ""}))
            last = chunk({}, answer.finish_reason)
        else:
            last = chunk({"role": "assistant", "content": ""}, answer.finish_reason)
        send(last)
        if include_usage:
            send({**last, "choices": [], "usage": answer.usage})
        send("[DONE]")
        self.end_chunked()


class FakeOllama(ThreadingHTTPServer):
    """Ollama's OpenAI-compatible server on 127.0.0.1 (a free port), serving in a daemon thread from creation.

    pulled: tags `ollama list` would show (names as a learner types them: "phi3:mini", "phi3" = "phi3:latest").
    version: the Ollama version to imitate (wording and shapes change with it; see the module docstring).
    context_length: the server's default context (OLLAMA_CONTEXT_LENGTH), capped per tag at its training context.
    token_delay: seconds before each streamed token (and per token before a non-stream answer).
    origins: extra allowed browser origins (OLLAMA_ORIGINS).
    """

    daemon_threads = True
    allow_reuse_address = False

    def __init__(
        self,
        pulled=DEFAULT_PULLED,
        version: str = DEFAULT_VERSION,
        context_length: int = DEFAULT_CONTEXT_LENGTH,
        token_delay: float = 0.0,
        origins=(),
        library: dict[str, Tag] | None = None,
    ):
        self.pulled: set[str] = set(pulled)
        self.version = version
        self.context_length = context_length
        self.token_delay = token_delay
        self.origins = list(origins)
        self.library = dict(LIBRARY if library is None else library)
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._random = random.Random(0)
        self._pulled_at = {
            tag_of(name): 1_750_000_000 + i * 3600 for i, name in enumerate(sorted(self.pulled))
        }
        super().__init__(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    # ---- what tests use ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>, a value for OLLAMA_HOST."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def host(self) -> str:
        """127.0.0.1:<port>, OLLAMA_HOST in its host:port form."""
        return f"127.0.0.1:{self.server_address[1]}"

    @property
    def last(self) -> Received:
        return self.requests[-1]

    @property
    def chats(self) -> list[Received]:
        """The requests to /v1/chat/completions."""
        return [r for r in self.requests if r.path == "/v1/chat/completions" and r.method == "POST"]

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        return parse_version(self.version)

    def context_for(self, tag: str) -> int:
        """The context a chat with `tag` gets: the server's, capped at the model's training context."""
        train = self.tag_info(tag).train_context
        return min(self.context_length, train) if train else self.context_length

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (a lesson closing its client) is normal; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> FakeOllama:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- internals --------------------------------------------------------------------------------

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def next_id(self) -> int:
        with self._lock:
            return self._random.randrange(999)

    def pulled_tags(self) -> set[str]:
        return {tag_of(name) for name in self.pulled}

    def pull(self, tag: str) -> None:
        with self._lock:
            self.pulled.add(tag)
            self._pulled_at[tag] = max(self._pulled_at.values(), default=1_750_000_000) + 3600

    def listed(self) -> list[str]:
        """Pulled tags, most recently modified first (ListHandler's order)."""
        return sorted(self.pulled_tags(), key=lambda tag: (-self._pulled_at.get(tag, 0), tag))

    def tag_info(self, tag: str) -> Tag:
        return self.library.get(tag) or Tag(
            tag.split(":")[0].rstrip("0123456789."), "", "Q4_0", None, 1_000_000_000
        )

    def digest(self, tag: str) -> str:
        return hashlib.sha256(tag.encode()).hexdigest()

    def tag_entry(self, tag: str) -> dict:
        info = self.tag_info(tag)
        details = {
            "parent_model": "",
            "format": "gguf",
            "family": info.family,
            "families": [info.family],
            "parameter_size": info.parameter_size,
            "quantization_level": info.quantization,
        }
        modified = go_time(self._pulled_at.get(tag, 1_750_000_000) + 0.123456)
        return {
            "name": tag,
            "model": tag,
            "modified_at": modified,
            "size": info.size,
            "digest": self.digest(tag),
            "details": details,
        }

    def model_entry(self, tag: str) -> dict:
        owner = tag.split("/")[-2] if tag.count("/") else "library"
        return {
            "id": tag,
            "object": "model",
            "created": self._pulled_at.get(tag, 1_750_000_000),
            "owned_by": owner,
        }

    def origin_allowed(self, origin: str) -> bool:
        """gin-contrib/cors validateOrigin with AllowWildcard (a trailing "*" also eats the character before it)."""
        allowed = self.origins + ALLOWED_ORIGINS
        if "*" in allowed or origin in allowed:
            return True
        for pattern in allowed:
            if pattern.count("*") != 1:
                continue
            star = pattern.index("*")
            if star == 0 and origin.endswith(pattern[1:]):
                return True
            if star == len(pattern) - 1 and origin.startswith(pattern[: star - 1]):
                return True
            if origin.startswith(pattern[:star]) and origin.endswith(pattern[star + 1 :]):
                return True
        return False

    def answer(self, tag: str, model: str, request: dict, received: Received) -> Answer:
        """What the model says: the fake text, cut at a stop string or max_tokens; the prompt after truncation."""
        messages = request["messages"]
        context = self.context_for(tag)
        full = count_tokens(messages)
        start = 0
        for start in range(len(messages)):  # server/prompt.go chatPrompt
            system = [m for m in messages[:start] if m.get("role") == "system"]
            if count_tokens(system + messages[start:]) <= context:
                break
        kept = [m for m in messages[:start] if m.get("role") == "system"] + messages[start:]
        prompt_tokens = count_tokens(kept)
        truncated = False
        if self.version_tuple >= LLAMA_SERVER_TRUNCATION:
            if prompt_tokens > context - 1:  # llm/llama_server.go completionPromptForRequest
                keep = min(NUM_KEEP, context - 1)
                prompt_tokens, truncated = context - max((context - keep) // 2, 1), True
        elif prompt_tokens > context:  # runner NewSequence
            prompt_tokens, truncated = context, True
        received.prompt = {
            "context_length": context,
            "prompt_tokens": prompt_tokens,
            "full_prompt_tokens": full,
            "dropped_messages": len(messages) - len(kept),
            "truncated": truncated,
        }
        users = [m for m in messages if m.get("role") == "user"]
        question = " ".join(text_of(users[-1] if users else messages[-1]).split())
        text = formatted(request.get("response_format"), f"Fake {model} answer to: {question}")
        finish = "stop"
        stops = request.get("stop")
        stops = [stops] if isinstance(stops, str) else [s for s in stops or [] if isinstance(s, str)]
        for stop in stops:
            if stop and stop in text:
                text = text[: text.index(stop)]
        words = text.split()
        tokens = [(" " if i else "") + word for i, word in enumerate(words)]
        limit = request.get("max_tokens")
        if limit is not None and limit > 0 and len(tokens) > limit:
            tokens, finish = tokens[:limit], "length"
        return Answer(tokens, finish, prompt_tokens)


@pytest.fixture
def fake_ollama():
    """Start FakeOllama servers (keyword arguments as FakeOllama's); all are stopped after the test."""
    servers: list[FakeOllama] = []

    def start(**options) -> FakeOllama:
        servers.append(FakeOllama(**options))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
