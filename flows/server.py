"""Prefect's API for a `dossier` command on one machine with many processes.

Without PREFECT_API_URL, Prefect boots a temporary API server (uvicorn, ~200 MB) in a child
process on its first client call, creating or migrating its database under PREFECT_HOME.
Here the command starts that server itself (flows.server.ensure_api, as Prefect would but
without importing Prefect's server modules), once, from the main thread, at start-up, and
  * under a file lock in DOSSIER_HOME: two intakes on a new home do not race on creating
    Prefect's database (the store's tables have a lock of their own, core.store.set_up_schema,
    held only while they are set up, so a review app is not kept waiting on Prefect's boot);
  * with a parent-death signal (prctl PR_SET_PDEATHSIG) and its own session: kill -9 of the
    command takes its server down with it; a terminal's Ctrl-C reaches only the command,
    whose exit stops the server cleanly.
A PREFECT_API_URL set by the user (a shared server) is used as it is.

A new home's database is created by `prefect server database upgrade` in a process of its
own, which exits before the server starts: a server that ran the migrations itself keeps
their modules for the whole run (250 MB instead of 219 for the rest of the intake).
"""
from __future__ import annotations

import atexit
import collections
import ctypes
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

from core import settings

PR_SET_PDEATHSIG = 1
# Creating Prefect's database takes seconds (tens on a loaded machine); a migration still running
# after this is stuck (a locked database file, a hung import) and would hold the first-run lock,
# and every command waiting on it, for ever. A machine slow enough to need longer sets the
# variable (README, Limits).
MIGRATION_SECONDS = 300.0
MIGRATION_SECONDS_ENV = "DOSSIER_PREFECT_MIGRATION_SECONDS"
UPGRADE = [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"]


def migration_seconds() -> float:
    """How long Prefect's database upgrade may take: MIGRATION_SECONDS, or the environment's
    DOSSIER_PREFECT_MIGRATION_SECONDS, which must be a number of seconds above 0 — a typo
    must not turn the bound off, nor make every new home's first command fail at once."""
    # at most a day: 1e300 passes as finite and overflows communicate()'s timeout
    return settings.number(MIGRATION_SECONDS_ENV, MIGRATION_SECONDS, "the seconds Prefect's database upgrade may take", gt=0.0, le=86400.0)


def first_run_lock():
    """Held while a command sets up what a new DOSSIER_HOME lacks (Prefect's database)."""
    from core import home

    return home.locked(".first-run.lock")


def _die_with_parent(parent: int) -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _bound_popen():
    popen = functools.partial(subprocess.Popen, preexec_fn=functools.partial(_die_with_parent, os.getpid()), start_new_session=True)
    return types.SimpleNamespace(**{**vars(subprocess), "Popen": popen})


def _new_database() -> bool:
    """Prefect's own SQLite database is not there yet."""
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    url = str(PREFECT_API_DATABASE_CONNECTION_URL.value() or "")
    path = url.split(":///", 1)[1] if url.startswith("sqlite") and ":///" in url else ""
    return path.startswith("/") and not Path(path).exists()


# What Prefect sets for its own temporary server (prefect.server.api.server.SubprocessASGIServer),
# and one thing it does not: the block types (notification, storage and credential blocks for
# the UI) are not loaded and registered at start-up. An intake saves no block, and loading
# them kept ~30 MB in the server for the whole run (220 → 191 MB, benchmarks/scan_memory_bench.py).
SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
    "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}
PORT_IN_USE = 3  # uvicorn's exit code when its port was taken between our check and its bind (or its app failed to start)
START_ATTEMPTS = 3  # ports tried: a taken port is a race, lost twice running at most
PREFECT_APP = "prefect.server.api.server:create_app"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(app: str = PREFECT_APP, app_dir: str | None = None, attempts: int = START_ATTEMPTS) -> tuple[subprocess.Popen, str]:
    """Prefect's API app under uvicorn in a child bound to this process, as Prefect starts its
    temporary server but without importing Prefect's server here: its modules (database,
    models, docket, redis) cost the command ~64 MB it never uses. uvicorn exits 3 both when its
    port was taken and when the app failed to start, so a few ports are tried, no more, and the
    error ends with what the server said."""
    import httpx
    import prefect
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, get_current_settings

    env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True), **SERVER_ENV}
    deadline = time.monotonic() + float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    app_dir = app_dir or str(Path(prefect.__file__).parents[1])
    for _ in range(attempts):
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        proc = _bound_popen().Popen([sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory", app,
                                     "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
                                    env=env, stderr=subprocess.PIPE)
        said = _relay(proc.stderr)
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        code = proc.poll()
        if code != PORT_IN_USE:
            break
    _stop(proc)
    said.join(timeout=5)
    raise RuntimeError("Prefect's temporary API server did not come up "
                       f"({'no answer in time' if code is None else f'exit code {code}'}): "
                       + "".join(said.tail)[-2000:].strip())


def _relay(stream) -> threading.Thread:
    """The server's stderr passed on to this command's, as if inherited, its last lines kept
    (`.tail`) for the error that says why it did not come up."""
    def run():
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace")
            thread.tail.append(line)
            sys.stderr.write(line)

    thread = threading.Thread(target=run, name="prefect-server-stderr", daemon=True)
    thread.tail = collections.deque(maxlen=40)
    thread.start()
    return thread


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def ensure_api() -> str | None:
    """Start the temporary server now (main thread), bound to this process, and point this
    process's Prefect (and its children's) at it. Returns its URL, or None when
    PREFECT_API_URL names a server already."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return None
    if _new_database():
        migrate_database()
    proc, url = _start_server()
    atexit.register(_stop, proc)
    from prefect.context import refresh_global_settings_context

    # Named in the environment, a client does not start a server of its own (and import it).
    os.environ["PREFECT_API_URL"] = url
    refresh_global_settings_context()
    return url


def migrate_database(command: list[str] = UPGRADE, timeout: float | None = None) -> None:
    """Run Prefect's database upgrade in a process of its own; one that fails or outlives
    `timeout` (else migration_seconds()) is an error saying so with the end of its output, and
    a stuck one is killed with whatever it started (its own session)."""
    timeout = migration_seconds() if timeout is None else timeout
    migrate = _bound_popen().Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = migrate.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(migrate.pid, signal.SIGKILL)
        out, _ = migrate.communicate()
        raise RuntimeError(f"Prefect's database upgrade did not finish in {timeout:g} s and was killed: "
                           f"{out.decode(errors='replace')[-2000:]}") from None
    if migrate.returncode:
        raise RuntimeError(f"Prefect's database could not be created: {out.decode(errors='replace')[-2000:]}")
