"""Dependencies the routes ask for: settings, the Rasa client, who is calling, and the stores."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

import httpx
from fastapi import Depends, Header, HTTPException
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from web.conversations import ConversationOwners
from web.core.config import Settings, get_settings
from web.core.rate_limit import RateLimiter
from web.core.security import CustomerLogins, TokenError, is_partner_key, token_customer
from web.rasa_client import RasaClient

SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_rasa(settings: SettingsDep) -> AsyncIterator[RasaClient]:
    async with httpx.AsyncClient(
        base_url=settings.rasa_url, timeout=settings.rasa_timeout_seconds
    ) as http:
        yield RasaClient(http)


RasaDep = Annotated[RasaClient, Depends(get_rasa)]


@lru_cache
def _owners(database_url: str) -> ConversationOwners:
    return ConversationOwners(database_url)


@lru_cache
def _limiter(purpose: str, limit: int, window: float) -> RateLimiter:
    return RateLimiter(limit, window)


@lru_cache
def _logins(path: str) -> CustomerLogins:
    from pathlib import Path

    return CustomerLogins(Path(path))


def get_owners(settings: SettingsDep) -> ConversationOwners:
    return _owners(settings.web_database_url)


def get_message_limiter(settings: SettingsDep) -> RateLimiter:
    return _limiter("messages", settings.rate_limit_messages, settings.rate_limit_seconds)


def get_sign_in_limiter(settings: SettingsDep) -> RateLimiter:
    return _limiter("sign-in", settings.sign_in_attempts, settings.rate_limit_seconds)


def get_logins(settings: SettingsDep) -> CustomerLogins:
    return _logins(str(settings.customer_logins))


OwnersDep = Annotated[ConversationOwners, Depends(get_owners)]
MessageLimiterDep = Annotated[RateLimiter, Depends(get_message_limiter)]
SignInLimiterDep = Annotated[RateLimiter, Depends(get_sign_in_limiter)]
LoginsDep = Annotated[CustomerLogins, Depends(get_logins)]

_bearer = HTTPBearer(auto_error=False, description="A customer's token from POST /auth/token")
_partner_key = APIKeyHeader(name="X-API-Key", auto_error=False,
                            description="A partner system's key: anonymous questions only")


@dataclass(frozen=True)
class Caller:
    customer_id: str | None  # verified from the token; None = anonymous
    partner: bool = False


def unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


def get_caller(
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    partner_key: Annotated[str | None, Depends(_partner_key)],
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Caller:
    """Who sends this message: a signed-in customer, a partner system, or an anonymous visitor.
    Identity never comes from the body or its metadata."""
    if authorization is not None and bearer is None:
        raise unauthorized("The Authorization header must be 'Bearer <token>'.")
    if bearer is not None and partner_key is not None:
        raise HTTPException(400, "Send either a customer's token or a partner key, not both.")
    if bearer is not None:
        try:
            return Caller(token_customer(bearer.credentials, settings))
        except TokenError as error:
            raise unauthorized(str(error)) from error
    if partner_key is not None:
        if not is_partner_key(partner_key, settings):
            raise unauthorized("The partner API key is not valid.")
        return Caller(None, partner=True)
    return Caller(None)


CallerDep = Annotated[Caller, Depends(get_caller)]
