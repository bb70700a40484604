"""Reviewers' accounts: who may look at dossiers, who may correct them, who may confirm money.

Users, browser sessions and API tokens live in the store's database, on the same metadata
and engine as core/store.py (SQLite or PostgreSQL). Passwords are kept only as argon2 hashes
(argon2-cffi); session ids and API tokens are long random strings kept only as SHA-256
digests, so a copy of the database lets no one log in.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core import settings
from core.store import Base, Store, set_up_schema, utcnow

_HASHER = PasswordHasher()
# Verified when a name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
_NAME = re.compile(r"^[\w.\-]{1,64}$")
MIN_PASSWORD, MAX_PASSWORD = 10, 1024
IDLE = dt.timedelta(hours=8)
# A session's last-seen time is written at most this often, so reading pages is not a write each.
_TOUCH = dt.timedelta(minutes=1)


class Role(str, Enum):
    reviewer = "reviewer"  # reads and corrects
    approver = "approver"  # also confirms money
    admin = "admin"  # also manages accounts; may serve the app beyond this machine


_RANK = {Role.reviewer: 0, Role.approver: 1, Role.admin: 2}


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SessionRow(Base):
    __tablename__ = "user_sessions"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TokenRow(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AssignmentRow(Base):
    """Who is working on a dossier: a reviewer takes it, so the others see it is in hand."""

    __tablename__ = "assignments"
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginFailureRow(Base):
    """One failed login: the name tried (known or not) and the client's address. Kept in the
    store, so a restart or a second app worker counts the same failures."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # The name logged in (or was unlocked) since: no longer held against the name, still
    # against the address it came from (a guesser's count is not reset by its victim).
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)


TABLES = [UserRow.__table__, SessionRow.__table__, TokenRow.__table__, AssignmentRow.__table__, LoginFailureRow.__table__]
log = logging.getLogger("dossier.login")


