"""Real conversations through the public webhook, the Rasa server and the action server."""

import re
import uuid

import pytest

HAN = re.compile(r"[\u4e00-\u9fff]")


def new_sender() -> str:
    return f"test-{uuid.uuid4()}"


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def is_chinese(text: str) -> bool:
    return len(HAN.findall(text)) >= 5


def is_english(text: str) -> bool:
    return len(HAN.findall(text)) <= 4 and len(re.findall(r"[A-Za-z]+", text)) >= 5


@pytest.mark.parametrize(
    "message, check, expected",
    [
        ("你好", is_chinese, "小安"),
        ("hello there", is_english, "An"),
    ],
)
def test_greeting_follows_the_customers_language(chat, message, check, expected):
    reply = texts(chat(new_sender(), message))
    assert check(reply) and expected in reply


@pytest.mark.parametrize(
    "message, check, figures",
    [
        ("活期宝的七日年化是多少", is_chinese, ["1.85%", "理财非存款"]),
        ("what's the yield on daily cash", is_english, ["1.85%", "not deposits"]),
        ("逾期了罚息怎么算", is_chinese, ["1.5"]),
        ("how much is the penalty interest if I'm late", is_english, ["1.5"]),
        ("你们客服电话多少", is_chinese, ["400-800-0000"]),
        ("what's the phone number of your hotline", is_english, ["400-800-0000"]),
    ],
)
def test_faq_answers_follow_the_customers_language(chat, message, check, figures):
    reply = texts(chat(new_sender(), message))
    assert check(reply), reply
    for figure in figures:
        assert figure in reply


def test_language_switches_within_one_conversation(chat):
    sender = new_sender()
    assert is_english(texts(chat(sender, "hi")))
    assert is_chinese(texts(chat(sender, "稳盈90天能提前赎回吗")))
    assert is_english(texts(chat(sender, "and what about the Secure Bond Fund fees")))


def test_a_message_without_language_cues_keeps_the_conversations_language(chat):
    sender = new_sender()
    chat(sender, "hello")
    assert is_english(texts(chat(sender, "/help")))  # a button payload says nothing


@pytest.mark.parametrize("greeting, check", [("您好", is_chinese), ("good morning", is_english)])
def test_nothing_to_answer_with_offers_a_person(chat, greeting, check):
    sender = new_sender()
    chat(sender, greeting)
    reply = chat(sender, "/nlu_fallback")
    assert check(texts(reply))
    payloads = [button["payload"] for reply in reply for button in reply.get("buttons", [])]
    assert "/request_human" in payloads


@pytest.mark.parametrize("entry, language, words", [
    ("ln-settlement-certificate", "zh", ["结清证明", "来源"]),
    ("ac-deposit-insurance", "en", ["500,000", "Source"]),
])
def test_a_did_you_mean_click_answers_that_entry(chat, entry, language, words):
    sender = new_sender()
    chat(sender, "您好" if language == "zh" else "hello")
    reply = texts(chat(sender, f'/nlu_fallback{{"kb_entry":"{entry}"}}'))
    for word in words:
        assert word in reply


@pytest.mark.parametrize(
    "message, check",
    [("今天天气怎么样", is_chinese), ("what's the weather like today", is_english),
     ("给我讲个笑话", is_chinese), ("which stock will go up tomorrow", is_english)],
)
def test_out_of_scope_gets_a_polite_refusal_not_a_banking_answer(chat, message, check):
    reply = texts(chat(new_sender(), message))
    assert check(reply)
    assert "小安" in reply or "help with" in reply or "理解" in reply or "understand" in reply


@pytest.mark.parametrize(
    "message, check",
    [("我卡里还有多少钱", is_chinese), ("show me my balance", is_english),
     ("我要还款", is_chinese), ("buy 5k of Daily Cash", is_english)],
)
def test_account_requests_from_an_anonymous_visitor_ask_to_log_in(chat, message, check):
    reply = texts(chat(new_sender(), message))
    assert check(reply)
    assert "登录" in reply or "log in" in reply


def test_request_human_tells_the_customer_how_to_reach_a_person(chat):
    reply = texts(chat(new_sender(), "我要转人工"))
    assert "09:00-21:00" in reply and "400-800-0000" in reply
