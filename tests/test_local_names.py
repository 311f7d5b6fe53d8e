"""Local mode's names: where OLLAMA_HOST points, which Ollama build each lesson model means."""

import pytest

from helpers.local import local_tag, ollama_url, pull_advice
from helpers.models import MODELS

# The oracle, written out here on purpose (DESIGN.md, "Local mode").
TAGS = {
    "Phi-3-mini-4k-instruct": "phi3:mini",
    "Phi-3-mini-128k-instruct": "phi3:mini-128k",
    "Phi-3-medium-4k-instruct": "phi3:medium",
    "Phi-3-medium-128k-instruct": "phi3:medium-128k",
    "Phi-3.5-mini-instruct": "phi3.5",
    "Phi-4": "phi4",
    "Phi-4-mini-instruct": "phi4-mini",
}


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("", "http://localhost:11434"),
        ("127.0.0.1", "http://127.0.0.1:11434"),
        ("0.0.0.0", "http://localhost:11434"),
        ("0.0.0.0:8080", "http://localhost:8080"),
        ("ollama.internal:11434", "http://ollama.internal:11434"),
        ("http://gpu-box:11434/", "http://gpu-box:11434"),
        ("https://ollama.example.org", "https://ollama.example.org:443"),
        ("http://localhost", "http://localhost:80"),
        ("[::1]:11500", "http://[::1]:11500"),
    ],
)
def test_ollama_host_is_read_as_ollama_reads_it(value, url):
    assert ollama_url(value) == url


@pytest.mark.parametrize("value", ["ftp://box:21", "localhost:port", "http://", "local host:11434"])
def test_a_bad_ollama_host_names_the_variable_and_an_example(value):
    with pytest.raises(ValueError, match=r"OLLAMA_HOST=.*localhost:11434"):
        ollama_url(value)


@pytest.mark.parametrize(("model", "tag"), TAGS.items())
def test_the_lessons_names_map_to_ollama_tags(model, tag):
    assert local_tag(model) == tag


def test_other_names_pass_through():
    assert local_tag("llama3.2:1b") == "llama3.2:1b"


@pytest.mark.parametrize("model", [m for m in MODELS if "small" in m])
def test_phi3_small_has_no_local_build_and_the_error_says_what_to_use(model):
    with pytest.raises(ValueError) as error:
        local_tag(model)
    message = str(error.value)
    assert model in message and "no local build" in message
    assert (
        "Phi-3-mini-4k-instruct (phi3:mini)" in message
        and "Phi-3-medium-4k-instruct (phi3:medium)" in message
    )


def test_pull_advice_gives_the_command_and_the_size():
    assert "`ollama pull phi3:mini` (about 2.2 GB)" in pull_advice("phi3:mini")
    assert pull_advice("llama3.2:1b").startswith("pull it once with `ollama pull llama3.2:1b`,")
