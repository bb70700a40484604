"""Real OFD invoices with one optional part damaged: the document is never lost, the pages
are read, and the broken part is flagged. Variants are built from shared/realdocs by
unzipping, damaging one member and zipping again."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import FileStatus
from extract import extract_document
from ingest.cache import NoCache
from ingest.ofd import OfdError, read_ofd
from ingest.read import read_document

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
JIANGSU = REALDOCS / "swpudp_OfdSharp__江苏增值税电子普通发票_零税率_2020-11-12.ofd"
SICHUAN = REALDOCS / "swpudp_OfdSharp__四川增值税电子专用发票_多行_2022-01-24.ofd"

pytestmark = pytest.mark.skipif(not JIANGSU.is_file(), reason=f"shared/realdocs not found ({REALDOCS})")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(parts: dict[str, bytes | None], tmp: Path, name: str = "variant.ofd") -> Path:
    out = tmp / name
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            if data is not None:
                zf.writestr(n, data)
    out.write_bytes(buf.getvalue())
    return out


def variant(src: Path, tmp: Path, edits: dict[str, bytes | None]) -> Path:
    """`edits`: member path → new bytes, or None to delete it."""
    return rezip({**members(src), **edits}, tmp)


def extracted(path: Path):
    doc = read_document(path, hashlib.sha256(path.read_bytes()).hexdigest(), path.name, cache=NoCache())
    assert doc.status == FileStatus.ok, doc.error
    return doc, extract_document(doc)


def expected(src: Path) -> dict:
    gt = json.loads((REALDOCS / "gt" / f"{src.name}.json").read_text(encoding="utf-8"))
    return {k: v for k, v in gt["expected"].items() if k not in gt.get("uncertain_not_scored", []) and k not in ("doc_type", "subtype")}


def assert_fields(dc, src: Path) -> None:
    assert dc.doc_type.value == "invoice"
    for field, want in expected(src).items():
        got = dc.value(field)
        got = f"{got:.2f}" if isinstance(got, Decimal) else got.isoformat() if hasattr(got, "isoformat") else got
        assert got == want, (field, got, want)


def part_flags(dc) -> list[str]:
    return [f.message for f in dc.flags if f.code == "part_unreadable"]


@pytest.mark.parametrize("src", [JIANGSU, SICHUAN], ids=["jiangsu", "sichuan"])
def test_real_suwell_ofd_with_a_malformed_tag_file_is_read_and_flagged(src):
    """Both real files write their CustomTag.xml as `<:eInvoice xmlns:="">`: not XML. The old
    reader lost the whole invoice over it."""
    doc, dc = extracted(src)
    assert_fields(dc, src)
    assert any("CustomTag.xml" in m for m in part_flags(dc))
    # 增值税电子专用发票 is a 专票, though it reads as 电子普通发票 with two slips
    assert dc.subtype == {JIANGSU: "电子普通发票", SICHUAN: "专票"}[src]


@pytest.mark.parametrize("edits, named", [
    ({"Doc_0/Tags/CustomTag.xml": b"<<< not xml at all"}, ["CustomTag.xml"]),
    ({"Doc_0/Attachs/original_invoice.xml": b"<eInvoice><broken"}, ["original_invoice.xml"]),
    ({"Doc_0/Tags/CustomTags.xml": None, "Doc_0/Signs/Signatures.xml": None, "Doc_0/Tpls/Tpl_0/Content.xml": None},
     ["CustomTags.xml", "Signatures.xml", "template"]),
], ids=["tag-file-beyond-repair", "broken-attachment", "tags-signatures-template-missing"])
def test_a_damaged_optional_part_never_loses_the_document(tmp_path, edits, named):
    doc, dc = extracted(variant(JIANGSU, tmp_path, edits))
    assert_fields(dc, JIANGSU)
    flagged = " ".join(part_flags(dc))
    assert all(n in flagged for n in named), flagged


def test_invoice_data_comes_from_the_attached_original_invoice_xml(tmp_path):
    """No tags and no DocInfo fields: the issuer's attached original_invoice.xml still names
    the invoice, and its values come back as tags."""
    parts = members(JIANGSU)
    parts["Doc_0/Tags/CustomTags.xml"] = None
    parts["OFD.xml"] = re.sub(rb"<ofd:CustomDatas>.*</ofd:CustomDatas>", b"", parts["OFD.xml"])
    pages = read_ofd(rezip(parts, tmp_path).read_bytes())
    tags = pages[0].tags
    assert tags["InvoiceNo"] == ["25577301"] and tags["InvoiceCode"] == ["032001900311"]
    assert tags["SellerTaxID"] == ["91320111339366503A"] and tags["TaxInclusiveTotalAmount"] == ["181.14"]
    # the printed tags win over the attachment where both are there
    both = read_ofd(JIANGSU.read_bytes())[0].tags
    assert both["TaxInclusiveTotalAmount"] == ["¥181.14"]


def test_page_named_by_its_folder_and_pages_in_a_nested_container(tmp_path):
    parts = members(SICHUAN)
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(
        b'<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>',
        b'<ofd:Pages><ofd:PageGroup><ofd:Page ID="1" BaseLoc="Pages/Page_0"/></ofd:PageGroup></ofd:Pages>')
    assert b"PageGroup" in parts["Doc_0/Document.xml"]
    doc, dc = extracted(rezip(parts, tmp_path))
    assert_fields(dc, SICHUAN)


def test_no_pages_element_falls_back_to_the_page_folders(tmp_path):
    parts = members(SICHUAN)
    parts["Doc_0/Document.xml"] = re.sub(rb"<ofd:Pages>.*?</ofd:Pages>", b"", parts["Doc_0/Document.xml"])
    doc, dc = extracted(rezip(parts, tmp_path))
    assert_fields(dc, SICHUAN)


def test_a_document_with_no_readable_page_is_still_an_error(tmp_path):
    path = variant(JIANGSU, tmp_path, {"Doc_0/Pages/Page_0/Content.xml": b"<<<"})
    with pytest.raises(OfdError, match="no page"):
        read_ofd(path.read_bytes())


def test_bank_receipt_ofd_reads_its_xbrl_and_is_no_invoice():
    """The ICBC 回单's XBRL attachment names payer, payee and amount; 附言 on the page says
    what was paid for. A payment proof, never an invoice."""
    src = REALDOCS / "itlabers_ofd-go__工商银行电子回单_2022-07-25.ofd"
    doc, dc = extracted(src)
    assert dc.doc_type.value == "receipt"
    assert dc.value("payer_name") == "华颐昌能（北京）科技有限公司" and dc.value("payee_name") == "国网河北招标有限公司"
    assert dc.value("amount") == Decimal("8730.00") and dc.value("purpose") == "042213服务费"
    assert dc.get("payer_name").evidence[0].text.startswith("PayerName=")


def _outlines(lines: list[tuple[str, float, float, float]], px_per_mm: float = 10.0) -> bytes:
    """Glyph outlines of text lines (text, x mm, y mm, size mm) as OFD PathObjects: the text
    rasterised with a CJK font, its contours (holes too) traced back into millimetres."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from fixtures.generator.fonts import font_path

    objects = []
    for i, (text, x, y, size) in enumerate(lines):
        font = ImageFont.truetype(str(font_path()), int(size * px_per_mm))
        w, h = int(len(text) * size * px_per_mm * 1.1) + 10, int(size * px_per_mm * 1.4)
        img = Image.new("L", (w, h), 0)
        ImageDraw.Draw(img).text((2, 2), text, font=font, fill=255)
        contours, _ = cv2.findContours(np.array(img), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        data = " ".join(
            "M " + " L ".join(f"{px / px_per_mm:.2f} {py / px_per_mm:.2f}" for px, py in c.reshape(-1, 2)) + " C"
            for c in contours if len(c) > 2)
        objects.append(f'<ofd:PathObject ID="{900 + i}" Boundary="{x} {y} {w / px_per_mm:.1f} {h / px_per_mm:.1f}" '
                       f'Fill="true" Stroke="false"><ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>')
    return ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
            '<ofd:Template TemplateID="2" ZOrder="Background"/><ofd:Content><ofd:Layer ID="60">'
            + "".join(objects) + "</ofd:Layer></ofd:Content></ofd:Page>").encode()


