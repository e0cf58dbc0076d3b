"""Who may do what in the training-data editor: staff sign-in, sessions, roles and CSRF."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from core.config import PROJECT_ROOT
from web.admin.staff import sessions
from web.api import deps
from web.security import issue_token

PASSWORD = "correct horse battery"  # as tests/app/web/admin/conftest.py gives every member of staff


def test_sign_in_sets_an_http_only_strict_cookie_and_returns_the_role(web_app, staff):
    response = TestClient(web_app).post("/admin/api/session",
                                    json={"username": "ed", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["role"] == "editor" and response.json()["csrf_token"]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie


@pytest.mark.parametrize("username, password", [("ed", "wrong password"), ("nobody", PASSWORD)])
def test_a_wrong_password_or_unknown_user_cannot_sign_in(web_app, staff, username, password):
    response = TestClient(web_app).post("/admin/api/session",
                                    json={"username": username, "password": password})
    assert response.status_code == 401 and "set-cookie" not in response.headers


def test_passwords_are_stored_hashed(staff):
    with staff.engine.connect() as db:
        stored = db.exec_driver_sql("select password from staff").scalars().all()
    assert all(value.startswith("$argon2id$") and PASSWORD not in value for value in stored)


def test_password_guessing_is_slowed_down(web_app, staff):
    client = TestClient(web_app)
    for _ in range(5):
        client.post("/admin/api/session", json={"username": "ada", "password": "guess-guess"})
    response = client.post("/admin/api/session", json={"username": "ada", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"]


def test_without_a_session_or_with_a_customers_token_there_is_no_access(web_app, staff,
                                                                        settings):
    assert TestClient(web_app).get("/admin/api/session").status_code == 401
    customer = {"Authorization": f"Bearer {issue_token('C001', settings)}"}
    assert TestClient(web_app).get("/admin/api/session", headers=customer).status_code == 401
    assert TestClient(web_app).get("/admin/api/staff", headers=customer).status_code == 401


def test_a_session_expires(staff, signed_in):
    client = signed_in("ada")
    with staff.engine.begin() as db:
        db.execute(update(sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    response = client.get("/admin/api/session")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_signing_out_ends_the_session(web_app, staff, signed_in):
    client = signed_in("vera")
    cookie = client.cookies.get(deps.ADMIN_COOKIE)
    assert client.delete("/admin/api/session").status_code == 204
    other = TestClient(web_app, cookies={deps.ADMIN_COOKIE: cookie})
    assert other.get("/admin/api/session").status_code == 401


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_every_change_needs_the_sessions_csrf_token(staff, token, signed_in):
    client = signed_in("ada")
    if token is None:
        del client.headers["X-CSRF-Token"]
    else:
        client.headers["X-CSRF-Token"] = token
    response = client.post("/admin/api/staff",
                           json={"username": "mallory", "password": PASSWORD, "role": "admin"})
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert client.delete("/admin/api/session").status_code == 403
    assert "mallory" not in [row["username"] for row in staff.accounts()]


def test_another_sessions_csrf_token_does_not_count(staff, signed_in):
    mine, theirs = signed_in("ada"), signed_in("ada")
    mine.headers["X-CSRF-Token"] = theirs.headers["X-CSRF-Token"]
    response = mine.post("/admin/api/staff",
                         json={"username": "mallory", "password": PASSWORD, "role": "viewer"})
    assert response.status_code == 403


@pytest.mark.parametrize("username, allowed", [("vera", False), ("ed", False), ("ada", True)])
def test_only_admins_manage_accounts(staff, username, allowed, signed_in):
    client = signed_in(username)
    listed = client.get("/admin/api/staff")
    added = client.post("/admin/api/staff",
                        json={"username": "newbie", "password": PASSWORD, "role": "viewer"})
    if allowed:
        assert listed.status_code == 200 and {"vera", "ed", "ada"} <= {
            row["username"] for row in listed.json()}
        assert added.status_code == 201 and added.json()["role"] == "viewer"
        assert "password" not in listed.json()[0]
    else:
        assert listed.status_code == 403 and added.status_code == 403
        assert "admin role" in added.json()["detail"]


def test_admins_change_roles_and_remove_accounts_but_keep_one_admin(staff, signed_in):
    admin = signed_in("ada")
    editor = signed_in("ed")
    assert admin.patch("/admin/api/staff/ed", json={"role": "viewer"}).json()["role"] == "viewer"
    assert editor.get("/admin/api/session").status_code == 401  # re-sign-in with the new role
    assert signed_in("ed").get("/admin/api/session").json()["role"] == "viewer"
    assert admin.patch("/admin/api/staff/ed", json={"role": "owner"}).status_code == 400
    assert admin.patch("/admin/api/staff/ghost", json={"role": "viewer"}).status_code == 404
    assert admin.post("/admin/api/staff", json={"username": "ed", "password": PASSWORD,
                                               "role": "viewer"}).status_code == 409
    assert admin.post("/admin/api/staff", json={"username": "shorty", "password": "short",
                                               "role": "viewer"}).status_code == 400
    assert admin.patch("/admin/api/staff/ada", json={"role": "editor"}).status_code == 409
    assert admin.delete("/admin/api/staff/ada").status_code == 409
    assert admin.delete("/admin/api/staff/vera").status_code == 204
    assert "vera" not in [row["username"] for row in staff.accounts()]


def test_the_first_admin_is_created_from_the_command_line(tmp_path):
    env = {"AN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "web.manage", *args],
                              input=PASSWORD + "\n", capture_output=True, text=True,
                              cwd=PROJECT_ROOT, env=env)

    add_root = ("add-staff", "root", "--role", "admin", "--password-stdin")
    too_early = manage(*add_root)
    assert too_early.returncode == 2 and "run `python -m web.manage migrate`" in too_early.stderr
    assert manage("migrate").returncode == 0
    created = manage(*add_root)
    assert created.returncode == 0, created.stderr
    assert manage("list-staff").stdout.split() == ["root", "admin"]
    again = manage(*add_root)
    assert again.returncode == 2 and "already" in again.stderr
