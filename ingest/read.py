"""read_document: the one call the flows make to turn a received file into pages.

It never raises for bad input: a file that cannot be read comes back as a Document with
status error/unsupported and a reason a reviewer can act on; the dossier goes on.
"""
from __future__ import annotations

import logging
import time
from importlib.metadata import version as _pkg_version
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from core.atomic import write_atomic
from core.models import Document, FileStatus, Page, ReadingSource
from ingest import orient, seal, seal_ring, sniff
from ingest.cache import OcrCache
from ingest.image import ImageError, OverBudget, iter_frames
from ingest.limits import limit
from ingest.lines import group_words
from ingest.ocr.base import EngineUnavailable, OcrEngine
from ingest.ofd import OfdError, page_picture, read_ofd
from ingest.pdf import OCR_DPI, PdfError, pdf_pages
from ingest.qr import qr_tags
from ingest.render import draw_page
from ingest.xml_invoice import XmlInvoiceError, read_xml

log = logging.getLogger(__name__)

TEXT_LAYER_SCALE = 2.0  # text-layer pages are rendered at 144 dpi; boxes stay in points
# A text layer already holds an invoice's fields; its QR code is a cross-check, so only the
# first invoice-like pages of a PDF are scanned for one (~50 ms a page).
QR_TEXT_PAGES = 3


def may_be_invoice(text: str) -> bool:
    """An invoice's page prints 价税合计 or a 税额 column; a contract that says 发票 or a
    licence under a seal does not, and has no seal ring read."""
    return "价税合计" in text or "税额" in text


def may_hold_qr(text: str) -> bool:
    """Invoices (发票) and receipts (票据) print QR codes; contracts and licences are not
    searched for one (~70 ms a page saved)."""
    return "票" in text
READ_ERRORS = (PdfError, ImageError, OfdError, XmlInvoiceError, sniff.EmptyFile, EngineUnavailable)


def ocr_oriented(engine: OcrEngine, image: np.ndarray) -> tuple[list, np.ndarray, int, float]:
    """(lines, upright image, rotation, skew): engines that detect text themselves decide the
    orientation from their own pass; others get the cheap standalone detector first."""
    if hasattr(engine, "read_oriented"):
        return engine.read_oriented(image)
    image, rotation, skew = orient.upright(image)
    return engine.read(image), image, rotation, skew


def read_crop(engine: OcrEngine, crop: np.ndarray, page_shape: tuple[int, ...]) -> list:
    """Lines on a part of a page, in the crop's pixels. Engines that scale the page for their
    detector (rapidocr) read the crop at the page's scale, so a small crop costs little and
    reads as it would in the page; others read the crop as it is."""
    if hasattr(engine, "read_crop"):
        return engine.read_crop(crop, page_shape)
    return engine.read(crop)


def read_under_seals(engine: OcrEngine, image: np.ndarray, lines: list) -> tuple[list, dict]:
    """A page with a red seal has the parts around its seals read a second time with the
    seal's ink lifted off, and the readings are merged (ingest.seal.merge_passes); the cost
    follows the seals' area, and a page without one costs nothing more. Returns (lines, what
    was done, for the page's settings so an auditor sees it)."""
    regions = seal.seal_regions(image)
    if not regions:
        return lines, {}
    paper = seal.paper_red(image)

    def lifted(crop: seal.Rect) -> list:
        x0, y0, x1, y1 = crop
        return read_crop(engine, seal.suppress_red(image[y0:y1, x0:x1], seal.within(regions, crop), paper), image.shape)

    second = []
    for crop in seal.crops(image.shape, regions, lines):
        found = lifted(crop)
        second += seal.to_page(found, crop, image.shape)
        # a line running out of the crop's side, unseen by the first pass: its row, read to its end
        for row in seal.cut_rows(found, crop, image.shape):
            second += [line for line in seal.to_page(lifted(row), row, image.shape)
                       if line.box.x0 < crop[0] or line.box.x1 > crop[2]]
    merged, added, replaced = seal.merge_passes(lines, sorted(second, key=lambda line: line.box.cy), regions,
                                                printed=seal.print_mask(image, paper))
    return merged, {"seals": len(regions), "seal_lines_added": added, "seal_lines_replaced": replaced}


