"""PDF pages: the text layer where it is usable, a rendered image for OCR where it is not.

pypdfium2 opens and renders (fast, tolerant, tells an encrypted file from a broken one);
pdfplumber gives words with boxes in PDF points, origin top-left.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from core.models import Box, Word
from ingest.limits import limit

# Limits (ingest.limits): DOSSIER_MAX_PAGES guards against a 50 000-page PDF tying up a
# worker (300-page dossiers read in full); DOSSIER_MAX_PAGE_POINTS and DOSSIER_MAX_PAGE_PIXELS
# bound a page's render, decided from its size before a pixel is drawn.
MIN_TEXT_CHARS = 8  # fewer CJK/alphanumeric characters than this: treat the page as a scan
SCAN_COVER, SCAN_MAX_CHARS = 0.5, 60  # image over half the page and under 60 characters: a scan
OCR_DPI = 200
# pdfium and pdfminer keep every object they parsed until the document is closed: 0.4 and
# 0.5 MB a scanned page, 190 MB over a 200-page scan. pdfium's document is opened afresh
# every so many pages and pdfminer's object cache emptied after each page, so a long PDF
# costs what a few pages do (benchmarks/scan_memory_bench.py).
REOPEN_EVERY = 16

_USEFUL = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
# Words a reader would recognise: CJK characters, or Latin runs of three letters or more.
_READABLE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{3,}")
_LEADERS = re.compile(r"[.…·_\-]{3,}|\s+")  # a table of contents' dot leaders say nothing
# Neither letters, digits, CJK nor CJK punctuation: what unmapped glyph codes come out as.
_ODD = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
GARBLED_READABLE, GARBLED_ODD, GARBLED_MIN_CHARS = 0.2, 0.4, 40


class PdfError(ValueError):
    pass


def _tail(source: bytes | Path, size: int = 2048) -> bytes:
    if isinstance(source, bytes):
        return source[-size:]
    with open(source, "rb") as fh:
        fh.seek(max(fh.seek(0, io.SEEK_END) - size, 0))
        return fh.read()


def _open(source: bytes | Path, name: str):
    """pdfium's document from the bytes, or from the file (read as pages need it)."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise PdfError(f"{name}: encrypted PDF: password required") from exc
        if b"%%EOF" not in _tail(source):
            raise PdfError(f"{name}: truncated PDF (no end-of-file marker; the upload was cut short?)") from exc
        raise PdfError(f"{name}: corrupt PDF, cannot be opened ({msg})") from exc


def usable_text(words: list[Word], image_cover: float = 0.0) -> bool:
    """Enough real characters, and not pdfminer's "(cid:123)" for glyphs without a mapping.

    A page mostly covered by an image with only a line or two of text is a scan with a
    stamp or an app's watermark ("扫描全能王"), not a text page: it is OCR'd.
    """
    text = "".join(w.text for w in words)
    if text.count("(cid:") * 8 > max(len(text), 1) or text.count("\ufffd") * 10 > max(len(text), 1):
        return False
    useful = len(_USEFUL.findall(text.replace("(cid:", "")))
    if image_cover >= SCAN_COVER and useful < SCAN_MAX_CHARS:
        return False
    return useful >= MIN_TEXT_CHARS and not garbled(text)


def garbled(text: str) -> bool:
    """Glyph codes without a Unicode map that pdfminer passes through as ASCII ("!\"#$%&'()*+,
    0=49>5?", Founder fonts): under a fifth of the characters are CJK or Latin words and
    over two fifths are symbols. A real page – Chinese, English, a table of contents – has a
    third or more readable; a page of figures (an invoice's) has few symbols."""
    s = _LEADERS.sub("", re.sub(r"\(cid:\d+\)", "\x00", text))
    if len(s) < GARBLED_MIN_CHARS:
        return False
    readable = sum(len(m) for m in _READABLE.findall(s))
    return readable < GARBLED_READABLE * len(s) and len(_ODD.findall(s)) > GARBLED_ODD * len(s)


def image_cover(plumber_page) -> float:
    """Share of the page area under embedded images (overlaps counted once per image)."""
    area = float(plumber_page.width * plumber_page.height) or 1.0
    covered = 0.0
    for im in plumber_page.images:
        w = max(0.0, min(float(im["x1"]), plumber_page.width) - max(float(im["x0"]), 0.0))
        h = max(0.0, min(float(im["bottom"]), plumber_page.height) - max(float(im["top"]), 0.0))
        covered += w * h
    return min(covered / area, 1.0)