@pytest.mark.slow  # one real OCR of a rendered page
def test_page_whose_text_is_only_glyph_outlines_is_rendered_and_read(tmp_path):
    """No text objects on the page, the text drawn as filled paths (some issuers outline
    their fonts): the page is drawn from its paths and OCR'd."""
    # the values where the real page prints them; the template prints the labels
    page = _outlines([("江苏增值税电子普通发票", 69, 7, 6.7), ("032001900311", 164, 6.2, 3.2), ("25577301", 164, 11.7, 3.2),
                      ("2020年11月12日", 164, 17.2, 3.2), ("南京爱洋文化传播有限公司", 36, 104, 3.2)])
    doc = read_document(variant(JIANGSU, tmp_path, {"Doc_0/Pages/Page_0/Content.xml": page}),
                        "outlined", "outlined.ofd", cache=NoCache())
    assert doc.status == FileStatus.ok, doc.error
    read = doc.pages[0]
    assert read.source.kind == "ocr" and read.source.settings.get("ofd") == "glyph outlines rendered"
    text = read.text.replace(" ", "")
    assert all(v in text for v in ("25577301", "2020年11月12日", "南京爱洋文化传播有限公司", "开户行及账号")), text
    assert read.tags["发票号码"] == ["25577301"]  # the OFD's own data kept beside the reading
