"""Takes: a cassette may hold several answers to one request. Replay serves them in turn, counted per server;
record mode adds a take when a request is recorded again, atomically, without the key, up to a maximum."""

import contextlib
import io
import json
import re
import textwrap
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from azure.ai.inference.models import SystemMessage, UserMessage
from fake_service import FakeService
from test_no_secrets import scan

import helpers.record
from helpers.cassette import CassetteError, Library
from helpers.record import MAX_TAKES, Forwarder, Recorder
from helpers.replay import DEFAULT_CASSETTES, start_in_thread

pytestmark = pytest.mark.timeout(120)
ROUTE = "/chat/completions"
WHAT_TO_DO = ("fix", "delete", "re-record", "restore")
GOLDFISH = [
    SystemMessage(content="You are a helpful assistant."),
    UserMessage(content="Suggest a name for a goldfish."),
]


def take(answer: str) -> dict:
    return {"status": 200, "headers": {}, "body": {"answer": answer}}


def three_takes(write_cassette):
    """A cassette with the takes one, two, three; returns its request body."""
    path = write_cassette("three")
    data = json.loads(path.read_text("utf-8"))
    del data["response"]
    data["takes"] = [take("one"), take("two"), take("three")]
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return data["request"]["body"]


def test_takes_are_served_in_turn_and_a_new_server_starts_again_at_the_first(
    write_cassette, cassette_dir, serve, post
):
    body = three_takes(write_cassette)
    write_cassette("single")  # a one-response cassette beside it keeps its one answer
    first, second = serve(cassette_dir), serve(cassette_dir)
    answers = [post(first.url, ROUTE, body).json()["answer"] for _ in range(4)]
    assert answers == ["one", "two", "three", "one"]
    assert post(second.url, ROUTE, body).json()["answer"] == "one"  # counted per server: a fresh kernel's
    single = json.loads((cassette_dir / "single.json").read_text())["request"]["body"]
    assert [post(first.url, ROUTE, single).json()["answer"] for _ in range(2)] == ["single"] * 2


def test_takes_are_counted_safely_when_requests_come_at_once(write_cassette, cassette_dir, serve, post):
    body = three_takes(write_cassette)
    url = serve(cassette_dir).url
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post(url, ROUTE, body).json()["answer"], range(30)))
    assert Counter(answers) == {"one": 10, "two": 10, "three": 10}


def with_takes(takes):
    """A breakage: the cassette's one response replaced by these takes."""

    def swap(data):
        del data["response"]
        data["takes"] = takes

    return swap


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (with_takes([]), "'takes' must be a non-empty list"),
        (with_takes({"status": 200}), "'takes' must be a non-empty list"),
        (with_takes([take("a"), {"status": "200", "body": {}}]), "'takes[1].status' must be an integer"),
        (with_takes([take("a"), "b"]), "'takes[1]' must be an object"),
        (with_takes([{"status": 200, "headers": {}}]), "'takes[0]' needs 'body'"),
        (lambda data: data.update(takes=[take("a")]), "not both"),  # "response" is still there
        (lambda data: data.pop("response"), "either 'response'"),
    ],
    ids=["empty", "not-a-list", "string-status", "not-an-object", "no-body", "both", "neither"],
)
def test_a_broken_takes_list_is_named_with_the_problem(write_cassette, breakage, problem):
    path = write_cassette("broken")
    data = json.loads(path.read_text("utf-8"))
    breakage(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CassetteError) as error:
        Library.load(path.parent)
    message = str(error.value)
    assert message.startswith("Broken cassette broken.json") and problem in message, message
    assert any(advice in message.lower() for advice in WHAT_TO_DO)


def ask_three_times(client, model, temperature):
    answers = client.complete
    return [
        answers(messages=GOLDFISH, model=model, temperature=temperature).choices[0].message.content
        for _ in range(3)
    ]


def test_lesson_01_s_temperature_exercise_answers_offline_with_synthetic_takes(serve, sdk, model):
    client = sdk(serve().url)
    warm = ask_three_times(client, model, 1.0)
    cold = ask_three_times(client, model, 0.0)
    assert len(set(warm)) >= 2 and len(cold) == 3 and len(set(cold)) == 1
    assert ask_three_times(sdk(serve().url), model, 1.0) == warm  # a fresh kernel sees the same sequence
    for name in ("temperature-1", "temperature-0"):
        provenance = json.loads((DEFAULT_CASSETTES / f"{name}.json").read_text("utf-8"))["provenance"]
        assert provenance["kind"] == "synthetic"
    assert "takes" in json.loads((DEFAULT_CASSETTES / "temperature-1.json").read_text("utf-8"))


def test_lesson_01_s_exercise_code_runs_offline_and_the_lesson_says_the_takes_are_synthetic(
    serve, sdk, model, root
):
    cells = nbformat.read(root / "notebooks" / "01-single-call.ipynb", as_version=4).cells
    (exercises,) = [cell.source for cell in cells if cell.source.startswith("## Try it")]
    assert "**synthetic takes**" in exercises
    (code,) = re.findall(r"```python\n(.*?)```", exercises, re.S)
    names = {"client": sdk(serve().url), "model_name": model, "SystemMessage": SystemMessage}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(textwrap.dedent(code), {**names, "UserMessage": UserMessage})
    lines = printed.getvalue().splitlines()
    assert len(lines) == 6 and len(set(lines[:3])) == 3 and len(set(lines[3:])) == 1, lines


# Record mode: a recorder in a thread, in front of the fake service, whose every answer differs.


