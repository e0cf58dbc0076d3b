"""The REST webhook: Rasa's request and reply format, so Rasa's REST clients work unchanged."""

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from web.api.deps import RasaDep, SettingsDep
from web.rasa_client import RasaUnavailable

router = APIRouter(tags=["chat"])


class CustomerMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=128, description="Conversation id")
    message: str = Field(min_length=1, description="What the customer typed or a button payload")
    # Accepted for compatibility with Rasa's clients; identity never comes from here.
    metadata: dict[str, Any] = Field(default_factory=dict)


class BotMessage(BaseModel):
    model_config = {"extra": "allow"}
    recipient_id: str | None = None
    text: str | None = None
    buttons: list[dict[str, Any]] | None = None
    custom: dict[str, Any] | None = None


@router.post(
    "/webhooks/rest/webhook", response_model=list[BotMessage], response_model_exclude_none=True
)
async def send_message(
    body: CustomerMessage, rasa: RasaDep, settings: SettingsDep
) -> list[dict[str, Any]]:
    if len(body.message) > settings.max_message_chars:
        raise HTTPException(
            413, f"Message longer than {settings.max_message_chars} characters."
        )
    try:
        return await rasa.send(body.sender, body.message)
    except RasaUnavailable as error:
        raise HTTPException(
            503, "The assistant is not available right now. Please try again shortly."
        ) from error
