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
