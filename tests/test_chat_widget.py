"""The chat box of notebook 06, driven in this process against a real replay server at speed 0.

Setting the text box and calling the button's click() runs the same callback as a press in the browser
(tests/test_browser.py presses it in JupyterLab).
"""

import html
import inspect
import re
from pathlib import Path

import nbformat
import pytest
from azure.core.exceptions import ServiceRequestError
from test_models import PHI3

import helpers
from helpers import chat as chat_module
from helpers.chat import DEMO_QUESTIONS, MODELS, NOT_RUNNING, SYSTEM_PROMPT, ChatBox

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06-chat-widget.ipynb"


def text_of(value: str) -> str:
    """What an HTML widget shows, as plain text."""
    return html.unescape(re.sub(r"<[^>]+>", "", value))


def ask(box: ChatBox, question: str) -> None:
    box.question.value = question
    box.send.click()


def usage_line(usage: dict) -> str:
    return (
        f"Tokens: {usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion = "
        f"{usage['total_tokens']} total"
    )


@pytest.fixture
def box(replay_env, capsys):
    box = ChatBox(helpers.settings())
    capsys.readouterr()  # the setup line settings() prints
    yield box
    box.close()


def test_the_chat_box_offers_the_six_phi3_models_and_starts_on_the_lessons_model(box, model):
    assert box.model.options == MODELS == PHI3
    assert box.model.value == model
    assert box.system.value == SYSTEM_PROMPT and box.history == []


def test_a_recorded_question_streams_into_the_reply_then_joins_the_history(box, expected, capsys):
    shown = []
    box.reply.observe(lambda change: shown.append(text_of(change["new"])), "value")
    ask(box, DEMO_QUESTIONS[0])
    answer = expected("chat-widget-1")
    assert [(m.role, m.content) for m in box.history] == [
        ("system", SYSTEM_PROMPT),
        ("user", DEMO_QUESTIONS[0]),
        ("assistant", answer.content),
    ]
    streamed = [text for text in shown if text]
    assert len(streamed) > 10 and streamed[-1] == answer.content  # piece by piece, not all at once
    assert all(answer.content.startswith(text) for text in streamed)
    assert len(set(streamed)) == len(streamed)
    assert text_of(box.reply.value) == answer.content
    assert box.usage.value == usage_line(answer.usage)
    assert box.question.value == "" and box.notice == "" and not box.send.disabled
    assert DEMO_QUESTIONS[0] in text_of(box.transcript.value)
    assert capsys.readouterr() == ("", "")


def test_the_demo_conversation_grows_the_history_and_the_prompt(box, expected):
    prompts = []
    for number, question in enumerate(DEMO_QUESTIONS, 1):
        ask(box, question)
        answer = expected(f"chat-widget-{number}")
        assert box.notice == "" and box.history[-1].content == answer.content
        assert box.usage.value == usage_line(answer.usage)
        prompts.append(answer.usage["prompt_tokens"])
    assert [m.role for m in box.history] == ["system"] + ["user", "assistant"] * 3
    assert [m.content for m in box.history if m.role == "user"] == list(DEMO_QUESTIONS)
    assert prompts == sorted(prompts) and len(set(prompts)) == 3
    transcript = text_of(box.transcript.value)  # every earlier turn, up to the question being answered
    assert all(question in transcript for question in DEMO_QUESTIONS)


def test_a_question_with_no_recording_explains_itself_in_the_box_not_as_a_traceback(box, capsys):
    ask(box, DEMO_QUESTIONS[0])
    ask(box, "Tell me a joke about tokens.")
    notice = box.notice
    assert notice.startswith("No recording for this request (model 'Phi-3-small-8k-instruct'")
    assert "'Tell me a joke about tokens.'" in notice and "GITHUB_MODELS_MODE=live" in notice
    assert all(question in notice for question in DEMO_QUESTIONS) and "press Clear" in notice
    assert "Traceback" not in notice and "File " not in notice
    assert text_of(box.status.value) == notice
    assert [m.role for m in box.history] == ["system", "user", "assistant"]  # the failed question is not kept
    assert box.question.value == "Tell me a joke about tokens." and not box.send.disabled
    assert box.reply.value == "" and box.usage.value == ""
    assert capsys.readouterr() == ("", "")
    ask(box, DEMO_QUESTIONS[1])  # the conversation goes on where it was
    assert box.notice == "" and box.status.value == "" and len(box.history) == 5


