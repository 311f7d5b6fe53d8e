"""Write the synthetic cassettes the lessons replay: ``python scripts/synthesize.py``.

GitHub Models was retired, so these answers could not be recorded. Each one is written to the
service's documented wire format (Azure AI Model Inference API, 2024-05-01-preview) with plausible
token counts and pacing, and says in its provenance that it is synthetic. Re-running this script
rewrites the same files byte for byte; a test checks that the shipped cassettes match it.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

CASSETTES = Path(__file__).resolve().parent.parent / "helpers" / "cassettes"
WRITTEN = "2026-11-25"
CREATED = 1724371200  # 2024-08-23, while the service was live
SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
SAFE = {name: {"filtered": False, "severity": "safe"} for name in ("hate", "self_harm", "sexual", "violence")}
PROMPT_FILTER = [
    {
        "prompt_index": 0,
        "content_filter_results": {**SAFE, "jailbreak": {"filtered": False, "detected": False}},
    }
]


def user(content: str) -> dict:
    return {"role": "user", "content": content}


def assistant(content: str) -> dict:
    return {"role": "assistant", "content": content}


MODEL = "Phi-3-small-8k-instruct"
PARIS = "The capital of France is Paris."
MADRID = (
    "The capital of Spain is Madrid. Like Paris in France, it is the country's largest city "
    "and the seat of its government and royal family."
)
EXERCISE = (
    "Here are five good reasons to exercise every day:\n\n"
    "1. **Better heart health**: Regular activity strengthens your heart, lowers blood pressure and "
    "improves circulation, reducing the risk of heart disease and stroke.\n\n"
    "2. **A brighter mood**: Exercise releases endorphins and lowers stress hormones, which can ease "
    "anxiety and symptoms of depression.\n\n"
    "3. **More energy**: Moving every day improves your stamina, so everyday tasks feel easier and you "
    "tire less quickly.\n\n"
    "4. **Better sleep**: People who are active tend to fall asleep faster and sleep more deeply.\n\n"
    "5. **A healthy weight and strong body**: Daily exercise burns calories, builds muscle and keeps "
    "your bones and joints strong as you age.\n\n"
    "Even 30 minutes of brisk walking counts, so start small and find an activity you enjoy!"
)
TRAVEL_GUIDE = {
    "role": "system",
    "content": "You are a concise travel guide. Answer in at most two sentences.",
}
LISBON = [
    (
        "I have one day in Lisbon. What should I see?",
        "Start in Alfama and ride historic tram 28 up to São Jorge Castle for the views, then head to Belém "
        "for the Jerónimos Monastery and a pastel de nata. End the day at sunset on the Miradouro de Santa Catarina.",
    ),
    (
        "Which of those is best if it rains?",
        "The Jerónimos Monastery is your best bet on a rainy day, since you can spend a good hour indoors in "
        "its church and cloister. The nearby MAAT museum is another dry option.",
    ),
    (
        "How do I get there from the city centre?",
        "Take tram 15E from Praça da Figueira or Praça do Comércio to the Mosteiro dos Jerónimos stop; the ride "
        "takes about 30 minutes. The train from Cais do Sodré to Belém is quicker if the tram is full.",
    ),
]


def exchange(name: str, messages: list, answer: str, finish_reason: str = "stop", **params) -> dict:
    """One request the lessons make, with the answer its cassette replays."""
    stream = {"stream": params.pop("stream")} if "stream" in params else {}
    body = {
        "messages": messages,
        **stream,
        **dict(sorted({"model": MODEL, **params}.items())),
    }  # the SDK's order
    return {"name": name, "body": body, "answer": answer, "finish_reason": finish_reason}


def conversation(name: str, system: dict, turns: list) -> list:
    """The exchanges of a chat whose history grows: each turn sends every earlier question and answer."""
    history, exchanges = [system], []
    for number, (question, answer) in enumerate(turns, 1):
        history = [*history, user(question)]
        exchanges.append(exchange(f"{name}-{number}", history, answer))
        history = [*history, assistant(answer)]
    return exchanges


SAMPLING = {"temperature": 1.0, "max_tokens": 1000, "top_p": 1.0}
EXCHANGES = [
    exchange("check", [user("Reply with the single word OK.")], "OK", max_tokens=5),
    exchange(
        "single-call",
        [SYSTEM, user("What is the capital of France?")],
        PARIS + " It is the country's "
        "largest city and its political, economic and cultural centre, known for landmarks such as the "
        "Eiffel Tower, the Louvre and the Cathedral of Notre-Dame.",
        **SAMPLING,
    ),
    exchange(
        "single-call-max-tokens",
        [SYSTEM, user("What is the capital of France?")],
        PARIS + " It is the",
        "length",
        **{**SAMPLING, "max_tokens": 10},
    ),
    exchange("capital-of-france", [SYSTEM, user("What is the capital of France?")], PARIS),
    exchange(
        "multi-turn",
        [SYSTEM, user("What is the capital of France?"), assistant(PARIS), user("What about Spain?")],
        MADRID,
    ),
    exchange(
        "no-history",
        [SYSTEM, user("What about Spain?")],
        "Could you tell me a little more about what "
        "you would like to know about Spain? For example its capital, history, food or places to visit: "
        "I'm happy to help.",
    ),
    exchange(
        "which-is-bigger",
        [
            SYSTEM,
            user("What is the capital of France?"),
            assistant(PARIS),
            user("What about Spain?"),
            assistant(MADRID),
            user("Which of the two cities has more people?"),
        ],
        "Madrid has more people within its city limits: about 3.3 million, against about 2.1 million in "
        "Paris. The Paris metropolitan area, however, is much larger, with over 12 million inhabitants.",
    ),
    *conversation("lisbon", TRAVEL_GUIDE, LISBON),
    exchange(
        "primary-colours",
        [SYSTEM, user("Name the three primary colours.")],
        "The three primary colours of traditional colour theory are red, yellow and blue.",
        stream=True,
    ),
    exchange(
        "streaming-exercise",
        [SYSTEM, user("Give me 5 good reasons why I should exercise every day.")],
        EXERCISE,
        stream=True,
    ),
]


def count_tokens(text: str) -> int:
    """A plausible token count: words and punctuation marks, as a BPE tokenizer roughly splits them."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def usage(body: dict, answer: str) -> dict:
    prompt = sum(count_tokens(m["content"]) + 4 for m in body["messages"]) + 3
    completion = count_tokens(answer)
    return {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion}


