"""The five real documents in shared/realdocs all ingest (evaluation material, not fixtures)."""
import hashlib
import json
from pathlib import Path

import pytest

from core.models import FileStatus
from ingest.cache import OcrCache
from ingest.read import read_document

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
FILES = sorted(p for p in REALDOCS.glob("*") if p.is_file() and p.suffix != ".md") if REALDOCS.is_dir() else []

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not FILES, reason=f"shared/realdocs not found beside the repo ({REALDOCS})"),
]


def test_all_five_real_documents_read_ok(tmp_path):
    assert len(FILES) == 5
    for path in FILES:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        doc = read_document(path, sha, path.name, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / sha[:8])
        assert doc.status == FileStatus.ok, (path.name, doc.error)
        assert doc.pages and doc.pages[0].lines, path.name
        gt = json.loads((REALDOCS / "gt" / f"{path.name}.json").read_text())
        flat = json.dumps(gt, ensure_ascii=False)
        # Every document's invoice/receipt number (or the OFD's 20-digit number) is on the page.
        text = doc.text.replace(" ", "")
        numbers = [n for n in ("36523185", "87654321", "33207675", "24322000000489101796", "23479359201030") if n in flat]
        assert numbers and any(n in text for n in numbers), path.name


def test_real_scan_turned_on_its_side_reads_upright(tmp_path):
    import cv2

    src = REALDOCS / "guanshuicheng_invoice__增值税专用发票.jpg"
    turned = tmp_path / "turned.png"
    cv2.imwrite(str(turned), cv2.rotate(cv2.imread(str(src)), cv2.ROTATE_90_CLOCKWISE))
    doc = read_document(turned, "7" * 64, turned.name, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "p")
    assert doc.pages[0].rotation == 270
    assert "87654321" in doc.text.replace(" ", "")
