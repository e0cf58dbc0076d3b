"""Customers' sign-in and the signed tokens every message of theirs carries."""

import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.config import Settings

ALGORITHM = "HS256"
_hasher = PasswordHasher()
# Verified when the customer id is unknown, so a wrong id takes as long as a wrong password.
_NOBODY = _hasher.hash("no such customer")


class TokenError(Exception):
    """The token cannot be trusted; the message says why, for the customer."""


def issue_token(customer_id: str, settings: Settings) -> str:
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=settings.token_minutes)
    claims = {"sub": customer_id, "iat": now, "exp": expires}
    return jwt.encode(claims, settings.token_secret, algorithm=ALGORITHM)


def token_customer(token: str, settings: Settings) -> str:
    """The customer id a valid token was issued to."""
    try:
        claims = jwt.decode(token, settings.token_secret, algorithms=[ALGORITHM],
                            options={"require": ["sub", "exp"]})
    except jwt.ExpiredSignatureError as error:
        raise TokenError("Your sign-in has expired. Please sign in again.") from error
    except jwt.InvalidTokenError as error:  # forged, malformed, wrong algorithm, missing claims
        raise TokenError("The sign-in token is not valid. Please sign in again.") from error
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise TokenError("The sign-in token is not valid. Please sign in again.")
    return claims["sub"]


def is_partner_key(key: str, settings: Settings) -> bool:
    return any(hmac.compare_digest(key.encode(), known.encode())
               for known in settings.partner_api_keys)


class CustomerLogins:
    """Customer ids, names and password hashes (web/customer_logins.yml for the demo bank)."""

    def __init__(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self.customers: dict[str, dict] = data.get("customers", {})

    def verify(self, customer_id: str, password: str) -> str | None:
        """The customer's name if the password is theirs, else None."""
        customer = self.customers.get(customer_id)
        try:
            _hasher.verify(customer["password"] if customer else _NOBODY, password)
        except (VerificationError, InvalidHashError):
            return None
        return customer["name"] if customer else None
