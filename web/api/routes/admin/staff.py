"""Staff accounts (admins only)."""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from web.admin.staff import StaffError
from web.api.deps import AdminDep, StaffDep

router = APIRouter(prefix="/admin/api/staff", tags=["admin: staff"])
Role = Literal["viewer", "editor", "admin"]


class NewStaff(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role


class RoleChange(BaseModel):
    role: Role


class StaffOut(BaseModel):
    username: str
    role: str
    created_at: datetime


def refused(error: StaffError) -> HTTPException:
    return HTTPException(409 if "already" in str(error) or "last admin" in str(error) else 400,
                         str(error))


@router.get("")
def accounts(_: AdminDep, staff: StaffDep) -> list[StaffOut]:
    return [StaffOut(**row) for row in staff.accounts()]


@router.post("", status_code=201)
def add(body: NewStaff, _: AdminDep, staff: StaffDep) -> StaffOut:
    try:
        staff.add(body.username, body.password, body.role)
    except StaffError as error:
        raise refused(error) from error
    return next(StaffOut(**row) for row in staff.accounts() if row["username"] == body.username)


@router.patch("/{username}")
def change_role(username: str, body: RoleChange, _: AdminDep, staff: StaffDep) -> StaffOut:
    try:
        staff.set_role(username, body.role)
    except StaffError as error:
        raise (HTTPException(404, str(error)) if "no member" in str(error)
               else refused(error)) from error
    return next(StaffOut(**row) for row in staff.accounts() if row["username"] == username)


@router.delete("/{username}", status_code=204)
def remove(username: str, _: AdminDep, staff: StaffDep) -> None:
    try:
        staff.remove(username)
    except StaffError as error:
        raise (HTTPException(404, str(error)) if "no member" in str(error)
               else refused(error)) from error
