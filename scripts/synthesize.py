"""Write the synthetic cassettes the lessons replay: ``python scripts/synthesize.py``.

GitHub Models was retired, so these answers could not be recorded. Each one is written to the
service's documented wire format (Azure AI Model Inference API, 2024-05-01-preview) with plausible
token counts and pacing, and says in its provenance that it is synthetic; a request asked several times
(lesson 01's temperature exercise) gets one synthetic take per answer. Re-running this script
rewrites the same files byte for byte; a test checks that the shipped cassettes match it.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from helpers.models import MODELS

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


PACE = {"first_ms": (300, 500), "piece_ms": (15, 45), "base_ms": 420, "per_token_ms": 22}
PACES = (  # illustrative, in the order of MODELS: smaller models answer sooner and faster, long-context
    # variants a little slower
    {"first_ms": (200, 300), "piece_ms": (8, 20)},  # mini 4k
    {"first_ms": (240, 340), "piece_ms": (10, 22)},  # mini 128k
    {"first_ms": (300, 500), "piece_ms": (15, 45)},  # small 8k
    {"first_ms": (360, 560), "piece_ms": (18, 48)},  # small 128k
    {"first_ms": (500, 700), "piece_ms": (30, 60)},  # medium 4k
    {"first_ms": (560, 760), "piece_ms": (34, 66)},  # medium 128k
)
MODEL_PACE = dict(zip(MODELS, PACES, strict=True))


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


def takes(name: str, messages: list, answers: list, **params) -> dict:
    """A request asked several times, with the answer of each time: its cassette holds one take per answer,
    which replay serves in turn."""
    return {**exchange(name, messages, answers[0], **params), "takes": answers}


def conversation(name: str, system: dict, turns: list) -> list:
    """The exchanges of a chat whose history grows: each turn sends every earlier question and answer."""
    history, exchanges = [system], []
    for number, (question, answer) in enumerate(turns, 1):
        history = [*history, user(question)]
        exchanges.append(exchange(f"{name}-{number}", history, answer))
        history = [*history, assistant(answer)]
    return exchanges


def failure(
    name: str, messages: list, status: int, error: dict, scenario: str = "", headers=None, **params
) -> dict:
    """A request the service refused, with the error its cassette replays; a scenario selects it by path."""
    failed = exchange(name, messages, "", **params)
    return {**failed, "status": status, "error": error, "scenario": scenario, "headers": headers or {}}


FILTER_MESSAGE = (
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. "
    "Please modify your prompt and retry."
)
JACK = "All work and no play makes Jack a dull boy. " * 900
PARIS_QUESTION = [SYSTEM, user("What is the capital of France?")]


def rate_limited(name: str, limit: str, counter: str, wait: int) -> dict:
    """A 429 the way the service sent it: the limit and its counter named, Retry-After in seconds."""
    message = f"Rate limit of {limit} exceeded for {counter}. Please wait {wait} seconds before retrying."
    headers = {"retry-after": str(wait), "x-ratelimit-remaining-requests": "0"}
    error = {"code": "RateLimitReached", "message": message, "details": message}
    return failure(name, PARIS_QUESTION, 429, error, name, headers)


COMPARE_PROMPTS = {
    "llm": "Explain in two sentences what a large language model is.",
    "haiku": "Write a haiku about the sea.",
}
ANSWERS = (  # each model's answers to COMPARE_PROMPTS, in the order of MODELS
    (  # mini 4k
        "A large language model is a computer program trained on huge amounts of text to predict the next word "
        "in a sentence. Because it has seen so much writing, it can answer questions, summarise and write text "
        "that sounds natural.",
        "Waves fold into foam,\nsalt wind carries gull voices,\nthe tide breathes and goes.",
    ),
    (  # mini 128k
        "A large language model is an AI system trained on vast amounts of text to learn the patterns of "
        "language. It uses those patterns to predict likely next words, which lets it answer questions and "
        "generate fluent text.",
        "Blue depths hum softly,\nwhitecaps race the morning light,\nshells keep the sea's song.",
    ),
    (  # small 8k
        "A large language model (LLM) is a neural network with billions of parameters, trained on a broad "
        "collection of text to predict the next token in a sequence. That simple objective teaches it grammar, "
        "facts and reasoning patterns, so it can answer questions, translate, summarise and write.",
        "Endless grey-green swell,\nmoonlight silvers every crest,\nthe shore waits, then sighs.",
    ),
    (  # small 128k
        "A large language model is a deep neural network, usually a transformer, trained on enormous text "
        "corpora to predict the next token. From that training it learns enough about language and the world "
        "to hold conversations, follow instructions and draft many kinds of text.",
        "Tides pull at the sand,\nan old rhythm, in and out,\nthe sea keeps its time.",
    ),
    (  # medium 4k
        "A large language model is a transformer-based neural network with billions of parameters, trained on "
        "a vast and varied body of text to predict the next token given everything before it. Scaled up, this "
        "objective yields a general-purpose system that can follow instructions, reason through problems step "
        "by step and produce coherent, context-aware writing.",
        "Beneath the calm glass\nwhole worlds drift in the dark blue:\nthe sea holds its breath.",
    ),
    (  # medium 128k
        "A large language model is a very large neural network, typically a transformer, trained on trillions "
        "of words to predict the next token in a sequence. Through that training it acquires broad knowledge of "
        "language, facts and reasoning patterns, which it applies to answer questions, write and summarise "
        "documents, and carry on multi-turn conversations.",
        "Horizon dissolves,\ngulls stitch the wind to the waves,\nsalt light on my skin.",
    ),
)
COMPARE_ANSWERS = dict(zip(MODELS, ANSWERS, strict=True))
CITIES = {
    "Paris": "Paris is famous for the Eiffel Tower, the Louvre and its café culture, art and fashion.",
    "Tokyo": "Tokyo is famous for its mix of ultramodern skyscrapers and historic temples, its food and its "
    "punctual trains.",
    "Cairo": "Cairo is famous for the nearby Pyramids of Giza and the Great Sphinx, and for its Egyptian Museum.",
    "Rio de Janeiro": "Rio de Janeiro is famous for its Carnival, Copacabana beach and the Christ the Redeemer "
    "statue.",
    "Sydney": "Sydney is famous for its Opera House, its Harbour Bridge and beaches such as Bondi.",
    "Toronto": "Toronto is famous for the CN Tower, its many cultures and its setting on Lake Ontario.",
    "Mumbai": "Mumbai is famous as India's financial centre, the home of Bollywood and the Gateway of India.",
    "Nairobi": "Nairobi is famous for Nairobi National Park, where wildlife roams in sight of the city's "
    "skyline.",
}


def comparisons() -> list:
    """Lesson 07: every prompt to every Phi-3 model, streamed, paced by model size."""
    return [
        {
            **exchange(
                f"compare-{topic}-{model.lower()}",
                [SYSTEM, user(prompt)],
                answers[index],
                stream=True,
                model=model,
            ),
            "pace": MODEL_PACE[model],
        }
        for model, answers in COMPARE_ANSWERS.items()
        for index, (topic, prompt) in enumerate(COMPARE_PROMPTS.items())
    ]


def city_questions() -> list:
    """Lesson 08: independent questions to send concurrently, each about a second's work."""
    return [
        {
            **exchange(
                f"city-{city.lower().replace(' ', '-')}",
                [SYSTEM, user(f"In one sentence, what is {city} famous for?")],
                answer,
            ),
            "pace": {"base_ms": 500, "per_token_ms": 18},
        }
        for city, answer in CITIES.items()
    ]


