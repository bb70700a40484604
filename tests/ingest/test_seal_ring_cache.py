"""A seal ring's cache entry (ingest.cache) is keyed on everything that decides what is read off
the ring: the ring reader's version and the seal finder's it stands on (ingest.seal's red mask
and seal regions say where the rings are). A ring that cannot be read costs the page nothing."""
import cv2

from core.models import Box, FileStatus, Line
from ingest import seal
from ingest.archive import LocalArchive
from ingest.cache import OcrCache
from ingest.ocr.rapid import RapidOcrEngine
from ingest.read import read_document
from tests.ingest.test_seal_ring import ringed

RING = [Line(text="深圳数联软件服务有限公司", confidence=0.9, box=Box(x0=560, y0=250, x1=760, y1=400))]


def test_a_new_seal_finder_reads_the_rings_again(tmp_path, monkeypatch):
    engine, cache = RapidOcrEngine(), OcrCache(tmp_path / "cache")
    cache.put_rings("page-image", engine, RING)
    assert cache.get_rings("page-image", engine) == RING
    monkeypatch.setattr(seal, "VERSION", seal.VERSION + 1)
    assert cache.get_rings("page-image", engine) is None


def test_a_new_skipped_glyph_mark_reads_the_rings_again(tmp_path):
    # the ring is read by the recogniser, whose glyphs the skipped-glyph mark lowers
    engine, cache = RapidOcrEngine(), OcrCache(tmp_path / "cache")
    cache.put_rings("page-image", engine, RING)
    other = RapidOcrEngine()
    other.settings["glyph_gap"] = [*engine.settings["glyph_gap"][:1], 0.3, *engine.settings["glyph_gap"][2:]]
    assert cache.get_rings("page-image", other) is None
    # a setting only the page passes use leaves the ring's entry standing
    other = RapidOcrEngine(seal_pass=False)
    assert cache.get_rings("page-image", other) == RING


class RingFails(RapidOcrEngine):
    """The real engine, its ring reading failing as a degenerate outline does in unroll
    (int(nan) when fitEllipse gives up) — no input found here makes this OpenCV do it."""

    def read_line(self, image):
        raise ValueError("cannot convert float NaN to integer")


def test_a_ring_that_cannot_be_read_loses_no_page_and_is_not_cached(tmp_path, caplog):
    path = tmp_path / "invoice.png"
    cv2.imwrite(str(path), ringed())
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    engine, cache = RingFails(), OcrCache(tmp_path / "cache")
    doc = read_document(path, sha, path.name, engine=engine, cache=cache, render_dir=tmp_path / "pages")
    # the page's OCR stands (the ring only feeds seal_name_disagrees); the failure is logged
    assert doc.status == FileStatus.ok and len(doc.pages) == 1 and "价税合计" in doc.pages[0].text
    assert doc.pages[0].seal_rings == [] and "seal ring" in caplog.text
    # and nothing is cached for the ring, so the next read tries again
    assert not (tmp_path / "cache" / "seal_ring").exists()
