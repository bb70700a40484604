"""DOSSIER_HOME: the one folder that holds a Dossier installation's state.

Archive, database, caches, page images, Prefect's own state and logs all live below it,
so pointing DOSSIER_HOME at an empty folder gives a clean, isolated installation.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

DEFAULT_HOME = Path("~/.dossier").expanduser()


def home() -> Path:
    path = Path(os.environ.get("DOSSIER_HOME") or DEFAULT_HOME).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def sub(name: str) -> Path:
    path = home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def archive_dir() -> Path:
    return sub("archive")


def cache_dir() -> Path:
    return sub("cache")


def pages_dir() -> Path:
    return sub("pages")


def logs_dir() -> Path:
    return sub("logs")


@contextlib.contextmanager
def locked(name: str):
    """An exclusive lock on DOSSIER_HOME/`name` among this machine's processes, for set-up
    that must not run twice at once. flock: the kernel lets go when its holder dies."""
    with open(home() / name, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{home() / 'dossier.db'}"


def isolate_prefect() -> None:
    """Keep Prefect's database and settings inside DOSSIER_HOME unless the user chose otherwise.
    Must run before prefect is imported."""
    os.environ.setdefault("PREFECT_HOME", str(home() / "prefect"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A busy 2-core office machine can take longer than the default 20 s to boot the ephemeral API.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
