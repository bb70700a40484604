"""What was handed in → dossiers of files, without trusting a single name or size in it.

A path may be
  * a dossier folder (files, optionally in subfolders, and an optional manifest),
  * a zip of one dossier,
  * a folder of dossiers: a folder whose entries (besides a manifest and hidden files) are
    all folders or zips; each of those is one dossier,
  * a single other file: a dossier of that one file.
Zips are never extracted to disk: members are read into memory with caps. Rejected (each
recorded as a FileError on that file, the rest of the dossier goes on): absolute or `../`
member paths, symlinks, password-protected members, members whose declared size or
compression ratio looks like a zip bomb, a dossier over the total size cap.
A zip found inside a dossier is opened ONE level deep: its members join the dossier as
"inner.zip/member"; a zip inside that is recorded as an error, not opened. OFD files are
zips too, but are told apart by content (OFD.xml) and kept whole.
Zip names without the UTF-8 flag are decoded as UTF-8 or GBK where the bytes allow.
"""
from __future__ import annotations

import io
import json
import posixpath
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from core.models import Manifest
from ingest import sniff

MAX_DOSSIER_BYTES = 200 * 1024 * 1024  # total uncompressed per dossier zip
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 5000
MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")
IGNORED = {"__macosx", ".ds_store", "thumbs.db", "desktop.ini"}


