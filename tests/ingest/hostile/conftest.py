from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def prefect_url():
    """One Prefect server for the intakes these tests run as commands (each would otherwise
    boot its own, ~15 s)."""
    from core import home

    home.isolate_prefect()
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `dossier` command run by a test: its own DOSSIER_HOME, this
    worktree's code first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DOSSIER_"))}
    env.update(DOSSIER_HOME=str(home), PYTHONPATH=str(REPO), DOSSIER_OCR_THREADS="1", **extra)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]
