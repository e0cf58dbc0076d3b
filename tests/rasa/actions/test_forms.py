"""What every form shares (actions/forms.py): identity only from the channel, stopping when the
service fails or the customer is not logged in, yes / no / cancel, one idempotency key per
confirmation, asides not read as answers, and the wording left to the domain (in both languages).
The forms run against a fake account service (tests/rasa/actions/fakes.py)."""

import ast
import asyncio
import re
import time

import pytest

from actions.bank_client import BankUnavailable
from actions.cards import ValidateFreezeForm
from actions.forms import ActionCancelForm, idempotency_key
from actions.repayment import ActionRepayLoan, ValidateRepayForm
from actions.wealth import ValidateBuyForm
from tests.rasa.actions.fakes import FormBank, money_moves, run, tracker
from tests.rasa.rendering import DOMAIN, ROOT, said


def asked(form_slot, language, slots):
    """The form's confirmation question (utter_ask_<slot>) as the customer reads it."""
    return said([{"response": f"utter_ask_{form_slot}"}], language, slots)[0]


# Who is asking, and stopping.


def test_anonymous_visitors_end_the_form_at_once_and_are_asked_to_log_in():
    bank = FormBank()
    slots, reply, _ = run(ValidateRepayForm(bank), tracker("我要还款", customer=None))
    assert slots == {"requested_slot": None}
    _, reply, messages = run(ActionRepayLoan(bank), tracker("我要还款", customer=None,
                                                            active_loop=None))
    assert messages[0]["response"] == "utter_login_required"
    assert bank.calls == []


def test_the_service_down_stops_the_form_with_an_apology():
    bank = FormBank(failure=BankUnavailable("down"))
    slots, reply, messages = run(ValidateRepayForm(bank), tracker("我要还款"))
    assert slots["form_stopped"] is True and slots["requested_slot"] is None
    assert messages[-1]["response"] == "utter_service_unavailable"
    _, reply, messages = run(ActionRepayLoan(bank), tracker("", active_loop=None,
                                                            slots={"form_stopped": True}))
    assert messages == []  # already explained; nothing more, nothing moved


def test_a_slow_service_gets_the_apology_within_five_seconds():
    class Slow(FormBank):
        async def loans(self, customer):  # each call within the client's deadline, but many
            await asyncio.sleep(2.4)
            return await super().loans(customer)

    started = time.monotonic()  # the form's first turn asks for the loans twice
    slots, _, messages = run(ValidateRepayForm(Slow()), tracker(
        "还L1001 5000", entities=[("loan_id", "L1001"), ("amount", "5000")]))
    assert time.monotonic() - started < 5
    assert slots["form_stopped"] is True
    assert [m.get("response") for m in messages] == ["utter_service_unavailable"]


def test_only_the_channel_says_who_the_customer_is():
    bank = FormBank()
    slots, _, _ = run(ValidateRepayForm(bank), tracker(
        "我是C002 还L2001全部", customer="C001", entities=[("loan_id", "L2001")]))
    assert {call[1] for call in bank.calls if len(call) > 1} == {"C001"}
    assert slots.get("repay_loan_id") is None  # L2001 is C002's, not found for C001
    assert not money_moves(bank)


# Confirming: a summary, then yes moves money once per confirmation, anything else nothing.


def test_yes_repays_once_with_one_key_per_confirmation():
    bank = FormBank()
    confirmed = tracker("确认", intent="affirm", active_loop=None, slots={
        "repay_loan_id": "L1001", "repay_amount": "5000", "repay_confirmed": True})
    slots, reply, _ = run(ActionRepayLoan(bank), confirmed)
    assert "还款成功" in reply and "¥5,000.00" in reply
    assert slots["repay_amount"] is None and slots["repay_confirmed"] is None
    run(ActionRepayLoan(bank), confirmed)  # the same confirmation again (a retry)
    keys = [call[-1] for call in money_moves(bank)]
    assert len(keys) == 2 and keys[0] == keys[1]
    later = tracker("确认", intent="affirm", active_loop=None, events=[
        {"event": "user", "text": "确认", "timestamp": 1700000999.0}])
    assert idempotency_key(later, "repay-L1001-5000") != keys[0]


@pytest.mark.parametrize("answer", [False, None])
def test_no_moves_nothing(answer):
    bank = FormBank()
    _, _, messages = run(ActionRepayLoan(bank), tracker("不要", intent="deny", active_loop=None,
                                                         slots={"repay_loan_id": "L1001",
                                                                "repay_amount": "5000",
                                                                "repay_confirmed": answer}))
    assert messages[0]["response"] == "utter_nothing_done"
    assert not money_moves(bank)


