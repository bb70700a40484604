"""Paper invoices as photographed: the form's own blocks name buyer and seller, 备注 never
does; 代开 invoices name the real seller in 备注; a lost 小写 total comes from the words;
发票代码 and 发票号码 read off one line."""
from __future__ import annotations

from decimal import Decimal

from extract import extract_document
from tests.extract.builders import OCR, OLD_INVOICE, boxes_page, document, old_invoice_lines

OFFICE = "国家税务总局广州市黄埔区税务局"
REAL_SELLER, REAL_SELLER_ID = "广州市黄埔区星河五金加工厂", "92440112MA59UJ3R6K"


def read(lines, values=OLD_INVOICE):
    return extract_document(document(boxes_page(lines, source=OCR), name="photo.jpg"))


def test_a_name_written_in_the_remarks_is_not_the_seller():
    lines = old_invoice_lines(OLD_INVOICE) + [("名称：广州捷通票务代理有限公司", 560, 385),
                                              ("纳税人识别号：91440101MA9W2KXX5D", 560, 430)]
    dc = read(lines)
    assert dc.value("seller_name") == OLD_INVOICE["seller"]
    assert dc.value("seller_tax_id") == OLD_INVOICE["seller_id"]
    assert dc.value("buyer_name") == OLD_INVOICE["buyer"]


def test_dai_kai_invoice_names_the_real_seller_from_the_remarks():
    v = dict(OLD_INVOICE, seller=OFFICE, seller_id="11440112MB2C74925W")
    lines = old_invoice_lines(v, title="广东增值税普通发票") + [
        (f"代开企业税号：{REAL_SELLER_ID}", 560, 410), (f"代开企业名称：{REAL_SELLER}", 560, 428)]
    dc = read(lines)
    seller, seller_id = dc.get("seller_name"), dc.get("seller_tax_id")
    assert seller.value == REAL_SELLER and seller_id.value == REAL_SELLER_ID
    assert "dai_kai" in {f.code for f in seller.flags} and "代开企业名称" in seller.evidence[0].text
    assert dc.value("buyer_name") == OLD_INVOICE["buyer"]


def test_dai_kai_with_only_the_tax_office_named_is_flagged_not_trusted():
    v = dict(OLD_INVOICE, seller=OFFICE, seller_id="11440112MB2C74925W")
    dc = read(old_invoice_lines(v) + [("税务局代开发票专用章", 600, 470)])
    seller = dc.get("seller_name")
    assert {"dai_kai", "dai_kai_seller_unread"} <= {f.code for f in seller.flags} and seller.confidence < 0.6


def test_missing_small_total_is_taken_from_the_words_and_flagged():
    lines = [ln for ln in old_invoice_lines(OLD_INVOICE) if not ln[0].startswith("（小写）")]
    dc = read(lines)
    total = dc.get("total_amount")
    assert total.value == Decimal(OLD_INVOICE["total"]) and [f.code for f in total.flags] == ["total_from_words"]
    assert total.confidence < dc.get("total_amount_words").confidence


def test_code_and_number_run_together_on_one_line_are_split():
    lines = [ln for ln in old_invoice_lines(OLD_INVOICE) if ln[0] not in (OLD_INVOICE["code"], OLD_INVOICE["number"], "No" + OLD_INVOICE["number"])]
    lines.append(("发票代码：044031900211" + "37820761", 600, 46))
    dc = read(lines)
    assert dc.value("invoice_code") == "044031900211" and dc.value("invoice_number") == "37820761"


def test_code_and_number_labels_on_one_line():
    lines = [ln for ln in old_invoice_lines(OLD_INVOICE) if ln[0] not in (OLD_INVOICE["code"], OLD_INVOICE["number"], "No" + OLD_INVOICE["number"])]
    lines.append(("发票代码：044031900211发票号码：37820761", 560, 46))
    dc = read(lines)
    assert dc.value("invoice_code") == "044031900211" and dc.value("invoice_number") == "37820761"



def test_seal_glyphs_between_the_small_total_and_its_figure_are_no_reason_to_look_below():
    """A 发票专用章 over 价税合计（小写）: rapidocr's reading of this invoice rendered with the seal
    inked over its total (as tests/extract/test_under_seals.py renders one): two glyphs of the
    seal's ring between the label and the figure, a piece of the seal's credit code under the
    label. The code is no total; the figure on the label's row is."""
    from core.models import Box, Line

    pg = boxes_page([ln for ln in old_invoice_lines(OLD_INVOICE) if not ln[0].startswith("（小写）")], source=OCR)
    pg.lines += [Line(text=t, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), confidence=c) for t, x0, y0, x1, y1, c in [
        ("（小写）", 631, 373, 672, 391, 0.89), ("数", 665, 374, 687, 395, 0.56), ("联车", 679, 353, 715, 387, 0.97),
        ("120000.00", 693, 372, 773, 391, 0.99), ("9144030", 705, 397, 740, 411, 1.0)]]
    total = extract_document(document(pg, name="photo.jpg")).get("total_amount")
    assert total.value == Decimal(OLD_INVOICE["total"]) and "9144030" not in total.evidence[0].text