@pytest.fixture
def recording(cassette_dir):
    """A record-mode server in front of a fresh fake service; returns (url, fake service)."""
    service = FakeService()
    server = start_in_thread(None, 0, Recorder(service.url, Library.load(cassette_dir)))
    yield server.url, service
    server.shutdown()
    server.server_close()
    service.stop()


def saved_takes(folder) -> tuple[str, list]:
    (path,) = folder.glob("*.json")
    text = path.read_text("utf-8")
    return text, json.loads(text)["takes"]


def fake_answer(take: dict) -> str:
    return take["body"]["choices"][0]["message"]["content"]


def test_recording_a_request_again_adds_a_take_and_keeps_the_first(
    recording, cassette_dir, sdk, ask_sdk, planted_token, serve
):
    url, _ = recording
    first = ask_sdk(sdk(url, planted_token), "single-call")[0].content
    (path,) = cassette_dir.glob("*.json")
    before = json.loads(path.read_text("utf-8"))["response"]
    second = ask_sdk(sdk(url, planted_token), "single-call")[0].content
    assert (first, second) == (
        "Live answer number 1 from the fake service.",
        "Live answer number 2 from the fake service.",
    )

    text, takes = saved_takes(cassette_dir)
    assert takes[0] == before and [fake_answer(t) for t in takes] == [first, second]
    assert planted_token not in text and scan(path.name, text) == []
    assert list(cassette_dir.iterdir()) == [path]  # no temporary file left behind
    replayed = sdk(serve(cassette_dir).url, "any-key")
    assert [ask_sdk(replayed, "single-call")[0].content for _ in range(3)] == [first, second, first]


def test_a_take_is_written_to_a_temporary_file_then_renamed_over_the_cassette(
    recording, cassette_dir, sdk, ask_sdk, planted_token, monkeypatch
):
    url, _ = recording
    ask_sdk(sdk(url, planted_token), "single-call")
    (path,) = cassette_dir.glob("*.json")
    renames, real_replace = [], helpers.record.os.replace

    def replace(source, target):
        # At the moment of the rename the new file is whole and the cassette still the old one, whole too.
        renames.append((source, target, json.loads(open(source).read()), json.loads(open(target).read())))
        real_replace(source, target)

    monkeypatch.setattr(helpers.record.os, "replace", replace)
    ask_sdk(sdk(url, planted_token), "single-call")
    ((source, target, new, old),) = renames
    assert str(target) == str(path) and str(source).endswith(".partial") and source.parent == path.parent
    assert "response" in old and len(new["takes"]) == 2 and not source.exists()


def test_a_concurrent_reader_always_sees_a_whole_cassette(
    recording, cassette_dir, sdk, ask_sdk, planted_token
):
    url, _ = recording
    client = sdk(url, planted_token)
    ask_sdk(client, "single-call")
    (path,) = cassette_dir.glob("*.json")
    done, seen = threading.Event(), []

    def read() -> None:
        while not done.is_set():
            data = json.loads(path.read_text("utf-8"))  # a half-written file would fail here
            seen.append(len(data.get("takes", [0])))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(MAX_TAKES - 1):
            ask_sdk(client, "single-call")
    finally:
        done.set()
        reader.join()
    assert seen and set(seen) <= set(range(1, MAX_TAKES + 1)) and seen == sorted(seen)
    assert len(saved_takes(cassette_dir)[1]) == MAX_TAKES


def test_a_full_cassette_keeps_its_takes_says_so_and_starts_over_once_deleted(
    recording, cassette_dir, sdk, ask_sdk, planted_token, capsys, root
):
    assert f"up to {MAX_TAKES} takes" in (root / "README.md").read_text("utf-8")  # the maximum, stated
    url, _ = recording
    client = sdk(url, planted_token)
    answers = [ask_sdk(client, "single-call")[0].content for _ in range(MAX_TAKES + 1)]
    text, takes = saved_takes(cassette_dir)
    assert [fake_answer(t) for t in takes] == answers[:MAX_TAKES]  # the sixth answer reached the client only
    warning = capsys.readouterr().err
    assert "is full, with 5 takes" in warning and "To start over, delete" in warning
    assert planted_token not in text

    (path,) = cassette_dir.glob("*.json")
    path.unlink()
    again = ask_sdk(client, "single-call")[0].content
    assert fake_answer(json.loads(path.read_text("utf-8"))["response"]) == again  # one take, the new answer


def response(content: str, elapsed: int, identity: str) -> dict:
    body = {"id": identity, "created": elapsed, "choices": [{"message": {"content": content}}]}
    return {
        "status": 200,
        "headers": {"x-ratelimit-remaining-requests": str(elapsed)},
        "elapsed_ms": elapsed,
        "body": body,
    }


def test_the_same_answer_again_adds_no_take_and_another_source_is_not_mixed_in(cassette_dir, capsys):
    forwarder = Forwarder("http://127.0.0.1:9", Library.load(cassette_dir))
    request = {"method": "POST", "route": ROUTE, "query": "", "body": {"messages": [], "model": "m"}}
    forwarder.save(request, response("Bubbles", 800, "a"), "sdk/1", [])
    forwarder.save(
        request, response("Bubbles", 950, "b"), "sdk/1", []
    )  # other timing, id, headers: same answer
    (path,) = cassette_dir.glob("*.json")
    assert "response" in json.loads(path.read_text("utf-8")) and capsys.readouterr().err == ""

    elsewhere = Forwarder("http://192.0.2.1:9", Library.load(cassette_dir))
    elsewhere.save(request, response("Goldie", 700, "c"), "sdk/1", [])
    assert "response" in json.loads(path.read_text("utf-8"))
    assert "from another source" in capsys.readouterr().err
