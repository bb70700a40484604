"""JBIG2 images (a black-and-white scan saved as OFD keeps its pages so) → grey arrays.

Pillow and OpenCV read no JBIG2; pdfium, which the PDF reader already uses, decodes it as a
PDF image filter (/JBIG2Decode). So the segments are set in a one-page PDF as the page's only
image and the page rendered at one pixel a point. The size is read from the page information
segment before anything is decoded and held to the same cap as other images
(DOSSIER_MAX_PIXELS). A JBIG2 file's header is dropped (a PDF takes the embedded stream: its
segments in order); a file in random-access organisation, or of unknown height, is refused
with its reason.
"""
from __future__ import annotations

import io
import struct

import numpy as np

from ingest.image import ImageError
from ingest.limits import limit

MAGIC = b"\x97JB2\r\n\x1a\n"
EXTENSIONS = (".jb2", ".jbig2", ".jbg2")
_PAGE_INFORMATION = 48


def is_jbig2(data: bytes, name: str = "") -> bool:
    """The file header, or (an embedded stream has none) the name that says so."""
    return data.startswith(MAGIC) or name.lower().endswith(EXTENSIONS)


def _stream(data: bytes, name: str) -> bytes:
    if not data.startswith(MAGIC):
        return data
    flags = data[8] if len(data) > 8 else 0
    if not flags & 1:
        raise ImageError(f"{name}: JBIG2 image not supported: random-access organisation")
    return data[9:] if flags & 2 else data[13:]  # bit 1: the number of pages is unknown, not given


def _page_size(stream: bytes, name: str) -> tuple[int, int]:
    """Width and height from the page information segment (7.4.8), walking the segment headers
    (7.2) to it; segments before it (a symbol dictionary) are skipped by their data length."""
    pos = 0
    while pos + 11 <= len(stream):
        number, flags = struct.unpack_from(">IB", stream, pos)
        pos += 5
        count = stream[pos] >> 5
        if count == 7:
            count = struct.unpack_from(">I", stream, pos)[0] & 0x1FFFFFFF
            pos += 4 + (count + 8) // 8
        else:
            pos += 1
        pos += count * (1 if number <= 256 else 2 if number <= 65536 else 4)
        pos += 4 if flags & 0x40 else 1
        (length,) = struct.unpack_from(">I", stream, pos)
        pos += 4
        if flags & 0x3F == _PAGE_INFORMATION:
            if pos + 8 > len(stream):
                break
            width, height = struct.unpack_from(">II", stream, pos)
            if height == 0xFFFFFFFF:
                raise ImageError(f"{name}: JBIG2 image not supported: striped page of unknown height")
            return width, height
        if length == 0xFFFFFFFF:
            break
        pos += length
    raise ImageError(f"{name}: JBIG2 image not supported: no page information segment")


def _pdf(stream: bytes, width: int, height: int) -> bytes:
    content = f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Resources << /XObject << /Im0 5 0 R >> >> "
        "/Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 1 "
        f"/Filter /JBIG2Decode /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.5\n")
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (i, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def decode(data: bytes, name: str = "image.jb2", max_pixels: int | None = None) -> np.ndarray:
    """The image's first page as a grey array (0 ink, 255 paper)."""
    import pypdfium2 as pdfium

    stream = _stream(data, name)
    try:
        width, height = _page_size(stream, name)
    except struct.error as exc:
        raise ImageError(f"{name}: JBIG2 image not supported: damaged segment header") from exc
    max_pixels = max_pixels or limit("image_pixels")
    if width * height > max_pixels:
        raise ImageError(f"{name}: JBIG2 image of {width}x{height} = {width * height / 1e6:.0f} megapixels exceeds the "
                         f"limit of {max_pixels / 1e6:.0f} MP (DOSSIER_MAX_PIXELS); not decoded")
    if not width or not height:
        raise ImageError(f"{name}: JBIG2 image not supported: empty page ({width}x{height})")
    try:
        pdf = pdfium.PdfDocument(_pdf(stream, width, height))
        try:
            bitmap = pdf[0].render(scale=1, grayscale=True)
            pixels = np.array(bitmap.to_numpy(), copy=True)
        finally:
            pdf.close()
    except pdfium.PdfiumError as exc:
        raise ImageError(f"{name}: JBIG2 image not decoded ({exc})") from exc
    return pixels if pixels.ndim == 2 else pixels[:, :, 0]
