"""Accounts, sessions and API tokens in the store, on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from core.accounts import AccountError, Accounts, Role, SessionRow, TokenRow, UserRow
from core.store import utcnow

PW = "correct horse battery staple"


def test_users_passwords_sessions_and_tokens(store):
    accounts = Accounts(store, idle=dt.timedelta(minutes=30))
    ann = accounts.add("ann", Role.approver, PW)
    assert accounts.get("ann") == ann and ann.can(Role.reviewer) and ann.can(Role.approver) and not ann.can(Role.admin)
    assert not accounts.has_admin()
    accounts.add("张三", "admin", PW)
    assert accounts.has_admin()
    with pytest.raises(AccountError, match="already"):
        accounts.add("ann", Role.reviewer, PW)
    with pytest.raises(AccountError, match="10 to 1024"):
        accounts.add("bob", Role.reviewer, "short")
    with pytest.raises(AccountError, match="names are"):
        accounts.add("a b", Role.reviewer, PW)

    with store.session() as s:  # only an argon2 hash is kept
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.name == "ann"))
    assert stored.startswith("$argon2id$") and PW not in stored
    assert accounts.authenticate("ann", PW) == ann
    assert accounts.authenticate("ann", PW + "x") is None and accounts.authenticate("nobody", PW) is None

    raw = accounts.start_session(ann)
    assert accounts.session_account(raw) == ann and accounts.session_account(raw + "x") is None
    with store.session() as s:
        assert s.scalar(select(SessionRow.digest)) != raw  # kept as a digest
    accounts.end_session(raw)
    assert accounts.session_account(raw) is None

    idle = accounts.start_session(ann)
    with store.session() as s, s.begin():
        s.execute(update(SessionRow).values(last_seen=utcnow() - dt.timedelta(minutes=31)))
    assert accounts.session_account(idle) is None

    token = accounts.issue_token("ann", "script")
    assert token.startswith("dsr_") and accounts.token_account(token) == ann
    with store.session() as s:
        assert s.scalar(select(TokenRow.digest)) != token

    kept = accounts.start_session(ann)
    accounts.set_password("ann", PW + "2")  # a new password ends the sessions of the old one
    assert accounts.session_account(kept) is None and accounts.authenticate("ann", PW + "2") is not None
    live = accounts.start_session(ann)
    accounts.disable("ann")
    assert accounts.session_account(live) is None and accounts.token_account(token) is None
    assert accounts.authenticate("ann", PW + "2") is None
    with pytest.raises(AccountError, match="disabled"):
        accounts.issue_token("ann")


def test_failed_logins_lock_a_name_and_an_address(store):
    from core.accounts import LoginLimits, LoginLocked

    accounts = Accounts(store, limits=LoginLimits(failures=2, address_failures=3, lock=600))
    accounts.add("ann", Role.reviewer, PW)
    accounts.add("bob", Role.reviewer, PW)
    assert accounts.login("ann", "wrong" * 3, "10.0.0.1") is None
    assert accounts.login("ann", PW, "10.0.0.1") == accounts.get("ann")  # one failure: no lock, and now forgotten
    for _ in range(2):
        assert accounts.login("ann", "wrong" * 3, "10.0.0.2") is None
    with pytest.raises(LoginLocked, match="too many failed logins for ann") as locked:
        accounts.login("ann", PW, "10.0.0.3")
    assert 590 <= locked.value.retry_after() <= 600
    # a second app on the same database (a restart, another worker) sees the same lock
    with pytest.raises(LoginLocked):
        Accounts(store, limits=LoginLimits(failures=2, lock=600)).login("ann", PW, "10.0.0.3")
    assert accounts.unlock("ann") == 2 and accounts.login("ann", PW, "10.0.0.3") is not None
    # 10.0.0.2 has 3 failures (ann's, cleared for her but not for the address): locked for everyone there
    assert accounts.login("nobody", "wrong" * 3, "10.0.0.2") is None
    with pytest.raises(LoginLocked, match="from 10.0.0.2"):
        accounts.login("bob", PW, "10.0.0.2")
    assert accounts.login("bob", PW, "10.0.0.9") is not None
    assert accounts.unlock(address="10.0.0.2") == 3 and accounts.login("bob", PW, "10.0.0.2") is not None


def test_the_longest_limits_the_environment_allows_still_lock_and_log_in(store, monkeypatch):
    from core.accounts import TEN_YEARS_HOURS, LoginLimits, LoginLocked

    monkeypatch.setenv("DOSSIER_LOGIN_FAILURES", "1")
    monkeypatch.setenv("DOSSIER_LOGIN_FORGET_HOURS", str(TEN_YEARS_HOURS))
    for var in ("DOSSIER_LOGIN_LOCK_SECONDS", "DOSSIER_LOGIN_MAX_LOCK_SECONDS"):
        monkeypatch.setenv(var, str(TEN_YEARS_HOURS * 3600))
    accounts = Accounts(store, limits=LoginLimits.from_env())
    accounts.add("ann", Role.reviewer, PW)
    assert accounts.login("ann", "wrong" * 3, "10.0.0.1") is None
    with pytest.raises(LoginLocked) as locked:
        accounts.login("ann", PW, "10.0.0.1")
    assert locked.value.retry_after() > 9 * 365 * 24 * 3600
    assert accounts.unlock("ann") == 1 and accounts.login("ann", PW, "10.0.0.1") is not None


def test_failures_older_than_the_window_do_not_count_and_go(store):
    from core.accounts import LoginFailureRow, LoginLimits

    accounts = Accounts(store, limits=LoginLimits(failures=2, lock=600, forget=1))
    accounts.add("ann", Role.reviewer, PW)
    with store.session() as s, s.begin():
        s.add_all(LoginFailureRow(name="ann", address="10.0.0.1", at=utcnow() - dt.timedelta(hours=2)) for _ in range(5))
    assert accounts.login("ann", "wrong" * 3, "10.0.0.1") is None  # one that counts: no lock
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailureRow)) == 1
    assert accounts.login("ann", PW, "10.0.0.1") is not None
