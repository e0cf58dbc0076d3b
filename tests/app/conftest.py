"""One running stack (action server, Rasa server, web app) per test session, on free ports."""

import socket
from pathlib import Path

import httpx
import pytest

from ops.stack import Stack
from web.core.config import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    data_dir: Path = tmp_path_factory.mktemp("data")
    settings = Settings(
        web_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        bank_port=free_port(),
        retriever_port=free_port(),
        bank_now="2026-11-26T10:00:00",  # the spec's "today"
        data_dir=data_dir,
    )
    running = Stack(settings, log_dir=data_dir / "logs")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def reseed_bank(stack):
    """reseed_bank(): the demo bank as seeded, the account service restarted on a new database
    (for tests that move money, or read the seeded figures after others did)."""

    def reseed() -> None:
        stack.stop(("bank",))
        (stack.settings.data_dir / "bank.db").unlink(missing_ok=True)
        stack.start(("bank",))

    return reseed


@pytest.fixture
def chat(stack):
    """Send a message through the public webhook; returns the bot's replies."""
    client = httpx.Client(base_url=stack.settings.web_url, timeout=30)

    def send(sender: str, message: str) -> list[dict]:
        body = {"sender": sender, "message": message}
        response = client.post("/webhooks/rest/webhook", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    yield send
    client.close()
