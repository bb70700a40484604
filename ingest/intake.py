"""What was handed in → dossiers of files, without trusting a single name or size in it.

A path may be
  * a dossier folder (files, optionally in subfolders, and an optional manifest),
  * a zip of one dossier,
  * a folder of dossiers: a folder whose entries (besides a manifest and hidden files) are
    all folders or zips; each of those is one dossier,
  * a single other file: a dossier of that one file.
Zips are never extracted to disk, nor read ahead: a member's bytes are read (capped at its
declared size) only when the archive takes it in, so a batch costs one file's bytes at a
time. Every member of every container ends as a file or as a FileError row with its reason:
absolute or `../` member paths, symlinks, password-protected members, sizes or compression
ratios of a zip bomb, a dossier over its expanded-bytes budget, members past the per-zip
cap, zips nested deeper than the depth limit ("nested too deep"). Limits: ingest.limits.
OFD files are zips too, but are told apart by content (OFD.xml) and kept whole.
Zip names without the UTF-8 flag are decoded as UTF-8 or GBK where the bytes allow; names
that are no text at all (invalid UTF-8 on disk) are kept as their bytes, escaped (\\xff).
"""
from __future__ import annotations

import io
import json
import os
import posixpath
import re
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from typing import TYPE_CHECKING

from core.models import Manifest
from ingest import sniff
from ingest.limits import RATIO_FLOOR_DOSSIER, RATIO_FLOOR_MEMBER, limit

if TYPE_CHECKING:
    from ingest.archive import Archive

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")
MANIFEST_BYTES = 1024 * 1024
IGNORED = {"__macosx", ".ds_store", "thumbs.db", "desktop.ini"}
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error, ValueError)