SAMPLING = {"temperature": 1.0, "max_tokens": 1000, "top_p": 1.0}
GOLDFISH = [SYSTEM, user("Suggest a name for a goldfish.")]
GOLDFISH_NAMES = [  # lesson 01's temperature exercise: at 1, each run picks differently
    "How about Bubbles? It's playful, and it suits a fish that loves to blow them.",
    "Try Goldie: short, cheerful and a nod to its shining orange scales.",
    "Captain Fin would be a fun name for a goldfish with a bold personality.",
]
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
    # lesson 01's temperature exercise: three takes at temperature 1; at 0 the same answer each time, so
    # (as record mode keeps only different answers) one take
    takes("temperature-1", GOLDFISH, GOLDFISH_NAMES, temperature=1.0),
    exchange("temperature-0", GOLDFISH, GOLDFISH_NAMES[0], temperature=0.0),
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
    # lessons 07 and 08: comparing models, concurrency, the context window on the free tier
    *comparisons(),
    *city_questions(),
    failure(
        "tokens-limit-128k",
        [SYSTEM, user(JACK)],
        413,
        {
            "code": "tokens_limit_reached",
            "message": "Request body too large for Phi-3-mini-128k-instruct model. Max size: 8000 tokens.",
        },
        model="Phi-3-mini-128k-instruct",
    ),
    # lesson 05: limits and errors
    rate_limited("rate-limited", "15 per 60s", "UserByModelByMinute", 1),
    rate_limited("daily-limit", "150 per 86400s", "UserByModelByDay", 41373),
    failure(
        "bad-key", PARIS_QUESTION, 401, {"code": "unauthorized", "message": "Bad credentials"}, "bad-key"
    ),
    failure(
        "retired",
        PARIS_QUESTION,
        410,
        {"code": "gone", "message": "This service has been retired."},
        "retired",
    ),
    failure(
        "unknown-model",
        PARIS_QUESTION,
        404,
        {"code": "unknown_model", "message": "Unknown model: phi-3-large-instruct"},
        model="Phi-3-large-instruct",
    ),
    failure(
        "content-filter",
        [
            SYSTEM,
            user("Write a story in which one man violently attacks another, in graphic, bloody detail."),
        ],
        400,
        {
            "code": "content_filter",
            "message": FILTER_MESSAGE,
            "param": "prompt",
            "status": 400,
            "innererror": {
                "code": "ResponsibleAIPolicyViolation",
                "content_filter_result": {
                    **SAFE,
                    "jailbreak": {"filtered": False, "detected": False},
                    "violence": {"filtered": True, "severity": "medium"},
                },
            },
        },
    ),
    failure(
        "tokens-limit",
        [SYSTEM, user(JACK)],
        413,
        {
            "code": "tokens_limit_reached",
            "message": "Request body too large for Phi-3-small-8k-instruct model. Max size: 8000 tokens.",
        },
    ),
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
    # lesson 06: the chat box's demo conversation (helpers.chat.DEMO_QUESTIONS), streamed, with the chat box's
    # default model and system prompt; each turn resends the history
    *[
        exchange(turn["name"], turn["body"]["messages"], turn["answer"], stream=True)
        for turn in conversation(
            "chat-widget",
            SYSTEM,
            [
                (
                    "What is a token?",
                    "A token is a small piece of text that a language model reads and writes: often a whole "
                    "short word, sometimes part of a longer word, a punctuation mark or a space. The model sees "
                    "your prompt as a sequence of tokens and writes its answer one token at a time, which is "
                    "why an answer can stream in piece by piece.",
                ),
                (
                    "Roughly how many tokens is a page of English text?",
                    "A page of English text, about 500 words, comes to roughly 650 to 700 tokens. A common rule "
                    "of thumb is that one token is about three quarters of a word, or four characters, but the "
                    "exact count depends on the model's tokenizer.",
                ),
                (
                    "Why does the prompt grow with every question in this chat?",
                    "Because the service remembers nothing between requests, this chat sends the whole "
                    "conversation every time: the system message, each of your earlier questions and each of "
                    "my earlier answers, then your new question. Every turn adds to that history, so the "
                    "prompt token count rises with each question, and a long enough chat would fill the "
                    "model's context window.",
                ),
            ],
        )
    ],
    # end of lesson 06
]

