"""The staff editor's pages in headless Chromium, quickly: the web app alone on scratch copies of
the data (a stand-in Rasa, no trained model), every page opened by an admin and by a viewer. The
pages are ES modules loaded as they are (no build step), so a module that fails to load or run
shows here as a page error. test_editor.py drives teach, train and deploy on the real stack."""

import json
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect
from sqlalchemy import insert

from core.config import PROJECT_ROOT, Settings
from core.database import new_engine
from ops.stack import free_port
from web.admin.review import _metadata, events
from web.admin.staff import Staff
from web.admin.training_data import copy_training_data
from web.main import create_app
from web.manage import migrate

PASSWORD = "correct horse battery"
# Stands in for the Rasa side's Python: the startup model's evaluation takes a moment, not minutes.
FAKE_RASA_SIDE = Path(__file__).parents[1] / "web" / "admin" / "fake_rasa_side.sh"


def fake_rasa(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"model_file": "current.tar.gz"})  # Rasa's /status


def seed_conversation(url: str) -> None:
    """One conversation in a tracker store as Rasa's makes it, for the review pages."""
    def event(who: str, at: float, text: str, intent: str | None = None) -> dict:
        data: dict[str, object] = {"event": who, "text": text}
        if intent:
            data["parse_data"] = {"intent": {"name": intent, "confidence": 0.3}}
        return {"sender_id": "customer-1", "type_name": who, "timestamp": at,
                "intent_name": intent, "data": json.dumps(data)}

    engine = new_engine(url)
    try:
        _metadata.create_all(engine)
        with engine.begin() as db:
            db.execute(insert(events), [
                event("user", 1000.0, "怎么把钱转到港股账户", "nlu_fallback"),
                event("bot", 1000.5, "抱歉，这个问题小安还回答不了。")])
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """The web app alone (uvicorn in a thread) on scratch data, with an admin and a viewer."""
    tmp = tmp_path_factory.mktemp("editor-pages")
    shutil.copytree(PROJECT_ROOT / "retriever" / "knowledge", tmp / "knowledge")
    startup = tmp / "current.tar.gz"
    startup.write_text("the model make train built")
    rasa_side = tmp / "fake-rasa-python"
    rasa_side.write_text(FAKE_RASA_SIDE.read_text())
    rasa_side.chmod(0o755)
    settings = Settings(data_dir=tmp / "data", knowledge_dir=tmp / "knowledge",
                        training_data_dir=copy_training_data(PROJECT_ROOT, tmp / "project"),
                        web_port=free_port(), checker_port=free_port(), model_path=startup,
                        rasa_python=rasa_side, token_secret="pages-test-secret-" + "p" * 32)
    migrate(settings)
    seed_conversation(settings.tracker_database_url)
    engine = new_engine(settings.web_database_url)
    try:
        Staff(engine).add("ada", PASSWORD, "admin")
        Staff(engine).add("vera", PASSWORD, "viewer")
    finally:
        engine.dispose()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, httpx.MockTransport(fake_rasa)),
                                           host=settings.host, port=settings.web_port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the web app did not start"
        time.sleep(0.05)
    yield settings
    server.should_exit = True
    thread.join(10)


def tid(page: Page, name: str):
    return page.locator(f'[data-test="{name}"]')


def open_editor(browser, editor, username: str) -> Page:
    """The editor signed in; the page records its errors and anything the server refused (from
    before it loads, so a module that fails to load is among them)."""
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
    web_url = editor.web_url
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
    page.on("console", lambda message: page.errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None)
    page.on("request", lambda request: None if request.url.startswith((web_url, "data:", "blob:"))
            else page.errors.append(f"outside request: {request.url}"))
    page.on("response", lambda response: page.errors.append(
        f"{response.status} {response.request.method} {response.url}")
        if response.status >= 400 and not response.url.endswith("/admin/api/session") else None)
    page.on("response", lambda response: page.errors.append(f"{response.url} is not JavaScript")
            if response.url.endswith(".js") and not response.headers.get(
                "content-type", "").startswith("text/javascript") else None)
    page.goto(web_url + "/admin")
    page.wait_for_load_state("networkidle")
    assert page.errors == []
    tid(page, "signin-username").fill(username)
    tid(page, "signin-password").fill(PASSWORD)
    tid(page, "signin-submit").click()
    expect(tid(page, "who")).to_contain_text(username)
    return page


