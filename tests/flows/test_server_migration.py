"""Prefect's database upgrade runs in a process of its own at a new home's first command: a
stuck one is an error after its timeout, killed with what it started, not a command (and the
first-run lock every other command waits on) held for ever."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from flows.server import migrate_database

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
