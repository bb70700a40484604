"""Store backends for tests/core: SQLite in a fresh DOSSIER_HOME, and a real, throwaway
PostgreSQL server started once per session from Debian's binaries.

PostgreSQL refuses to run as root, so when the tests run as root the data directory is
handed to the `postgres` OS user and the server is started through runuser."""
from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import pytest


def _pg_bin() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if os.access(Path(d) / "initdb", os.X_OK) and os.access(Path(d) / "pg_ctl", os.X_OK):
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user() -> tuple[list[str], str | None]:
    """(command prefix, owner) for running PostgreSQL's binaries as a non-root user."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` OS user to run the server as")
    runuser = shutil.which("runuser")
    return ([runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]), "postgres"


def _command(prefix: list[str], argv: list[str]) -> list[str]:
    # su takes one shell string; runuser (and no prefix) take the argv as is.
    return prefix + [shlex.join(argv)] if prefix[:1] == ["su"] else prefix + argv


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed; scripts/setup.sh installs Debian's `postgresql`")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed; `pip install -e .[test]` brings it")
    prefix, owner = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
    data, sockets, log = root / "data", root / "sock", root / "server.log"
    sockets.mkdir()
    if owner:
        shutil.chown(root, owner)
        shutil.chown(sockets, owner)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(_command(prefix, [str(a) for a in args]), capture_output=True, text=True, timeout=120, cwd=root)

    try:
        done = run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C")
        if done.returncode:
            pytest.fail(f"initdb failed: {done.stderr}")
        for _attempt in range(3):  # another process may take the free port before the server binds it
            port = _free_port()
            opts = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sockets} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            done = run(bindir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", opts, "start")
            if done.returncode == 0:
                break
        else:
            pytest.fail(f"pg_ctl start failed: {done.stderr}\n{log.read_text() if log.exists() else ''}")
        import psycopg

        db = "dossier_test"
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}" ENCODING \'UTF8\' TEMPLATE template0')
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{db}"
    finally:
        if data.exists():
            run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch) -> str:
    """A database URL no other test has written to: a new SQLite file under its own
    DOSSIER_HOME, or a new schema-free database on the session's PostgreSQL server."""
    home = tmp_path / "home"
    monkeypatch.setenv("DOSSIER_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if request.param == "sqlite":
        from core import home as dossier_home

        return dossier_home.database_url()  # the default: dossier.db under DOSSIER_HOME
    base = request.getfixturevalue("postgres_url")
    import psycopg

    server, _, _ = base.rpartition("/")
    db = f"t_{uuid.uuid4().hex[:12]}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}" ENCODING \'UTF8\' TEMPLATE template0')
    return f"{server}/{db}"


@pytest.fixture
def store(store_url):
    from core.store import Store

    st = Store(store_url)
    yield st
    st.engine.dispose()