@pytest.mark.parametrize("text, intent, expected", [
    ("确认", "affirm", True), ("/affirm", "affirm", True), ("no", "deny", False),
    ("谢谢", "thank", None),
])
def test_the_confirmation_reads_yes_and_no_but_not_other_words(text, intent, expected):
    slots = {"repay_loan_id": "L1001", "repay_amount": "5000"}
    found, _, _ = run(ValidateRepayForm(FormBank()), tracker(
        text, intent=intent, requested="repay_confirmed", slots=slots))
    assert found.get("repay_confirmed") == expected, text


@pytest.mark.parametrize("validation, typed, language, turn, confirmation, question", [
    (ValidateRepayForm, "5000", "en",
     {"intent": "nlu_fallback", "requested": "repay_amount", "slots": {"repay_loan_id": "L1001"}},
     "repay_confirmed",
     "Please confirm: repay CNY 5,000.00 from your debit card to your Flexi Loan L1001 "
     "(principal CNY 4,969.33, interest CNY 30.67). Outstanding principal afterwards: "
     "CNY 5,254.63. Your card's balance afterwards: CNY 47,380.25.\nShall I go ahead?"),
    (ValidateFreezeForm, "我的卡丢了", "zh",
     {"intent": "freeze_card", "active_loop": "freeze_form"}, "freeze_confirmed",
     "请确认：立即冻结您尾号0428的借记卡。冻结后这张卡不能消费、转账或取现，自动扣款（如贷款还款）"
     "也会失败；解冻需要本人致电400-800-0000或到网点办理。\n确认冻结吗？"),
], ids=["repay", "freeze"])
def test_the_confirmation_questions_read_the_summaries(validation, typed, language, turn,
                                                        confirmation, question):
    slots, _, _ = run(validation(FormBank()), tracker(typed, language=language, **turn))
    assert asked(confirmation, language, slots) == question


def test_cancel_empties_every_form():
    slots, _, messages = run(ActionCancelForm(), tracker("取消", intent="cancel",
                                                         active_loop=None))
    assert messages[0]["response"] == "utter_form_cancelled"
    assert {"repay_amount", "buy_product", "risk_q5", "freeze_confirmed"} <= set(slots)
    assert not any(slots.values())


def test_an_faq_in_the_middle_is_not_read_as_an_answer():
    bank = FormBank()
    slots, _, _ = run(ValidateBuyForm(bank), tracker(
        "活期宝最低买多少", intent="faq_wealth", entities=[("product", "WM001")],
        requested="buy_amount", slots={"buy_product": "WM004"}, active_loop="buy_form"))
    assert "buy_product" not in slots and "buy_amount" not in slots  # the form rejects it


# The wording is the domain's, in both languages.


FORM_MODULES = [ROOT / "actions" / f"{name}.py"
                for name in ("forms", "repayment", "wealth", "risk", "cards")]
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


def responses_the_forms_use():
    named = set()
    for path in FORM_MODULES:
        named |= set(re.findall(r"\"(utter_\w+)\"", path.read_text()))
    for form in ("repay_form", "buy_form", "redeem_form", "risk_form", "freeze_form"):
        named |= {f"utter_ask_{slot}" for slot in DOMAIN["forms"][form]["required_slots"]
                  if f"utter_ask_{slot}" in DOMAIN["responses"]}
    return sorted(named)


def _in_english(variation):
    return any(condition.get("name") == "language" and condition.get("value") == "en"
               for condition in variation.get("condition") or [])


def _shape(variation):
    """The placeholders of the text and the buttons, and the buttons' payloads."""
    titles = [button["title"] for button in variation.get("buttons") or []]
    return (set(_PLACEHOLDER.findall(" ".join([variation.get("text") or "", *titles]))),
            [button["payload"] for button in variation.get("buttons") or []])


@pytest.mark.parametrize("name", responses_the_forms_use())
def test_every_response_the_forms_use_has_both_languages_with_the_same_placeholders(name):
    variations = DOMAIN["responses"].get(name)
    assert variations, f"the domain has no {name}"
    chinese = [v for v in variations if not v.get("condition")]
    english = [v for v in variations if _in_english(v)]
    assert len(chinese) == 1 and len(english) == 1 and len(variations) == 2, name
    assert _shape(chinese[0]) == _shape(english[0]), name


def test_the_form_modules_hold_no_customer_wording():
    """No Chinese in their strings but what reads the customer's input (patterns, yes/no words),
    and the bank's facts only as the domain's {bank_*} slots."""
    cjk = re.compile(r"[\u3400-\u9fff]")
    for path in FORM_MODULES:
        source = path.read_text()
        tree = ast.parse(source)
        allowed = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                 ast.AsyncFunctionDef)) and ast.get_docstring(node) is not None:
                allowed.add(id(node.body[0].value))
            reads_input = isinstance(node, ast.Set) or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "compile")
            if reads_input:
                allowed |= {id(inner) for inner in ast.walk(node)}
        wording = [node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and cjk.search(node.value) and id(node) not in allowed]
        assert not wording, f"{path.name}: {wording}"
        for fact in ("400-800-0000", "96110", "09:00-21:00"):
            assert fact not in source, f"{path.name} says {fact}"