class FileError(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    reason: str


class IncomingFile(BaseModel):
    """One file of a dossier; `read()` gives its bytes (from disk or from memory)."""

    model_config = ConfigDict(extra="forbid")
    name: str  # as the reviewer should see it, relative to the dossier
    source: str  # where it came from: a path, or "<zip path>!<member>"
    size: int
    _path: Path | None = PrivateAttr(default=None)
    _data: bytes | None = PrivateAttr(default=None)

    def read(self) -> bytes:
        if self._data is not None:
            return self._data
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
        f = cls(name=name, source=str(path), size=path.stat().st_size)
        f._path = path
        return f

    @classmethod
    def in_memory(cls, name: str, source: str, data: bytes) -> "IncomingFile":
        f = cls(name=name, source=source, size=len(data))
        f._data = data
        return f


class IncomingDossier(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    source: str
    manifest: Manifest | None = None
    files: list[IncomingFile] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)


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


def clean_name(name: str) -> str:
    """NFC, forward slashes, no control characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d").strip()


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
    def __init__(self, limit: int):
        self.left = limit


def _is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and sniff.sniff(data) == sniff.ZIP


def _read_zip(zf: zipfile.ZipFile, source: str, prefix: str, depth: int, dossier: IncomingDossier, budget: _Budget, top_level: bool) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        dossier.errors.append(FileError(name=prefix or source, reason=f"zip holds {len(infos)} entries, more than {MAX_MEMBERS}"))
        return
    entries = []
    for info in infos:
        raw_name = zip_member_name(info)
        name = clean_name(raw_name)
        if info.is_dir() or not name or name.endswith("/"):
            continue
        parts = name.split("/")
        if _ignored(parts):
            continue
        entries.append((info, name))
    # A zip of a folder holds "dossier-a/..." for every member: drop the common top folder.
    common = {n.split("/", 1)[0] for _, n in entries if "/" in n}
    strip = common.pop() + "/" if top_level and len(common) == 1 and all("/" in n for _, n in entries) else ""

    for info, name in entries:
        shown = prefix + (name[len(strip):] if strip and name.startswith(strip) else name)
        reason = unsafe_reason(name)
        if reason is None and stat.S_ISLNK(info.external_attr >> 16):
            reason = "symbolic link in archive, refused"
        if reason is None and info.flag_bits & 0x1:
            reason = "password-protected zip member, cannot be read"
        if reason is None and info.file_size > MAX_MEMBER_BYTES:
            reason = f"declared size {info.file_size / 2**20:.0f} MB over the {MAX_MEMBER_BYTES // 2**20} MB limit per file"
        if reason is None and info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            reason = f"compression ratio {info.file_size // max(info.compress_size, 1)}:1 looks like a zip bomb, refused"
        if reason is None and info.file_size > budget.left:
            reason = f"dossier exceeds the {MAX_DOSSIER_BYTES // 2**20} MB total uncompressed limit (zip bomb?), file refused"
        if reason:
            dossier.errors.append(FileError(name=shown, reason=reason))
            continue
        try:
            with zf.open(info) as member:
                # Never trust the declared size: read at most one byte more than it claims.
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error) as exc:
            dossier.errors.append(FileError(name=shown, reason=f"damaged zip member: {exc}"))
            continue
        if len(data) > info.file_size:
            dossier.errors.append(FileError(name=shown, reason="member larger than its declared size (zip bomb?), refused"))
            continue
        budget.left -= len(data)
        if top_level and shown.lower() in MANIFEST_NAMES:
            _take_manifest(dossier, shown, data)
            continue
        if _is_zip(data):
            if depth >= 1:
                dossier.errors.append(FileError(name=shown, reason="zip nested more than one level deep, not opened"))
                continue
            _read_nested(data, f"{source}!{name}", shown + "/", depth + 1, dossier, budget)
            continue
        dossier.files.append(IncomingFile.in_memory(shown, f"{source}!{name}", data))


def _read_nested(data: bytes, source: str, prefix: str, depth: int, dossier: IncomingDossier, budget: _Budget) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _read_zip(zf, source, prefix, depth, dossier, budget, top_level=False)
    except zipfile.BadZipFile as exc:
        dossier.errors.append(FileError(name=prefix.rstrip("/"), reason=f"damaged zip: {exc}"))


def dossier_from_zip(path: Path) -> IncomingDossier:
    dossier = IncomingDossier(name=clean_name(path.stem), source=str(path))
    try:
        with zipfile.ZipFile(path) as zf:
            _read_zip(zf, str(path), "", 0, dossier, _Budget(MAX_DOSSIER_BYTES), top_level=True)
    except (zipfile.BadZipFile, OSError) as exc:
        dossier.errors.append(FileError(name=path.name, reason=f"damaged zip, cannot be opened: {exc}"))
    return dossier


# ------------------------------------------------------------------------- folders


def dossier_from_folder(folder: Path) -> IncomingDossier:
    dossier = IncomingDossier(name=clean_name(folder.name), source=str(folder))
    budget = _Budget(MAX_DOSSIER_BYTES)
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if _ignored(rel.split("/")):
            continue
        if path.is_symlink():
            dossier.errors.append(FileError(name=rel, reason="symbolic link, not followed"))
            continue
        if not path.is_file():
            continue
        if rel.lower() in MANIFEST_NAMES:
            _take_manifest(dossier, rel, path.read_bytes())
            continue
        if path.stat().st_size > MAX_MEMBER_BYTES:
            dossier.errors.append(FileError(name=rel, reason=f"{path.stat().st_size / 2**20:.0f} MB over the {MAX_MEMBER_BYTES // 2**20} MB limit per file"))
            continue
        try:
            kind = sniff.sniff_file(path, rel)
        except sniff.EmptyFile:
            kind = sniff.UNKNOWN  # kept: read_document records the clear error on it
        if kind == sniff.ZIP:
            _read_nested(path.read_bytes(), str(path), clean_name(rel) + "/", 1, dossier, budget)
            continue
        dossier.files.append(IncomingFile.on_disk(clean_name(rel), path))
    return dossier


def _is_zip_file(path: Path) -> bool:
    try:
        return path.is_file() and sniff.sniff_file(path) == sniff.ZIP
    except sniff.EmptyFile:
        return False


def is_folder_of_dossiers(folder: Path) -> bool:
    entries = [p for p in folder.iterdir() if not _ignored([p.name]) and p.name.lower() not in MANIFEST_NAMES]
    return bool(entries) and all((p.is_dir() and not p.is_symlink()) or _is_zip_file(p) for p in entries)


def collect(paths: list[Path]) -> list[IncomingDossier]:
    dossiers: list[IncomingDossier] = []
    for path in map(Path, paths):
        if not path.exists():
            dossiers.append(IncomingDossier(name=path.name, source=str(path), errors=[FileError(name=path.name, reason="no such file or folder")]))
        elif path.is_dir():
            if is_folder_of_dossiers(path):
                for entry in sorted(path.iterdir()):
                    if _ignored([entry.name]) or entry.name.lower() in MANIFEST_NAMES:
                        continue
                    dossiers.append(dossier_from_folder(entry) if entry.is_dir() else dossier_from_zip(entry))
            else:
                dossiers.append(dossier_from_folder(path))
        elif _is_zip_file(path):
            dossiers.append(dossier_from_zip(path))
        else:
            single = IncomingDossier(name=clean_name(path.stem), source=str(path))
            single.files.append(IncomingFile.on_disk(clean_name(path.name), path))
            dossiers.append(single)
    return dossiers
