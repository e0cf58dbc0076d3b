"""Freezing the debit card (actions/cards.py): a summary first, the reason, the bank's lines."""

from actions.cards import ActionFreezeCard, ValidateFreezeForm, freeze_reason
from tests.rasa.actions.fakes import FormBank, money_moves, run, tracker


def test_freezing_shows_a_summary_and_freezes_only_after_yes():
    bank = FormBank()
    slots, _, _ = run(ValidateFreezeForm(bank), tracker(
        "我的卡丢了 帮我冻结", intent="freeze_card", active_loop="freeze_form"))
    assert "尾号0428" in slots["confirmation_summary"] and slots["freeze_reason"] == "lost"
    assert not money_moves(bank)
    _, reply, _ = run(ActionFreezeCard(bank), tracker("确认", intent="affirm", active_loop=None,
                                                     slots={"freeze_card_id": "DC001",
                                                            "freeze_reason": "lost",
                                                            "freeze_confirmed": True}))
    assert "已冻结" in reply and "96110" in reply
    assert [call[:4] for call in money_moves(bank)] == [("freeze_card", "C001", "DC001", "lost")]


def test_freeze_reasons():
    assert freeze_reason("I think I was scammed") == "fraud"
    assert freeze_reason("卡被偷了") == "stolen"
    assert freeze_reason("block my card") == "customer_request"

def test_the_freeze_receipt_gives_the_banks_lines():
    _, reply, _ = run(ActionFreezeCard(FormBank()), tracker(
        "yes", intent="affirm", active_loop=None, language="en",
        slots={"freeze_card_id": "DC001", "freeze_reason": "lost", "freeze_confirmed": True}))
    assert reply == ("Your debit card ending 0428 is frozen; no money can leave it now. If you "
                     "were scammed or see suspicious transactions, call the anti-fraud line 96110 "
                     "and our hotline 400-800-0000 at once.")
