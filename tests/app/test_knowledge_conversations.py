"""The knowledge base in conversations, through the webhook, Rasa, the action server and the
retriever: a question Rasa files under the nearest curated FAQ topic is answered from the
knowledge base when it knows better; the curated FAQ still answers its own questions, also when
the retriever is down; a "did you mean" click with the retriever down offers a person."""

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


def test_with_the_retriever_stopped_faqs_still_answer_and_a_click_offers_a_person(stack, chat):
    stack.stop(("retriever",))
    try:
        assert "1.5" in texts(chat(new_sender(), "逾期了罚息怎么算"))
        reply = chat(new_sender(), '/nlu_fallback{"kb_entry":"ac-card-activation"}')
        assert "抱歉" in texts(reply) and "/request_human" in payloads(reply)
    finally:
        stack.start(("retriever",))
    assert "来源" in texts(chat(new_sender(), '/nlu_fallback{"kb_entry":"ac-card-activation"}'))
