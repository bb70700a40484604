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


def read(image: Image.Image, tmp_path, ext: str = "jpg"):
    path = tmp_path / f"page.{ext}"
    image.save(path, **({"quality": 90} if ext == "jpg" else {}))
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


def test_two_seals_stamped_over_each_other_are_both_lifted(tmp_path):
    """Both parties' seals stamped one over the other's rim: one red blob, too tall for a seal, so
    no seal pass ran and 甲方's name came back a glyph short (…科技限公司), 乙方's not at all.
    Split at the waist where the two outlines meet, both seals are lifted and both names read."""
    rows = [("技术服务合同", 40, 30), ("（本页为签署页，无正文）", 40, 110), (f"委托方（甲方）：{A}", 40, 220),
            (f"受托方（乙方）：{B}", 40, 390), ("法定代表人/委托代理人：（签名）", 40, 470)]
    marks = [seal(name, random.Random(len(name)), size=200, bottom="合同专用章") for name in (A, B)]
    doc = read(stamped((1000, 700), rows, marks, [(330, 140), (390, 310)]), tmp_path)
    assert doc.pages[0].source.settings["seals"] == 2
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


def sealed_totals(tmp_path, ext: str):
    """A 专票 whose 发票专用章 sits on the 合计 row: the tax under its ring, the amount's last
    figures under its rim (a page saved as `ext`: the JPEG and the PNG read differently)."""
    from tests.extract.builders import OLD_INVOICE, old_invoice_lines

    mark = seal(OLD_INVOICE["seller"], random.Random(1), size=195, bottom="发票专用章", code=OLD_INVOICE["seller_id"], oval=True)
    image = stamped((900, 520), old_invoice_lines(OLD_INVOICE), [mark], [(660, 320)], font_px=15, scale=1.5)
    return read(image, tmp_path, ext), OLD_INVOICE


def test_the_figures_of_the_total_row_under_a_seal(tmp_path):
    """The first pass reads the seal's ring into the amount (￥113207.5殊软件服, 113207.50 at 91%) and
    loses the tax; the seal pass reads ￥113207.55 with the ring lifted, shorter than the first
    reading, and takes its place because all the print of the first reading's box is in it."""
    from decimal import Decimal

    doc, truth = sealed_totals(tmp_path, "jpg")
    assert doc.pages[0].source.settings["seal_lines_replaced"] >= 1
    dc = extract_document(doc)
    assert (dc.value("amount_excl_tax"), dc.value("tax_amount"), dc.value("total_amount")) == (
        Decimal(truth["amount"]), Decimal(truth["tax"]), Decimal(truth["total"]))


def test_a_figure_the_first_pass_never_saw_is_read_to_its_end(tmp_path):
    """Saved losslessly, the first pass sees nothing of the amount running under the seal's rim;
    the crop round the seal cuts it at its side, and its row is read again out to the page's edge."""
    doc, truth = sealed_totals(tmp_path, "png")
    assert {"￥" + truth["amount"], "¥" + truth["amount"]} & {line.text for line in doc.pages[0].lines}  # 合计's, not the item's


NAME, CODE = "南京文化艺术产权交易所有限公司", "91320113580452133T"


@pytest.fixture(scope="module")
def licence(tmp_path_factory):
    """A paper 副本 (realdocs' 南京 licence's values), its 登记机关's seal inked over 注册资本 and
    成立日期, the applicant's red 仅供存档 box stamped over the middle of the name."""
    rows = [("统一社会信用代码", 60, 190), (CODE, 300, 190), ("名　　称", 60, 252), (NAME, 260, 252),
            ("类　　型", 60, 314), ("有限责任公司", 260, 314), ("住　　所", 60, 376), ("南京市栖霞区马群街道紫东路1号", 260, 376),
            ("法定代表人", 60, 438), ("高华军", 260, 438), ("注册资本", 60, 500), ("叁仟万元整", 260, 500),
            ("成立日期", 60, 562), ("2011年08月10日", 260, 562), ("登记机关", 640, 660), ("营业执照", 420, 50), ("（副本）", 440, 120)]
    box = Image.new("RGBA", (300, 70), (0, 0, 0, 0))
    draw = ImageDraw.Draw(box)
    draw.rectangle((2, 2, 297, 67), outline=(200, 30, 40, 255), width=4)
    draw.text((20, 8), "仅供存档", font=pil_font(44), fill=(200, 30, 40, 255))
    image = stamped((1000, 760), rows, [box, seal("南京市栖霞区市场监督管理局", random.Random(3), size=220)], [(360, 240), (330, 470)])
    return extract_document(read(image, tmp_path_factory.mktemp("licence")))


def test_licence_fields_under_the_registrars_seal(licence):
    from datetime import date
    from decimal import Decimal

    assert (licence.value("credit_code"), licence.value("address")) == (CODE, "南京市栖霞区马群街道紫东路1号")
    assert (licence.value("registered_capital"), licence.value("established_date")) == (Decimal("30000000.00"), date(2011, 8, 10))


def test_a_name_under_an_applicants_red_stamp_is_read_through(licence):
    """The 仅供存档 box is flatter than a seal but framed, so the seal pass lifts it: the name is
    read whole. Before, OCR read it in two pieces (南京文化艺 and the rest garbled by the stamp's
    words), and the first piece was sent to a reviewer, flagged name_cut."""
    name = licence.get("company_name")
    assert (name.value, name.flags) == (NAME, [])
