import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ingest.ofd import MM_TO_PT, OfdError, page_picture, read_ofd
from ingest.qr import parse_invoice, qr_tags
from ingest.xml_invoice import XmlInvoiceError, read_xml
from tests.ingest.makers import einvoice_xml, jbig2_bytes, ofd_bytes, qr_image, scanned_ofd, text_image

REAL_OFD = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs" / "erma0_fapiao-print__sample.ofd"


def test_ofd_text_objects_boxes_and_tags():
    [page] = read_ofd(ofd_bytes(), "t.ofd")
    assert page.unit == "pt"
    assert page.width == pytest.approx(210 * MM_TO_PT) and page.height == pytest.approx(140 * MM_TO_PT)
    assert page.tags["InvoiceNo"] == ["24442000000123456789"]
    assert page.tags["BuyerName"] == ["广州市黄埔区测试科技有限公司"]
    assert page.tags["TaxExclusiveTotalAmount"] == ["¥1000.00"]
    assert page.tags["发票号码"] == ["24442000000123456789"]  # OFD.xml CustomData
    by_text = {line.text: line for line in page.lines}
    # The template's label and the page's value sit on one row, close together: one line
    # (the visible 3.6 mm gap between them becomes a space).
    number = by_text["发票号码： 24442000000123456789"]
    assert [w.text for w in number.words] == ["发票号码：", "24442000000123456789"]
    assert number.box.x1 == pytest.approx((170 + 19 * 1.5875 + 3.175) * MM_TO_PT, rel=1e-3)
    assert number.box.y0 < (10 + 3.6) * MM_TO_PT < number.box.y1  # baseline = Boundary y + TextCode Y
    assert "¥1000.00" in by_text


LICENCE_SCAN = ["营业执照", "名称：广州云栖工业科技有限公司", "统一社会信用代码：91440101MA5CXXXX1A"]


def test_a_scan_saved_as_ofd_is_drawn_where_its_image_object_stands():
    """No text object on the page, only an image: read_ofd finds no lines, so the page is drawn
    (the image placed by its Boundary and CTM) for OCR."""
    data = scanned_ofd(text_image(LICENCE_SCAN, size=(1000, 300), font_size=36))
    assert read_ofd(data)[0].lines == []
    image, what = page_picture(data, 1)
    assert what == "images rendered" and image.shape[:2] == (480, 880)  # 110 × 60 mm at 8 px/mm
    ink = np.argwhere(image[:, :, 0] < 128)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    assert 20 * 8 <= top and bottom <= 50 * 8 and 5 * 8 <= left and right <= 105 * 8  # inside the Boundary
    assert page_picture(ofd_bytes(), 1) is None  # a page with text objects is read as text
    blank = '<ofd:TextObject ID="7" Boundary="0 0 9 5" Size="3"><ofd:TextCode X="0" Y="3">  </ofd:TextCode></ofd:TextObject>'
    assert page_picture(_with_page_objects(data, blank), 1)[1] == "images rendered"  # blanks are no text


def test_a_poster_sized_ofd_page_is_drawn_within_the_page_pixel_budget(monkeypatch):
    monkeypatch.setenv("DOSSIER_MAX_PAGE_PIXELS", "1000000")
    data = scanned_ofd(text_image(LICENCE_SCAN[:1], size=(200, 60)), page_mm=(1000, 1000), at_mm=(0, 0, 1000, 300))
    image, _ = page_picture(data, 1)  # 8000 px square at 8 px/mm: 64 MP
    assert image.shape[0] * image.shape[1] <= 1_000_000 and image.shape[0] == image.shape[1]


def _with_page_objects(ofd: bytes, objects: str) -> bytes:
    src, buf = zipfile.ZipFile(io.BytesIO(ofd)), io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            out.writestr(name, data.replace(b"</ofd:Layer>", objects.encode() + b"</ofd:Layer>") if name.endswith("Page_0/Content.xml") else data)
    return buf.getvalue()


@pytest.mark.slow  # one real OCR of a small page
def test_a_scan_saved_as_ofd_is_ocrd(tmp_path):
    from ingest.cache import NoCache
    from ingest.read import read_document

    path = tmp_path / "licence.ofd"
    path.write_bytes(scanned_ofd(text_image(LICENCE_SCAN, size=(1000, 300), font_size=36)))
    doc = read_document(path, "scan-ofd", path.name, cache=NoCache())
    [page] = doc.pages
    assert page.source.kind == "ocr" and page.source.settings.get("ofd") == "images rendered"
    assert "91440101MA5CXXXX1A" in page.text.replace(" ", "") and "广州云栖工业科技有限公司" in page.text


def test_ofd_damaged():
    with pytest.raises(OfdError, match="damaged OFD"):
        read_ofd(b"PK\x03\x04 not really", "bad.ofd")


@pytest.mark.skipif(not REAL_OFD.exists(), reason=f"real sample not present at {REAL_OFD}")
def test_real_ofd_matches_issuer_tags():
    gt = json.loads((REAL_OFD.parent / "gt" / (REAL_OFD.name + ".json")).read_text())
    [page] = read_ofd(REAL_OFD.read_bytes(), REAL_OFD.name)
    for key, values in gt["tagged_fields"].items():
        assert page.tags[key] == values, key
    for key, value in gt["custom_data"].items():
        assert page.tags[key] == [value], key


