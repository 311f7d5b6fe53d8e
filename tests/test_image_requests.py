"""Image requests (issue 22): an image sent inline matches on its digest, and no cassette holds its base64.

The SDK sends an image file as a data URL (azure-ai-inference 1.0.0b9, models/_patch.py ImageUrl.load:
``data:image/{image_format};base64,{b64 of the file}``) in ``messages[].content[]`` as
``{"type": "image_url", "image_url": {"url": ..., "detail": ...}}`` (ImageContentItem). Replay and record
mode compare and store it as ``data:image/png;sha256,<SHA-256 of the file's bytes>``.
"""

import base64
import hashlib
import json

import pytest
from azure.ai.inference.models import ImageContentItem, ImageUrl, TextContentItem, UserMessage
from azure.core.exceptions import HttpResponseError
from fake_ollama import FakeOllama

from helpers.cassette import CassetteError, Library, load_cassette
from helpers.record import Recorder

PNG = base64.b64decode(  # a 1x1 transparent PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
QUESTION = "What is in this picture?"
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(PNG + b"\0" * 300_000)  # big enough that its base64 would show in a cassette
    return path


def ask_about(client, path, model="phi3:mini"):
    content = [
        TextContentItem(text=QUESTION),
        ImageContentItem(image_url=ImageUrl.load(image_file=str(path), image_format="png", detail="low")),
    ]
    return client.complete(messages=[UserMessage(content=content)], model=model)


def digest_form(path) -> str:
    return f"data:image/png;sha256,{hashlib.sha256(path.read_bytes()).hexdigest()}"


def test_a_recorded_image_request_holds_no_base64_and_replays(sdk, serve, image, tmp_path, planted_token):
    folder = tmp_path / "recorded"
    folder.mkdir()
    ollama = FakeOllama()
    try:
        recorder = serve(forwarder=Recorder(f"{ollama.url}/v1", Library.load(folder)))
        live = ask_about(sdk(recorder.url, planted_token), image)
        sent = ollama.last.json["messages"][0]["content"][1]["image_url"]["url"]
        assert sent.startswith("data:image/png;base64,")  # upstream gets the image itself
    finally:
        ollama.shutdown()
        ollama.server_close()
    (saved,) = folder.glob("*.json")
    assert saved.name.startswith("phi3-mini-what-is-in-this-picture-")
    text = saved.read_text(encoding="utf-8")
    assert ";base64," not in text and len(text) < 5000
    part = json.loads(text)["request"]["body"]["messages"][0]["content"][1]
    assert part == {"type": "image_url", "image_url": {"url": digest_form(image), "detail": "low"}}
    replayed = ask_about(sdk(serve(library=Library.load(folder)).url), image)
    assert replayed.choices[0].message.content == live.choices[0].message.content


def test_another_image_is_a_miss_that_shows_no_base64(sdk, serve, image, tmp_path, write_cassette):
    body = {
        "model": "phi3:mini",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": QUESTION},
                    {"type": "image_url", "image_url": {"url": digest_form(image), "detail": "low"}},
                ],
            }
        ],
    }
    answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "A dot."}}]}
    write_cassette(
        "picture",
        {
            "provenance": {"kind": "synthetic"},
            "request": {"method": "POST", "route": "/chat/completions", "body": body},
            "response": {"status": 200, "headers": {}, "body": answer},
        },
    )
    server = serve(library=Library.load(tmp_path / "cassettes"))
    assert ask_about(sdk(server.url), image).choices[0].message.content == "A dot."
    other = tmp_path / "other.png"
    other.write_bytes(PNG + b"\1")
    with pytest.raises(HttpResponseError) as error:
        ask_about(sdk(server.url), other)
    message = error.value.error.message
    assert error.value.status_code == 404 and "base64" not in message
    assert (
        f"{QUESTION} [image image/png sha256:{hashlib.sha256(other.read_bytes()).hexdigest()[:12]}]"
        in message
    )
    assert "picture.json, differs in message 1 (the user message)" in message


def test_a_cassette_holding_an_image_as_base64_is_refused(write_cassette):
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}]}],
    }
    path = write_cassette(
        "inline",
        {
            "provenance": {"kind": "synthetic"},
            "request": {"method": "POST", "route": "/chat/completions", "body": body},
            "response": {"status": 200, "headers": {}, "body": {}},
        },
    )
    with pytest.raises(CassetteError, match="holds an image as base64"):
        load_cassette(path)
