"""A chat box in the notebook: ipywidgets around lesson 02's history list and lesson 03's streaming loop."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from azure.ai.inference.models import AssistantMessage, SystemMessage, UserMessage

from helpers.clients import client
from helpers.config import DEFAULT_MODEL, Settings, settings
from helpers.explain import explain
from helpers.language import _
from helpers.models import MODELS

SYSTEM_PROMPT = "You are a helpful assistant."
DEMO_QUESTIONS = (  # replay answers these, in this order, with DEFAULT_MODEL and SYSTEM_PROMPT
    "What is a token?",
    "Roughly how many tokens is a page of English text?",
    "Why does the prompt grow with every question in this chat?",
)
NOT_RUNNING = "Chat box (an ipywidgets widget): run the notebook's cells in JupyterLab to open it here."
TEXT_STYLE = "white-space: pre-wrap; line-height: 1.4; margin: 4px 0"
REPLY_STYLE = f"{TEXT_STYLE}; border-left: 3px solid #1976d2; padding-left: 6px"


def _html(text: str, style: str = TEXT_STYLE, label: str = "") -> str:
    """`text`, escaped, in a styled block after `label` (markup: the speaker's name); nothing if both are empty."""
    return f'<div style="{style}">{label}{escape(text)}</div>' if text or label else ""


def demo_hint() -> str:
    """What replay can answer in the chat box, and in which order; notebook 06 introduces it."""
    questions = " ".join(f"{n}. {question}" for n, question in enumerate(DEMO_QUESTIONS, 1))
    return _(
        "In replay, the chat box answers its demo conversation (model {model}, system prompt {system!r}): press "
        "Clear, then ask in this order: {questions}",
        model=DEFAULT_MODEL,
        system=SYSTEM_PROMPT,
        questions=questions,
    )


class ChatBox:
    """A chat box with model, system prompt, Send and Clear, streaming each reply; notebook 06 introduces it.

    Without `cfg` it calls settings(), which prints the setup line and, in replay mode, starts the kernel's
    replay server. It builds its own client: close() closes that client and the widgets.
    """

    def __init__(self, cfg: Settings | None = None) -> None:
        import ipywidgets as widgets  # here, not at the top: importing helpers stays light

        self.cfg = settings() if cfg is None else cfg
        self.client = client(self.cfg)
        self.history: list = []
        self.notice = ""
        models = MODELS if self.cfg.model in MODELS else (*MODELS, self.cfg.model)
        self.model = widgets.Dropdown(options=models, value=self.cfg.model, description=_("Model"))
        self.system = widgets.Text(value=SYSTEM_PROMPT, description=_("System"))
        self.system.layout.width = "60%"
        self.transcript, self.reply, self.status = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.usage = widgets.Label()
        self.question = widgets.Text(placeholder=_("Ask a question, then press Send"))
        self.question.layout.width = "60%"
        self.send = widgets.Button(description=_("Send"), button_style="primary", icon="paper-plane")
        self.clear = widgets.Button(description=_("Clear"), icon="trash")
        self.send.on_click(self._on_send)
        self.clear.on_click(self._on_clear)
        self.view = widgets.VBox(
            [
                widgets.HBox([self.model, self.system]),
                self.transcript,
                self.reply,
                self.usage,
                self.status,
                widgets.HBox([self.question, self.send, self.clear]),
            ]
        )
        for name in "model system transcript reply usage status question send clear".split():
            getattr(self, name).add_class(f"chat-{name}")
        self.view.add_class("chat-box")

    def _repr_mimebundle_(self, **kwargs) -> dict:
        """The widget for a live frontend; a fixed sentence as plain text, so committed outputs stay stable."""
        return {**self.view._repr_mimebundle_(**kwargs), "text/plain": _(NOT_RUNNING)}

    def _on_send(self, _button=None) -> None:
        question = self.question.value.strip()
        if not question:
            return
        self.send.disabled = True
        self._use_system_prompt()
        self.history.append(UserMessage(content=question))
        self._show_history()
        self.reply.value, self.usage.value = "", ""
        self._say("")
        try:
            answer, usage = self._stream()
        except Exception as error:  # shown in the widget: a callback's traceback would only reach a log
            self.history.pop()
            self._show_history()
            self._say(self._friendly(error))
        else:
            self.history.append(AssistantMessage(content=answer))
            self.question.value = ""
            self.usage.value = (
                _(
                    "Tokens: {prompt} prompt + {completion} completion = {total} total",
                    prompt=usage.prompt_tokens,
                    completion=usage.completion_tokens,
                    total=usage.total_tokens,
                )
                if usage
                else _("Tokens: not reported by the service")
            )
        finally:
            self.send.disabled = False

    def _stream(self) -> tuple[str, object]:
        """Lesson 03's loop: show each piece as it arrives; keep the usage update at the end."""
        pieces, usage = [], None
        with self.client.complete(stream=True, messages=self.history, model=self.model.value) as response:
            for update in response:
                if update.choices and update.choices[0].delta.content:
                    pieces.append(update.choices[0].delta.content)
                    self.reply.value = _html("".join(pieces), REPLY_STYLE)
                if update.usage:
                    usage = update.usage
        return "".join(pieces), usage

    def _use_system_prompt(self) -> None:
        """The history starts with the system box's text (none if it is empty), edited or not."""
        if self.history and self.history[0].role == "system":
            self.history.pop(0)
        if self.system.value.strip():
            self.history.insert(0, SystemMessage(content=self.system.value.strip()))

    def _show_history(self) -> None:
        self.transcript.value = "".join(
            _html(message.content, label=f"<b>{_('You') if message.role == 'user' else _('Assistant')}:</b> ")
            for message in self.history
            if message.role != "system"
        )

    def _friendly(self, error: Exception) -> str:
        """What went wrong in a learner's words: helpers.explain, else the error's own message."""
        cfg = replace(self.cfg, model=self.model.value)
        advice, inner = explain(error, cfg), getattr(error, "error", None)
        if advice and getattr(inner, "code", None) == "no_recording":
            return f"{advice}\n\n{demo_hint()}" if cfg.mode == "replay" else advice
        if advice:
            said = getattr(inner, "message", None)
            return (
                _("{advice} (The service said: {said})", advice=advice, said=said)
                if said and said not in advice
                else advice
            )
        message = str(getattr(error, "message", None) or error).strip()
        return f"{type(error).__name__}: {message.splitlines()[0]}" if message else type(error).__name__

    def _say(self, text: str) -> None:
        self.notice = text
        self.status.value = _html(
            text, f"{TEXT_STYLE}; color: #a33; border-left: 3px solid; padding-left: 6px"
        )

    def _on_clear(self, _button=None) -> None:
        self.history.clear()
        self.question.value = self.transcript.value = self.reply.value = self.usage.value = ""
        self._say("")

    def close(self) -> None:
        """Close the client the chat box built and take the widget down; notebook 06 introduces it."""
        self.client.close()
        widgets = [self.view]
        while widgets:
            widget = widgets.pop()
            widgets.extend(getattr(widget, "children", ()))
            widget.close()