@pytest.mark.parametrize("wrapper", [True, False])
def test_xml_invoice_fields_and_tags(wrapper):
    page = read_xml(einvoice_xml(wrapper), "inv.xml")
    t = page.tags
    assert t["InvoiceNo"] == ["24442000000987654321"]
    assert t["IssueDate"] == ["2024-03-15"]
    assert t["SellerTaxID"] == ["91440101MA5CXXXX1A"] and t["SellerName"] == ["广州某设备有限公司"]
    assert t["BuyerTaxID"] == ["91440116MA9YYYYY2B"] and t["BuyerName"] == ["广州市黄埔区测试科技有限公司"]
    assert (t["TaxExclusiveTotalAmount"], t["TaxTotalAmount"], t["TaxInclusiveTotalAmount"]) == (["100000.00"], ["13000.00"], ["113000.00"])
    assert t["Item"] == ["*机械设备*数控机床"] and t["Amount"] == ["100000.00"] and t["TaxScheme"] == ["0.13"]
    assert "发票号码: 24442000000987654321" in page.text
    assert page.source.kind == "xml"


def test_xml_refuses_entities_and_non_invoices():
    with pytest.raises(XmlInvoiceError, match="DOCTYPE"):
        read_xml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(XmlInvoiceError, match="no invoice number"):
        read_xml(b"<root><hello>world</hello></root>")
    with pytest.raises(XmlInvoiceError, match="not well-formed"):
        read_xml(b"<EInvoice><InvoiceNumber>1</EInvoice>")


def test_qr_payload_parsing():
    tags = parse_invoice("01,10,044031900111,12345678,1234.50,20230102,12345678901234567890,ABCD")
    assert tags["qr.invoice_code"] == "044031900111" and tags["qr.issue_date"] == "2023-01-02"
    assert parse_invoice("https://example.com") is None


def test_qr_decoded_from_an_image_with_text():
    payload = "01,32,,24442000000987654321,100000.00,20240315,,8A3F"
    page = text_image(size=(1100, 500))
    code = qr_image(payload, module_px=4)
    page[40:40 + code.shape[0], 1100 - 40 - code.shape[1]:1100 - 40] = code
    tags = qr_tags(page)
    assert tags["qr.raw"] == [payload]
    assert tags["qr.invoice_number"] == ["24442000000987654321"]
    assert tags["qr.total_amount"] == ["100000.00"] and tags["qr.issue_date"] == ["2024-03-15"]  # 数电票: 价税合计
    assert "qr.amount_excl_tax" not in tags
    assert "qr.invoice_code" not in tags  # 数电票: empty code


def test_qr_small_code_needs_the_upscaled_pass():
    payload = "01,04,044031900111,12345678,88.00,20230102,12345678901234567890,ABCD"
    code = qr_image(payload, module_px=1)
    assert qr_tags(code)["qr.invoice_number"] == ["12345678"]


@pytest.mark.parametrize("header", [False, True], ids=["embedded-stream", "file"])
def test_a_jbig2_scan_saved_as_ofd_is_decoded_and_drawn(header):
    """A black-and-white scan saved as OFD keeps its page as JBIG2 (MMR-coded here, as the
    scanners' Group 4 is): decoded through pdfium's JBIG2 filter and drawn like any scan."""
    scan = text_image(LICENCE_SCAN, size=(1000, 300), font_size=36)
    data = scanned_ofd(None, media=("scan_5.jb2", jbig2_bytes(scan, header=header)))
    problems: list[str] = []
    image, what = page_picture(data, 1, problems=problems)
    assert what == "images rendered" and problems == []
    # the same ink as the same scan saved as PNG, where the Boundary places it
    png_image, _ = page_picture(scanned_ofd(scan), 1)
    ink, png_ink = image[:, :, 0] < 128, png_image[:, :, 0] < 128
    assert png_ink.sum() > 1000 and (ink & png_ink).sum() / (ink | png_ink).sum() > 0.8


@pytest.mark.parametrize("media, reason", [
    (jbig2_bytes(text_image(LICENCE_SCAN[:1], size=(400, 60)), header=True, sequential=False), "JBIG2 image not supported"),
    (jbig2_bytes(text_image(LICENCE_SCAN[:1], size=(400, 60))), "exceeds the limit"),  # past DOSSIER_MAX_PIXELS below
])
def test_a_jbig2_scan_not_decoded_is_an_error_on_its_file(tmp_path, monkeypatch, media, reason):
    from core.models import FileStatus
    from ingest.cache import NoCache
    from ingest.read import read_document

    monkeypatch.setenv("DOSSIER_MAX_PIXELS", "20000")
    path = tmp_path / "scan.ofd"
    path.write_bytes(scanned_ofd(None, media=("scan_5.jb2", media)))
    doc = read_document(path, "jbig2-ofd", path.name, cache=NoCache())
    assert doc.status == FileStatus.error and reason in doc.error and "scan_5.jb2" in doc.error
    assert len(doc.pages) == 1  # the page kept, with what it had
