"""Conversations live in the SQL tracker store, so they survive a restart of the Rasa server."""

import uuid

import httpx


def test_a_conversation_continues_after_rasa_restarts(stack, chat):
    sender = f"restart-{uuid.uuid4()}"
    chat(sender, "hello")  # the conversation is in English now
    first = chat(sender, "/nlu_fallback")
    assert not any(reply.get("buttons") for reply in first)

    stack.restart("rasa")

    # The second misunderstanding in a row offers a person, in English: only possible if the
    # restarted server remembers both the earlier fallback and the conversation's language.
    second = chat(sender, "/nlu_fallback")
    assert any(reply.get("buttons") for reply in second)
    assert "person" in " ".join(reply.get("text", "") for reply in second)
    tracker = httpx.get(f"{stack.settings.rasa_url}/conversations/{sender}/tracker").json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"][:1] == ["hello"]
