"""Recorded exchanges ("cassettes"): loading, validating and matching them to requests.

A cassette is one readable JSON file holding one request and the response that answered it
(``"response": {...}``), or several answers to it, "takes" (``"takes": [{...}, {...}]``), which replay serves
in turn.
Requests match on method, route, scenario and canonical body (see ``canonical_body``); an image sent inline
as a ``data:<mime>;base64,<data>`` URL matches on its SHA-256 digest, ``data:<mime>;sha256,<hex>``, and a
cassette holds only that form (see ``digest_images``). A scenario, chosen
with the path prefix ``/_scenario/<name>/``, selects a recorded failure (a 429, a 401 ...) for a request
that would otherwise get its normal answer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

ROUTE_PREFIXES = ("/v1", "/inference", "/models")
SCENARIO_PREFIX = "/_scenario/"
ROUTES = ("/chat/completions", "/embeddings")
DATA_URL = re.compile(r"data:([^;,]*);base64,(.*)", re.DOTALL)
PROVENANCE_KINDS = ("recorded", "synthetic")


class CassetteError(ValueError):
    """A cassette file that cannot be used, with the file named and what to fix."""


def parse_path(path: str) -> tuple[str, str | None]:
    """The scenario a request path selects ("" for none) and its route without query and known prefix
    (None if unknown)."""
    route, scenario = path.split("?", 1)[0].rstrip("/"), ""
    if route.startswith(SCENARIO_PREFIX):
        scenario, _, rest = route[len(SCENARIO_PREFIX) :].partition("/")
        route = "/" + rest
    for prefix in ROUTE_PREFIXES:
        if route.startswith(prefix + "/"):
            route = route[len(prefix) :]
            break
    return scenario, route if route in ROUTES else None


def image_digest(url: str) -> str:
    """A base64 data URL as its digest form, ``data:<mime>;sha256,<hex of the decoded bytes>`` (the hex is
    what ``sha256sum`` prints for the image file); any other string as it is."""
    found = DATA_URL.fullmatch(url)
    if not found:
        return url
    try:
        data = base64.b64decode(re.sub(r"\s+", "", found[2]), validate=True)
    except (binascii.Error, ValueError):  # not base64 after all: kept, and matched, as written
        return url
    return f"data:{found[1]};sha256,{hashlib.sha256(data).hexdigest()}"


def digest_images(value):
    """The value with every base64 data URL in it replaced by its digest form (``image_digest``), so that a
    cassette never holds the image itself and an image matches on its bytes."""
    if isinstance(value, dict):
        return {key: digest_images(item) for key, item in value.items()}
    if isinstance(value, list):
        return [digest_images(item) for item in value]
    return image_digest(value) if isinstance(value, str) else value


def canonical(value):
    """The value with null fields dropped, every number a float and every base64 data URL its digest form,
    so equal meanings compare equal."""
    if isinstance(value, str):
        return image_digest(value)
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    try:
        return float(value)
    except OverflowError:  # an integer beyond the largest float is compared as itself
        return value


def canonical_body(body: object) -> str:
    """One string per meaning: keys sorted, numbers by value (1 == 1.0), null fields dropped."""
    return json.dumps(canonical(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(method: str, route: str, body: object, scenario: str = "") -> tuple[str, str, str, str]:
    """The key a request is matched on."""
    return method.upper(), route, scenario, canonical_body(body)


@dataclass(frozen=True)
class Cassette:
    """One recorded exchange: where it came from, the request and its answers (one take or several)."""

    name: str
    provenance: dict
    request: dict
    takes: tuple[dict, ...]

    @property
    def key(self) -> tuple[str, str, str, str]:
        request = self.request
        return request_key(request["method"], request["route"], request["body"], request.get("scenario", ""))

    @property
    def response(self) -> dict:
        """The first take: the only one of a one-answer cassette."""
        return self.takes[0]

    def file_data(self) -> dict:
        """The cassette as its file holds it: ``response`` for one take, ``takes`` for several."""
        answers = {"response": self.takes[0]} if len(self.takes) == 1 else {"takes": list(self.takes)}
        return {"provenance": self.provenance, "request": self.request, **answers}


def is_stream(response: dict) -> bool:
    """Whether a response (one take) is a server-sent event stream."""
    return "events" in response


def _broken(path: Path, problem: str) -> CassetteError:
    return CassetteError(
        f"Broken cassette {path.name}: {problem}. Fix or delete the file "
        "(git checkout restores the shipped ones), or re-record it."
    )


def _require(condition: bool, path: Path, problem: str) -> None:
    if not condition:
        raise _broken(path, problem)


def _check_response(response: object, path: Path, where: str = "response") -> None:
    _require(isinstance(response, dict), path, f"'{where}' must be an object")
    _require(isinstance(response.get("status"), int), path, f"'{where}.status' must be an integer")
    _require(isinstance(response.get("headers", {}), dict), path, f"'{where}.headers' must be an object")
    if "events" in response:
        events = response["events"]
        _require(isinstance(events, list) and events, path, f"'{where}.events' must be a non-empty list")
        for event in events:
            _require(
                isinstance(event, dict)
                and "data" in event
                and isinstance(event.get("delay_ms", 0), int | float),
                path,
                "each event needs 'data' and a numeric 'delay_ms'",
            )
        _require(
            events[-1]["data"] == "[DONE]",
            path,
            f"'{where}': a stream must end with the event 'data: [DONE]'",
        )
    else:
        _require("body" in response, path, f"'{where}' needs 'body' (or 'events' for a stream)")
    _require(
        isinstance(response.get("elapsed_ms", 0), int | float), path, f"'{where}.elapsed_ms' must be a number"
    )


def _takes(data: dict, path: Path) -> tuple[dict, ...]:
    """The cassette's answers: its one 'response', or each of its 'takes', every one checked like a response."""
    _require(
        ("response" in data) != ("takes" in data),
        path,
        "it needs either 'response' (one answer) or 'takes' (a list of answers), not both",
    )
    if "response" in data:
        _check_response(data["response"], path)
        return (data["response"],)
    takes = data["takes"]
    _require(isinstance(takes, list) and takes, path, "'takes' must be a non-empty list of responses")
    for number, take in enumerate(takes):
        _check_response(take, path, f"takes[{number}]")
    return tuple(takes)


