"""Values under a red seal, read by the real OCR engine with its seal pass (issue 8): the seal's
ink over the printed text (multiplied, as ink over ink prints), the first pass losing a glyph of
what lies under it, the pass over crops round each seal reading it whole."""
from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

from extract import extract_document
from fixtures.generator.fonts import pil_font
from fixtures.generator.stamp import seal
from ingest.archive import LocalArchive
from ingest.cache import NoCache
from ingest.ocr.rapid import RapidOcrEngine
from ingest.read import read_document

pytestmark = pytest.mark.slow

A, B = "广州云栖工业科技有限公司", "深圳数联软件服务有限公司"


def stamped(size: tuple[int, int], rows: list[tuple[str, float, float]], seals: list[Image.Image],
            at: list[tuple[float, float]], font_px: int = 28, scale: float = 1.0) -> Image.Image:
    """Black text at (x, y), then each seal inked over it at its place; all places × scale."""
    size = (int(size[0] * scale), int(size[1] * scale))
    page = Image.new("RGB", size, "white")
    draw, font = ImageDraw.Draw(page), pil_font(int(font_px * scale))
    for text, x, y in rows:
        draw.text((x * scale, y * scale), text, font=font, fill="black")
    ink = Image.new("RGB", size, "white")
    for mark, (x, y) in zip(seals, at):
        ink.paste(mark, (int(x * scale), int(y * scale)), mark)
    return ImageChops.multiply(page, ink)


def read(image: Image.Image, tmp_path):
    path = tmp_path / "page.jpg"
    image.save(path, quality=90)
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    return read_document(path, sha, path.name, engine=RapidOcrEngine(), cache=NoCache(), render_dir=tmp_path / "pages")


def test_parties_named_under_their_seals_on_the_signature_page(tmp_path):
    """A 技术服务合同's signature page, each party's 合同专用章 over its name: the first pass drops
    the 有 under each seal's star; the seal pass reads both names whole."""
    rows = [("技术服务合同", 40, 30), ("（本页为签署页，无正文）", 40, 160), (f"委托方（甲方）：{A}", 40, 290),
            ("法定代表人/委托代理人：（签名）", 40, 420), (f"受托方（乙方）：{B}", 40, 550), ("法定代表人/委托代理人：（签名）", 40, 680)]
    marks = [seal(name, random.Random(len(name)), size=200, bottom="合同专用章") for name in (A, B)]
    image = stamped((1000, 900), rows, marks, [(330, 210), (330, 470)])
    first, *_ = RapidOcrEngine().read_oriented(cv2.cvtColor(np.array(image), cv2.COLOR_RGB2BGR))
    assert not any(A in line.text or B in line.text for line in first)  # what the seals hide from one pass
    doc = read(image, tmp_path)
    settings = doc.pages[0].source.settings
    assert settings["seals"] == 2 and settings["seal_lines_replaced"] >= 1
    dc = extract_document(doc)
    assert (dc.value("party_a"), dc.value("party_b")) == (A, B)


def test_an_invoice_total_under_its_sellers_seal(tmp_path):
    """A 专票 with its 发票专用章 inked over 价税合计（小写） and the 合计 row: the ring's glyphs are
    read between the label and its figure, the seal's credit code under it. The total is the
    figure; a figure the seal cost is missing or flagged, never given wrong with confidence."""
    from decimal import Decimal

    from tests.extract.builders import OLD_INVOICE, old_invoice_lines

    mark = seal(OLD_INVOICE["seller"], random.Random(1), size=195, bottom="发票专用章", code=OLD_INVOICE["seller_id"], oval=True)
    image = stamped((900, 520), old_invoice_lines(OLD_INVOICE), [mark], [(655, 340)], font_px=15, scale=1.5)
    doc = read(image, tmp_path)
    assert doc.pages[0].source.settings["seals"] >= 1
    dc = extract_document(doc)
    assert dc.value("total_amount") == Decimal(OLD_INVOICE["total"])
    for field, right in (("amount_excl_tax", OLD_INVOICE["amount"]), ("tax_amount", OLD_INVOICE["tax"])):
        got = dc.get(field)
        assert got is None or got.value == Decimal(right) or got.flags, (field, got.value)