class Account(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    role: Role
    disabled: bool = False

    def can(self, role: Role) -> bool:
        return _RANK[self.role] >= _RANK[role]


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is shown as is."""


# Each login limit's variable, what it gives, and its bounds: counts from 1 (a count of 0 would
# lock every name before its first try), times above 0 and at most ten years (a lock or a
# window of 1e300 passes as finite and overflows the first date it is added to, so every login
# failed).
TEN_YEARS_HOURS = 10 * 365 * 24
LOGIN_SETTINGS: dict[str, tuple[str, str, dict[str, float]]] = {
    "failures": ("DOSSIER_LOGIN_FAILURES", "the failed logins of one name that lock it", {"ge": 1}),
    "address_failures": ("DOSSIER_LOGIN_ADDRESS_FAILURES", "the failed logins from one address that lock it", {"ge": 1}),
    "lock": ("DOSSIER_LOGIN_LOCK_SECONDS", "the seconds of a first lock", {"gt": 0.0, "le": TEN_YEARS_HOURS * 3600.0}),
    "max_lock": ("DOSSIER_LOGIN_MAX_LOCK_SECONDS", "the seconds of the longest lock", {"gt": 0.0, "le": TEN_YEARS_HOURS * 3600.0}),
    "forget": ("DOSSIER_LOGIN_FORGET_HOURS", "the hours after which a failed login no longer counts", {"gt": 0.0, "le": float(TEN_YEARS_HOURS)}),
}


class LoginLimits(BaseModel):
    """After `failures` failed logins of one name (or `address_failures` from one client
    address, whatever names were tried) logins are refused for `lock` seconds, doubling with
    every further failure up to `max_lock`. Failures older than `forget` hours, and a name's
    failures once it logs in or an admin unlocks it, no longer count."""

    failures: int = 5
    address_failures: int = 20
    lock: float = 60.0
    max_lock: float = 3600.0
    forget: float = 24.0

    @classmethod
    def from_env(cls) -> "LoginLimits":
        """The defaults, or the environment's DOSSIER_LOGIN_* (LOGIN_SETTINGS); a value out of
        its bounds is a SettingError naming it."""
        ours = cls()
        return cls(**{key: settings.number(env, getattr(ours, key), what, **bound)
                      for key, (env, what, bound) in LOGIN_SETTINGS.items()})

    def lock_after(self, count: int, limit: int) -> dt.timedelta | None:
        if count < limit:
            return None
        return dt.timedelta(seconds=min(self.lock * 2 ** min(count - limit, 32), self.max_lock))


class LoginLocked(AccountError):
    """Too many failed logins: refused, the password not even checked, until `until`."""

    def __init__(self, message: str, until: dt.datetime):
        super().__init__(message)
        self.until = until

    def retry_after(self, now: dt.datetime | None = None) -> int:
        return max(1, int((self.until - (now or utcnow())).total_seconds() + 0.999))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _account(row: UserRow) -> Account:
    return Account(id=row.id, name=row.name, role=Role(row.role), disabled=row.disabled)


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"密码须 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符 — a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


class Accounts:
    def __init__(self, store: Store, idle: dt.timedelta = IDLE, limits: LoginLimits | None = None):
        self.store, self.idle = store, idle
        self.limits = limits or LoginLimits.from_env()
        set_up_schema(store.engine, TABLES)

    # ------------------------------------------------------------------ users

    def add(self, name: str, role: Role | str, password: str) -> Account:
        name = name.strip()
        if not _NAME.match(name):
            raise AccountError(f"用户名 «{name[:70]}» 不合规 — names are 1–64 letters, digits, '.', '-' or '_'")
        role = Role(role)
        hashed = _HASHER.hash(check_password(password))
        with self.store.session() as s, s.begin():
            if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
                raise AccountError(f"用户 {name} 已存在 — there is already an account named {name}")
            row = UserRow(name=name, role=role.value, password_hash=hashed, disabled=False)
            s.add(row)
            s.flush()
            return _account(row)

    def get(self, name: str) -> Account | None:
        with self.store.session() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            return _account(row) if row else None

    def users(self) -> list[Account]:
        with self.store.session() as s:
            return [_account(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    def _row(self, s, name: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise AccountError(f"没有用户 {name} — no account named {name}")
        return row

    def set_password(self, name: str, password: str) -> None:
        hashed = _HASHER.hash(check_password(password))
        with self.store.session() as s, s.begin():
            row = self._row(s, name)
            row.password_hash = hashed
            # A new password ends every open session of the old one, and lifts a lock.
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            s.execute(update(LoginFailureRow).where(LoginFailureRow.name == name).values(cleared=True))

    def disable(self, name: str) -> None:
        with self.store.session() as s, s.begin():
            row = self._row(s, name)
            row.disabled = True
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            s.execute(update(TokenRow).where(TokenRow.user_id == row.id).values(revoked=True))

    def has_admin(self) -> bool:
        with self.store.session() as s:
            return s.scalar(
                select(UserRow.id).where(UserRow.role == Role.admin.value, UserRow.disabled.is_(False)).limit(1)
            ) is not None

    def authenticate(self, name: str, password: str) -> Account | None:
        with self.store.session() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name[:64]))
        try:
            _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return None
        return _account(row) if row and not row.disabled else None

    # ------------------------------------------------------------------ the login limit

    def login(self, name: str, password: str, address: str) -> Account | None:
        """authenticate, within the limits: LoginLocked while the name or the address is
        locked (even for the right password, which is then not checked); a failure is
        recorded and logged, a success clears the name's failures."""
        name, address = name[:64], (address or "?")[:64]
        self.check_lock(name, address)
        account = self.authenticate(name, password)
        with self.store.session() as s, s.begin():
            if account is None:
                s.add(LoginFailureRow(name=name, address=address))
                # What no longer counts goes: the table stays as small as the last day's failures.
                s.execute(delete(LoginFailureRow).where(
                    LoginFailureRow.at < utcnow() - dt.timedelta(hours=self.limits.forget)))
            else:
                s.execute(update(LoginFailureRow).where(LoginFailureRow.name == name).values(cleared=True))
        if account is None:
            log.warning("failed login for %r from %s", name, address)
            try:
                self.check_lock(name, address)
            except LoginLocked as locked:
                log.warning("logins locked: %s", locked)
        return account

    def check_lock(self, name: str, address: str, now: dt.datetime | None = None) -> None:
        now = now or utcnow()
        since = now - dt.timedelta(hours=self.limits.forget)
        checks = [(LoginFailureRow.name == name, LoginFailureRow.cleared.is_(False), self.limits.failures,
                   f"账户 {name} 登录失败次数过多，已暂时锁定 — too many failed logins for {name}", name),
                  (LoginFailureRow.address == address, True, self.limits.address_failures,
                   f"来自 {address} 的登录失败次数过多，已暂时锁定 — too many failed logins from {address}",
                   f"--address {address}")]
        with self.store.session() as s:
            for where, counted, limit, said, unlock in checks:
                times = list(s.scalars(select(LoginFailureRow.at).where(where, counted, LoginFailureRow.at >= since)
                                       .order_by(LoginFailureRow.at)))
                wait = self.limits.lock_after(len(times), limit)
                if wait is not None and times[-1] + wait > now:
                    until = times[-1] + wait
                    minutes = max(1, round((until - now).total_seconds() / 60))
                    raise LoginLocked(f"{said}; 请 {minutes} 分钟后再试，或请管理员解锁 — try again in about {minutes} min, "
                                      f"or ask an admin: dossier users unlock {unlock}", until)

    def unlock(self, name: str | None = None, address: str | None = None) -> int:
        """Forget the failures of a name and/or a client address; returns how many."""
        if not name and not address:
            raise AccountError("须指定用户名或地址 — name a user or an address to unlock")
        with self.store.session() as s, s.begin():
            if name and s.scalar(select(UserRow.id).where(UserRow.name == name)) is None and not address:
                raise AccountError(f"没有用户 {name} — no account named {name}")
            n = 0
            if name:
                n += s.execute(update(LoginFailureRow).where(LoginFailureRow.name == name, LoginFailureRow.cleared.is_(False))
                               .values(cleared=True)).rowcount
            if address:
                n += s.execute(delete(LoginFailureRow).where(LoginFailureRow.address == address)).rowcount
        log.warning("logins unlocked for %s", " and ".join(x for x in (name, address) if x))
        return n

    def assign(self, dossier_id: str, name: str | None) -> None:
        """Give the dossier to `name` (None: to nobody)."""
        with self.store.session() as s, s.begin():
            s.execute(delete(AssignmentRow).where(AssignmentRow.dossier_id == dossier_id))
            if name is not None:
                s.add(AssignmentRow(dossier_id=dossier_id, user_id=self._row(s, name).id))

    def assignments(self) -> dict[str, str]:
        """dossier id → the name of whoever has it."""
        with self.store.session() as s:
            rows = s.execute(select(AssignmentRow.dossier_id, UserRow.name).join(UserRow, UserRow.id == AssignmentRow.user_id))
            return dict(rows.all())

    # ------------------------------------------------------------------ sessions

    def start_session(self, account: Account) -> str:
        raw = secrets.token_urlsafe(32)
        with self.store.session() as s, s.begin():
            s.add(SessionRow(digest=_digest(raw), user_id=account.id))
        return raw

    def session_account(self, raw: str) -> Account | None:
        """The account of a live session; a session idle longer than `idle` is ended."""
        now = utcnow()
        with self.store.session() as s, s.begin():
            found = s.execute(
                select(SessionRow, UserRow).join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.digest == _digest(raw))
            ).first()
            if found is None:
                return None
            session, user = found
            if user.disabled or now - session.last_seen > self.idle:
                s.delete(session)
                return None
            if now - session.last_seen > _TOUCH:
                session.last_seen = now
            return _account(user)

    def end_session(self, raw: str) -> None:
        with self.store.session() as s, s.begin():
            s.execute(delete(SessionRow).where(SessionRow.digest == _digest(raw)))

    # ------------------------------------------------------------------ API tokens

    def issue_token(self, name: str, label: str = "") -> str:
        """A new API token for `name`; shown once, only its digest is kept."""
        raw = "dsr_" + secrets.token_urlsafe(32)
        with self.store.session() as s, s.begin():
            row = self._row(s, name)
            if row.disabled:
                raise AccountError(f"用户 {name} 已停用 — the account {name} is disabled")
            s.add(TokenRow(digest=_digest(raw), user_id=row.id, label=label))
        return raw

    def token_account(self, raw: str) -> Account | None:
        with self.store.session() as s:
            user = s.scalar(
                select(UserRow).join(TokenRow, TokenRow.user_id == UserRow.id)
                .where(TokenRow.digest == _digest(raw), TokenRow.revoked.is_(False))
            )
            return _account(user) if user and not user.disabled else None
