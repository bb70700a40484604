"""Issue 8's families on real documents, read end to end as `dossier eval` reads them: every
key field of each document is its hand-written ground truth (gt/<file>.json), and none is
classified `other`, and no invoice raises `qr_mismatch`. fixtures/realdev's text-layer documents (real text or values laid out by
fixtures/realforms.py: a local and a national cover + 前言, an ISO page, group covers, a
备案月报, 技术服务/采购/租赁 contracts, 数电票 and 电子普通发票), and ../shared/realdocs (real
files: licences photographed, scanned and printed from the 电子营业执照, paper and electronic
invoices, OFDs). fixtures/realeval (held out) is never read here."""
from __future__ import annotations

from pathlib import Path

import pytest

from flows.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
REALDEV = ROOT / "fixtures" / "realdev"
REALDOCS = ROOT.parent / "shared" / "realdocs"

# The text-layer documents of realdev when this test was written (through the fourteenth batch) (its photos need minutes of
# OCR and are scored by `make eval`); a document added later joins `make eval`, not this list.
REALDEV_TEXT = [
    "DB33T2296-2020_地方标准封面前言_real-text-our-rendering.pdf",
    "GBT38378-2019_封面前言_real-text-our-rendering.pdf",
    "GBT45435-2025_封面前言_real-text-our-rendering.pdf",
    "ISOIEC30141-2024_出版页_real-text-our-rendering.pdf",
    "TCAMET04011.4-2018_团体标准封面前言_real-text-our-rendering.pdf",
    "TCAMET04011.6-2018_团体标准封面前言_real-text-our-rendering.pdf",
    "地方标准备案月报_2026年第7号_附表_real-text-our-rendering.pdf",
    "技术服务合同_莆永高速仙溪大桥_HT02CB1800111_real-text-our-rendering.pdf",
    "政府采购合同_长沙城区排水_泵站巡查_real-text-our-rendering.pdf",
    "租赁合同_AS20250010_real-text-our-rendering.pdf",
    "数电票专票_特斯拉杭州_3M膜_real-values-our-rendering.pdf",
    "电子普通发票_天津_滴滴出行_real-values-our-rendering.pdf",
    "数电票_沈阳美肯玛尼_超声刀头_real-values-our-rendering.pdf",
]

MAX_PAGES_HERE = 20  # the standards' long texts are read page by page by test_standard_realdocs


def _misses(path: Path) -> list[tuple]:
    """What the evaluation scores wrong or missing on one document. Pages are read through the
    session home's OCR cache, which tests/ingest/test_ingest_realdocs.py reads the same files
    through: the real OCR of a realdocs image is paid once per test session."""
    from extract import extract_document
    from flows.evaluate import read

    readings = []

    def reading(p: Path):
        readings.append(read(p))
        return readings[-1]

    report = evaluate([path], reader=reading)
    [doc] = report.documents
    assert doc.doc_type != "other" and not doc.error, (doc.doc_type, doc.error)
    # and no real invoice disagrees with its own QR code (a second extraction, since the report
    # keeps no flags: only where a page carries a QR code's values, as nothing else can disagree)
    if any(key.startswith("qr.") for page in readings[0].pages for key in page.tags):
        assert "qr_mismatch" not in {f.code for f in extract_document(readings[0]).flags}
    return [(r.field, r.expected, r.got) for r in doc.results if r.key and r.outcome not in ("tp", "tn")]


@pytest.mark.parametrize("name", REALDEV_TEXT, ids=lambda n: n.split("_real-")[0])
def test_realdev_text_layer_document_every_key_field(name):
    path = REALDEV / name
    if not path.is_file():
        pytest.skip(f"{name} is no longer in fixtures/realdev")
    assert _misses(path) == []


def _realdocs() -> list:
    if not REALDOCS.is_dir():
        return []
    from tests.ingest.test_ingest_realdocs import _page_count

    files = sorted(p for p in REALDOCS.iterdir() if p.is_file() and p.suffix != ".md" and _page_count(p) <= MAX_PAGES_HERE)
    return [pytest.param(p, id=p.name[:40], marks=[pytest.mark.slow] if p.suffix.lower() in (".jpg", ".png") else [])
            for p in files]


@pytest.mark.skipif(not REALDOCS.is_dir(), reason=f"shared/realdocs not found beside the repo ({REALDOCS})")
@pytest.mark.parametrize("path", _realdocs())
def test_realdocs_document_every_key_field(path):
    assert _misses(path) == []
