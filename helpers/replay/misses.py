"""What a learner reads when replay has no recording for a request: what was asked, the closest recording
and how it differs, and what to do (re-run the cell, go live, or record it)."""

from __future__ import annotations

import json

from helpers.cassette import Library, canonical, digest_images, image_digest
from helpers.language import _


def _image(part: dict) -> str:
    """An image part in a few words: ``[image image/png sha256:0123456789ab]``, or its web address."""
    given = part.get("image_url")
    url = image_digest(str(given.get("url") if isinstance(given, dict) else given))
    if url.startswith("data:") and ";sha256," in url:
        mime, _sep, digest = url[len("data:") :].partition(";sha256,")
        return f"[image {mime} sha256:{digest[:12]}]"
    return f"[image {url[:60]}]"


def _content(content, images: bool = True) -> str:
    """A message's content as text: its text parts, and (with `images`) each image part in a few words."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return json.dumps(content)
    shown = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            shown.append(str(part.get("text")))
        elif kind == "image_url":
            shown += [_image(part)] if images else []
        else:
            shown.append(json.dumps(digest_images(part)))
    return " ".join(shown)


def _last_user_message(body: dict, images: bool = True) -> str:
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                return _content(message.get("content"), images)
    return "(none)"


def _embedded_input(body: dict) -> str:
    """What an embeddings request asks to embed: its one string, or its list as JSON."""
    given = body.get("input")
    return given if isinstance(given, str) else json.dumps(digest_images(given), ensure_ascii=False)


def _asked(route: str, body: dict, images: bool = True) -> str:
    """What a request asks: the input to embed, or the last user message (its images shown, or left out to
    find the recordings of the same question about another image)."""
    return _embedded_input(body) if route == "/embeddings" else _last_user_message(body, images)


def _shown(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "none" if value is None else repr(value)


def _message(n: int, message) -> str:
    role = message.get("role") if isinstance(message, dict) else None
    return (
        _("message {n} (the {role} message)", n=n, role=role)
        if isinstance(role, str)
        else _("message {n}", n=n)
    )


def differences(recorded: dict, sent: dict) -> list[str]:
    """What separates two request bodies, in a learner's words: 'max_tokens (recorded 10, sent 3)'."""
    recorded, sent = canonical(recorded), canonical(sent)
    found = [
        _(
            "{key} (recorded {recorded}, sent {sent})",
            key=key,
            recorded=_shown(recorded.get(key)),
            sent=_shown(sent.get(key)),
        )
        for key in sorted((set(recorded) | set(sent)) - {"messages"})
        if recorded.get(key) != sent.get(key)
    ]
    old, new = recorded.get("messages", []), sent.get("messages", [])
    if len(old) != len(new):
        found.append(
            _("the number of messages (recorded {recorded}, sent {sent})", recorded=len(old), sent=len(new))
        )
    else:
        found += [_message(n, m) for n, (o, m) in enumerate(zip(old, new, strict=True), 1) if o != m]
    return found


def miss_message(library: Library, route: str, body: dict, scenario: str = "") -> str:
    """What a learner reads when replay has no answer: what was asked, the nearest recording, what to do."""
    question = _asked(route, body)
    if len(question) > 80:
        question = question[:77] + "..."
    nearest = ""
    recorded = [
        c
        for c in library.by_key.values()
        if c.request["route"] == route
        and c.request.get("scenario", "") == scenario
        and _asked(route, c.request["body"], images=False) == _asked(route, body, images=False)
    ]
    if recorded:
        closest = min(recorded, key=lambda c: len(differences(c.request["body"], body)))
        found = differences(closest.request["body"], body)
        if len(found) <= 3:
            nearest = _(
                " The closest recording, {name}.json, differs in {differences}.",
                name=closest.name,
                differences="; ".join(found),
            )
    where = _(" in scenario {scenario!r}", scenario=scenario) if scenario else ""
    if route == "/embeddings":
        return _(
            "No embeddings recorded for this request{where} (model {model!r}, input {question!r}).{nearest} "
            "Replay answers only the requests the lessons make, exactly as written: re-run the lesson's cell "
            "unchanged. To embed anything, use a live endpoint (GITHUB_MODELS_MODE=live with GITHUB_TOKEN and "
            "GITHUB_MODELS_ENDPOINT) or an embedding model on this machine (GITHUB_MODELS_MODE=local). To record "
            "the answer for replay, use GITHUB_MODELS_MODE=record with those two settings: it is saved as a "
            "cassette in the GITHUB_MODELS_CASSETTES folder and replayed after a kernel restart.",
            where=where,
            model=body.get("model", "(none)"),
            question=question,
            nearest=nearest,
        )
    return _(
        "No recording for this request{where} (model {model!r}, last user message {question!r}).{nearest} "
        "Replay answers only the requests the lessons make, exactly as written: re-run the lesson's cell "
        "unchanged. To ask anything, use a real model: Phi-3 on this machine (GITHUB_MODELS_MODE=local, lesson "
        "00), or a live endpoint (GITHUB_MODELS_MODE=live with GITHUB_TOKEN and GITHUB_MODELS_ENDPOINT). To "
        "record the answer for replay, use GITHUB_MODELS_MODE=record with those two settings: it is saved as a "
        "cassette in the GITHUB_MODELS_CASSETTES folder and replayed after a kernel restart.",
        where=where,
        model=body.get("model", "(none)"),
        question=question,
        nearest=nearest,
    )