# ---- Try it solutions, lessons 00 to 03 (issue 14): the exercises' own requests, synthetic like the rest ----
PIRATE = {"role": "system", "content": "You are a pirate."}
LISBON_FOOD = (
    "And what should I eat there?",
    "Order a pastel de nata still warm at Pastéis de Belém, then grilled sardines or a bifana for lunch. For "
    "dinner, try bacalhau à Brás in a small tasca in Alfama.",
)
LISBON_PIRATE = [
    (
        LISBON[0][0],
        "Arr, a day in Lisbon! Sail up to São Jorge Castle for a spyglass view o' the harbour, then plunder the "
        "custard tarts o' Belém, matey.",
    ),
    (
        LISBON[1][0],
        "When the sky weeps, drop anchor in the Jerónimos Monastery, ye'll stay dry as a powder keg under its "
        "stone vaults, arr.",
    ),
    (
        LISBON[2][0],
        "Hoist yerself aboard tram 15E from Praça do Comércio and ride the rails west to Belém, matey; a half "
        "hour and ye've arrived.",
    ),
]
EXCHANGES += [
    # lesson 01, Try it 1 and 2: max_tokens=3, and the pirate system message
    exchange(
        "single-call-max-tokens-3",
        [SYSTEM, user("What is the capital of France?")],
        "The capital of",
        "length",
        **{**SAMPLING, "max_tokens": 3},
    ),
    exchange(
        "single-call-pirate",
        [PIRATE, user("What is the capital of France?")],
        "Arr, the capital o' France be Paris, matey! A fine port o' call on the River Seine, with a great iron "
        "tower ye can spy from the crow's nest.",
        **SAMPLING,
    ),
    # lesson 02, Try it 1 to 3: a pirate travel guide, a fourth question, and history trimmed to the last four
    *conversation("lisbon-pirate", PIRATE, LISBON_PIRATE),
    conversation("lisbon", TRAVEL_GUIDE, [*LISBON, LISBON_FOOD])[-1],
    exchange(
        "lisbon-trimmed-3",
        [
            TRAVEL_GUIDE,
            assistant(LISBON[0][1]),
            user(LISBON[1][0]),
            assistant(LISBON[1][1]),
            user(LISBON[2][0]),
        ],
        "Take tram 15E from Praça do Comércio to the Mosteiro dos Jerónimos stop in Belém, about 30 minutes; "
        "the train from Cais do Sodré is quicker.",
    ),
    # lesson 03, Try it 3: the Lisbon questions streamed, the history growing
    *[
        exchange(f"lisbon-stream-{turn['name'][-1]}", turn["body"]["messages"], turn["answer"], stream=True)
        for turn in conversation("lisbon", TRAVEL_GUIDE, LISBON)
    ],
]
# ---- end of Try it solutions, lessons 00 to 03 ----


