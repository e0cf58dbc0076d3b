"""Questions in conversations, through the webhook, Rasa, the action server and the retriever:
one answer decision over the curated FAQs and the knowledge base answers knowledge-base questions
that look like a curated topic from the entry, curated questions from the topic; with the
retriever down nothing is answered on a guess: an apology and the offer of a person."""

import uuid

import pytest


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


def new_sender() -> str:
    return f"kb-{uuid.uuid4()}"


# Rasa files each of these under a curated FAQ topic (the first under faq_wealth with full
# confidence); none of the curated answers is about it.
@pytest.mark.parametrize("message, words", [
    ("换了新手机以后 登App要重新验证吗", ["人脸识别", "来源"]),
    ("我从来没办过信用卡也没贷过款 征信是空白的 能借钱吗", ["信用记录", "来源"]),
    ("I have no credit history at all, can I still apply for a loan", ["credit history", "Source"]),
    ("is there an annual fee on your debit card", ["no annual fee", "Source"]),
])
def test_the_knowledge_base_answers_what_the_nearest_faq_does_not(chat, message, words):
    shown = texts(chat(new_sender(), message))
    for word in words:
        assert word in shown, shown


@pytest.mark.parametrize("message, words", [
    ("逾期了罚息怎么算", ["1.5"]),
    ("how much is the penalty interest if I pay late", ["1.5"]),
    # product names as customers type them: a homophone, a typo, a missing word
    ("活期包的七日年化是多少", ["1.85%"]),
    ("what's the 7-day yield of daily cahs", ["1.85%"]),
    ("安欣债基的赎回费怎么收", ["1.5%"]),
])
def test_a_curated_question_gets_its_curated_answer(chat, message, words):
    shown = texts(chat(new_sender(), message))
    for word in words:
        assert word in shown, shown


def test_with_the_retriever_stopped_a_question_offers_a_person_and_nothing_is_guessed(stack,
                                                                                      chat):
    stack.stop(("retriever",))
    try:
        for message in ("逾期了罚息怎么算", '/nlu_fallback{"kb_entry":"ac-card-activation"}'):
            reply = chat(new_sender(), message)
            assert "抱歉" in texts(reply) and "/request_human" in payloads(reply)
    finally:
        stack.start(("retriever",))
    assert "1.5" in texts(chat(new_sender(), "逾期了罚息怎么算"))
    assert "来源" in texts(chat(new_sender(), '/nlu_fallback{"kb_entry":"ac-card-activation"}'))