def visit(page: Page, hash_: str) -> None:
    page.evaluate("(hash) => { location.hash = hash; }", hash_)


def check_every_page(page: Page, editable: bool) -> None:
    """Each page shows its content, and its editing controls only to those who may edit."""
    controls = 1 if editable else 0
    expect(tid(page, "intent-row").first).to_be_visible()  # the first page after signing in
    expect(tid(page, "intent-new")).to_have_count(controls)
    visit(page, "#/intents/check_balance")
    expect(tid(page, "intent-name")).to_have_text("check_balance")
    expect(tid(page, "example").first).to_be_visible()
    expect(tid(page, "example-add")).to_have_count(controls)
    expect(page.locator("main")).not_to_contain_text("null")  # a part that does not apply
    tid(page, "nav-faq").click()
    expect(tid(page, "faq-row").first).to_be_visible()
    tid(page, "faq-examples-link").first.click()
    expect(tid(page, "intent-answer-link")).to_be_visible()
    tid(page, "nav-responses").click()
    expect(tid(page, "response").first).to_be_visible()
    expect(tid(page, "response-edit")).to_have_count(tid(page, "response").count() * controls)
    expect(page.locator("main")).not_to_contain_text("null")
    tid(page, "nav-knowledge").click()
    expect(tid(page, "kb-row").first).to_be_visible()
    expect(tid(page, "kb-new")).to_have_count(controls)
    tid(page, "kb-link").first.click()
    expect(tid(page, "kb-form")).to_be_visible()
    expect(tid(page, "kb-zh-question")).not_to_have_value("")
    expect(tid(page, "kb-save")).to_have_count(controls)
    tid(page, "nav-review").click()
    expect(tid(page, "conversation-row")).to_have_count(1)
    tid(page, "conversation-link").click()
    expect(tid(page, "turn")).to_have_count(2)
    expect(tid(page, "flag").first).to_be_visible()
    expect(tid(page, "turn-example")).to_have_count(controls)
    tid(page, "nav-training").click()
    expect(page.locator('[data-test="model-row"][data-id^="startup-"]')).to_be_visible()
    expect(tid(page, "td-export")).to_be_visible()
    expect(tid(page, "train-quick")).to_have_count(controls)
    tid(page, "nav-changes").click()
    expect(page.locator("main h2")).to_have_text("修改记录")


def test_an_admin_opens_every_page_and_saves_an_entry(browser, editor):
    page = open_editor(browser, editor, "ada")
    check_every_page(page, editable=True)
    tid(page, "nav-staff").click()
    expect(tid(page, "staff-row")).to_have_count(2)

    # A save goes with the session's CSRF token and lands in the change history.
    visit(page, "#/knowledge/ac-card-activation")
    tid(page, "kb-source").fill("test source")
    with page.expect_request("**/admin/api/knowledge/ac-card-activation") as saving:
        tid(page, "kb-save").click()
    assert saving.value.method == "PUT" and saving.value.headers["x-csrf-token"]
    expect(tid(page, "notice")).to_have_attribute("data-kind", "ok")
    tid(page, "nav-changes").click()
    expect(tid(page, "change")).to_have_count(1)

    tid(page, "language").click()
    expect(tid(page, "nav-intents")).to_have_text("Intents")
    expect(page.locator("main h2")).to_have_text("Change history")
    tid(page, "language").click()  # back to Chinese, as the next test expects
    expect(tid(page, "nav-intents")).to_have_text("意图与例句")
    tid(page, "signout").click()
    expect(tid(page, "signin")).to_be_visible()
    assert page.errors == []
    page.context.close()


def test_a_viewer_opens_every_page_without_editing_controls(browser, editor):
    page = open_editor(browser, editor, "vera")
    check_every_page(page, editable=False)
    expect(tid(page, "nav-staff")).to_be_hidden()  # staff accounts are for admins
    assert page.errors == []
    page.context.close()
