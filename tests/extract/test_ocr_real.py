"""Field extraction on real OCR output: images rendered here, read by PP-OCRv4 (rapidocr)."""
from datetime import date
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from core.models import DocType, Line, Box

from extract import extract_document
from tests.extract.builders import OCR, OLD_INVOICE, document, old_invoice_lines, page

pytestmark = pytest.mark.slow
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


@lru_cache(maxsize=1)
def ocr_engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def render(items: list[tuple[str, float, float]], size=(900, 520), scale: float = 1.2, rotate: float = 0.0) -> np.ndarray:
    img = Image.new("RGB", (int(size[0] * scale), int(size[1] * scale)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, int(15 * scale))
    for text, x, y in items:
        draw.text((x * scale, y * scale), text, fill=(20, 20, 20), font=font)
    if rotate:
        img = img.rotate(rotate, expand=True, fillcolor="white", resample=Image.BICUBIC)
    return np.array(img)[:, :, ::-1].copy()


def ocr_page(image: np.ndarray):
    result, _ = ocr_engine()(image)
    lines = [Line(text=t, box=Box.from_quad(q), confidence=float(s)) for q, t, s in result or []]
    h, w = image.shape[:2]
    return page(lines, width=w, height=h, source=OCR)


def test_skewed_photo_of_an_invoice_with_a_misread_title():
    # the title as PP-OCRv4 read a real 增值税普通发票; labels and values in separate boxes
    items = old_invoice_lines(OLD_INVOICE, title="深圳增镇税普通发票")
    dc = extract_document(document(ocr_page(render(items, rotate=1.2)), name="photo.jpg"))
    assert (dc.doc_type, dc.subtype) == (DocType.invoice, "普票")
    got = {c.field: c.value for c in dc.claims}
    assert got["invoice_code"] == OLD_INVOICE["code"] and got["invoice_number"] == OLD_INVOICE["number"]
    assert got["issue_date"] == date(2025, 3, 18)
    assert got["buyer_name"] == OLD_INVOICE["buyer"] and got["seller_name"] == OLD_INVOICE["seller"]
    assert got["buyer_tax_id"] == OLD_INVOICE["buyer_id"] and got["seller_tax_id"] == OLD_INVOICE["seller_id"]
    assert got["amount_excl_tax"] == Decimal(OLD_INVOICE["amount"]) and got["tax_amount"] == Decimal(OLD_INVOICE["tax"])
    assert got["total_amount"] == got["total_amount_words"] == Decimal("120000.00")
    ev = dc.get("total_amount").evidence[0]
    assert ev.source == "ocr:rapidocr@test" and ev.box is not None and 0 < dc.get("total_amount").confidence <= 1
    assert not dc.flags


def test_receipt_photo_is_not_an_invoice():
    items = [("货物运输电子货票收款凭证", 200, 20), ("托运人名称", 60, 60), ("托运人纳税人识别号", 330, 60),
             ("北京华亿创新信息技术有限公司", 60, 85), ("91110108749364121L", 330, 85), ("费用合计：CNY661.00", 330, 120)]
    dc = extract_document(document(ocr_page(render(items, size=(600, 160))), name="receipt.jpg"))
    assert dc.doc_type == DocType.receipt and dc.clauses == []
    assert dc.value("amount") == Decimal("661.00") and dc.value("payer_name") == "北京华亿创新信息技术有限公司"
    assert dc.get("invoice_number") is None and dc.get("total_amount") is None
