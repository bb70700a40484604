from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def prefect_url(prefect_api):
    """The session's one Prefect test server (tests/conftest.py's prefect_api, which the flow
    tests use too) for the intakes these tests run as commands: each would otherwise boot its
    own (~15 s), and a second test server for the session costs as much again."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `dossier` command run by a test: its own DOSSIER_HOME, this
    worktree's code first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DOSSIER_"))}
    env.update(DOSSIER_HOME=str(home), PYTHONPATH=str(REPO), DOSSIER_OCR_THREADS="1", **extra)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]
