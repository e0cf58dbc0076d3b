"""What the bank turns down, and why: a code a program acts on, a detail a person reads, and the
figures behind it. These carry no HTTP status; bank/api/errors.py maps them to one."""

from typing import Any


class BankError(Exception):
    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code, self.detail, self.extra = code, detail, extra

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, **self.extra}


class NotFound(BankError):
    """No such product, loan or card: or not this customer's, which looks the same."""


class RuleBroken(BankError):
    """A business rule turned the request down (a minimum, the risk level, the balance...)."""


class Conflict(BankError):
    """The request contradicts an earlier one (an idempotency key used for something else)."""
