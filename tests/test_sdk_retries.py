"""What the SDK's default retries do for a chat completion, measured (the facts lesson 05 states).

`client.complete` is a POST. azure-core's RetryPolicy (azure/core/pipeline/policies/_retry.py) retries it when the
answer is an error (status 400 or more) that carries `Retry-After`, sleeping for that long, and on 500, 503 and 504
without one (exponential backoff: 0 s, then 0.8 s x 2^n); never on a 408, 429 or 502 without `Retry-After`. At most
3 retries (`retry_status=3`), so 4 requests. A loopback server answers every request with the status in its path
and counts them; the transport's sleep is recorded instead of slept.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.transport import RequestsTransport

pytestmark = pytest.mark.timeout(60)


class Refuse(BaseHTTPRequestHandler):
    """Answers /<status>/<retry-after or ->/chat/completions with that status (and header), counting requests."""

    counts: Counter = Counter()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, retry_after = self.path.split("/")[1:3]
        Refuse.counts[status, retry_after] += 1
        body = b'{"error": {"code": "refused", "message": "refused on purpose"}}'
        self.send_response(int(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if retry_after != "-":
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def refusing():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The waits the retry policy asks the transport for, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr(RequestsTransport, "sleep", lambda self, seconds: waits.append(seconds))
    return waits


def requests_made(url: str, status: int, retry_after: str | None = None, **options) -> int:
    """How many requests one `complete` call sends, with the default retries (or `options`), before it raises."""
    header = retry_after or "-"
    client = ChatCompletionsClient(
        endpoint=f"{url}/{status}/{header}", credential=AzureKeyCredential("key"), **options
    )
    with client, pytest.raises(HttpResponseError) as error:
        client.complete(messages=[UserMessage("Hello")], model="Phi-3-small-8k-instruct")
    assert error.value.status_code == status
    return Refuse.counts[str(status), header]


@pytest.mark.parametrize("status", [400, 401, 404, 408, 429, 500, 502])
def test_any_error_with_retry_after_is_retried_three_times_after_that_wait(refusing, sleeps, status):
    assert requests_made(refusing, status, retry_after="1") == 4
    assert sleeps == [1, 1, 1]


@pytest.mark.parametrize("status", [500, 503, 504])
def test_500_503_and_504_are_retried_without_retry_after_with_backoff(refusing, sleeps, status):
    assert requests_made(refusing, status) == 4
    assert sleeps == [1.6, 3.2]  # the first retry goes at once, then 0.8 s x 2, 0.8 s x 4


@pytest.mark.parametrize("status", [400, 404, 408, 410, 429, 502])
def test_a_post_is_not_retried_on_other_errors_without_retry_after(refusing, sleeps, status):
    assert requests_made(refusing, status) == 1
    assert sleeps == []


def test_retry_total_0_turns_retries_off(refusing, sleeps):
    assert requests_made(refusing, 503, retry_after="2", retry_total=0) == 1
    assert sleeps == []
