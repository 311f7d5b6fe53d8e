"""Lesson 12, embeddings (issue 22): its cassettes hold the requests azure-ai-inference 1.0.0b9's
``EmbeddingsClient.embed`` sends, their answers are ``EmbeddingsResult``s the SDK reads, the synthetic vectors rank
by meaning as the lesson says, and the lesson's own list of lessons is the one the cassettes were written for."""

import json
import math
import re
from pathlib import Path

import nbformat
import pytest
import synthesize  # scripts/ is on the path (the root conftest.py)
from azure.ai.inference import EmbeddingsClient
from azure.ai.inference.models import EmbeddingsResult
from test_structured_output import captured

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "helpers" / "cassettes"
LESSON = ROOT / "notebooks" / "12-embeddings.ipynb"
NAMES = ["embeddings-sentences", "embeddings-lessons", "embeddings-query", "embeddings-query-429"]


def cassette(name: str) -> dict:
    return json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))


def sent(**request) -> tuple[str, dict]:
    """The URL and JSON body EmbeddingsClient.embed sends for `request`, captured before it leaves."""
    transport = captured(EmbeddingsClient, "embed", **request)
    return transport.urls[-1], transport.bodies[-1]


def cosine(a: list, b: list) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


@pytest.mark.parametrize("name", NAMES)
def test_each_cassette_holds_the_request_the_sdk_sends(name):
    recorded = cassette(name)["request"]
    url, body = sent(**recorded["body"])
    assert url == "http://sdk.invalid/embeddings?api-version=2024-05-01-preview"
    assert (recorded["route"], recorded["query"], recorded["body"]) == (
        "/embeddings",
        url.split("?")[1],
        body,
    )
    assert body["model"] == "text-embedding-3-small" and body["dimensions"] == 128


@pytest.mark.parametrize("name", NAMES)
def test_each_answer_is_an_embeddings_result_of_unit_vectors_and_counted_tokens(name):
    shipped = cassette(name)
    assert (
        shipped["provenance"]["kind"] == "synthetic" and "not a real model's" in shipped["provenance"]["note"]
    )
    result = EmbeddingsResult(shipped["response"]["body"])
    texts = shipped["request"]["body"]["input"]
    assert [item.index for item in result.data] == list(range(len(texts)))
    assert all(item["object"] == "embedding" and len(item.embedding) == 128 for item in result.data)
    assert all(abs(math.hypot(*item.embedding) - 1) < 1e-4 for item in result.data)
    tokens = sum(len(synthesize.Tokenizer.from_pretrained("cl100k_base").encode_ordinary(t)) for t in texts)
    assert result.usage.prompt_tokens == result.usage.total_tokens == tokens
    assert result.model == "text-embedding-3-small" and re.fullmatch(r"[0-9a-f]{32}", result.id)


def test_the_synthetic_vectors_rank_by_meaning_as_the_lesson_says():
    sentences = [item["embedding"] for item in cassette("embeddings-sentences")["response"]["body"]["data"]]
    assert cosine(sentences[0], sentences[1]) > 0.5 > abs(cosine(sentences[0], sentences[2]))
    lessons = [item["embedding"] for item in cassette("embeddings-lessons")["response"]["body"]["data"]]
    for name, first in [("embeddings-query", "03 · "), ("embeddings-query-429", "05 · ")]:
        query = cassette(name)["response"]["body"]["data"][0]["embedding"]
        best = max(range(len(lessons)), key=lambda i: cosine(query, lessons[i]))
        assert synthesize.DOCUMENTS[best].startswith(first), name


def test_the_lesson_lists_the_lessons_the_cassettes_were_written_for():
    cells = [cell.source for cell in nbformat.read(LESSON, as_version=4).cells if cell.cell_type == "code"]
    (listing,) = [source for source in cells if source.startswith("lessons = [")]
    assert eval(listing.removeprefix("lessons = ")) == synthesize.DOCUMENTS  # noqa: S307 (a literal list)
    assert "embeddinggemma" in "".join(cells) and "dimensions=DIMENSIONS" in "".join(cells)


def test_the_answer_from_the_best_match_is_a_chat_request_with_that_lesson():
    body = cassette("embeddings-answer")["request"]["body"]
    assert body["model"] == "Phi-3-small-8k-instruct"
    assert body["messages"][1]["content"].startswith(f"Lesson notes: {synthesize.DOCUMENTS[3]}\n\nQuestion: ")
