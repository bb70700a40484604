"""The national notice of tests/extract/data/standards/ printed as a real one is (a table
with ruled cells under the body, the signature date under the issuers): as a text-layer PDF
and as a scan read by OCR, each standard of the annex comes out with its code clean of the
rules, its level and its dates."""
from datetime import date
from pathlib import Path

import pytest

from extract import extract_document
from fixtures.generator.scan import rasterise
from fixtures.generator.sheet import Sheet
from ingest.cache import OcrCache
from ingest.read import read_document
from tests.extract.standard_pages import DATA

XS = [20, 32, 70, 150, 178, 200]  # mm: 序号 | 标准编号 | 标准名称 | 代替标准号 | 实施日期


def _notice_pdf() -> bytes:
    s = Sheet(210, 297)
    body = (DATA / "national_samr.txt").read_text(encoding="utf-8").splitlines()
    s.text(105, 30, body[0], 14, align="center")
    y = s.wrap(20, 42, body[1], 170, 12)
    y = s.wrap(20, y + 4, body[2], 170, 11, indent=2)
    y = s.wrap(20, y, body[3], 170, 11, indent=2) + 4
    rows = [r.split("\t") for r in (DATA / "national_samr_annex.tsv").read_text(encoding="utf-8").splitlines()]
    top = y
    for i, row in enumerate(rows):
        s.line(XS[0], y, XS[-1], y, width=0.5)
        height = 8 if i == 0 else 13
        for k, cell in enumerate(row):
            if k == 2 and i:
                s.wrap(XS[k] + 1, y + 5, cell, XS[k + 1] - XS[k] - 2, 9, leading=1.5)
            elif cell:
                s.text((XS[k] + XS[k + 1]) / 2, y + 5.5, cell, 9, align="center", fit=XS[k + 1] - XS[k] - 1)
        y += height
    s.line(XS[0], y, XS[-1], y, width=0.5)
    s.vlines(XS, top, y)
    s.text(160, y + 25, body[4], 11, align="center")
    s.text(160, y + 33, body[5], 11, align="center")
    return s.pdf_bytes()


def _read(path: Path, tmp_path: Path):
    import hashlib

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return read_document(path, sha, path.name, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "pages")


def _check(dc) -> None:
    got = {c.field: c for c in dc.claims}
    assert dc.doc_type.value == "standard_notice"
    assert [(e.code, e.level, e.implement_date) for e in got["standards"].value] == [
        ("GB/T 46803.1-2025", "national", date(2026, 7, 1)), ("GB/T 46803.2-2025", "national", date(2026, 7, 1))]
    assert got["standard_code"].value == "GB/T 46803.1-2025" and got["publish_date"].value == date(2025, 12, 2)


def test_text_layer_notice_with_a_ruled_annex(tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(_notice_pdf())
    doc = _read(path, tmp_path)
    assert doc.pages[0].source.kind == "text_layer"
    _check(extract_document(doc))


@pytest.mark.slow
def test_scanned_notice_with_a_ruled_annex(tmp_path):
    path = tmp_path / "notice.png"
    rasterise(_notice_pdf(), 200)[0].save(path)
    doc = _read(path, tmp_path)
    assert doc.pages[0].source.kind == "ocr"
    _check(extract_document(doc))
