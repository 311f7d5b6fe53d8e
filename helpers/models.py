"""The model names the lessons use, in one place, and their local (Ollama) builds."""

from __future__ import annotations

MODELS = (
    "Phi-3-mini-4k-instruct",
    "Phi-3-mini-128k-instruct",
    "Phi-3-small-8k-instruct",
    "Phi-3-small-128k-instruct",
    "Phi-3-medium-4k-instruct",
    "Phi-3-medium-128k-instruct",
)

# Local mode (GITHUB_MODELS_MODE=local): the Ollama build of each model, and its download size.
OLLAMA_TAGS = {
    "Phi-3-mini-4k-instruct": "phi3:mini",
    "Phi-3-mini-128k-instruct": "phi3:mini-128k",
    "Phi-3-medium-4k-instruct": "phi3:medium",
    "Phi-3-medium-128k-instruct": "phi3:medium-128k",
    "Phi-3.5-mini-instruct": "phi3.5",
    "Phi-4": "phi4",
    "Phi-4-mini-instruct": "phi4-mini",
}
NO_LOCAL_BUILD = ("Phi-3-small-8k-instruct", "Phi-3-small-128k-instruct")  # llama.cpp cannot convert them
DOWNLOAD_SIZES = {  # as ollama.com/library lists them
    "phi3:mini": "2.2 GB",
    "phi3:mini-128k": "2.2 GB",
    "phi3:medium": "7.9 GB",
    "phi3:medium-128k": "7.9 GB",
    "phi3.5": "2.2 GB",
    "phi4": "9.1 GB",
    "phi4-mini": "2.5 GB",
}
LOCAL_DEFAULT_MODEL = "Phi-3-mini-4k-instruct"


def ollama_tag(model: str) -> str:
    """The Ollama tag local mode asks for: the lessons' names mapped, any other name passed through."""
    return OLLAMA_TAGS.get(model, model)
