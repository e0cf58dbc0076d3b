"""One running stack (action server, Rasa server, web app) per test session, on free ports."""

from pathlib import Path

import httpx
import pytest
import yaml

from core.config import PROJECT_ROOT, Settings
from ops.stack import Stack, free_port
from web.admin.training_data import SCRATCH_PARTS, copy_training_data

PARTNER_KEY = "partner-e2e-key"
# The browser test of the editor trains with this: a model in about a minute.
SMALL_TRAINING_CONFIG = Path(__file__).parent / "browser" / "small-config.yml"


def pytest_collection_modifyitems(items):
    """Tests that need the running stack (and so the trained model) are marked `stack`, so the
    others can run while the model trains (`make test`). Tests that deploy another model into the
    shared stack run last (they roll it back, but nothing else should run meanwhile)."""
    for item in items:
        if "stack" in item.fixturenames:
            item.add_marker(pytest.mark.stack)
    items.sort(key=lambda item: item.get_closest_marker("swaps_model") is not None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that used the stack shows the end of each service's log: on CI that is all
    there is to read afterwards."""
    outcome = yield
    report = outcome.get_result()
    running = item.funcargs.get("stack") if report.failed else None
    if isinstance(running, Stack):
        for name, service in running.services.items():
            report.sections.append((f"{name} log (last lines)", service.log_tail(40)))


def thin_held_out_set(folder: Path, keep_every: int = 8) -> None:
    """The editor's test trains a throwaway model; scoring it on an eighth of the held-out set
    is enough to see the figures come out (the real set is scored by test_rasa_quality)."""
    for path in folder.glob("*.yml"):
        blocks = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        lines = ['version: "3.1"', "nlu:"]
        for block in blocks:
            examples = [line for line in block["examples"].splitlines() if line.strip()]
            lines += [f"- intent: {block['intent']}", "  examples: |",
                      *(f"    {line.strip()}" for line in examples[::keep_every])]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    data_dir: Path = tmp_path_factory.mktemp("data")
    # The editable data (training data, knowledge base) copied: editor tests change a copy.
    project = copy_training_data(PROJECT_ROOT, tmp_path_factory.mktemp("project"),
                                 (*SCRATCH_PARTS, "retriever/knowledge"))
    thin_held_out_set(project / "nlu" / "test")
    settings = Settings(
        checker_port=free_port(),
        training_data_dir=project,
        knowledge_dir=project / "retriever" / "knowledge",
        training_configs={"full": project / "config.yml", "quick": SMALL_TRAINING_CONFIG},
        web_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        bank_port=free_port(),
        retriever_port=free_port(),
        bank_now="2026-11-26T10:00:00",  # the spec's "today"
        data_dir=data_dir,
        partner_api_keys=[PARTNER_KEY],
        token_secret="stack-test-secret-" + "s" * 32,
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
