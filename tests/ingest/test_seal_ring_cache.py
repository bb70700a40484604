"""A seal ring's cache entry (ingest.cache) is keyed on everything that decides what is read off
the ring: the ring reader's version and the seal finder's it stands on (ingest.seal's red mask
and seal regions say where the rings are)."""
from core.models import Box, Line
from ingest import seal
from ingest.cache import OcrCache
from ingest.ocr.rapid import RapidOcrEngine

RING = [Line(text="深圳数联软件服务有限公司", confidence=0.9, box=Box(x0=560, y0=250, x1=760, y1=400))]


def test_a_new_seal_finder_reads_the_rings_again(tmp_path, monkeypatch):
    engine, cache = RapidOcrEngine(), OcrCache(tmp_path / "cache")
    cache.put_rings("page-image", engine, RING)
    assert cache.get_rings("page-image", engine) == RING
    monkeypatch.setattr(seal, "VERSION", seal.VERSION + 1)
    assert cache.get_rings("page-image", engine) is None
