"""The staff editor in headless Chromium against the real stack: a member of staff adds a
knowledge-base entry (live without training), an FAQ topic and one more example, trains with the
small test configuration, deploys, sees the chat widget answer with the new behaviour, and rolls
back to the old model. A conversation that is going on during the swap carries on."""

import re
import threading
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from core.database import new_engine
from tests.app.browser.chromium import ANSWER, SCREENSHOTS, ask, last_bot, new_page
from web.admin.staff import Staff

PASSWORD = "correct horse battery"
TRAINING = 15 * 60_000  # ms: small-config training plus the held-out evaluation, busy machine
DEPLOY = 5 * 60_000  # ms: Rasa loads a model in about a minute
SAVE = 60_000  # ms: every save is checked by Rasa first (seconds)

KB_QUESTION = "可以办纸质存折吗"  # nothing in the knowledge base covers it yet
KB_ANSWER = "本行不提供纸质存折，交易记录可以在App里查询和导出。"
FAQ_ANSWER = "纪念币兑换请在App首页的“纪念币预约”里登记，到期凭身份证领取。"
NEW_EXAMPLE = "我想约几枚新出的纪念币"

pytestmark = pytest.mark.swaps_model


@pytest.fixture(scope="module")
def admin(stack):
    engine = new_engine(stack.settings.web_database_url)
    try:
        Staff(engine).add("ada", PASSWORD, "admin")
    finally:
        engine.dispose()
    return "ada"


def webhook(stack, sender: str, message: str) -> str:
    response = httpx.post(f"{stack.settings.web_url}/webhooks/rest/webhook", timeout=300,
                          json={"sender": sender, "message": message})
    assert response.status_code == 200, response.text
    return " ".join(reply.get("text", "") for reply in response.json())


def tid(page: Page, name: str):
    return page.locator(f'[data-test="{name}"]')


def sign_in(page: Page, username: str) -> None:
    tid(page, "signin-username").fill(username)
    tid(page, "signin-password").fill(PASSWORD)
    tid(page, "signin-submit").click()
    expect(tid(page, "who")).to_contain_text(username)


def test_staff_teach_train_deploy_and_roll_back(browser, stack, admin):
    assert FAQ_ANSWER not in webhook(stack, "before-training", NEW_EXAMPLE)
    page = new_page(browser, stack, "/admin")
    sign_in(page, admin)

    # A knowledge-base entry: live in the retriever within seconds, no training.
    tid(page, "nav-knowledge").click()
    tid(page, "kb-new").click()
    for name, value in {
        "kb-id": "paper-passbook", "kb-category": "account", "kb-source": "服务目录 2026",
        "kb-zh-question": KB_QUESTION,
        "kb-zh-paraphrases": "你们有存折吗\n能开存折吗\n存折业务怎么办理",
        "kb-zh-answer": KB_ANSWER,
        "kb-en-question": "Can I get a paper passbook?",
        "kb-en-paraphrases": "do you issue passbooks\npassbook savings account\n"
                             "a printed book of my transactions",
        "kb-en-answer": "We don't issue paper passbooks; see and export your "
                        "transactions in the app.",
    }.items():
        tid(page, name).fill(value)
    tid(page, "kb-save").click()
    expect(page).to_have_url(re.compile("#/knowledge/paper-passbook"), timeout=SAVE)
    saved = time.monotonic()
    while KB_ANSWER not in (reply := webhook(stack, f"kb-{time.monotonic()}", KB_QUESTION)):
        assert time.monotonic() < saved + 5, f"the new entry was not live within 5 s: {reply}"
        time.sleep(0.5)
    print(f"the new knowledge-base entry answered {time.monotonic() - saved:.1f} s after saving")

    # An FAQ topic with its answer, then one more example on its intent page.
    tid(page, "nav-faq").click()
    tid(page, "faq-new").click()
    tid(page, "faq-group").select_option("faq_service")
    tid(page, "faq-topic").fill("coin_exchange")
    tid(page, "faq-examples").fill("纪念币怎么兑换\n可以预约兑换纪念币吗\n纪念币在哪里换\n"
                                    "how do I exchange commemorative coins\n"
                                    "can I book commemorative coins")
    tid(page, "faq-answer-zh").fill(FAQ_ANSWER)
    tid(page, "faq-answer-en").fill("Book commemorative coins under Coins in the app.")
    tid(page, "faq-create").click()  # then the topic's page opens, to add examples
    expect(tid(page, "intent-name")).to_contain_text("faq_service/coin_exchange", timeout=SAVE)
    tid(page, "example-new-text").fill(NEW_EXAMPLE)
    tid(page, "example-add").click()
    tid(page, "intent-save").click()
    expect(tid(page, "intent-save")).to_be_disabled(timeout=SAVE)  # saved: nothing unsaved
    expect(tid(page, "notice")).to_have_attribute("data-kind", "ok")
    expect(page.locator(f'[data-test="example"][data-text="{NEW_EXAMPLE}"]')).to_have_count(1)

    # Train with the small configuration and watch it finish.
    tid(page, "nav-training").click()
    tid(page, "train-quick").click()
    expect(tid(page, "train-log")).not_to_be_empty(timeout=60_000)
    expect(page.locator('[data-test="train-state"][data-state="done"]')).to_have_count(
        1, timeout=TRAINING)
    new_version = page.locator('[data-test="model-row"][data-deployed="false"]').first
    expect(new_version).to_contain_text("quick")
    version_id = new_version.get_attribute("data-id")

    # Deploy it while a customer's conversation is going on.
    webhook(stack, "during-swap", "你好")
    answers: list[str] = []
    started = time.monotonic()
    new_version.locator('[data-test="model-deploy"]').click()
    tid(page, "confirm-yes").click()
    time.sleep(2)  # the swap is under way: this customer's next message waits for it
    sender = threading.Thread(target=lambda: answers.append(
        webhook(stack, "during-swap", "随心借是什么")))
    sender.start()
    expect(page.locator(f'[data-test="model-row"][data-id="{version_id}"]'
                        ' [data-test="model-live"]')).to_have_count(1, timeout=DEPLOY)
    sender.join(timeout=300)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "editor-models.png", full_page=True)
    print(f"deploy took {time.monotonic() - started:.1f} s; the message sent during it was "
          f"answered: {answers}")
    assert answers and "随心借" in answers[0]  # answered after the swap, not an error

    # The chat widget answers with the new behaviour.
    chat = new_page(browser, stack, "/")
    ask(chat, NEW_EXAMPLE)
    expect(last_bot(chat)).to_contain_text("纪念币预约", timeout=ANSWER)

    # Roll back to the model the stack started with: the old behaviour returns.
    startup = page.locator('[data-test="model-row"][data-id^="startup-"]')
    startup.locator('[data-test="model-rollback"]').click()
    tid(page, "confirm-yes").click()
    expect(startup.locator('[data-test="model-live"]')).to_have_count(1, timeout=DEPLOY)
    assert FAQ_ANSWER not in webhook(stack, "after-rollback", NEW_EXAMPLE)
    assert page.outside_requests == [] and chat.outside_requests == []
    page.context.close()
    chat.context.close()