def test_clear_empties_the_history_and_the_box(box):
    ask(box, DEMO_QUESTIONS[0])
    box.question.value = "a question not sent yet"
    box.clear.click()
    assert box.history == [] and box.question.value == ""
    assert box.transcript.value == box.reply.value == box.usage.value == box.status.value == ""
    ask(box, DEMO_QUESTIONS[0])  # a new conversation: the first demo question is answered again
    assert box.notice == "" and len(box.history) == 3


def test_the_model_menu_changes_the_model_sent(box):
    box.model.value = "Phi-3-mini-4k-instruct"
    ask(box, DEMO_QUESTIONS[0])
    assert box.notice.startswith("No recording for this request (model 'Phi-3-mini-4k-instruct'")
    assert re.search(
        r"differs in model \(recorded '?Phi-3-small-8k-instruct'?, sent '?Phi-3-mini-4k", box.notice
    )
    box.model.value = "Phi-3-small-8k-instruct"
    box.send.click()
    assert box.notice == "" and box.history[-1].role == "assistant"


def test_the_system_box_is_the_first_message_and_an_empty_one_sends_none(box):
    box.system.value = "You are a pirate."
    ask(box, DEMO_QUESTIONS[0])
    assert "message 1 (the system message)" in box.notice
    assert [m.role for m in box.history] == ["system"] and box.history[0].content == "You are a pirate."
    box.system.value = "  "
    box.send.click()
    assert box.history == [] and "the number of messages (recorded 2, sent 1)" in box.notice


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            ServiceRequestError("connection refused"),
            "Cannot reach the replay server: the host does not answer",
        ),
        (RuntimeError("boom"), "RuntimeError: boom"),
    ],
)
def test_other_failures_show_as_one_friendly_line(box, monkeypatch, error, shown):
    def fail(**kwargs):
        raise error

    monkeypatch.setattr(box.client, "complete", fail)
    ask(box, DEMO_QUESTIONS[0])
    assert box.notice.startswith(shown) and "\n" not in box.notice
    assert box.history == [box.history[0]] and not box.send.disabled


def test_close_closes_the_client_it_built_and_takes_the_widget_down(box):
    ask(box, DEMO_QUESTIONS[0])
    widgets = [box.view, box.model, box.system, box.transcript, box.question, box.send, box.clear]
    assert all(widget.comm is not None for widget in widgets)
    box.close()
    with pytest.raises(ValueError, match="HTTP transport has already been closed"):
        box.client.complete(messages=[{"role": "user", "content": DEMO_QUESTIONS[0]}], model=box.model.value)
    assert all(widget.comm is None for widget in widgets)
    box.close()  # closing twice is harmless


def test_the_transcript_and_the_notices_share_one_html_helper(box):
    assert inspect.getsource(chat_module).count("<div") == 1
    ask(box, DEMO_QUESTIONS[0])
    assert box.transcript.value.startswith(
        f'<div style="{chat_module.TEXT_STYLE}"><b>You:</b> What is a token?</div>'
    )


def test_displaying_the_chat_box_gives_the_widget_and_a_fixed_plain_text(box):
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == NOT_RUNNING
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.view.model_id


def test_notebook_06_commits_text_only_no_widget_ids_or_reprs():
    outputs = [
        o for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code" for o in c.outputs
    ]
    assert outputs
    for output in outputs:
        assert set(output.get("data", {})) <= {"text/plain"}
        text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
        assert not re.search(r"ChatBox\(|VBox\(|object at|model_id|\b[0-9a-f]{32}\b", text), text


def test_the_notebook_asks_the_demo_questions_the_chat_box_names():
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert all(f'"{question}"' in source for question in DEMO_QUESTIONS)


def test_public_names_say_that_notebook_06_introduces_them():
    public = [
        obj
        for name, obj in vars(chat_module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == chat_module.__name__
    ]
    assert {obj.__name__ for obj in public} == {"ChatBox", "demo_hint"}
    for obj in public:
        first_line = obj.__doc__.strip().splitlines()[0]
        assert "notebook 06 introduces it" in first_line, obj.__name__
    assert "ChatBox" in helpers.__all__ and helpers.ChatBox is ChatBox
