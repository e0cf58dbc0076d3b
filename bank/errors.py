"""Refusals: a 4xx with a reason a person can read and a code the assistant can act on."""

from typing import Any


class Refused(Exception):
    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, **self.extra}


def not_found(code: str, detail: str) -> Refused:
    return Refused(404, code, detail)


def rule(code: str, detail: str, **extra: Any) -> Refused:
    """A business rule turned the request down (422)."""
    return Refused(422, code, detail, **extra)
