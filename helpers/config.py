"""Which service the lessons talk to, read afresh from the environment on every call."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from helpers.browser import start_in_browser
from helpers.cassette import Library
from helpers.environment import in_browser
from helpers.errors import SettingsError
from helpers.explain import explain_in_notebook
from helpers.language import LANGUAGES, _, chosen_language
from helpers.local import OllamaForwarder, local_tag, ollama_url, readiness
from helpers.models import LOCAL_DEFAULT_MODEL, ollama_tag
from helpers.record import Recorder
from helpers.replay import ReplayServer, default_cassettes, default_speed, start_in_thread

MODES = ("replay", "live", "record", "local")
RETIRED_ENDPOINT = "https://models.inference.ai.azure.com"
DEFAULT_MODEL = "Phi-3-small-8k-instruct"
REPLAY_TOKEN = "replay-mode-needs-no-token"
LOCAL_TOKEN = "local-mode-needs-no-token"  # Ollama wants no key; the forwarder drops any it is sent

_servers: dict[tuple[Path, str | None], ReplayServer] = {}
_servers_lock = threading.Lock()


@dataclass(frozen=True)
class Settings:
    """Where requests go: mode, endpoint, key and model (the key is never shown)."""

    mode: str
    endpoint: str
    token: str = field(repr=False)
    model: str
    answers_from: str = ""
    upstream: str = ""
    scenario: str = ""

    def describe(self) -> str:
        """The one setup line a lesson prints: mode and model, never a local URL or the key."""
        scenario = _(" · scenario {scenario}", scenario=self.scenario) if self.scenario else ""
        if self.mode == "replay" and in_browser():
            return _(
                "Mode: replay in your browser ({answers}) · {model}{scenario}",
                answers=self.answers_from,
                model=self.model,
                scenario=scenario,
            )
        if self.mode == "replay":
            return _(
                "Mode: replay ({answers}) · {model}{scenario}",
                answers=self.answers_from,
                model=self.model,
                scenario=scenario,
            )
        if scenario:
            scenario += _(" ignored (scenarios are recorded for replay only)")
        saving = f" · {self.answers_from}" if self.answers_from else ""
        if self.mode == "local":
            return _(
                "Mode: local (Ollama at {ollama}{saving}) · {model} (Ollama tag {tag}){scenario}",
                ollama=urlsplit(self.upstream).netloc,
                saving=saving,
                model=self.model,
                tag=ollama_tag(self.model),
                scenario=scenario,
            )
        where = self.upstream or self.endpoint
        if where == RETIRED_ENDPOINT:
            where += _(" (retired 2026-07-30: set GITHUB_MODELS_ENDPOINT)")
        return _(
            "Mode: {mode} · endpoint {where}{saving} · {model}{scenario}",
            mode=self.mode,
            where=where,
            saving=saving,
            model=self.model,
            scenario=scenario,
        )


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _mode() -> str:
    mode = _env("GITHUB_MODELS_MODE", "replay").lower()
    if mode not in MODES:
        raise SettingsError(
            _(
                "GITHUB_MODELS_MODE={mode!r} is not a mode. Use replay (the default: offline, recorded answers), "
                "local (a Phi-3 running under Ollama on this machine), live (a real endpoint) or record (live, "
                "saving each answer for replay).",
                mode=mode,
            )
        )
    return mode


def _language() -> None:
    chosen = chosen_language()
    if chosen and chosen not in LANGUAGES:
        raise SettingsError(
            _(
                "GITHUB_MODELS_LANG={chosen!r} is not a language of these lessons. Use en or fr, or unset it: "
                "helpers then speak the notebook's language (French in notebooks/fr/, English elsewhere).",
                chosen=chosen,
            )
        )


def validated_endpoint(url: str, source: str = "GITHUB_MODELS_ENDPOINT") -> str:
    """The base URL of a live service, or an error naming where it came from and what a good one looks like."""
    endpoint = url.strip().rstrip("/")
    parts = urlsplit(endpoint)
    problem = None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in endpoint:
        problem = _("is not an http(s) URL")
    elif parts.query or parts.fragment:
        problem = _("has a query or fragment")
    elif parts.path.endswith("/chat/completions"):
        problem = _("includes the route: the SDK adds /chat/completions itself")
    if problem:
        raise SettingsError(
            _(
                "{source}={endpoint!r} {problem}. Set it to the base URL of a compatible service, for example "
                "https://models.github.ai/inference or https://<resource>.services.ai.azure.com/models.",
                source=source,
                endpoint=endpoint,
                problem=problem,
            )
        )
    return endpoint


def _token(mode: str) -> str:
    token = _env("GITHUB_TOKEN")
    if not token:
        raise SettingsError(
            _(
                "GITHUB_MODELS_MODE={mode} needs a key in GITHUB_TOKEN, and it is not set. Export it in the shell "
                "that starts Jupyter (Actions and Codespaces set GITHUB_TOKEN themselves), or set "
                "GITHUB_MODELS_MODE=replay to continue offline.",
                mode=mode,
            )
        )
    return token


def _kernel_server(job: str = "replay", forwarder=None, saving: bool = False) -> ReplayServer:
    """This kernel's server for one job, started once: replay the cassette folder, or pass every request to
    ``forwarder(library)`` (record mode's recorder, local mode's Ollama forwarder), saving into the folder's
    library when ``saving``."""
    folder, speed = default_cassettes(), default_speed()
    key = (folder if saving or not forwarder else None, job)
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            if saving:
                folder.mkdir(parents=True, exist_ok=True)
            library = Library.load(folder) if key[0] else None
            if in_browser():  # no server can run in a browser: its kernel answers replay itself
                server = _servers[key] = start_in_browser(library, speed)
            else:
                server = _servers[key] = start_in_thread(
                    library, speed, forwarder(library) if forwarder else None
                )
        server.speed = speed
        return server


def _replay_settings(model: str, scenario: str) -> Settings:
    try:
        server = _kernel_server()
    except ValueError as error:
        raise SettingsError(str(error)) from None
    if not server.library.by_key:
        raise SettingsError(
            _(
                "The cassette folder {folder!r} holds no *.json cassettes, so replay has nothing to answer with. "
                "Unset GITHUB_MODELS_CASSETTES to use the recordings shipped with the lessons.",
                folder=str(server.library.folder),
            )
        )
    if model not in server.library.models | server.library.embedding_models:
        raise SettingsError(
            _(
                "GITHUB_MODELS_MODEL={model!r} has no recordings to replay. Recorded models: {models}. Unset "
                "GITHUB_MODELS_MODEL, or ask a real model: local mode (GITHUB_MODELS_MODE=local, Phi-3 under "
                "Ollama on this machine) or live mode.",
                model=model,
                models=", ".join(sorted(server.library.models)),
            )
        )
    if scenario and scenario not in server.library.scenarios:
        raise SettingsError(
            _(
                "settings(scenario={scenario!r}): replay has no such scenario. Recorded scenarios: {scenarios}.",
                scenario=scenario,
                scenarios=", ".join(sorted(server.library.scenarios)) or _("none"),
            )
        )
    endpoint = f"{server.url}/_scenario/{scenario}" if scenario else server.url
    return Settings("replay", endpoint, REPLAY_TOKEN, model, _(server.library.provenance), scenario=scenario)


def _local_settings(model: str, scenario: str) -> Settings:
    try:
        ollama = ollama_url()
        local_tag(model)  # Phi-3-small fails here, with what to use instead, before any server starts
    except ValueError as error:
        raise SettingsError(str(error)) from None
    saving = _env("GITHUB_MODELS_RECORD_LOCAL") == "1"
    try:
        server = _kernel_server(f"local {ollama}", partial(OllamaForwarder, ollama), saving)
    except (ValueError, OSError) as error:
        raise SettingsError(_("Local mode cannot use its cassette folder: {error}", error=error)) from None
    into = _("saving to {folder}/", folder=server.library.folder.name) if saving else ""
    return Settings("local", server.url, LOCAL_TOKEN, model, into, ollama, scenario)


def settings(scenario: str = "") -> Settings:
    """Read the environment and return where requests go; notebook 00 introduces it.

    ``scenario`` (replay only) picks a recorded failure for the same requests, as notebook 05 shows.
    In replay mode (the default) this starts the local replay server once per kernel; in local mode, the
    server that forwards to Ollama, and it says what is missing (Ollama, the model). In IPython it also
    makes failed requests explain themselves under their traceback.
    """
    _language()
    mode = _mode()
    if mode in ("local", "record") and in_browser():
        raise SettingsError(
            _(
                "GITHUB_MODELS_MODE={mode} needs a server on your machine, and a browser tab cannot run one. Here, use "
                "replay mode (the default: unset GITHUB_MODELS_MODE) or live mode with an endpoint that accepts "
                "requests from web pages. For that mode, open this lesson in JupyterLab on your computer (make lab) "
                "or in a Codespace (for local mode, the one with Ollama).",
                mode=mode,
            )
        )
    model = _env("GITHUB_MODELS_MODEL", LOCAL_DEFAULT_MODEL if mode == "local" else DEFAULT_MODEL)
    if mode == "replay":
        cfg = _replay_settings(model, scenario)
    elif mode == "local":
        cfg = _local_settings(model, scenario)
    else:
        endpoint, token = validated_endpoint(_env("GITHUB_MODELS_ENDPOINT", RETIRED_ENDPOINT)), _token(mode)
        cfg = Settings(mode, endpoint, token, model, scenario=scenario)
        if mode == "record":
            try:
                recorder = _kernel_server(f"record {endpoint}", partial(Recorder, endpoint), saving=True)
            except (ValueError, OSError) as error:
                raise SettingsError(
                    _("Record mode cannot use its cassette folder: {error}", error=error)
                ) from None
            saving = _("saving to {folder}/", folder=recorder.library.folder.name)
            cfg = Settings(mode, recorder.url, token, model, saving, endpoint, scenario)
    explain_in_notebook(cfg)
    print(cfg.describe())
    if mode == "local" and (missing := readiness(cfg.upstream, ollama_tag(model))):
        print(missing)
    return cfg
