"""The REST webhook: Rasa's request and reply format, so Rasa's REST clients work unchanged.

Who is asking comes from the Authorization header (a customer's token) or X-API-Key (a partner
system, anonymous questions only); without either the visitor is anonymous. The verified customer
id is the only identity Rasa's actions see (metadata "customer_id")."""

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from web.api.deps import CallerDep, MessageLimiterDep, OwnersDep, RasaDep, SettingsDep
from web.rasa_client import RasaUnavailable
from web.security import issue_token

router = APIRouter(tags=["chat"])
IDENTITY_KEY = "customer_id"  # the metadata key actions/identity.py reads


class CustomerMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=128, description="Conversation id",
                        examples=["app-3f2a9c"])
    message: str = Field(min_length=1, description="What the customer typed or a button payload",
                         examples=["我的余额是多少"])
    # Passed on to Rasa, except any identity in it: that comes only from the verified token.
    metadata: dict[str, Any] = Field(default_factory=dict)


class BotMessage(BaseModel):
    model_config = {"extra": "allow"}
    recipient_id: str | None = None
    text: str | None = None
    buttons: list[dict[str, Any]] | None = None
    custom: dict[str, Any] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON, a missing field, or both a token and a partner key"},
    401: {"description": "Expired, forged or malformed token, or an unknown partner key"},
    403: {"description": "The conversation belongs to another customer"},
    413: {"description": "Message longer than the limit (2,000 characters)"},
    429: {"description": "Too many messages on this conversation; see Retry-After"},
    503: {"description": "The assistant is not available right now"},
}


@router.post(
    "/webhooks/rest/webhook", response_model=list[BotMessage], response_model_exclude_none=True,
    responses=ERRORS,
)
async def send_message(
    body: CustomerMessage, caller: CallerDep, response: Response, rasa: RasaDep,
    settings: SettingsDep, owners: OwnersDep, limiter: MessageLimiterDep,
) -> list[dict[str, Any]]:
    """Send one customer message; returns the assistant's replies. A signed-in customer's reply
    carries a renewed token in the X-Renewed-Token header."""
    if len(body.message) > settings.max_message_chars:
        raise HTTPException(413, f"Message longer than {settings.max_message_chars} characters.")
    wait = limiter.retry_after(body.sender)
    if wait is not None:
        raise HTTPException(429, "Too many messages in a short time. Please wait a moment.",
                            headers={"Retry-After": str(wait)})
    if not await run_in_threadpool(owners.admit, body.sender, caller.customer_id):
        raise HTTPException(403, "This conversation belongs to another customer. Please sign "
                                 "in as that customer or start a new conversation.")
    metadata = {key: value for key, value in body.metadata.items() if key != IDENTITY_KEY}
    if caller.customer_id:
        metadata[IDENTITY_KEY] = caller.customer_id
    try:
        replies = await rasa.send(body.sender, body.message, metadata)
    except RasaUnavailable as error:
        raise HTTPException(
            503, "The assistant is not available right now. Please try again shortly."
        ) from error
    if caller.customer_id:
        response.headers["X-Renewed-Token"] = issue_token(caller.customer_id, settings)
    return replies