def count_tokens(text: str) -> int:
    """A plausible token count: words and punctuation marks, as a BPE tokenizer roughly splits them."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def usage(body: dict, answer: str) -> dict:
    prompt = sum(count_tokens(m["content"]) + 4 for m in body["messages"]) + 3
    completion = count_tokens(answer)
    return {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion}


def answer_headers(content_type: str, tokens: dict) -> dict:
    return {
        "content-type": content_type,
        "x-ratelimit-limit-requests": "15",
        "x-ratelimit-remaining-requests": "14",
        "x-ratelimit-limit-tokens": "12000",
        "x-ratelimit-remaining-tokens": str(12000 - tokens["total_tokens"]),
    }


def envelope(name: str, obj: str) -> dict:
    return {"created": CREATED, "id": f"synthetic-{name}", "model": "", "object": obj}


def completion_response(entry: dict, tokens: dict, pace: random.Random) -> dict:
    choice = {
        "content_filter_results": SAFE,
        "finish_reason": entry["finish_reason"],
        "index": 0,
        "message": {"content": entry["answer"], "role": "assistant", "tool_calls": None},
    }
    body = {
        **envelope(entry["name"], "chat.completion"),
        "model": entry["body"]["model"],
        "choices": [choice],
        "prompt_filter_results": PROMPT_FILTER,
        "usage": tokens,
    }
    timing = {**PACE, **entry.get("pace", {})}
    elapsed = round(
        timing["base_ms"] + timing["per_token_ms"] * tokens["completion_tokens"] * pace.uniform(0.8, 1.2)
    )
    return {
        "status": 200,
        "headers": answer_headers("application/json; charset=utf-8", tokens),
        "elapsed_ms": elapsed,
        "body": body,
    }


def stream_response(entry: dict, tokens: dict, pace: random.Random) -> dict:
    chunk = {**envelope(entry["name"], "chat.completion.chunk"), "model": entry["body"]["model"]}

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
    pieces = re.findall(r"\s*\S+", entry["answer"])
    timing = {**PACE, **entry.get("pace", {})}
    events = [
        {"delay_ms": round(pace.uniform(*timing["first_ms"])), "data": first},
        {"delay_ms": round(pace.uniform(60, 120)), "data": delta({"content": "", "role": "assistant"})},
    ]
    events += [
        {"delay_ms": round(pace.uniform(*timing["piece_ms"])), "data": delta({"content": piece})}
        for piece in pieces
    ]
    events += [
        {"delay_ms": round(pace.uniform(10, 30)), "data": delta({}, entry["finish_reason"])},
        {"delay_ms": 2, "data": {**chunk, "choices": [], "usage": tokens}},
        {"delay_ms": 1, "data": "[DONE]"},
    ]
    return {
        "status": 200,
        "headers": answer_headers("text/event-stream; charset=utf-8", tokens),
        "events": events,
    }


def response_of(entry: dict, pace: random.Random) -> dict:
    """The response replayed for one entry of EXCHANGES (or one take of it)."""
    body = entry["body"]
    tokens = usage(body, entry["answer"])
    if "error" in entry:
        error_headers = {"content-type": "application/json", **entry["headers"]}
        response = {
            "status": entry["status"],
            "headers": error_headers,
            "elapsed_ms": round(pace.uniform(80, 160)),
        }
        response["body"] = {"error": entry["error"]}
        return response
    return (stream_response if body.get("stream") else completion_response)(entry, tokens, pace)


TAKES_NOTE = " Each take is a separate synthetic answer, as if the same request had been sent several times."


def replayed(entry: dict) -> dict:
    """The cassette's answers: one "response", or for an entry with takes, "takes" (each its own id and
    pacing)."""
    if "takes" not in entry:
        return {"response": response_of(entry, random.Random(entry["name"]))}
    each = [
        {**entry, "name": f"{entry['name']}-take-{number}", "answer": answer}
        for number, answer in enumerate(entry["takes"], 1)
    ]
    return {"takes": [response_of(take, random.Random(take["name"])) for take in each]}


def cassette(entry: dict) -> dict:
    """The cassette of one entry of EXCHANGES: provenance, request and the response (or takes) replayed."""
    body = entry["body"]
    provenance = {
        "kind": "synthetic",
        "note": "Written to the service's documented wire format because GitHub Models was retired "
        "(shut down 2026-07-30) and can no longer be recorded. The answer text is not real model output; "
        "token counts and pacing are plausible estimates." + (TAKES_NOTE if "takes" in entry else ""),
        "written": WRITTEN,
        "wire_format": "Azure AI Model Inference API 2024-05-01-preview",
        "model": body["model"],
    }
    request = {
        "method": "POST",
        "route": "/chat/completions",
        "query": "api-version=2024-05-01-preview",
        **({"scenario": entry["scenario"]} if entry.get("scenario") else {}),
        "body": body,
    }
    return {"provenance": provenance, "request": request, **replayed(entry)}


def render(entry: dict) -> str:
    """The cassette file's text for one exchange."""
    return json.dumps(cassette(entry), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for entry in EXCHANGES:
        (CASSETTES / f"{entry['name']}.json").write_text(render(entry), encoding="utf-8")
    print(f"wrote {len(EXCHANGES)} synthetic cassettes")


if __name__ == "__main__":
    main()
