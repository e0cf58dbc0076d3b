"""Customers sign in here for the token their messages carry (the chat page's demo login)."""

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from web.api.deps import LoginsDep, SettingsDep, SignInLimiterDep, count_sign_in
from web.security import issue_token

router = APIRouter(tags=["sign-in"])


class SignIn(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64, examples=["C001"])
    password: str = Field(min_length=1, max_length=256)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds; every answer renews it (X-Renewed-Token)")
    customer_id: str
    name: str


@router.post("/auth/token", responses={401: {"description": "Wrong customer id or password"},
                                       429: {"description": "Too many attempts"}})
def sign_in(body: SignIn, settings: SettingsDep, logins: LoginsDep,
            attempts: SignInLimiterDep) -> Token:
    count_sign_in(attempts, body.customer_id)
    name = logins.verify(body.customer_id, body.password)
    if name is None:
        raise HTTPException(401, "The customer id or password is wrong.")
    return Token(access_token=issue_token(body.customer_id, settings),
                 expires_in=settings.token_minutes * 60, customer_id=body.customer_id, name=name)
