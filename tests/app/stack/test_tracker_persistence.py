"""Conversations live in the SQL tracker store, so they survive a restart of the Rasa server."""

import uuid

import httpx


def test_a_conversation_continues_after_rasa_restarts(stack, chat):
    sender = f"restart-{uuid.uuid4()}"
    chat(sender, "hello")  # the conversation is in English now
    chat(sender, "/help")

    stack.restart("rasa")

    # A message without language cues is answered in English: only possible if the restarted
    # server remembers the conversation's language.
    reply = chat(sender, "/nlu_fallback")
    assert any(reply.get("buttons") for reply in reply)
    assert "person" in " ".join(reply.get("text", "") for reply in reply)
    tracker = httpx.get(f"{stack.settings.rasa_url}/conversations/{sender}/tracker").json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"][:2] == ["hello", "/help"]
