"""The deployed path, as an operator runs it: scripts/cluster.sh brings up PostgreSQL, a Prefect
server, the pools and two workers (each its own DOSSIER_HOME, sharing only the database and
the archive); one batch of 12 dossiers is submitted once; mid-batch one worker's whole process
group is killed (-9, as if its machine died) and the server is restarted. Every dossier must
land exactly once, with no manual re-run."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.cluster.dossiers import make_text_dossier

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "cluster.sh"

pytestmark = [pytest.mark.slow]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _has_postgres() -> bool:
    import glob

    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


@pytest.fixture
def cluster(tmp_path):
    if not _has_postgres():
        pytest.skip("PostgreSQL server binaries not installed (scripts/setup.sh installs them)")
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a `postgres` user to run the server as")
    # Not under tmp_path: pytest's base folder is private to root, and PostgreSQL runs as the
    # postgres user, who must reach its data folder.
    d = Path(tempfile.mkdtemp(prefix="dossier-cluster-"))
    os.chmod(d, 0o755)
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DOSSIER_CLUSTER_DIR": str(d),
        "DOSSIER_CLUSTER_PG_PORT": str(_port()),
        "DOSSIER_CLUSTER_API_PORT": str(_port()),
    }
    for key in ("DATABASE_URL", "DOSSIER_ARCHIVE_URL", "PREFECT_API_URL", "PREFECT_HOME", "DOSSIER_HOME"):
        env.pop(key, None)

    def run(*args, check=True, timeout=400):
        return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout, check=check)

    up = run("up", "2", check=False)
    try:
        log = d / "server.log"
        assert up.returncode == 0, up.stdout + up.stderr + (log.read_text(errors="replace")[-3000:] if log.exists() else "")
        client = dict(kv.split("=", 1) for kv in run("env").stdout.strip().removeprefix("export ").split())
        yield d, env, client, run
    finally:
        run("down", check=False, timeout=120)
        shutil.rmtree(d, ignore_errors=True)


def test_one_batch_over_two_workers_survives_a_dead_worker_and_a_server_restart(tmp_path, cluster):
    d, env, client, run = cluster
    batch = tmp_path / "batch"
    for i in range(12):
        make_text_dossier(batch / f"公司{i:02d}", seed=i)
    client_env = {**env, **client, "DOSSIER_HOME": str(tmp_path / "client-home")}
    intake = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "intake", "--fan-out", "--json", str(batch)],
        cwd=REPO, env=client_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    # Wait until both workers have taken work (each fetches originals into its own home).
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        busy = [w for w in ("worker-1", "worker-2") if any((d / w / "cache" / "blobs").rglob("*"))]
        if len(busy) == 2:
            break
        time.sleep(1)
    assert len(busy) == 2, f"workers that took work: {busy}"

    # worker-1's machine dies: the worker and the flow run it is executing, at once.
    os.killpg(int((d / "worker-1.pid").read_text()), signal.SIGKILL)
    # The server goes away and comes back.
    os.killpg(int((d / "server.pid").read_text()), signal.SIGKILL)
    (d / "server.pid").unlink()
    time.sleep(3)
    assert run("server").returncode == 0

    out, err = intake.communicate(timeout=900)
    assert intake.returncode == 0, (out[-3000:], err[-3000:], (d / "server.log").read_text(errors="replace")[-2000:])
    reports = json.loads(out)
    assert len(reports) == 12 and all(r["error"] is None for r in reports), [r["error"] for r in reports if r["error"]]
    ids = [r["dossier_id"] for r in reports]
    assert len(set(ids)) == 12

    # Exactly once in the shared store: 12 dossiers, each in review, each with its files once.
    from core.store import Store

    store = Store(client["DATABASE_URL"])
    rows = {r.id: r for r in store.dossiers()}
    assert set(rows) == set(ids)
    assert {r.status for r in rows.values()} == {"in_review"}
    for dossier_id in ids:
        names = sorted(f.original_name for f in store.files(dossier_id))
        assert names == ["contract.pdf", "notice.pdf"], (dossier_id, names)
