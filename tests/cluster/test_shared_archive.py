"""The shared archive (DOSSIER_ARCHIVE_URL) on fsspec: every blob read through the archive,
local files only a cache, so workers that share no disk read the same originals."""
from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from ingest.archive import ArchiveError, FsspecArchive, blob_key


def _urls(tmp_path: Path) -> list[str]:
    return [f"memory://dossier-{uuid.uuid4().hex[:8]}", f"file://{tmp_path}/elsewhere"]


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_local_copy_comes_through_the_archive_and_is_checked(tmp_path, kind):
    url = dict(zip(["memory", "file"], _urls(tmp_path)))[kind]
    archive = FsspecArchive(url, cache_root=tmp_path / "cache-a")
    data = b"%PDF-1.4 not really a pdf, but bytes to keep"
    sha = hashlib.sha256(data).hexdigest()
    archive.put(data, "a.pdf", "D1")

    # A second "machine": its own cache, the same archive.
    other = FsspecArchive(url, cache_root=tmp_path / "cache-b")
    local = other.local_copy(sha)
    assert local.read_bytes() == data and local.is_relative_to(tmp_path / "cache-b")

    # A cached copy altered on disk is fetched again, never served.
    local.chmod(0o644)
    local.write_bytes(b"tampered")
    assert other.local_copy(sha).read_bytes() == data

    # A blob altered in the archive itself fails its hash check on the way in.
    other.fs.pipe_file(f"{other.root}/{blob_key(sha)}", b"tampered in the archive")
    fresh = FsspecArchive(url, cache_root=tmp_path / "cache-c")
    with pytest.raises(ArchiveError, match="hash check"):
        fresh.local_copy(sha)
    assert not list((tmp_path / "cache-c").rglob("*.*"))  # no half-fetched file stays

    with pytest.raises(ArchiveError, match="not in archive"):
        other.local_copy("0" * 64)


def test_s3_archive_on_loopback(tmp_path, s3_archive_url):
    archive = FsspecArchive(s3_archive_url, cache_root=tmp_path / "cache")
    data = "发票 bytes".encode() * 1000
    sha = hashlib.sha256(data).hexdigest()
    receipt = archive.put(data, "发票.pdf", "D1")
    assert receipt.stored_path.startswith("s3://") and not receipt.duplicate
    assert archive.put(data, "again.pdf", "D2").duplicate
    assert archive.verify(sha)
    assert archive.local_copy(sha).read_bytes() == data
    assert [r.original_name for r in archive.receipts(sha)] == ["发票.pdf", "again.pdf"]


@pytest.mark.slow
def test_intake_and_audit_on_s3_from_two_homes(tmp_path, s3_archive_url, monkeypatch, prefect_api):
    """The intake runs in one DOSSIER_HOME, the audit in another that shares only the
    database and the S3 archive: every file is read, nothing is read from the intake's disk."""
    from tests.cluster.dossiers import make_text_dossier

    db = tmp_path / "shared.db"
    monkeypatch.setenv("DOSSIER_ARCHIVE_URL", s3_archive_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    folder = make_text_dossier(tmp_path / "in" / "甲公司", seed=1)

    from flows.pipeline import audit_rerun, bulk_intake

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home-intake"))
    (report,) = bulk_intake([str(folder)])
    assert report.error is None
    assert report.files and all(f.status == "ok" for f in report.files), report.files
    local_archive = tmp_path / "home-intake" / "archive"
    assert not local_archive.exists() or not [p for p in local_archive.rglob("*") if p.is_file()]

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home-audit"))
    (diff,) = audit_rerun([report.dossier_id])
    assert diff.error is None and diff.unchanged, diff
