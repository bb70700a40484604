"""A seller's tax id checked against the credit code across its own 发票专用章's middle: flagged
when the seal's code (its check character right) is another, never when it is unread."""
from __future__ import annotations

import random

import pytest

from core.models import Box, Line
from extract import extract_document
from extract.crosscheck import check_seal_tax_id
from extract.recheck import RECHECKED
from extract.seal_id import centre_ids
from tests.extract.builders import OCR, OLD_INVOICE, boxes_page, document, line, old_invoice_lines

SEAL = Box(x0=600, y0=400, x1=780, y1=520)
ON_PAGE = OLD_INVOICE["seller_id"]   # 914403007261824992
OTHER = "91440300726182459X"           # one digit off, its own check character right
UNREAD = "914403007261824592"          # one digit off, the check character wrong: a misread


def invoice(seal_code: str | None, rings: bool = True, extra: tuple[tuple[str, float, float], ...] = (),
            purpose: str = "发票专用章"):
    page = boxes_page(old_invoice_lines(OLD_INVOICE) + list(extra), source=OCR)
    # the seal's straight text, read by the page's OCR: the code across its middle, its purpose below
    if seal_code is not None:
        page.lines.append(line(seal_code, SEAL.cx - 60, SEAL.cy - 6, 12))
    if purpose:
        page.lines.append(line(purpose, SEAL.cx - 6 * len(purpose), SEAL.cy + 30, 12))
    if rings:
        page.seal_rings = [Line(text="深圳数联软件服务有限公司", confidence=0.9, box=SEAL)] * 2
    return document(page, name="photo.jpg")


def flags(dc) -> set[str]:
    return {f.code for f in dc.get("seller_tax_id").flags}


def test_a_seal_whose_middle_prints_another_code_flags_the_seller_tax_id():
    doc = invoice(OTHER)
    assert [s.code for s in centre_ids(doc.pages)] == [OTHER]
    dc = extract_document(doc)
    tax_id = dc.get("seller_tax_id")
    assert tax_id.value == ON_PAGE  # flagged, never changed
    assert flags(dc) == {"seal_tax_id_disagrees"} and tax_id.confidence <= 0.5
    assert tax_id.evidence[-1].text == OTHER and "seal centre" in tax_id.evidence[-1].source
    assert "seal_tax_id_disagrees" in RECHECKED
    check_seal_tax_id(dc, doc)  # re-run: nothing doubles
    assert len(tax_id.flags) == 1 and len(tax_id.evidence) == 2


def test_a_seal_that_prints_the_sellers_code_raises_nothing():
    dc = extract_document(invoice(ON_PAGE))
    assert not flags(dc) and dc.get("seller_tax_id").confidence > 0.5


def test_a_seal_whose_code_is_unread_or_misread_says_nothing():
    for doc in (invoice(None), invoice(UNREAD), invoice(OTHER, rings=False)):
        assert centre_ids(doc.pages) == []
        assert "seal_tax_id_disagrees" not in flags(extract_document(doc))


def test_a_code_printed_beside_the_seal_is_not_its_middle():
    doc = invoice(None, extra=((OTHER, SEAL.x1 + 10, SEAL.cy - 6),))
    assert centre_ids(doc.pages) == [] and "seal_tax_id_disagrees" not in flags(extract_document(doc))


def test_a_seal_that_is_no_invoice_seal_is_not_the_sellers():
    # an applicant's 公章 pressed over whatever print: the buyer's id at its middle
    assert centre_ids(invoice(OLD_INVOICE["buyer_id"], purpose="").pages) == []
    dc = extract_document(invoice(OTHER, purpose="代开发票专用章"))  # the tax office's
    assert "dai_kai" in flags(dc) and "seal_tax_id_disagrees" not in flags(dc)
    # its 代开 read as a box of its own, above 发票专用章
    split = invoice(OTHER, extra=(("代开", SEAL.cx - 12, SEAL.cy + 14),))
    assert centre_ids(split.pages) == [] and "seal_tax_id_disagrees" not in flags(extract_document(split))


@pytest.mark.slow
def test_a_scanned_invoice_whose_seal_prints_another_code_is_flagged(tmp_path):
    """Real OCR: a 专票 scan, its seller's id printed right in the 销售方 block and its seal's
    middle printing another valid code."""
    from fixtures.generator.invoice import random_invoice, render
    from fixtures.generator.scan import rasterise
    from extract.normalise.codes import credit_check_char
    from ingest.archive import LocalArchive
    from ingest.cache import OcrCache
    from ingest.ocr.rapid import RapidOcrEngine
    from ingest.read import read_document

    inv = random_invoice(random.Random(5), "专票")
    own = inv.seller.credit_code
    other = own[:7] + str((int(own[7]) + 1) % 10) + own[8:17]  # another district's company
    inv.seal_code = other + credit_check_char(other)
    path = tmp_path / "scan.jpg"
    rasterise(render(inv, random.Random(1)), 200)[0].save(path, quality=90)
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    doc = read_document(path, sha, path.name, engine=RapidOcrEngine(), cache=OcrCache(tmp_path / "cache"),
                        render_dir=tmp_path / "pages")
    assert inv.seal_code in [s.code for s in centre_ids(doc.pages)]
    tax_id = extract_document(doc).get("seller_tax_id")
    assert tax_id.value == own and "seal_tax_id_disagrees" in {f.code for f in tax_id.flags}
    assert tax_id.confidence <= 0.5 and inv.seal_code in tax_id.evidence[-1].text