class _Reader:
    def __init__(self, sha256: str, name: str, engine: OcrEngine | None, cache: OcrCache | None, render_dir: Path | None):
        from core.home import home, pages_dir

        self.sha256 = sha256
        self.name = name
        self._engine = engine
        self.cache = cache if cache is not None else OcrCache()
        self.home = home()
        self.render_dir = Path(render_dir) if render_dir else pages_dir() / sha256
        self.qr_scans = 0
        self.unread: str | None = None  # part of the file not read (over a budget): the file is an error, its pages kept

    @property
    def engine(self) -> OcrEngine:
        # Loaded only when a page needs OCR: a text-layer PDF never pays for the model.
        if self._engine is None:
            from ingest.ocr import get_engine

            self._engine = get_engine()
        return self._engine

    def image_path(self, number: int, ext: str) -> Path:
        return self.render_dir / f"{number}.{ext}"

    def save(self, image: np.ndarray, number: int, ext: str) -> str:
        path = self.image_path(number, ext)
        params = [cv2.IMWRITE_JPEG_QUALITY, 85] if ext == "jpg" else [cv2.IMWRITE_PNG_COMPRESSION, 1]
        ok, encoded = cv2.imencode(f".{ext}", image, params)
        if not ok:
            raise OSError(f"cannot encode page image {path}")
        write_atomic(path, encoded.tobytes())
        return self.relative(path)

    def has_image(self, number: int, ext: str) -> bool:
        """The page image is there and decodes to its end: one cut short (a crash before
        writes were atomic, a full disk) is drawn again."""
        try:
            with Image.open(self.image_path(number, ext)) as img:
                img.load()
            return True
        except (OSError, SyntaxError, ValueError):
            return False

    def relative(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.home))
        except ValueError:
            return str(path.resolve())

    # ---------------------------------------------------------------- page kinds
    def ocr_page(self, number: int, load: Callable[[], np.ndarray], settings: dict | None = None) -> Page:
        engine = self.engine
        hit = self.cache.get(self.sha256, number, engine)
        if hit is not None:
            # The cached page may have been rendered elsewhere; this run's image must exist here.
            image = None
            if not self.has_image(number, "png"):
                image = orient.deskew(orient.rotate(load(), hit.rotation), hit.skew)
                self.save(image, number, "png")
            page = hit.model_copy(update={"image": self.relative(self.image_path(number, "png"))})
            page.seal_rings = self.seal_rings(page, image)
            return page
        start = time.perf_counter()
        lines, image, rotation, skew = ocr_oriented(engine, load())
        settings = {**engine.settings, **(settings or {})}
        if engine.settings.get("seal_pass"):
            lines, record = read_under_seals(engine, image, lines)
            settings.update(record)
        page = Page(
            number=number, width=image.shape[1], height=image.shape[0], unit="px",
            source=ReadingSource(kind="ocr", engine=engine.name, version=engine.version, settings=settings),
            lines=lines, rotation=rotation, skew=skew,
            tags=qr_tags(image) if may_hold_qr("".join(line.text for line in lines)) else {},
            image=self.save(image, number, "png"),
        )
        page.seconds = round(time.perf_counter() - start, 4)
        self.cache.put(self.sha256, number, engine, page)
        page.seal_rings = self.seal_rings(page, image)
        return page

    def seal_rings(self, page: Page, image: np.ndarray | None) -> list:
        """The text round the seals of an invoice's page (ingest.seal_ring), from its own
        cache entry, keyed on the page image: the page's OCR entry never holds it, so a warm
        OCR cache stays warm. Engines without a whole-line reader read no rings."""
        engine = self.engine
        if not hasattr(engine, "read_line") or not may_be_invoice(page.text):
            return []
        if image is None:
            image = cv2.imread(str(self.image_path(page.number, "png")), cv2.IMREAD_COLOR)
            if image is None:
                return []
        key = seal_ring.image_key(image)
        rings = self.cache.get_rings(key, engine)
        if rings is None:
            try:
                rings = seal_ring.read_rings(image, engine.read_line)
            except Exception:  # noqa: BLE001 - the ring only feeds one flag: it must never cost the page
                # (a degenerate outline, the recogniser failing); not cached, so the next read tries again
                log.warning("seal ring of %s page %d not read", self.name, page.number, exc_info=True)
                return []
            self.cache.put_rings(key, engine, rings)
        return rings

    def text_page(self, pdf_page) -> Page:
        start = time.perf_counter()
        lines = group_words(pdf_page.words)
        path = self.image_path(pdf_page.number, "jpg")
        tags: dict[str, list[str]] = {}
        text = "".join(line.text for line in lines)
        scan_qr = may_hold_qr(text) and self.qr_scans < QR_TEXT_PAGES
        missing = not self.has_image(pdf_page.number, "jpg")
        if missing or scan_qr:
            image = pdf_page.render(TEXT_LAYER_SCALE)
            if missing:
                self.save(image, pdf_page.number, "jpg")
            if scan_qr:
                self.qr_scans += 1
                tags = qr_tags(image)
        return Page(
            number=pdf_page.number, width=pdf_page.width, height=pdf_page.height, unit="pt",
            source=ReadingSource(kind="text_layer", engine="pdfplumber", version=_pkg_version("pdfplumber")),
            lines=lines, tags=tags, image=self.relative(path), seconds=round(time.perf_counter() - start, 4),
        )

    def drawn(self, page: Page, started: float) -> Page:
        page.image = self.save(draw_page(page, TEXT_LAYER_SCALE), page.number, "png")
        page.seconds = round(time.perf_counter() - started, 4)
        return page

    # ---------------------------------------------------------------- formats
    # PDFs and images are read from their file, page by page or frame by frame: a 200-page
    # scan's bytes (68 MB) are not held in memory while its pages are OCR'd.
    def pdf(self, path: Path) -> list[Page]:
        pages = []
        for p in pdf_pages(path, self.name):
            if p.words is not None:
                pages.append(self.text_page(p))
            else:
                pages.append(self.ocr_page(p.number, lambda p=p: p.render(OCR_DPI / 72), {"dpi": OCR_DPI}))
        return pages

    def image(self, path: Path) -> list[Page]:
        pages: list[Page] = []
        try:
            for i, frame in enumerate(iter_frames(path, self.name), start=1):
                pages.append(self.ocr_page(i, lambda f=frame: f))
                del frame  # one decoded frame at a time
        except OverBudget as exc:
            self.unread = str(exc)
        return pages

    def ofd(self, path: Path) -> list[Page]:
        start = time.perf_counter()
        data = path.read_bytes()
        return [self.outlined(data, p) or self.drawn(p, start) for p in read_ofd(data, self.name)]

    def outlined(self, data: bytes, page: Page) -> Page | None:
        """An OFD page with no text objects of its own (its text drawn as glyph outlines, or
        a scan saved as OFD): rendered, its template's labels with it, and OCR'd; the OFD's
        own tags kept."""
        problems: list[str] = []
        picture = page_picture(data, page.number, problems=problems)
        if problems:  # an image of the page not decoded: the file is an error, what was read kept
            self.unread = "; ".join(filter(None, [self.unread, *problems]))
        if picture is None:
            return None
        image, what = picture
        read = self.ocr_page(page.number, lambda: image, {"ofd": what})
        read.tags = {**page.tags, **read.tags}
        return read

    def xml(self, path: Path) -> list[Page]:
        start = time.perf_counter()
        return [self.drawn(read_xml(path.read_bytes(), self.name), start)]