def load_cassette(path: Path) -> Cassette:
    """Read and validate one cassette file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _broken(path, f"not readable JSON ({error})") from error
    _require(isinstance(data, dict), path, "the file must hold one JSON object")
    provenance, request = data.get("provenance"), data.get("request")
    _require(isinstance(provenance, dict), path, "'provenance' must be an object")
    _require(
        provenance.get("kind") in PROVENANCE_KINDS, path, "'provenance.kind' must be recorded or synthetic"
    )
    _require(isinstance(request, dict), path, "'request' must be an object")
    _require(isinstance(request.get("method"), str), path, "'request.method' must be a string")
    _require(request.get("route") in ROUTES, path, f"'request.route' must be one of {', '.join(ROUTES)}")
    _require(isinstance(request.get("body"), dict), path, "'request.body' must be a JSON object")
    _require(
        digest_images(request["body"]) == request["body"],
        path,
        "'request.body' holds an image as base64; write each data URL in its digest form, "
        "data:<mime>;sha256,<hex digest of the image bytes>",
    )
    return Cassette(path.stem, provenance, request, _takes(data, path))


@dataclass(frozen=True)
class Library:
    """All cassettes of one folder, indexed by request key."""

    folder: Path
    by_key: dict

    @classmethod
    def load(cls, folder: Path) -> Library:
        if not folder.is_dir():
            raise CassetteError(
                f"Cassette folder not found: {str(folder)!r} (a relative GITHUB_MODELS_CASSETTES is read from "
                "the working directory, which for a notebook is its own folder). Point it at a folder of "
                "cassettes, or unset it to use the recordings shipped with the lessons."
            )
        by_key: dict = {}
        for path in sorted(folder.glob("*.json")):
            cassette = load_cassette(path)
            twin = by_key.get(cassette.key)
            if twin:
                raise CassetteError(
                    f"Cassettes {twin.name}.json and {path.name} answer the same request; delete one of them."
                )
            by_key[cassette.key] = cassette
        return cls(folder, by_key)

    def find(self, method: str, route: str, body: object, scenario: str = "") -> Cassette | None:
        return self.by_key.get(request_key(method, route, body, scenario))

    @property
    def scenarios(self) -> set[str]:
        return {c.request.get("scenario", "") for c in self.by_key.values()} - {""}

    @property
    def models(self) -> set[str]:
        """The chat models with an answer recorded: what GITHUB_MODELS_MODEL may name."""
        return self._answered("/chat/completions")

    @property
    def embedding_models(self) -> set[str]:
        """The embedding models with an answer recorded (lesson 12)."""
        return self._answered("/embeddings")

    def _answered(self, route: str) -> set[str]:
        return {
            c.request["body"].get("model")
            for c in self.by_key.values()
            if c.request["route"] == route and any(take["status"] == 200 for take in c.takes)
        } - {None}

    @property
    def provenance(self) -> str:
        """Where the answers came from, in words; any synthetic answer is named as such."""
        kinds = {c.provenance["kind"] for c in self.by_key.values()}
        if kinds == {"recorded"}:
            return "recorded answers"
        return "synthetic answers" if kinds == {"synthetic"} else "recorded and synthetic answers"
