"""Conversation review: newest first, flagged turns, masked personal data, one-click teaching."""

import json

import pytest
from sqlalchemy import insert

from core.database import new_engine
from web.admin.review import _metadata, events, mask


def user(sender, at, text, intent, confidence):
    return {"sender_id": sender, "type_name": "user", "timestamp": at, "intent_name": intent,
            "data": json.dumps({"event": "user", "text": text, "parse_data": {
                "intent": {"name": intent, "confidence": confidence}}})}


def bot(sender, at, text, utter_action=None):
    metadata = {"utter_action": utter_action} if utter_action else {}
    return {"sender_id": sender, "type_name": "bot", "timestamp": at, "intent_name": None,
            "data": json.dumps({"event": "bot", "text": text, "metadata": metadata})}


@pytest.fixture
def tracker(settings):
    engine = new_engine(settings.tracker_database_url)  # as Rasa's tracker store makes it
    _metadata.create_all(engine)
    rows = [
        user("old", 1000.0, "你好", "greet", 0.99), bot("old", 1000.5, "您好"),
        user("new", 2000.0, "我的卡号 6217 0000 1111 0428 手机13812345678", "check_balance", 0.42),
        bot("new", 2000.5, "请先登录"),
        {"sender_id": "new", "type_name": "action", "timestamp": 2000.6, "intent_name": None,
         "data": "{}"},
        user("new", 2001.0, "怎么把钱转到港股账户", "nlu_fallback", 0.3),
        bot("new", 2001.5, "抱歉，这个问题小安还回答不了。", "utter_kb_dont_know"),
        user("new", 2002.0, "我要转人工", "request_human", 0.98),
    ]
    with engine.begin() as db:
        db.execute(insert(events), rows)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("text, masked", [
    ("卡号6217000011110428", "卡号************0428"),
    ("card 6217 0000 1111 0428 please", "card ************0428 please"),
    ("手机 138-1234-5678", "手机 *******5678"),
    ("+86 13812345678", "**********5678"),
    ("身份证11010519491231002X", "身份证**************002X"),
    ("还款 5000 元，贷款 L1001", "还款 5000 元，贷款 L1001"),  # amounts and loan ids stay
])
def test_personal_numbers_are_masked(text, masked):
    assert mask(text) == masked


def test_conversations_newest_first_with_flagged_turns(signed_in, tracker):
    viewer = signed_in("vera")
    listed = viewer.get("/admin/api/conversations").json()
    assert [(c["sender"], c["messages"], c["flagged"]) for c in listed] == [
        ("new", 3, 4), ("old", 1, 0)]
    turns = viewer.get("/admin/api/conversations/new").json()
    assert [(t["who"], t["flags"]) for t in turns] == [
        ("user", ["low_confidence"]), ("bot", []), ("user", ["fallback"]), ("bot", ["dont_know"]),
        ("user", ["asked_for_a_person"])]
    assert "6217" not in turns[0]["text"] and "0428" in turns[0]["text"]
    assert "13812345678" not in turns[0]["text"]
    assert viewer.get("/admin/api/conversations/nobody").status_code == 404


def test_without_a_tracker_store_yet_the_list_is_empty(signed_in):
    assert signed_in("vera").get("/admin/api/conversations").json() == []


def test_one_click_adds_the_customers_words_as_a_paraphrase(signed_in, tracker):
    editor = signed_in("ed")
    body = {"entry_id": "ac-open-account-steps", "language": "zh", "text": "开户要带啥"}
    response = editor.post("/admin/api/conversations/paraphrase", json=body)
    assert response.status_code == 200, response.text
    assert "开户要带啥" in response.json()["zh"]["paraphrases"]
    again = editor.post("/admin/api/conversations/paraphrase", json=body)
    assert again.status_code == 422 and "already" in again.json()["detail"]
    assert signed_in("vera").get("/admin/api/changes").json()[0]["item"] == \
        "ac-open-account-steps"
    assert signed_in("vera").post("/admin/api/conversations/paraphrase",
                                  json=body).status_code == 403


def test_real_conversations_are_read_and_flagged(stack, chat):
    """Against the running Rasa server's own tracker store: its events as Rasa writes them."""
    from web.admin.review import ConversationReview

    sender = "review-e2e"
    # "/nlu_fallback" is what Rasa's fallback gives a message it does not understand; the
    # retriever then has nothing and says so.
    for message in ("你们客服电话多少", "我的卡号是6217000011110428", "/nlu_fallback",
                    "我要转人工"):
        chat(sender, message)
    tracker_store = new_engine(stack.settings.tracker_database_url)
    try:
        review = ConversationReview(tracker_store)
        turns = review.conversation(sender)
        recent = review.recent()
    finally:
        tracker_store.dispose()
    said = [turn for turn in turns if turn["who"] == "user"]
    assert said[0]["text"] == "你们客服电话多少" and said[0]["flags"] == []
    assert "6217000011110428" not in said[1]["text"] and said[1]["text"].endswith("0428")
    assert "fallback" in said[2]["flags"]
    assert "dont_know" in [flag for turn in turns if turn["who"] == "bot" for flag in turn["flags"]]
    assert "asked_for_a_person" in said[3]["flags"]
    assert recent[0]["sender"] == sender
