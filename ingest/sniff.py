"""What a file is, judged by its bytes: applicants rename files, so the extension is a hint at best."""
from __future__ import annotations

import io
import zipfile

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

# How much of a file sniff() wants; an OFD needs its zip directory, so callers with the
# whole file at hand should pass it all (see sniff_file).
HEAD_BYTES = 8192


class EmptyFile(ValueError):
    """A zero-byte file: nothing to sniff, nothing to read."""


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lower().lstrip("/") for n in zf.namelist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        # Only the head was given (central directory missing) or a damaged archive.
        return OFD if b"OFD.xml" in data[:4096] else ZIP
    return OFD if "ofd.xml" in names else ZIP


def _looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<?xml"):
        return True
    if text.startswith(b"<"):
        # Root element without a declaration, e.g. <EInvoice>.
        return text[1:2].isalpha()
    return False


def sniff(data_head: bytes, name: str = "") -> str:
    """Media type of a file from its first bytes (more bytes → surer OFD/zip call).

    `name` is only used in the error message: content decides, never the extension.
    """
    if not data_head:
        raise EmptyFile(f"{name or 'file'}: zero-byte file, nothing to read")
    head = data_head
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
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
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data_head)
    if _looks_like_xml(head[:HEAD_BYTES]):
        return XML
    return UNKNOWN


def sniff_file(path, name: str = "") -> str:
    """Sniff a file on disk; zips are opened whole so an OFD is told from a plain zip."""
    from pathlib import Path

    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        if not head:
            raise EmptyFile(f"{name or path.name}: zero-byte file, nothing to read")
        if head.startswith(b"PK"):
            try:
                with zipfile.ZipFile(path) as zf:
                    names = {n.lower().lstrip("/") for n in zf.namelist()}
                return OFD if "ofd.xml" in names else ZIP
            except (zipfile.BadZipFile, OSError):
                return ZIP
    return sniff(head, name or path.name)
