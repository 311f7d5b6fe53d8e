"""Loading and validating cassette folders: broken files are named, with what to do about them."""

import json

import pytest

from helpers.cassette import CassetteError, Library
from helpers.replay import DEFAULT_CASSETTES

WHAT_TO_DO = ("fix", "delete", "re-record", "restore")


def test_shipped_cassettes_all_load_and_say_they_are_synthetic(shipped, model):
    library = Library.load(DEFAULT_CASSETTES)
    assert len(library.by_key) == len(shipped) >= 3
    assert {data["provenance"]["kind"] for data in shipped.values()} == {"synthetic"}
    assert library.provenance == "synthetic answers"
    phi_3 = {
        f"Phi-3-{size}-instruct"
        for size in ("mini-4k", "mini-128k", "small-8k", "small-128k", "medium-4k", "medium-128k")
    }
    assert library.models == phi_3 | {"gpt-4o-mini"}  # lesson 09: the Phi models answered text only


def drop_kind(data):
    del data["provenance"]["kind"]


def drop_done(data):
    data["response"]["events"].pop()


def string_status(data):
    data["response"]["status"] = "200"


def unknown_route(data):
    data["request"]["route"] = "/completions"


@pytest.mark.parametrize(
    ("source", "breakage", "problem"),
    [
        ("single-call", drop_kind, "provenance.kind"),
        ("streaming-exercise", drop_done, "[DONE]"),
        ("single-call", string_status, "status"),
        ("multi-turn", unknown_route, "route"),
    ],
)
def test_a_broken_cassette_is_named_with_the_problem(shipped, write_cassette, source, breakage, problem):
    data = shipped[source]
    breakage(data)
    folder = write_cassette("broken", data).parent
    with pytest.raises(CassetteError) as error:
        Library.load(folder)
    message = str(error.value)
    assert "broken.json" in message and problem in message
    assert any(advice in message.lower() for advice in WHAT_TO_DO)


def test_a_cassette_that_is_not_json_is_named_with_what_to_do(write_cassette):
    folder = write_cassette("broken", text='{"provenance": {"kind": "synthetic"}').parent
    with pytest.raises(CassetteError) as error:
        Library.load(folder)
    message = str(error.value)
    assert "broken.json" in message
    assert any(advice in message.lower() for advice in WHAT_TO_DO), message


def test_two_cassettes_answering_the_same_request_are_both_named(shipped, write_cassette):
    twin = shipped["single-call"]
    body = twin["request"]["body"]
    twin["request"]["body"] = {**dict(reversed(body.items())), "temperature": 1, "seed": None}
    write_cassette("a-single", shipped["single-call"])
    folder = write_cassette("b-twin", twin).parent
    with pytest.raises(CassetteError) as error:
        Library.load(folder)
    assert "a-single.json" in str(error.value) and "b-twin.json" in str(error.value)
    assert "delete one" in str(error.value)


def test_a_missing_folder_is_named_with_the_setting_to_change(tmp_path):
    with pytest.raises(CassetteError) as error:
        Library.load(tmp_path / "no-such-cassettes")
    assert "no-such-cassettes" in str(error.value) and "GITHUB_MODELS_CASSETTES" in str(error.value)


def test_a_small_folder_loads_and_finds_its_request(write_cassette):
    path = write_cassette("hello", kind="recorded")
    library = Library.load(path.parent)
    request = json.loads(path.read_text("utf-8"))["request"]
    assert library.find("POST", "/chat/completions", request["body"]).name == "hello"
    assert library.find("GET", "/chat/completions", request["body"]) is None
    assert library.provenance == "recorded answers"
