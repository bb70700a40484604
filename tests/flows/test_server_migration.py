"""Prefect's database upgrade runs in a process of its own at a new home's first command: a
stuck one is an error after its timeout, killed with what it started, not a command (and the
first-run lock every other command waits on) held for ever."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from typer.testing import CliRunner

from core.settings import SettingError
from flows.cli import app
from flows.server import MIGRATION_SECONDS_ENV, migrate_database

# a migration that hangs, after starting a helper of its own
STUCK = """
import subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print(f"upgrading {helper.pid}", flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_a_stuck_migration_is_a_clear_error_and_is_killed_with_what_it_started():
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"did not finish in 3 s and was killed: upgrading (\d+)") as err:
        migrate_database([sys.executable, "-c", STUCK], timeout=3)
    assert time.monotonic() - started < 60
    helper = int(err.value.args[0].rsplit(" ", 1)[1])
    deadline = time.monotonic() + 10
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(helper)


def test_a_failing_migration_says_why():
    with pytest.raises(RuntimeError, match="could not be created: no such table"):
        migrate_database([sys.executable, "-c", "import sys; print('no such table'); sys.exit(3)"], timeout=30)


def test_a_migration_that_finishes_is_quiet():
    migrate_database([sys.executable, "-c", "print('ok')"], timeout=30)


def test_the_timeout_is_taken_from_the_environment(monkeypatch):
    monkeypatch.setenv(MIGRATION_SECONDS_ENV, " 2.5 ")
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"did not finish in 2\.5 s and was killed"):
        migrate_database([sys.executable, "-c", "import time; time.sleep(30)"])
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("raw", ["5m", "0", "-3", "nan", "inf", "1e300"])  # 1e300 overflowed communicate()
def test_a_timeout_that_is_no_number_of_seconds_is_a_clear_error_before_anything_runs(monkeypatch, tmp_path, raw):
    monkeypatch.setenv(MIGRATION_SECONDS_ENV, raw)
    ran = tmp_path / "ran"
    with pytest.raises(SettingError, match=rf"{MIGRATION_SECONDS_ENV}='{raw}': .* a number above 0"):
        migrate_database([sys.executable, "-c", f"open({str(ran)!r}, 'w')"])
    assert not ran.exists()


def test_a_command_with_a_bad_timeout_says_so_and_sets_nothing_up(monkeypatch, tmp_path):
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path))
    monkeypatch.setenv(MIGRATION_SECONDS_ENV, "five minutes")
    result = CliRunner().invoke(app, ["audit"])
    assert result.exit_code == 2 and f"{MIGRATION_SECONDS_ENV}='five minutes'" in result.output
    assert not (tmp_path / "dossier.db").exists() and not (tmp_path / "prefect").exists()