class FileError(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    reason: str


class MemberError(ValueError):
    """A zip member that turned out unreadable (or larger than declared) when it was read."""


class _Member(BaseModel):
    """Where a zip member lives: the zip on disk, then member names down to it."""

    zip_path: Path
    chain: tuple[str, ...]
    declared: int

    def read(self) -> bytes:
        with zipfile.ZipFile(self.zip_path) as zf:
            for i, name in enumerate(self.chain[:-1]):
                data = _inner_zip(self.zip_path, self.chain[: i + 1], zf, name)
                zf = zipfile.ZipFile(io.BytesIO(data))
            return _read_capped(zf, zf.getinfo(self.chain[-1]))


_INNER: dict[tuple, bytes] = {}  # the last nested zip read: its members are taken in one after another


def _inner_zip(zip_path: Path, key: tuple[str, ...], zf: zipfile.ZipFile, name: str) -> bytes:
    cache_key = (str(zip_path), key)
    if cache_key not in _INNER:
        _INNER.clear()
        _INNER[cache_key] = _read_capped(zf, zf.getinfo(name))
    return _INNER[cache_key]


def release_buffers() -> None:
    """Drop the nested zip kept for its next member: the dossier's files are all taken in."""
    _INNER.clear()


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with zf.open(info) as member:
            # Never trust the declared size: read at most one byte more than it claims.
            data = member.read(info.file_size + 1)
    except ZIP_ERRORS as exc:
        raise MemberError(f"damaged zip member: {exc}") from exc
    if len(data) > info.file_size:
        raise MemberError("member larger than its declared size (zip bomb?), refused")
    return data


class IncomingFile(BaseModel):
    """One file of a dossier; `read()` gives its bytes (from disk or from a zip)."""

    model_config = ConfigDict(extra="forbid")
    name: str  # as the reviewer should see it, relative to the dossier
    source: str  # where it came from: a path, or "<zip path>!<member>"
    size: int
    # The sha256 of an original already in the archive and receipted for this dossier (a
    # dossier resumed or run on a worker from the archive): archiving it again would only
    # write a second receipt for the same hand-in.
    archived: str | None = None
    _path: Path | None = PrivateAttr(default=None)
    _member: _Member | None = PrivateAttr(default=None)

    def read(self) -> bytes:
        """Raises MemberError (a zip member found damaged or oversized) or OSError."""
        if self._member is not None:
            return self._member.read()
        assert self._path is not None
        return self._path.read_bytes()

    @property
    def local_path(self) -> Path | None:
        """The file on disk, when it is one (not a zip member): lets the archive stream it."""
        return self._path

    def archive_source(self) -> Path | bytes:
        return self._path if self._path is not None else self.read()

    @classmethod
    def on_disk(cls, name: str, path: Path) -> "IncomingFile":
        f = cls(name=name, source=printable(str(path)), size=path.stat().st_size)
        f._path = path
        return f

    @classmethod
    def from_archive(cls, name: str, sha256: str, archive: "Archive") -> "IncomingFile":
        f = cls.on_disk(name, archive.local_copy(sha256))
        f.archived = sha256
        return f

    @classmethod
    def in_zip(cls, name: str, source: str, member: _Member) -> "IncomingFile":
        f = cls(name=name, source=source, size=member.declared)
        f._member = member
        return f


class IncomingDossier(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    source: str
    manifest: Manifest | None = None
    files: list[IncomingFile] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)

    @classmethod
    def from_archive(
        cls,
        archive: "Archive",
        name: str,
        source: str,
        files: list[tuple[str, str]],
        manifest: Manifest | None = None,
        errors: list[FileError] | None = None,
    ) -> "IncomingDossier":
        """A dossier handed in earlier, its originals read back through the archive:
        `files` are (original name, sha256) pairs."""
        return cls(
            name=name,
            source=source,
            manifest=manifest,
            errors=list(errors or []),
            files=[IncomingFile.from_archive(n, sha, archive) for n, sha in files],
        )


# ------------------------------------------------------------------------- names


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zips made on Chinese Windows store GBK
    bytes without the UTF-8 flag, which Python decodes as cp437 mojibake."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = None
        if raw is not None and not raw.isascii():
            for encoding in ("utf-8", "gbk"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return name


def printable(text: str) -> str:
    """`text` as UTF-8-safe text: bytes that were no UTF-8 (kept by Python as lone
    surrogates) become their escapes, so a report, the store and Prefect's API can hold it."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def from_printable(text: str) -> Path:
    """The path a printable() text names: a path given as its escapes (`\\xff`) is found by
    its bytes, so a batch can be handed over to Prefect as text."""
    path = Path(text)
    if path.exists() or "\\x" not in text:
        return path
    raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), text.encode("utf-8"))
    return Path(os.fsdecode(raw))


def clean_name(name: str) -> str:
    """NFC, forward slashes, no control characters, undecodable bytes escaped."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d").strip()
    return printable(name)


def unsafe_reason(name: str) -> str | None:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path in archive, refused"
    if ".." in name.split("/"):
        return "path escapes the archive ('..'), refused"
    if posixpath.normpath(name) in (".", ""):
        return "names no file (only '.'), refused"
    return None


def _ignored(parts: list[str]) -> bool:
    # ".." is not a hidden file: it must reach unsafe_reason and be reported.
    return any(p.lower() in IGNORED or (p.startswith(".") and p not in (".", "..")) for p in parts if p)


# ------------------------------------------------------------------------- manifest


def parse_manifest(data: bytes, name: str) -> Manifest:
    try:
        raw = json.loads(data) if name.lower().endswith(".json") else yaml.safe_load(data)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"manifest is not valid {'JSON' if name.endswith('.json') else 'YAML'}: {exc}") from exc
    if raw is None:
        return Manifest()
    if not isinstance(raw, dict):
        raise ValueError("manifest must be a mapping of fields")
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"manifest fields invalid: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}") from exc


def _take_manifest(dossier: IncomingDossier, name: str, data: bytes) -> None:
    try:
        dossier.manifest = parse_manifest(data, name)
    except ValueError as exc:
        dossier.errors.append(FileError(name=name, reason=str(exc)))


# ------------------------------------------------------------------------- zips


class _Budget:
    """Bytes a dossier may expand from its zips: the absolute cap, and a ratio to the zips'
    own size once past a floor (199 members of 1 MB from a 230 KB zip is no scan)."""

    def __init__(self) -> None:
        self.expanded = 0
        self.compressed = 0

    def refuses(self, size: int) -> str | None:
        total = self.expanded + size
        if total > limit("dossier_bytes"):
            return f"dossier exceeds the {limit('dossier_bytes') // 2**20} MB total uncompressed limit (DOSSIER_MAX_DOSSIER_BYTES), file refused"
        if total > RATIO_FLOOR_DOSSIER and total > limit("zip_ratio") * max(self.compressed, 1):
            return (f"dossier's zips expand past {limit('zip_ratio')}× their {self.compressed / 2**10:.0f} KB "
                    "(zip bomb?), file refused (DOSSIER_MAX_ZIP_RATIO)")
        return None


