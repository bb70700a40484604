"""The failed-login limit over HTTP: per name and per client address, a lock that grows,
kept in the store (a restarted app or a second worker sees it), lifted by an admin."""
from __future__ import annotations

import logging
import re
import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from core.accounts import Accounts, LoginLimits
from tests.review_ui.conftest import ORIGIN, PASSWORD, add_users


def _app(sample, **limits):
    from review_ui.app import create_app

    accounts = Accounts(sample.store, limits=LoginLimits(**limits))
    return create_app(sample.store, allowed_hosts=["testserver"], key=b"test-key", accounts=accounts)


def _try(client: TestClient, name: str, password: str):
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)[1]
    return client.post("/login", data={"name": name, "password": password, "login_token": token},
                       headers={"Origin": ORIGIN}, follow_redirects=False)


def test_a_name_is_locked_after_failures_even_for_the_right_password(sample, caplog):
    add_users(sample.store)
    browser = TestClient(_app(sample, failures=3, lock=600))
    with caplog.at_level(logging.WARNING, logger="dossier.login"):
        for _ in range(3):
            assert _try(browser, "张三", "not the password").status_code == 401
    assert sum("failed login for '张三'" in r.getMessage() for r in caplog.records) == 3
    assert any("logins locked" in r.getMessage() for r in caplog.records)

    locked = _try(browser, "张三", PASSWORD)
    assert locked.status_code == 429 and "dossier_session" not in locked.headers.get("set-cookie", "")
    assert "too many failed logins for 张三" in locked.text and "dossier users unlock 张三" in locked.text
    assert 590 <= int(locked.headers["retry-after"]) <= 600
    # the lock is in the store: an app started again (or another worker) refuses too
    assert _try(TestClient(_app(sample, failures=3, lock=600)), "张三", PASSWORD).status_code == 429
    # other people log in as usual
    assert _try(browser, "王五", PASSWORD).status_code == 303

    unlocked = CliRunner().invoke(__import__("flows.cli", fromlist=["app"]).app, ["users", "unlock", "张三"])
    assert unlocked.exit_code == 0 and "3 failed logins forgotten" in unlocked.output
    assert _try(browser, "张三", PASSWORD).status_code == 303


def test_the_lock_grows_and_a_login_clears_the_count(sample):
    add_users(sample.store)
    browser = TestClient(_app(sample, failures=2, lock=1))
    for _ in range(2):
        assert _try(browser, "王五", "wrong wrong wrong").status_code == 401
    assert int(_try(browser, "王五", PASSWORD).headers["retry-after"]) == 1
    time.sleep(1.1)
    assert _try(browser, "王五", "still wrong, once more").status_code == 401  # the third: 2 s now
    assert int(_try(browser, "王五", PASSWORD).headers["retry-after"]) == 2
    time.sleep(2.1)
    assert _try(browser, "王五", PASSWORD).status_code == 303
    # the count started again: one failure is not a lock
    assert _try(browser, "王五", "wrong wrong wrong").status_code == 401
    assert _try(browser, "王五", PASSWORD).status_code == 303


def test_one_address_trying_many_names_is_locked(sample):
    add_users(sample.store)
    app = _app(sample, failures=5, address_failures=3, lock=600)
    guesser = TestClient(app, client=("10.0.0.66", 50000))
    for name in ("admin", "root", "李四"):
        assert _try(guesser, name, "password123!").status_code == 401
    r = _try(guesser, "王五", PASSWORD)
    assert r.status_code == 429 and "too many failed logins from 10.0.0.66" in r.text
    # the names it tried are not locked for anyone else, and the office's other machines go on
    assert _try(TestClient(app, client=("10.0.0.7", 50000)), "李四", PASSWORD).status_code == 303
    accounts = Accounts(sample.store)
    assert accounts.unlock(address="10.0.0.66") == 3
    assert _try(guesser, "王五", PASSWORD).status_code == 303


def test_a_new_password_lifts_the_lock(sample):
    add_users(sample.store)
    browser = TestClient(_app(sample, failures=1, lock=600))
    assert _try(browser, "李四", "wrong wrong wrong").status_code == 401
    assert _try(browser, "李四", PASSWORD).status_code == 429
    Accounts(sample.store).set_password("李四", "a brand new password")
    assert _try(browser, "李四", "a brand new password").status_code == 303


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("DOSSIER_LOGIN_FAILURES", "7")
    monkeypatch.setenv("DOSSIER_LOGIN_LOCK_SECONDS", "30")
    limits = LoginLimits.from_env()
    assert (limits.failures, limits.lock, limits.address_failures) == (7, 30.0, 20)
    assert limits.lock_after(6, 7) is None and limits.lock_after(9, 7).total_seconds() == 120
    assert limits.lock_after(100, 7).total_seconds() == limits.max_lock


@pytest.mark.parametrize(("var", "raw", "need"), [
    ("DOSSIER_LOGIN_FAILURES", "0", "a whole number ≥ 1"),  # pydantic took it: every name locked before its first try
    ("DOSSIER_LOGIN_ADDRESS_FAILURES", "five", "a whole number ≥ 1"),
    ("DOSSIER_LOGIN_FAILURES", "9" * 400, "a whole number ≥ 1"),  # was an OverflowError from math.isfinite
    ("DOSSIER_LOGIN_LOCK_SECONDS", "-60", "a number above 0 and at most 315360000"),
    ("DOSSIER_LOGIN_MAX_LOCK_SECONDS", "inf", "a number above 0 and at most 315360000"),
    ("DOSSIER_LOGIN_MAX_LOCK_SECONDS", "1e11", "a number above 0 and at most 315360000"),
    ("DOSSIER_LOGIN_FORGET_HOURS", "1d", "a number above 0 and at most 87600"),
    # passed as finite, then every login raised OverflowError adding it to the time
    ("DOSSIER_LOGIN_FORGET_HOURS", "1e300", "a number above 0 and at most 87600"),
])
def test_limits_out_of_bounds_are_an_error_naming_the_variable(monkeypatch, var, raw, need):
    from core.settings import SettingError

    monkeypatch.setenv(var, raw)
    with pytest.raises(SettingError, match=rf"^{var}='{raw}': give .* as {need} \(default"):
        LoginLimits.from_env()
