"""One machine, many processes: intakes on a new DOSSIER_HOME set it up one at a time, and
a killed intake takes its temporary Prefect server with it. These run without a shared
Prefect server, as a user's first commands do."""
from __future__ import annotations

import fcntl
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.hostile.conftest import REPO, cli, cli_env
from tests.ingest.hostile.watchdog import children, cmdline


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _blocked_on_flock(pid: int) -> bool:
    """/proc/locks lists a process waiting for a lock as "N: -> FLOCK ... <pid> ..."."""
    return any("->" in line and f" {pid} " in line for line in Path("/proc/locks").read_text().splitlines())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def test_intakes_and_review_apps_started_at_once_on_a_new_home_all_come_up_and_write_nothing_outside_it(tmp_path):
    """Two intakes and three review apps released at the same instant on a new home (the
    imports done first, tests/ingest/hostile/at_once.py): each sets up what it needs (store
    tables, Prefect's database, the app's secret key) and none fails for the others."""
    dossier = corpus.small_dossier(tmp_path)
    outside = {"HOME": tmp_path / "user-home", "TMPDIR": tmp_path / "tmp"}
    for folder in outside.values():
        folder.mkdir()
    env = cli_env(tmp_path / "home", **{k: str(v) for k, v in outside.items()})
    go = tmp_path / "go"
    commands = [("intake", "--json", str(dossier))] * 2 + [("serve", "--port", str(_free_port())) for _ in range(3)]
    procs = []
    for i, args in enumerate(commands):
        ready = tmp_path / f"ready-{i}"
        procs.append((ready, args, subprocess.Popen(
            [sys.executable, "-m", "tests.ingest.hostile.at_once", str(ready), str(go), *args],
            env=env, cwd=str(REPO), stdout=subprocess.PIPE if args[0] == "intake" else subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)))
    try:
        deadline = time.monotonic() + 120
        while not all(r.exists() or p.poll() is not None for r, _, p in procs) and time.monotonic() < deadline:
            time.sleep(0.05)
        go.touch()
        apps = [(int(args[2]), p) for _, args, p in procs if args[0] == "serve"]
        deadline, up = time.monotonic() + 120, set()
        while len(up) < len(apps) and time.monotonic() < deadline and all(p.poll() is None for _, p in apps):
            up |= {port for port, _ in apps if port not in up and _answers(port)}
            time.sleep(0.2)
        intakes = [p for _, args, p in procs if args[0] == "intake"]
        outs = [p.communicate(timeout=400) for p in intakes]
    finally:
        for _, _, p in procs:
            if p.poll() is None:
                p.terminate()
    failed = {" ".join(args): p.communicate()[1][-1500:] for _, args, p in procs if args[0] == "serve" and int(args[2]) not in up}
    assert not failed, f"review apps that did not come up: {failed}"
    assert [p.returncode for p in intakes] == [0, 0], [err[-2000:] for _, err in outs]
    assert re.fullmatch(r"[0-9a-f]{64}", (tmp_path / "home" / "secret_key").read_text())  # one key, whole
    assert all('"ocr:rapidocr' in out for out, _ in outs)  # the OCR engine ran
    left = {str(p.relative_to(tmp_path)) for folder in outside.values() for p in folder.rglob("*")}
    assert not left, f"written outside DOSSIER_HOME: {sorted(left)}"


def test_set_up_waits_for_the_first_run_lock_and_kill_9_leaves_no_prefect_server(tmp_path):
    dossier = corpus.small_dossier(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env(home)
    with open(home / ".first-run.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another command is setting the home up
        proc = subprocess.Popen(cli("intake", str(dossier)), env=env, cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        waiting, deadline = False, time.monotonic() + 120
        while not waiting and time.monotonic() < deadline and proc.poll() is None:
            if (home / "prefect" / "prefect.db").exists() or children(proc.pid):
                break  # set-up went ahead regardless
            waiting = _blocked_on_flock(proc.pid)
            time.sleep(0.2)
        fcntl.flock(lock, fcntl.LOCK_UN)
    server, deadline = None, time.monotonic() + 300
    while server is None and time.monotonic() < deadline and proc.poll() is None:
        server = next((c for c in children(proc.pid) if "uvicorn" in cmdline(c)), None)
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert waiting, "Prefect's database was set up while another command held the first-run lock"
    assert server is not None, "no temporary Prefect server seen"
    deadline = time.monotonic() + 20
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphan = _alive(server)
    if orphan:
        os.kill(server, signal.SIGKILL)
    assert not orphan, "the temporary Prefect server outlived its intake"
