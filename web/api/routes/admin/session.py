"""Staff sign in and out of the training-data editor."""

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field

from web.api.deps import (
    ADMIN_COOKIE,
    SettingsDep,
    SignInLimiterDep,
    StaffDep,
    ViewerDep,
    count_sign_in,
)

router = APIRouter(prefix="/admin/api", tags=["admin: session"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class SessionOut(BaseModel):
    username: str
    role: str
    csrf_token: str = Field(description="Send back as X-CSRF-Token on every change")


@router.post("/session", responses={401: {"description": "Wrong user name or password"}})
def sign_in(body: Credentials, response: Response, staff: StaffDep, settings: SettingsDep,
            attempts: SignInLimiterDep) -> SessionOut:
    count_sign_in(attempts, "staff:" + body.username)
    session = staff.sign_in(body.username, body.password)
    if session is None:
        raise HTTPException(401, "The user name or password is wrong.")
    response.set_cookie(ADMIN_COOKIE, session.id, httponly=True, samesite="strict", path="/admin",
                        secure=settings.admin_cookie_secure)
    return SessionOut(username=session.username, role=session.role,
                      csrf_token=session.csrf_token)


@router.get("/session")
def current(session: ViewerDep) -> SessionOut:
    return SessionOut(username=session.username, role=session.role,
                      csrf_token=session.csrf_token)


@router.delete("/session", status_code=204)
def sign_out(session: ViewerDep, response: Response, staff: StaffDep) -> None:
    staff.sign_out(session.id)
    response.delete_cookie(ADMIN_COOKIE, path="/admin")