READERS = {
    sniff.PDF: _Reader.pdf,
    sniff.JPEG: _Reader.image,
    sniff.PNG: _Reader.image,
    sniff.TIFF: _Reader.image,
    sniff.BMP: _Reader.image,
    sniff.WEBP: _Reader.image,
    sniff.GIF: _Reader.image,
    sniff.OFD: _Reader.ofd,
    sniff.XML: _Reader.xml,
}


def read_document(
    path: Path,
    sha256: str,
    original_name: str,
    *,
    engine: OcrEngine | None = None,
    cache: OcrCache | None = None,
    render_dir: Path | None = None,
) -> Document:
    """`cache=None` uses the OCR cache under DOSSIER_HOME; pass ingest.cache.NoCache() to
    read every page afresh. `render_dir` defaults to DOSSIER_HOME/pages/<sha256>."""
    path = Path(path)
    doc = Document(sha256=sha256, original_name=original_name, media_type=sniff.UNKNOWN, size=0)
    try:
        doc.size = path.stat().st_size
        if doc.size > limit("file_bytes"):
            return _failed(doc, FileStatus.error, f"{original_name}: {doc.size / 2**20:.0f} MB is over the {limit('file_bytes') // 2**20} MB limit per file (DOSSIER_MAX_FILE_BYTES)")
        doc.media_type = sniff.sniff_file(path, original_name)
    except sniff.EmptyFile as exc:
        return _failed(doc, FileStatus.error, str(exc))
    except OSError as exc:
        return _failed(doc, FileStatus.error, f"{original_name}: cannot open the file ({exc.strerror or exc})")
    reader = READERS.get(doc.media_type)
    if reader is None:
        what = "a zip archive inside a dossier (unpack it or hand it in as a dossier of its own)" if doc.media_type == sniff.ZIP else "not a PDF, image, OFD or XML invoice"
        return _failed(doc, FileStatus.unsupported, f"{original_name}: unsupported file type: {what}")
    try:
        read = _Reader(sha256, original_name, engine, cache, render_dir)
        doc.pages = reader(read, path)
        if read.unread:
            doc.status, doc.error = FileStatus.error, read.unread
    except READ_ERRORS as exc:
        return _failed(doc, FileStatus.error, str(exc))
    except Exception as exc:  # noqa: BLE001 - one unreadable file must never stop the dossier
        return _failed(doc, FileStatus.error, f"{original_name}: could not be read ({type(exc).__name__}: {exc})")
    return doc


def _failed(doc: Document, status: FileStatus, reason: str) -> Document:
    doc.status = status
    doc.error = reason
    doc.pages = []
    return doc