def headers(content_type: str, tokens: dict) -> dict:
    return {
        "content-type": content_type,
        "x-ratelimit-limit-requests": "15",
        "x-ratelimit-remaining-requests": "14",
        "x-ratelimit-limit-tokens": "12000",
        "x-ratelimit-remaining-tokens": str(12000 - tokens["total_tokens"]),
    }


def envelope(name: str, obj: str) -> dict:
    return {"created": CREATED, "id": f"synthetic-{name}", "model": "", "object": obj}


def completion(exchange: dict, tokens: dict, pace: random.Random) -> dict:
    choice = {
        "content_filter_results": SAFE,
        "finish_reason": exchange["finish_reason"],
        "index": 0,
        "message": {"content": exchange["answer"], "role": "assistant", "tool_calls": None},
    }
    body = {
        **envelope(exchange["name"], "chat.completion"),
        "model": exchange["body"]["model"],
        "choices": [choice],
        "prompt_filter_results": PROMPT_FILTER,
        "usage": tokens,
    }
    elapsed = round(420 + 22 * tokens["completion_tokens"] * pace.uniform(0.8, 1.2))
    return {
        "status": 200,
        "headers": headers("application/json; charset=utf-8", tokens),
        "elapsed_ms": elapsed,
        "body": body,
    }


def stream(exchange: dict, tokens: dict, pace: random.Random) -> dict:
    chunk = {**envelope(exchange["name"], "chat.completion.chunk"), "model": exchange["body"]["model"]}

    def delta(content: dict, finish=None) -> dict:
        choice = {"delta": content, "finish_reason": finish, "index": 0}
        if finish is None:
            choice["content_filter_results"] = SAFE
        return {**chunk, "choices": [choice]}

    first = {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": PROMPT_FILTER,
    }
    pieces = re.findall(r"\s*\S+", exchange["answer"])
    events = [
        {"delay_ms": round(pace.uniform(300, 500)), "data": first},
        {"delay_ms": round(pace.uniform(60, 120)), "data": delta({"content": "", "role": "assistant"})},
    ]
    events += [
        {"delay_ms": round(pace.uniform(15, 45)), "data": delta({"content": piece})} for piece in pieces
    ]
    events += [
        {"delay_ms": round(pace.uniform(10, 30)), "data": delta({}, exchange["finish_reason"])},
        {"delay_ms": 2, "data": {**chunk, "choices": [], "usage": tokens}},
        {"delay_ms": 1, "data": "[DONE]"},
    ]
    return {"status": 200, "headers": headers("text/event-stream; charset=utf-8", tokens), "events": events}


def cassette(exchange: dict) -> dict:
    body, pace = exchange["body"], random.Random(exchange["name"])
    tokens = usage(body, exchange["answer"])
    response = (stream if body.get("stream") else completion)(exchange, tokens, pace)
    provenance = {
        "kind": "synthetic",
        "note": "Written to the service's documented wire format because GitHub Models was retired "
        "(shut down 2026-07-30) and can no longer be recorded. The answer text is not real model output; "
        "token counts and pacing are plausible estimates.",
        "written": WRITTEN,
        "wire_format": "Azure AI Model Inference API 2024-05-01-preview",
        "model": body["model"],
    }
    request = {
        "method": "POST",
        "route": "/chat/completions",
        "query": "api-version=2024-05-01-preview",
        "body": body,
    }
    return {"provenance": provenance, "request": request, "response": response}


def render(exchange: dict) -> str:
    """The cassette file's text for one exchange."""
    return json.dumps(cassette(exchange), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for exchange in EXCHANGES:
        (CASSETTES / f"{exchange['name']}.json").write_text(render(exchange), encoding="utf-8")
    print(f"wrote {len(EXCHANGES)} synthetic cassettes")


if __name__ == "__main__":
    main()