@dataclass
class PdfPage:
    number: int
    width: float  # pt
    height: float  # pt
    words: list[Word] | None  # None: no usable text layer, OCR it
    _pdfium_page: object = field(repr=False, default=None)

    def render_scale(self, scale: float) -> float:
        """`scale`, or less so the page stays within DOSSIER_MAX_PAGE_PIXELS."""
        pixels = self.width * self.height * scale * scale
        budget = limit("page_pixels")
        # 0.999: pdfium rounds each side up to whole pixels.
        return scale if pixels <= budget else scale * math.sqrt(budget / pixels) * 0.999

    def render(self, scale: float) -> np.ndarray:
        """BGR image at `scale` pixels per point (72·scale dpi), scaled down to the pixel
        budget: a 9000 pt poster renders at 40 MP, not 2.6 GP."""
        bitmap = self._pdfium_page.render(scale=self.render_scale(scale))
        arr = bitmap.to_numpy()
        if bitmap.mode == "BGR":
            return np.ascontiguousarray(arr)
        from ingest.image import to_bgr

        return to_bgr(bitmap.to_pil())


def level(obj: dict) -> bool:
    """A character set along the page's axes (upright, or turned a quarter). Text at a slant
    is a watermark tiled over the page (电子营业执照 across a licence print): pdfplumber would
    glue its glyphs into the words they cross ("股子份有限公司")."""
    if obj.get("object_type") != "char" or "matrix" not in obj:
        return True
    a, b = abs(obj["matrix"][0]), abs(obj["matrix"][1])
    return min(a, b) <= 0.02 * max(a, b)


def _words(plumber_page) -> list[Word]:
    out = []
    for w in plumber_page.filter(level).extract_words(keep_blank_chars=False, use_text_flow=False):
        box = Box(x0=float(w["x0"]), y0=float(w["top"]), x1=float(w["x1"]), y1=float(w["bottom"]))
        out.append(Word(text=w["text"], box=box))
    return out


def _forget_objects(doc) -> None:
    """Empties pdfminer's cache of parsed objects (they are parsed again when asked for)."""
    for cache in (getattr(doc, "_cached_objs", None), getattr(doc, "_parsed_objs", None)):
        if cache is not None:
            cache.clear()


def pdf_pages(source: bytes | Path, name: str = "document.pdf", max_pages: int | None = None) -> Iterator[PdfPage]:
    """Pages in order, from the file's bytes or from the file itself (a long scan's bytes are
    then never all in memory). Raises PdfError (before the first page) for encrypted,
    corrupt, truncated or over-long files."""
    import pdfplumber

    max_pages = max_pages or limit("pdf_pages")
    doc = _open(source, name)
    try:
        n = len(doc)
        if n == 0:
            raise PdfError(f"{name}: PDF has no pages")
        if n > max_pages:
            raise PdfError(f"{name}: PDF has {n} pages, more than the limit of {max_pages} (DOSSIER_MAX_PAGES); split it")
        try:
            plumber = pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        except Exception:  # pdfminer cannot parse what pdfium could: OCR every page
            plumber = None
        try:
            for i in range(n):
                if i and i % REOPEN_EVERY == 0:
                    doc.close()
                    doc = _open(source, name)
                page = doc[i]
                width, height = page.get_size()
                if max(width, height) > limit("page_points"):
                    raise PdfError(
                        f"{name}: page {i + 1} too large: {width:.0f}×{height:.0f} pt (over "
                        f"{limit('page_points')} pt a side, DOSSIER_MAX_PAGE_POINTS); not rendered"
                    )
                words = None
                if plumber is not None:
                    try:
                        candidate = _words(plumber.pages[i])
                        words = candidate if usable_text(candidate, image_cover(plumber.pages[i])) else None
                    except Exception:
                        words = None
                    finally:
                        if i < len(plumber.pages):
                            plumber.pages[i].close()
                        _forget_objects(plumber.doc)
                yield PdfPage(number=i + 1, width=width, height=height, words=words, _pdfium_page=page)
        finally:
            if plumber is not None:
                plumber.close()
    finally:
        doc.close()
