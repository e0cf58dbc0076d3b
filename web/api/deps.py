"""Dependencies the routes ask for: who is calling, and what the app built at start-up (settings,
the Rasa client, the stores; web/services.py)."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from core.config import Settings
from web.admin.changes import ChangeLog
from web.admin.knowledge import KnowledgeEditor
from web.admin.models import ModelVersions
from web.admin.review import ConversationReview
from web.admin.staff import Session as StaffSession
from web.admin.staff import Staff
from web.admin.training_data import TrainingDataEditor
from web.conversations import ConversationOwners
from web.rasa_client import RasaClient
from web.rate_limit import RateLimiter
from web.security import CustomerLogins, TokenError, is_partner_key, token_customer
from web.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_rasa(services: ServicesDep) -> RasaClient:
    return services.rasa


def get_owners(services: ServicesDep) -> ConversationOwners:
    return services.owners


def get_message_limiter(services: ServicesDep) -> RateLimiter:
    return services.message_limiter


def get_sign_in_limiter(services: ServicesDep) -> RateLimiter:
    return services.sign_in_limiter


def get_logins(services: ServicesDep) -> CustomerLogins:
    return services.logins


SettingsDep = Annotated[Settings, Depends(get_settings)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
OwnersDep = Annotated[ConversationOwners, Depends(get_owners)]
MessageLimiterDep = Annotated[RateLimiter, Depends(get_message_limiter)]
SignInLimiterDep = Annotated[RateLimiter, Depends(get_sign_in_limiter)]
LoginsDep = Annotated[CustomerLogins, Depends(get_logins)]


def count_sign_in(attempts: RateLimiter, key: str) -> None:
    """429 with Retry-After once `key` has used up its sign-in attempts (password guessing)."""
    wait = attempts.retry_after(key)
    if wait is not None:
        raise HTTPException(429, "Too many sign-in attempts. Please wait and try again.",
                            headers={"Retry-After": str(wait)})

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


# -- the training-data editor: staff sessions ---------------------------------------------------
ADMIN_COOKIE = "an_admin_session"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def get_staff(services: ServicesDep) -> Staff:
    return services.staff


StaffDep = Annotated[Staff, Depends(get_staff)]


def get_staff_session(request: Request, staff: StaffDep) -> StaffSession:
    """The signed-in member of staff; state-changing requests must echo the session's CSRF
    token in X-CSRF-Token (the session cookie alone is never enough)."""
    if request.headers.get("Authorization"):
        raise HTTPException(401, "Customers' tokens give no access here. Sign in as staff.")
    session_id = request.cookies.get(ADMIN_COOKIE)
    session = staff.session(session_id) if session_id else None
    if session is None:
        raise HTTPException(401, "Please sign in (or sign in again: the session has expired).")
    if request.method not in SAFE_METHODS:
        echoed = request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(echoed.encode(), session.csrf_token.encode()):
            raise HTTPException(403, "The request lacks this session's CSRF token.")
    return session


def role(required: str):
    """Dependency: the session, if its role is at least `required`."""

    def check(session: Annotated[StaffSession, Depends(get_staff_session)]) -> StaffSession:
        if not session.may(required):
            raise HTTPException(403, f"This needs the {required} role; you are {session.role}.")
        return session

    return Depends(check)


ViewerDep = Annotated[StaffSession, role("viewer")]
EditorDep = Annotated[StaffSession, role("editor")]
AdminDep = Annotated[StaffSession, role("admin")]


def get_change_log(services: ServicesDep) -> ChangeLog:
    return services.change_log


def get_knowledge_editor(services: ServicesDep) -> KnowledgeEditor:
    return services.knowledge


def get_review(services: ServicesDep) -> ConversationReview:
    return services.review


def get_training_data_editor(services: ServicesDep) -> TrainingDataEditor:
    return services.training_data


def get_model_versions(services: ServicesDep) -> ModelVersions:
    return services.models


ChangeLogDep = Annotated[ChangeLog, Depends(get_change_log)]
KnowledgeEditorDep = Annotated[KnowledgeEditor, Depends(get_knowledge_editor)]
ReviewDep = Annotated[ConversationReview, Depends(get_review)]
TrainingDataEditorDep = Annotated[TrainingDataEditor, Depends(get_training_data_editor)]
ModelVersionsDep = Annotated[ModelVersions, Depends(get_model_versions)]
