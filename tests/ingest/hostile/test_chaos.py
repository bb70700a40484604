"""kill -9 of an intake at random points, then a full intake: the store stays consistent.

Invariants: every archived blob hashes to its name, no temp file is left, SQLite's
integrity_check is ok, every file and document of the dossier has exactly one row, every
receipt line is whole, and an audit re-run afterwards changes nothing."""
from __future__ import annotations

import hashlib
import json
import random
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.hostile.conftest import REPO, cli, cli_env

SEEDS = (3, 7, 11)


def _intake(env, dossier) -> subprocess.Popen:
    return subprocess.Popen(cli("intake", "--json", str(dossier)), env=env, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def chaos(tmp_path_factory, prefect_url):
    tmp = tmp_path_factory.mktemp("chaos")
    dossier = corpus.small_dossier(tmp)
    home = tmp / "home"
    env = cli_env(home, PREFECT_API_URL=prefect_url)
    # One clean run first gives the time a whole intake takes here; kills fall inside it.
    start = time.monotonic()
    first = _intake(env, dossier)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-2000:]
    whole = time.monotonic() - start
    for name in ("pages", "cache", "out"):  # what the killed runs must make again
        subprocess.run(["rm", "-rf", str(home / name)], check=True)
    killed_at = []
    for seed in SEEDS:
        delay = random.Random(seed).uniform(0.2, 1.0) * whole
        proc = _intake(env, dossier)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        killed_at.append(round(delay, 1))
    last = _intake(env, dossier)
    out, err = last.communicate(timeout=300)
    assert last.returncode == 0, err[-2000:]
    audit = subprocess.run(cli("audit", "--json"), env=env, cwd=str(REPO), capture_output=True, timeout=300)
    assert audit.returncode == 0, audit.stderr[-2000:]
    return home, json.loads(out), json.loads(audit.stdout), killed_at


def test_archive_blobs_match_their_hashes_and_receipts_are_whole(chaos):
    home, _, _, _ = chaos
    blobs = [p for p in (home / "archive").rglob("*") if p.is_file() and len(p.name) == 64]
    assert len(blobs) == 4
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == p.name for p in blobs)
    for line in (home / "archive" / "receipts.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)


def test_no_temp_files_are_left(chaos):
    home, _, _, _ = chaos
    assert not [p for p in home.rglob("*") if p.name.startswith((".tmp-", ".incoming-"))]


def test_the_database_is_sound_and_rows_exist_exactly_once(chaos):
    home, report, _, _ = chaos
    db = sqlite3.connect(home / "dossier.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    [dossier] = report
    assert db.execute("SELECT count(*) FROM dossiers").fetchone() == (1,)
    files = db.execute("SELECT original_name, count(*) FROM files WHERE dossier_id = ? GROUP BY original_name, sha256", (dossier["dossier_id"],)).fetchall()
    assert sorted(files) == [(name, 1) for name in sorted(["e.ofd", "e.xml", "invoice.pdf", "scan.png"])]
    docs = db.execute("SELECT count(*), count(DISTINCT sha256) FROM documents WHERE dossier_id = ?", (dossier["dossier_id"],)).fetchone()
    assert docs == (4, 4)
    assert all(f["status"] == "ok" for f in dossier["files"])


def test_an_audit_after_the_kills_changes_nothing(chaos):
    _, _, diffs, _ = chaos
    assert diffs and all(d["error"] is None and not d["changes"] and not d["extraction_changes"] for d in diffs), diffs
