"""The account service's refusals, told to the customer in their language.

The service answers a refused request with a code and its figures ({"code": "below_minimum",
"minimum": "1000.00"}); its `detail` is English for the log. Each code the customer can act on
has a response (bot/domain/account.yml, utter_refused_*) whose placeholders are the figures,
formatted; any other code is told with the service's own detail.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Dict

from actions import money
from actions.bank_client import BankRefused

# Refusals that mean the integration itself is broken (wrong token, missing header): the customer
# can do nothing about them, so they get the apology and a person, and the log gets the reason.
SERVICE_FAULTS = {"unauthorised", "customer_id_missing", "other_customer",
                  "idempotency_key_missing", "idempotency_key_reused", "invalid_request"}

# code -> its response (written out, so `rasa data validate`'s test sees them used).
RESPONSES = {
    "invalid_amount": "utter_refused_invalid_amount",
    "below_minimum": "utter_refused_below_minimum",
    "above_balance": "utter_refused_above_balance",
    "above_outstanding": "utter_refused_above_outstanding",
    "below_amount_due": "utter_refused_below_amount_due",
    "loan_closed": "utter_refused_loan_closed",
    "card_frozen": "utter_refused_card_frozen",
    "risk_assessment_required": "utter_refused_risk_assessment_required",
    "above_risk_level": "utter_refused_above_risk_level",
    "closed_period": "utter_refused_closed_period",
    "above_holding": "utter_refused_above_holding",
    "not_held": "utter_refused_not_held",
    "unknown_product": "utter_refused_unknown_product",
    "unknown_loan": "utter_refused_unknown_loan",
    "credit_line_frozen": "utter_refused_credit_line_frozen",
}
# The refusal's figures, by kind, as the customer reads them.
AMOUNTS = ("minimum", "balance", "payoff", "amount_due", "redeemable")
DATES = ("matures_on", "payback_date")


def _shown(extra: Dict[str, Any], language: str) -> Dict[str, str]:
    shown = {}
    for key in AMOUNTS:
        try:
            shown[key] = money.amount(Decimal(str(extra[key])), language)
        except (KeyError, InvalidOperation, ValueError):
            shown[key] = ""
    for key in DATES:
        try:
            shown[key] = money.day(date.fromisoformat(str(extra[key])), language)
        except (KeyError, ValueError):
            shown[key] = ""
    return shown


def refusal(error: BankRefused, language: str) -> Dict[str, Any]:
    """What to say, as `dispatcher.utter_message(**refusal(error, language))`."""
    response = RESPONSES.get(error.code)
    if response is None:
        return {"response": "utter_refused_request", "reason": error.detail}
    return {"response": response, **_shown(error.extra, language)}

