"""Lesson 11, images (issue 22): its cassettes hold the requests azure-ai-inference 1.0.0b9 sends for a
``UserMessage`` whose content is a list of ``TextContentItem`` and ``ImageContentItem`` (the file's data URL in its
digest form, a web address as written), their usage counts an image as OpenAI documents it for GPT-4o mini, and a
web address is sent, not downloaded, by the SDK."""

import hashlib
import json
from pathlib import Path

import pytest
from azure.ai.inference.models import (
    ImageContentItem,
    ImageUrl,
    SystemMessage,
    TextContentItem,
    UserMessage,
)
from test_structured_output import sent

from helpers.cassette import digest_images

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "helpers" / "cassettes"
IMAGE = ROOT / "notebooks" / "images" / "shapes.png"
ADDRESS = "https://raw.githubusercontent.com/phi3-tutorial/phi3-github-models-tutorial/main/notebooks/images/shapes.png"
SYSTEM = SystemMessage(content="You are a helpful assistant.")
QUESTION = TextContentItem(text="What shapes do you see in this image, and what colors are they?")
LOW_DETAIL_TOKENS = 2833


def cassette(name: str) -> dict:
    return json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))


def requests() -> dict:
    picture = ImageContentItem(
        image_url=ImageUrl.load(image_file=str(IMAGE), image_format="png", detail="low")
    )
    web = ImageContentItem(image_url=ImageUrl(url=ADDRESS, detail="low"))
    return {
        "image-file": [SYSTEM, UserMessage(content=[QUESTION, picture])],
        "image-url": [SYSTEM, UserMessage(content=[QUESTION, web])],
        "image-none": [SYSTEM, UserMessage(content=[QUESTION])],
    }


@pytest.mark.parametrize("name", ["image-file", "image-url", "image-none"])
def test_each_cassette_holds_the_request_the_sdk_sends(name):
    body = sent(messages=requests()[name], model="gpt-4o-mini")
    assert cassette(name)["request"]["body"] == digest_images(body)
    assert cassette(name)["provenance"]["kind"] == "synthetic"


def test_the_file_is_sent_as_a_data_url_and_held_as_its_digest():
    body = sent(messages=requests()["image-file"], model="gpt-4o-mini")
    part = body["messages"][1]["content"][1]
    assert part["image_url"]["url"].startswith("data:image/png;base64,")
    held = cassette("image-file")["request"]["body"]["messages"][1]["content"][1]
    assert held == {
        "type": "image_url",
        "image_url": {
            "url": f"data:image/png;sha256,{hashlib.sha256(IMAGE.read_bytes()).hexdigest()}",
            "detail": "low",
        },
    }


def test_a_web_address_is_sent_as_written():
    """The SDK downloads nothing: ImageUrl(url=) goes on the wire unchanged, so replay matches the address."""
    body = sent(messages=requests()["image-url"], model="gpt-4o-mini")
    assert body["messages"][1]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": ADDRESS, "detail": "low"},
    }


def test_the_image_costs_what_openai_documents_for_gpt_4o_mini_at_low_detail():
    usage = {
        name: cassette(name)["response"]["body"]["usage"]
        for name in ("image-file", "image-url", "image-none")
    }
    assert usage["image-file"] == usage["image-url"]
    assert usage["image-file"]["prompt_tokens"] - usage["image-none"]["prompt_tokens"] == LOW_DETAIL_TOKENS


def test_the_answer_describes_the_image_in_the_repository():
    answer = cassette("image-file")["response"]["body"]["choices"][0]["message"]["content"]
    for shape in ("red circle", "blue square", "yellow triangle"):
        assert shape in answer


@pytest.mark.timeout(240)
def test_locally_the_file_reaches_ollama_and_the_web_address_is_explained(monkeypatch, planted_token):
    """Ollama reads an image only as a data URL (openai/openai.go decodeImageURL): the lesson sends the file, and
    the 400 for the web address is explained, not fatal."""
    import nbformat
    from fake_ollama import FakeOllama
    from test_live_mode import execute
    from test_local_mode import SETTINGS

    lesson = ROOT / "notebooks" / "11-images.ipynb"
    with FakeOllama(pulled={"phi3:mini"}) as ollama:
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("GITHUB_MODELS_MODE", "local")
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        outputs = "".join(execute(nbformat.read(lesson, as_version=4), lesson.parent))
        parts = [part for request in ollama.chats for part in request.json["messages"][-1]["content"]]
    assert "⚠ 400 image URLs are not currently supported" in outputs and "the lesson carries on" in outputs
    urls = [part["image_url"]["url"] for part in parts if part["type"] == "image_url"]
    assert any(url.startswith("data:image/png;base64,") for url in urls)
