"""What a file is, judged by its structure: applicants rename files, so the extension is a
hint at best, and a first kilobyte can lie (a stored zip holding a PDF shows `%PDF-` there).

A zip is a zip when its end-of-central-directory record parses (zipfile's own check); an
OFD is a zip holding OFD.xml. A PDF starts with `%PDF-` (or has it within its first 1 KB,
as the spec allows, and then also a trailer — `startxref`/`%%EOF` — near its end). Every
other signature is checked at offset 0 only.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
BMP = "image/bmp"
WEBP = "image/webp"
GIF = "image/gif"
OFD = "application/ofd"
XML = "application/xml"
ZIP = "application/zip"
UNKNOWN = "application/octet-stream"

HEAD_BYTES = 8192
TAIL_BYTES = 2048


class EmptyFile(ValueError):
    """A zero-byte file: nothing to sniff, nothing to read."""


def _zip_kind(source) -> str | None:
    """ZIP or OFD when `source` (bytes or a path) has a readable central directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as zf:
            names = {n.lower().lstrip("/") for n in zf.namelist()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    return OFD if "ofd.xml" in names else ZIP


def _looks_like_xml(head: bytes) -> bool:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):].decode(codec, "ignore").encode("utf-8")
            break
    else:
        if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):  # UTF-16 without a BOM
            head = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", "ignore").encode("utf-8")
    text = head.lstrip()
    if text.startswith(b"<?xml"):
        return True
    # A root element without a declaration, e.g. <EInvoice>.
    return text.startswith(b"<") and text[1:2].isalpha()


def _kind(head: bytes, tail: bytes, zip_kind) -> str:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:2] == b"BM" and len(head) > 14:
        return BMP
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        # Damaged beyond its directory: still a zip, so the reason says "damaged zip".
        return zip_kind() or ZIP
    if b"PK\x05\x06" in tail and (kind := zip_kind()):
        return kind  # a zip behind a prefix (self-extracting archives)
    return _not_zip(head, tail)


def _not_zip(head: bytes, tail: bytes) -> str:
    if b"%PDF-" in head[:1024] and (b"startxref" in tail or b"%%EOF" in tail):
        return PDF
    if _looks_like_xml(head):
        return XML
    return UNKNOWN


def sniff(data: bytes, name: str = "") -> str:
    """Media type of a whole file's bytes. `name` is only used in the error message."""
    if not data:
        raise EmptyFile(f"{name or 'file'}: zero-byte file, nothing to read")
    return _kind(data[:HEAD_BYTES], data[-TAIL_BYTES:], lambda: _zip_kind(data))


def sniff_file(path, name: str = "") -> str:
    """Sniff a file on disk from its head, its tail and (for zips) its central directory."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        if not head:
            raise EmptyFile(f"{name or path.name}: zero-byte file, nothing to read")
        fh.seek(0, io.SEEK_END)
        fh.seek(max(fh.tell() - TAIL_BYTES, 0))
        tail = fh.read()
    return _kind(head, tail, lambda: _zip_kind(path))
