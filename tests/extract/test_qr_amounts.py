"""Which amount an invoice's QR code states: 合计金额 on the older kinds, 价税合计 on a 数电票."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from extract import extract_document
from ingest.cache import NoCache
from ingest.qr import parse_invoice
from ingest.read import read_document
from tests.extract.builders import OLD_INVOICE, boxes_page, document, old_invoice_lines

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
SHUDIAN = REALDOCS / "wanglia101511_tools__数电票专票_芯片_2025-10-20.pdf"
OLD_E = REALDOCS / "dksky_myFirstProject__上海增值税电子普通发票_折扣行_2022-01-05.pdf"


@pytest.mark.parametrize("payload, key", [
    ("01,31,,25317000002228021821,35559.69,20251020,,58E4", "qr.total_amount"),       # 数电专票
    ("01,32,,24442000000987654321,113.00,20240315,,8A3F", "qr.total_amount"),         # 数电普票
    ("01,10,031002100511,06825401,4556.12,20220105,51449280430628915350,9FC6,", "qr.amount_excl_tax"),
    ("01,01,1200154130,03630024,94339.62,20160621,,9335,", "qr.amount_excl_tax"),    # 专票
    ("01,04,4200161350,00015045,165106.00,20160501,48114255542168294433,DBFE,", "qr.amount_excl_tax"),
    ("01,99,,24442000000987654321,113.00,20240315,,8A3F", "qr.total_amount"),         # unknown kind, 数电票 shape
    # 数电纸质发票 (85 专票, 86 普票): verified as paper invoices are, by 合计金额, whichever number it carries
    ("01,85,4400231130,01234567,113207.55,20250318,,3C1D", "qr.amount_excl_tax"),
    ("01,86,044002300111,01234567,113207.55,20250318,,3C1D", "qr.amount_excl_tax"),
    ("01,85,,25442000000123456789,113207.55,20250318,,3C1D", "qr.amount_excl_tax"),
])
def test_the_qr_amount_goes_under_the_kind_s_own_key(payload, key):
    tags = parse_invoice(payload)
    other = {"qr.total_amount", "qr.amount_excl_tax"} - {key}
    assert key in tags and not other & set(tags)


@pytest.mark.skipif(not SHUDIAN.is_file(), reason="shared/realdocs not found")
@pytest.mark.parametrize("path", [SHUDIAN, OLD_E], ids=["shudian", "old-electronic"])
def test_real_invoices_agree_with_their_own_qr_code(path):
    """The real 数电专票 states 价税合计 35559.69 in its QR code (金额合计 31468.75): read as
    合计金额 it raised a false qr_mismatch on every real 数电票."""
    doc = read_document(path, hashlib.sha256(path.read_bytes()).hexdigest(), path.name, cache=NoCache())
    assert any(k.startswith("qr.invoice_number") for p in doc.pages for k in p.tags)
    dc = extract_document(doc)
    assert "qr_mismatch" not in {f.code for f in dc.flags}
    if path == SHUDIAN:
        assert dc.value("total_amount") == Decimal("35559.69") and dc.value("amount_excl_tax") == Decimal("31468.75")


def _paper_shudian(*payloads: str):
    """A 数电纸质发票 (a 专票 form, 合计金额 113207.55, 价税合计 120000.00) printing its paper number
    01234567 and its 数电发票号码, with the QR codes given."""
    tags: dict[str, list[str]] = {}
    for payload in payloads:
        for key, value in parse_invoice(payload).items():
            if value:
                tags.setdefault(key, []).append(value)
    lines = old_invoice_lines(OLD_INVOICE) + [("数电发票号码：25442000000123456789", 560, 60)]
    dc = extract_document(document(boxes_page(lines, tags=tags), name="paper_shudian.jpg"))
    return [f.message for f in dc.flags if f.code == "qr_mismatch"]


@pytest.mark.parametrize("kind", ["85", "86"])
@pytest.mark.parametrize("code, number", [("4400194130", "01234567"), ("", "25442000000123456789")],
                         ids=["paper-number", "shudian-number"])
def test_a_paper_shudian_invoice_agrees_with_its_qr_code_by_either_number(kind, code, number):
    assert _paper_shudian(f"01,{kind},{code},{number},113207.55,20250318,,3C1D") == []


@pytest.mark.parametrize("payload, field", [
    ("01,85,4400194130,01234567,113207.56,20250318,,3C1D", "amount_excl_tax"),  # a cent off: still checked
    ("01,85,,25442000000123456789,120000.00,20250318,,3C1D", "amount_excl_tax"),  # 价税合计 where 合计金额 belongs
    ("01,86,4400194130,01234568,113207.55,20250318,,3C1D", "invoice_number"),  # a number the page never prints
])
def test_a_paper_shudian_qr_code_that_disagrees_is_flagged(payload, field):
    assert [m.split(":")[0] for m in _paper_shudian(payload)] == [field]


@pytest.mark.parametrize("kind", ["85", "86", "01"])
def test_a_misread_copy_of_the_paper_number_still_disagrees_with_the_qr_code(kind):
    # the paper's number is printed twice (No… and under the code): one copy misread is what the
    # QR code is there to catch, even though the page prints the QR's number in the other copy
    lines = [("No01234561", x, y) if text.startswith("No") else (text, x, y)
             for text, x, y in old_invoice_lines(OLD_INVOICE)]
    tags = {k: [v] for k, v in parse_invoice(f"01,{kind},4400194130,01234567,113207.55,20250318,,3C1D").items() if v}
    dc = extract_document(document(boxes_page(lines, tags=tags), name="paper.jpg"))
    assert dc.value("invoice_number") == "01234561"  # the No… copy is the one read
    assert [f.message.split(":")[0] for f in dc.flags if f.code == "qr_mismatch"] == ["invoice_number"]
