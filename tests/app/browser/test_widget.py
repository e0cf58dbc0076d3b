"""The chat widget in headless Chromium (Debian's, driven by Playwright) against the real stack."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.browser.chromium import ANSWER, SCREENSHOTS, ask, last_bot, new_page


@pytest.fixture(scope="module", autouse=True)
def seeded_bank(reseed_bank):
    reseed_bank()


def open_page(browser, stack, locale="zh-CN", width=1280, height=800) -> Page:
    page = new_page(browser, stack, "/", locale, width, height)
    expect(page.locator(".an-panel")).to_be_visible()
    return page


@pytest.fixture
def zh_page(browser, stack):
    page = open_page(browser, stack)
    yield page
    assert page.outside_requests == []  # nothing is loaded from outside the server
    page.context.close()


@pytest.fixture
def en_page(browser, stack):
    page = open_page(browser, stack, locale="en-US")
    yield page
    assert page.outside_requests == []
    page.context.close()


def sign_in(page: Page, customer: str, password: str) -> None:
    page.locator(".an-tools button", has_text=re.compile("^(登录|Sign in)$")).click()
    page.locator("#an-customer").fill(customer)
    page.locator("#an-password").fill(password)
    page.locator("#an-password").press("Enter")
    expect(page.locator(".an-who")).to_contain_text(re.compile("已登录|Signed in"))


def test_signed_in_balance_then_a_reload_continues_the_conversation(zh_page):
    sign_in(zh_page, "C001", "zhangwei-2026")
    expect(zh_page.locator(".an-who")).to_have_text("已登录：张伟")
    ask(zh_page, "我的余额是多少")
    expect(last_bot(zh_page)).to_contain_text("52,380.25", timeout=ANSWER)
    sender = zh_page.evaluate("Object.values(sessionStorage).map(JSON.parse)[0].sender")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    zh_page.screenshot(path=SCREENSHOTS / "widget-zh.png")

    zh_page.reload()
    expect(zh_page.locator(".an-log")).to_contain_text("52,380.25")  # what was said is still there
    expect(zh_page.locator(".an-who")).to_have_text("已登录：张伟")
    assert zh_page.evaluate("Object.values(sessionStorage).map(JSON.parse)[0].sender") == sender
    ask(zh_page, "我的理财持仓")
    expect(last_bot(zh_page)).to_contain_text("31,245.80", timeout=ANSWER)


def test_an_english_faq_gets_the_english_answer_and_an_english_interface(en_page):
    expect(en_page.locator(".an-send")).to_have_text("Send")
    ask(en_page, "what's the phone number of your hotline")
    expect(last_bot(en_page)).to_contain_text("400-800-0000", timeout=ANSWER)
    assert not re.search(r"[\u4e00-\u9fff]", last_bot(en_page).inner_text())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    en_page.screenshot(path=SCREENSHOTS / "widget-en.png")


def test_the_language_switch_changes_the_interface(zh_page):
    expect(zh_page.locator(".an-send")).to_have_text("发送")
    zh_page.locator(".an-tools button", has_text="English").click()
    expect(zh_page.locator(".an-send")).to_have_text("Send")
    expect(zh_page.locator(".an-human")).to_have_text("Talk to a person")
    zh_page.reload()
    expect(zh_page.locator(".an-send")).to_have_text("Send")  # the choice is kept


def test_a_confirmation_is_answered_with_a_button_and_no_money_moves(zh_page):
    sign_in(zh_page, "C001", "zhangwei-2026")
    ask(zh_page, "我要提前还款")
    expect(last_bot(zh_page)).to_contain_text("还多少", timeout=ANSWER)
    ask(zh_page, "5000")
    expect(last_bot(zh_page)).to_contain_text("确认还款吗", timeout=ANSWER)
    zh_page.locator(".an-choices button", has_text="取消").last.click()
    expect(zh_page.locator(".an-me .an-bubble").last).to_have_text("取消")
    expect(last_bot(zh_page)).to_contain_text("没有任何变动", timeout=ANSWER)
    expect(zh_page.locator(".an-choices button", has_text="确认还款").last).to_be_disabled()
    ask(zh_page, "我的余额是多少")
    expect(last_bot(zh_page)).to_contain_text("52,380.25", timeout=ANSWER)


def test_talk_to_a_person(zh_page):
    zh_page.locator(".an-human").click()
    expect(last_bot(zh_page)).to_contain_text("400-800-0000", timeout=ANSWER)


def test_an_expired_sign_in_asks_to_sign_in_again(zh_page):
    sign_in(zh_page, "C001", "zhangwei-2026")
    zh_page.evaluate("""() => {  // a token from yesterday
        const key = Object.keys(sessionStorage)[0], state = JSON.parse(sessionStorage[key]);
        state.token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDMDAxIiwiZXhwIjoxfQ.x";
        sessionStorage[key] = JSON.stringify(state); }""")
    zh_page.reload()
    ask(zh_page, "我的余额是多少")
    expect(zh_page.locator(".an-alert")).to_contain_text("重新登录", timeout=ANSWER)
    expect(zh_page.locator("#an-customer")).to_be_focused()
    zh_page.locator("#an-customer").fill("C001")
    zh_page.locator("#an-password").fill("zhangwei-2026")
    zh_page.locator("#an-password").press("Enter")
    expect(last_bot(zh_page)).to_contain_text("52,380.25", timeout=ANSWER)  # sent again


def test_the_server_stopped_gives_a_friendly_error_and_retry_works(zh_page, stack):
    ask(zh_page, "你们客服电话多少")
    expect(last_bot(zh_page)).to_contain_text("400-800-0000", timeout=ANSWER)
    stack.stop(("web",))
    try:
        ask(zh_page, "逾期了罚息怎么算")
        expect(zh_page.locator(".an-alert")).to_contain_text("暂时连接不上服务器")
    finally:
        stack.start(("web",))
    zh_page.locator(".an-retry").click()
    expect(last_bot(zh_page)).to_contain_text("1.5", timeout=ANSWER)
    expect(zh_page.locator(".an-alert")).to_be_hidden()


def test_keyboard_alone(zh_page):
    zh_page.keyboard.press("Tab")  # into the panel
    zh_page.keyboard.press("Escape")  # closes it, focus back on the launcher
    expect(zh_page.locator(".an-panel")).to_be_hidden()
    expect(zh_page.locator(".an-launcher")).to_be_focused()
    zh_page.keyboard.press("Enter")
    expect(zh_page.locator(".an-input")).to_be_focused()
    zh_page.keyboard.type("你们客服电话多少")
    zh_page.keyboard.press("Enter")
    expect(last_bot(zh_page)).to_contain_text("400-800-0000", timeout=ANSWER)
    zh_page.keyboard.press("Tab")  # the send button, then "talk to a person"
    zh_page.keyboard.press("Tab")
    expect(zh_page.locator(".an-human")).to_be_focused()


def test_a_375_pixel_phone_screen(browser, stack):
    page = open_page(browser, stack, width=375, height=740)
    try:
        box = page.locator(".an-panel").bounding_box()
        assert box["x"] >= 0 and box["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        ask(page, "你们客服电话多少")
        expect(last_bot(page)).to_contain_text("400-800-0000", timeout=ANSWER)
        expect(page.locator(".an-send")).to_be_in_viewport()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "widget-phone-zh.png")
    finally:
        page.context.close()