def _member_reason(info: zipfile.ZipInfo, name: str, budget: _Budget) -> str | None:
    reason = unsafe_reason(name)
    if reason is None and stat.S_ISLNK(info.external_attr >> 16):
        reason = "symbolic link in archive, refused"
    if reason is None and info.flag_bits & 0x1:
        reason = "password-protected zip member, cannot be read"
    if reason is None and info.file_size > limit("file_bytes"):
        reason = f"declared size {info.file_size / 2**20:.0f} MB over the {limit('file_bytes') // 2**20} MB limit per file (DOSSIER_MAX_FILE_BYTES)"
    if reason is None and info.file_size > RATIO_FLOOR_MEMBER and info.file_size > limit("zip_ratio") * max(info.compress_size, 1):
        reason = f"compression ratio {info.file_size // max(info.compress_size, 1)}:1 looks like a zip bomb, refused"
    return reason or budget.refuses(info.file_size)


def _peek_zip(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The member's bytes when it is a zip (not an OFD) by structure, else None."""
    with zf.open(info) as member:
        magic = member.read(4)
    if magic not in (b"PK\x03\x04", b"PK\x05\x06"):
        return None
    data = _read_capped(zf, info)
    return data if sniff.sniff(data) == sniff.ZIP else None


class _ZipWalk:
    """Every member of a dossier's zips, nested ones included, as a file or a row."""

    def __init__(self, dossier: IncomingDossier, zip_path: Path, budget: _Budget):
        self.dossier = dossier
        self.zip_path = zip_path
        self.budget = budget

    def refuse(self, name: str, reason: str) -> None:
        self.dossier.errors.append(FileError(name=name, reason=reason))

    def walk(self, zf: zipfile.ZipFile, prefix: str, chain: tuple[str, ...], depth: int, top_level: bool) -> None:
        source = printable(str(self.zip_path)) + "".join(f"!{printable(c)}" for c in chain)
        entries = []
        for info in zf.infolist():
            name = clean_name(zip_member_name(info))
            if info.is_dir() or not name or name.endswith("/") or _ignored(name.split("/")):
                continue
            entries.append((info, name))
        # A zip of a folder holds "dossier-a/..." for every member: drop the common top folder.
        common = {n.split("/", 1)[0] for _, n in entries if "/" in n}
        strip = common.pop() + "/" if top_level and len(common) == 1 and all("/" in n for _, n in entries) else ""
        cap = limit("zip_members")
        for i, (info, name) in enumerate(entries):
            shown = prefix + (name[len(strip):] if strip and name.startswith(strip) else name)
            if i >= cap:
                self.refuse(shown, f"not read: the zip holds {len(entries)} files, more than the limit of {cap} (DOSSIER_MAX_ZIP_MEMBERS)")
                continue
            reason = _member_reason(info, name, self.budget)
            if reason:
                self.refuse(shown, reason)
                continue
            self.budget.expanded += info.file_size
            try:
                if top_level and shown.lower() in MANIFEST_NAMES:
                    if info.file_size > MANIFEST_BYTES:
                        raise MemberError("manifest larger than 1 MB, refused")
                    _take_manifest(self.dossier, shown, _read_capped(zf, info))
                    continue
                nested = _peek_zip(zf, info)
            except MemberError as exc:
                self.refuse(shown, str(exc))
                continue
            except ZIP_ERRORS as exc:
                self.refuse(shown, f"damaged zip member: {exc}")
                continue
            if nested is None:
                member = _Member(zip_path=self.zip_path, chain=chain + (info.filename,), declared=info.file_size)
                self.dossier.files.append(IncomingFile.in_zip(shown, f"{source}!{name}", member))
            elif depth >= limit("zip_depth"):
                self.refuse(shown, f"zip nested too deep (more than {limit('zip_depth')} levels of zips inside zips, DOSSIER_MAX_ZIP_DEPTH), not opened")
            else:
                self.nested(nested, shown, chain + (info.filename,), depth + 1)

    def nested(self, data: bytes, shown: str, chain: tuple[str, ...], depth: int) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                self.walk(zf, shown + "/", chain, depth, top_level=False)
        except ZIP_ERRORS as exc:
            self.refuse(shown, f"damaged zip: {exc}")


def _walk_zip_file(dossier: IncomingDossier, path: Path, shown: str, prefix: str, depth: int, budget: _Budget, top_level: bool) -> None:
    budget.compressed += path.stat().st_size
    try:
        with zipfile.ZipFile(path) as zf:
            _ZipWalk(dossier, path, budget).walk(zf, prefix, (), depth, top_level)
    except ZIP_ERRORS as exc:
        dossier.errors.append(FileError(name=shown, reason=f"damaged zip, cannot be opened: {exc}"))


def dossier_from_zip(path: Path) -> IncomingDossier:
    dossier = IncomingDossier(name=clean_name(path.stem), source=printable(str(path)))
    _walk_zip_file(dossier, path, clean_name(path.name), "", 0, _Budget(), top_level=True)
    return dossier


# ------------------------------------------------------------------------- folders


def dossier_from_folder(folder: Path) -> IncomingDossier:
    dossier = IncomingDossier(name=clean_name(folder.name), source=printable(str(folder)))
    budget = _Budget()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if _ignored(rel.split("/")):
            continue
        shown = clean_name(rel)
        try:
            if path.is_symlink():
                dossier.errors.append(FileError(name=shown, reason="symbolic link, not followed"))
                continue
            if not path.is_file():
                continue
            if rel.lower() in MANIFEST_NAMES:
                _take_manifest(dossier, shown, path.read_bytes()[:MANIFEST_BYTES])
                continue
            size = path.stat().st_size
            if size > limit("file_bytes"):
                dossier.errors.append(FileError(name=shown, reason=f"{size / 2**20:.0f} MB over the {limit('file_bytes') // 2**20} MB limit per file (DOSSIER_MAX_FILE_BYTES)"))
                continue
            try:
                kind = sniff.sniff_file(path, rel)
            except sniff.EmptyFile:
                kind = sniff.UNKNOWN  # kept: read_document records the clear error on it
        except OSError as exc:
            dossier.errors.append(FileError(name=shown, reason=f"cannot be opened: {exc.strerror or exc}"))
            continue
        if kind == sniff.ZIP:
            _walk_zip_file(dossier, path, shown, shown + "/", 1, budget, top_level=False)
            continue
        dossier.files.append(IncomingFile.on_disk(shown, path))
    return dossier


def _is_zip_file(path: Path) -> bool:
    try:
        return path.is_file() and sniff.sniff_file(path) == sniff.ZIP
    except (sniff.EmptyFile, OSError):
        return False


def is_folder_of_dossiers(folder: Path) -> bool:
    entries = [p for p in folder.iterdir() if not _ignored([p.name]) and p.name.lower() not in MANIFEST_NAMES]
    return bool(entries) and all((p.is_dir() and not p.is_symlink()) or _is_zip_file(p) for p in entries)


def iter_dossiers(paths: list[Path]):
    """Dossiers one at a time, as the paths give them: nothing of one is read before the
    previous one is done with (members are read when archived)."""
    for path in map(Path, paths):
        if not path.exists():
            yield IncomingDossier(name=clean_name(path.name), source=printable(str(path)), errors=[FileError(name=clean_name(path.name), reason="no such file or folder")])
        elif path.is_dir():
            if is_folder_of_dossiers(path):
                for entry in sorted(path.iterdir()):
                    if _ignored([entry.name]) or entry.name.lower() in MANIFEST_NAMES:
                        continue
                    yield dossier_from_folder(entry) if entry.is_dir() else dossier_from_zip(entry)
            else:
                yield dossier_from_folder(path)
        elif _is_zip_file(path):
            yield dossier_from_zip(path)
        else:
            single = IncomingDossier(name=clean_name(path.stem), source=printable(str(path)))
            single.files.append(IncomingFile.on_disk(clean_name(path.name), path))
            yield single


def collect(paths: list[Path]) -> list[IncomingDossier]:
    return list(iter_dossiers(paths))
