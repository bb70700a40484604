"""The three real standards in shared/realdocs match their ground truth (gt/*.json): the
pages that carry the fields (cover, 前言) cut out of each PDF, read as ingest reads them.
GB/T 28181—2022 is an approval draft (XXXX-XX-XX: no date), GB/T 19056—2012 has no cover
and splits 负责/参加起草单位, JT/T 808—2019's text layer is glyph codes, so it is OCR'd."""
import hashlib
import json
from pathlib import Path

import pytest

from extract import extract_document
from ingest.cache import OcrCache
from ingest.read import read_document

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
SCORED = ("doc_type", "standard_code", "level", "publish_date", "implement_date", "drafting_units")

pytestmark = pytest.mark.skipif(not REALDOCS.is_dir(), reason=f"shared/realdocs not found beside the repo ({REALDOCS})")


def _pages(src: Path, numbers: list[int], out: Path) -> Path:
    import pypdfium2

    pdf, part = pypdfium2.PdfDocument(str(src)), pypdfium2.PdfDocument.new()
    try:
        part.import_pages(pdf, [n - 1 for n in numbers])
        part.save(str(out))
    finally:
        part.close()
        pdf.close()
    return out


def _check(name: str, numbers: list[int], tmp_path: Path) -> None:
    path = _pages(REALDOCS / name, numbers, tmp_path / "part.pdf")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    doc = read_document(path, sha, name, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "pages")
    dc = extract_document(doc)
    expected = json.loads((REALDOCS / "gt" / f"{name}.json").read_text(encoding="utf-8"))["expected"]
    got = {"doc_type": dc.doc_type.value, **{c.field: c.value for c in dc.claims}}
    got = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in got.items()}
    assert {k: got.get(k) for k in SCORED} == {k: expected[k] for k in SCORED}
    for field in ("publish_date", "implement_date"):
        if expected[field] is None and dc.get(field) is not None:
            assert dc.get(field).flags, field  # a missing date is said, not silently dropped


def test_gbt28181_approval_draft_cover_and_foreword(tmp_path):
    _check("Clay-1999_gbt28181_1900__GBT28181-2022_报批稿_封面前言.pdf", [1, 5, 6], tmp_path)


def test_gbt19056_without_cover_lead_then_participants(tmp_path):
    _check("SmallChi_JT808__GBT19056-2012_无封面_负责与参加起草单位.pdf", [1, 4, 5], tmp_path)


@pytest.mark.slow
def test_jtt808_garbled_text_layer_is_read_by_ocr(tmp_path):
    _check("SmallChi_JT808__JTT808-2019_行业标准_文本层乱码.pdf", [1, 4], tmp_path)
