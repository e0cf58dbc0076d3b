"""Staff accounts and their sessions, in the web app's database.

Roles, each including the ones before it: viewer (read), editor (edit, train), admin (deploy,
roll back, manage accounts). A session is a random id in an HttpOnly cookie plus a CSRF token the
browser must echo in a header on every state-changing request; both expire together.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from web.tables import staff
from web.tables import staff_sessions as sessions

ROLES = ("viewer", "editor", "admin")
_hasher = PasswordHasher()
_NOBODY = _hasher.hash("no such member of staff")
MIN_PASSWORD = 10

class StaffError(ValueError):
    """A refused account change; the message says why."""


@dataclass(frozen=True)
class Session:
    id: str
    username: str
    role: str
    csrf_token: str
    expires_at: datetime

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


class Staff:
    def __init__(self, engine: Engine, session_minutes: int = 60) -> None:
        self.engine = engine
        self.session_minutes = session_minutes

    # -- accounts ---------------------------------------------------------------------------
    def add(self, username: str, password: str, role: str) -> None:
        if role not in ROLES:
            raise StaffError(f"The role must be one of {', '.join(ROLES)}.")
        if not username.strip() or len(username) > 64:
            raise StaffError("The user name must be 1 to 64 characters.")
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"The password must have at least {MIN_PASSWORD} characters.")
        try:
            with self.engine.begin() as db:
                db.execute(insert(staff).values(username=username, password=_hasher.hash(password),
                                                role=role, created_at=datetime.now(UTC)))
        except IntegrityError as error:
            raise StaffError(f"There is already a member of staff called {username}.") from error

    def accounts(self) -> list[dict]:
        with self.engine.connect() as db:
            rows = db.execute(select(staff.c.username, staff.c.role, staff.c.created_at)
                              .order_by(staff.c.username)).mappings()
            return [dict(row) for row in rows]

    def set_role(self, username: str, role: str) -> None:
        if role not in ROLES:
            raise StaffError(f"The role must be one of {', '.join(ROLES)}.")
        with self.engine.begin() as db:
            self._keep_an_admin(db, username, role)
            if db.execute(update(staff).where(staff.c.username == username)
                          .values(role=role)).rowcount == 0:
                raise StaffError(f"There is no member of staff called {username}.")
            db.execute(delete(sessions).where(sessions.c.username == username))  # sign in again

    def remove(self, username: str) -> None:
        with self.engine.begin() as db:
            self._keep_an_admin(db, username, None)
            if db.execute(delete(staff).where(staff.c.username == username)).rowcount == 0:
                raise StaffError(f"There is no member of staff called {username}.")
            db.execute(delete(sessions).where(sessions.c.username == username))

    @staticmethod
    def _keep_an_admin(db, username: str, new_role: str | None) -> None:
        admins = set(db.execute(select(staff.c.username).where(staff.c.role == "admin")).scalars())
        if admins == {username} and new_role != "admin":
            raise StaffError("The last admin cannot be removed or demoted.")

    # -- sessions ---------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> Session | None:
        with self.engine.connect() as db:
            account = db.execute(select(staff).where(staff.c.username == username)
                                 ).mappings().first()
        try:
            _hasher.verify(account["password"] if account else _NOBODY, password)
        except (VerificationError, InvalidHashError):
            return None
        if account is None:
            return None
        session = Session(secrets.token_urlsafe(32), username, account["role"],
                          secrets.token_urlsafe(32),
                          datetime.now(UTC) + timedelta(minutes=self.session_minutes))
        with self.engine.begin() as db:
            db.execute(delete(sessions).where(sessions.c.expires_at < datetime.now(UTC)))
            db.execute(insert(sessions).values(id=session.id, username=username,
                                               csrf_token=session.csrf_token,
                                               expires_at=session.expires_at))
        return session

    def session(self, session_id: str) -> Session | None:
        """The live session with this id (its expiry pushed on: it lasts while in use)."""
        with self.engine.begin() as db:
            row = db.execute(select(sessions, staff.c.role)
                             .join(staff, staff.c.username == sessions.c.username)
                             .where(sessions.c.id == session_id)).mappings().first()
            if row is None or _aware(row["expires_at"]) <= datetime.now(UTC):
                return None
            expires = datetime.now(UTC) + timedelta(minutes=self.session_minutes)
            db.execute(update(sessions).where(sessions.c.id == session_id)
                       .values(expires_at=expires))
        return Session(row["id"], row["username"], row["role"], row["csrf_token"], expires)

    def sign_out(self, session_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(sessions).where(sessions.c.id == session_id))
