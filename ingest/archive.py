"""Content-addressed, write-once archive of every file an applicant handed in.

A blob lives at `ab/cd/<sha256>` and is never rewritten; each receipt (who sent what,
under which name, when) is one line appended to `receipts.jsonl` in the archive root, so
the same file received twice is stored once and receipted twice.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import stat
import tempfile
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO, Iterator

from pydantic import BaseModel, ConfigDict

from core.atomic import fsync_dir, temp_prefix

CHUNK = 1 << 20
RECEIPTS = "receipts.jsonl"


class Receipt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str
    size: int
    original_name: str
    dossier_id: str
    received_at: dt.datetime
    stored_path: str  # local path or fsspec URL of the blob
    duplicate: bool = False  # the blob was already in the archive


class ArchiveError(Exception):
    pass


def blob_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def sha256_of(src: Path | bytes) -> tuple[str, int]:
    """Streaming hash, so a 1 GB scan never sits in memory."""
    h = hashlib.sha256()
    size = 0
    with _open_src(src) as stream:
        for chunk in _chunks(stream):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _open_src(src: Path | bytes) -> BinaryIO:
    return io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else Path(src).open("rb")


class Archive(ABC):
    """Where originals are kept forever. Subclasses store bytes; this class keeps the rules."""

    def put(self, src: Path | bytes, original_name: str, dossier_id: str) -> Receipt:
        sha, size = sha256_of(src)
        duplicate = self._has(blob_key(sha))
        if not duplicate:
            with _open_src(src) as stream:
                self._store(blob_key(sha), stream)
        receipt = Receipt(
            sha256=sha,
            size=size,
            original_name=original_name,
            dossier_id=dossier_id,
            received_at=dt.datetime.now(dt.timezone.utc),
            stored_path=self._locate(blob_key(sha)),
            duplicate=duplicate,
        )
        self._append_receipt(receipt.model_dump_json() + "\n")
        return receipt

    def open(self, sha256: str) -> bytes:
        if not self._has(blob_key(sha256)):
            raise ArchiveError(f"not in archive: {sha256}")
        return self._read(blob_key(sha256))

    def exists(self, sha256: str) -> bool:
        return self._has(blob_key(sha256))

    def verify(self, sha256: str) -> bool:
        """Rehash the stored blob: true when it is still the file that was received."""
        if not self._has(blob_key(sha256)):
            return False
        h = hashlib.sha256()
        with self._stream(blob_key(sha256)) as stream:
            for chunk in _chunks(stream):
                h.update(chunk)
        return h.hexdigest() == sha256

    def receipts(self, sha256: str | None = None) -> list[Receipt]:
        out = []
        for line in self._receipt_lines():
            if line.strip():
                r = Receipt.model_validate_json(line)
                if sha256 is None or r.sha256 == sha256:
                    out.append(r)
        return out

    def path(self, sha256: str) -> str:
        """Where the blob lives: a local path or an fsspec URL. Readers want `local_copy`."""
        return self._locate(blob_key(sha256))

    def local_copy(self, sha256: str) -> Path:
        """A local file holding the original, for readers that need a path (pdfium, OpenCV).

        Every blob is read through the archive's own interface; a local file is only a cache of
        it. Subclasses whose blobs are not local files fetch into `cache_root`, checked against
        the hash on the way in, so a worker that shares no disk with the intake reads the same
        bytes."""
        if not self._has(blob_key(sha256)):
            raise ArchiveError(f"not in archive: {sha256}")
        return self._local(sha256)

    def _local(self, sha256: str) -> Path:
        raise NotImplementedError

    # storage primitives -------------------------------------------------------------
    @abstractmethod
    def _has(self, key: str) -> bool: ...

    @abstractmethod
    def _store(self, key: str, stream: BinaryIO) -> None: ...

    @abstractmethod
    def _stream(self, key: str) -> BinaryIO: ...

    def _read(self, key: str) -> bytes:
        with self._stream(key) as s:
            return s.read()

    @abstractmethod
    def _locate(self, key: str) -> str: ...

    @abstractmethod
    def _append_receipt(self, line: str) -> None: ...

    @abstractmethod
    def _receipt_lines(self) -> list[str]: ...


class LocalArchive(Archive):
    def __init__(self, root: Path | None = None):
        if root is None:
            from core.home import archive_dir

            root = archive_dir()
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _has(self, key: str) -> bool:
        return (self.root / key).is_file()

    def _store(self, key: str, stream: BinaryIO) -> None:
        dest = self.root / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Temp file in the same folder, then an atomic rename: a crash never leaves a
        # half-written blob under its final name.
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=temp_prefix())
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in _chunks(stream):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_dir(dest.parent)  # the rename itself must survive a power cut

    def _stream(self, key: str) -> BinaryIO:
        return (self.root / key).open("rb")

    def _locate(self, key: str) -> str:
        return str(self.root / key)

    def _local(self, sha256: str) -> Path:
        return self.root / blob_key(sha256)

    def _append_receipt(self, line: str) -> None:
        # O_APPEND keeps concurrent writers' lines whole (each line is one write).
        fd = os.open(self.root / RECEIPTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def _receipt_lines(self) -> list[str]:
        p = self.root / RECEIPTS
        return p.read_text(encoding="utf-8").splitlines() if p.exists() else []


class FsspecArchive(Archive):
    """The same archive on any fsspec filesystem (s3://, memory://, file://, ...).

    Object stores have no chmod; immutability there is the bucket's policy (object lock).
    """

    def __init__(self, url: str, cache_root: Path | None = None):
        import fsspec

        self.fs, root = fsspec.core.url_to_fs(url)
        self.url = url.rstrip("/")
        self.root = root.rstrip("/")
        self.fs.makedirs(self.root, exist_ok=True)
        self._cache_root = cache_root

    @property
    def cache_root(self) -> Path:
        if self._cache_root is None:
            from core.home import cache_dir

            self._cache_root = cache_dir() / "blobs"
        return self._cache_root

    def _local(self, sha256: str) -> Path:
        dest = self.cache_root / blob_key(sha256)
        if dest.is_file() and sha256_of(dest)[0] == sha256:
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".fetch-")
        h = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, self._stream(blob_key(sha256)) as stream:
                for chunk in _chunks(stream):
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if h.hexdigest() != sha256:
                raise ArchiveError(f"archived original {sha256} fails its hash check (fetched {h.hexdigest()})")
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return dest

    def _p(self, key: str) -> str:
        return f"{self.root}/{key}"

    def _has(self, key: str) -> bool:
        return self.fs.exists(self._p(key))

    def _store(self, key: str, stream: BinaryIO) -> None:
        dest = self._p(key)
        parent = dest.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        tmp = f"{parent}/.incoming-{uuid.uuid4().hex}"
        with self.fs.open(tmp, "wb") as out:
            for chunk in _chunks(stream):
                out.write(chunk)
        self.fs.mv(tmp, dest)

    def _stream(self, key: str) -> BinaryIO:
        return self.fs.open(self._p(key), "rb")

    def _locate(self, key: str) -> str:
        protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        return f"{protocol}://{self._p(key).lstrip('/') if protocol != 'file' else self._p(key)}"

    def _append_receipt(self, line: str) -> None:
        path = self._p(RECEIPTS)
        try:
            with self.fs.open(path, "ab") as out:
                out.write(line.encode("utf-8"))
        except (NotImplementedError, ValueError):
            # Object stores cannot append: rewrite the whole (small) log.
            old = self.fs.cat_file(path) if self.fs.exists(path) else b""
            self.fs.pipe_file(path, old + line.encode("utf-8"))

    def _receipt_lines(self) -> list[str]:
        path = self._p(RECEIPTS)
        if not self.fs.exists(path):
            return []
        return self.fs.cat_file(path).decode("utf-8").splitlines()


def default_archive() -> Archive:
    """DOSSIER_ARCHIVE_URL selects a remote archive; otherwise DOSSIER_HOME/archive."""
    url = os.environ.get("DOSSIER_ARCHIVE_URL")
    return FsspecArchive(url) if url else LocalArchive()
