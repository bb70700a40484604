"""Paper invoices as photographed: the form's own blocks name buyer and seller, 备注 never
does; 代开 invoices name the real seller in 备注; a lost 小写 total comes from the words;
发票代码 and 发票号码 read off one line; the 合计 figures found apart from their letter-spaced label."""
from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import Box, Line
from extract import extract_document
from tests.extract.builders import OCR, OLD_INVOICE, boxes_page, document, old_invoice_lines, page

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


# A 数电票 photographed (1900 px wide): its 合计 label letter-spaced across the first column,
# taller than the figures and above them.
_数电票_PHOTO = [
    ((721, 224, 1161, 280), "电子发票（普通发票）"), ((1278, 186, 1717, 241), "发票号码：25442000000123456789"),
    ((1276, 239, 1602, 287), "开票日期：2025年05月06日"), ((276, 374, 305, 505), "购买方信息"), ((961, 374, 994, 513), "销售方信息"),
    ((328, 392, 661, 425), "名称：广州云栖工业科技有限公司"), ((1017, 382, 1389, 424), "名称：深圳数联软件服务有限公司"),
    ((324, 448, 609, 479), "统一社会信用代码/纳税人识别号：91440101MA5CXXQ213"),
    ((1012, 428, 1635, 484), "统一社会信用代码/纳税人识别号：914403007261824992"),
    ((411, 518, 497, 549), "项目名称"), ((692, 525, 779, 552), "规格型号"), ((842, 525, 898, 554), "单位"), ((941, 524, 995, 552), "数量"),
    ((1082, 520, 1141, 553), "单价"), ((1255, 518, 1316, 550), "金额"), ((1376, 510, 1509, 546), "税率/征收率"), ((1578, 503, 1645, 539), "税额"),
    ((272, 552, 510, 586), "*经纪代理服务*代理服务费"), ((1290, 554, 1368, 587), "56.60"), ((1423, 553, 1463, 583), "6%"),
    ((1644, 543, 1707, 576), "3.40"),
    ((1270, 830, 1365, 860), "￥56.60"), ((1618, 822, 1703, 857), "￥3.40"),
    ((293, 862, 459, 901), "价税合计（大写）"), ((518, 871, 630, 911), "陆拾圆整"),
    ((1301, 892, 1377, 924), "（小写）"), ((1394, 890, 1479, 921), "￥60.00"),
]


@pytest.mark.parametrize("label", [
    [((395, 807, 503, 847), "合计", 0.99)],                               # one tall box, above the figures' row
    [((395, 805, 432, 843), "合", 0.99), ((466, 815, 503, 853), "计", 0.80)],  # two glyphs, each at its own height
])
def test_数电票_total_row_with_its_letter_spaced_label_in_a_row_of_its_own(label):
    """A 数电票 photo lost its 合计 amounts (realeval 上海三快智送): the label, one tall box or two
    glyphs, made a row apart from the ¥ figures, and was taken for the whole total row."""
    lines = [Line(text=t, box=Box(x0=a, y0=b, x1=c, y1=d), confidence=0.99) for (a, b, c, d), t in _数电票_PHOTO]
    lines += [Line(text=t, box=Box(x0=a, y0=b, x1=c, y1=d), confidence=conf) for (a, b, c, d), t, conf in label]
    dc = extract_document(document(page(lines, width=1919, height=1367, source=OCR), name="photo.jpg"))
    excl, tax = dc.get("amount_excl_tax"), dc.get("tax_amount")
    assert (excl.value, tax.value) == (Decimal("56.60"), Decimal("3.40"))
    assert (excl.evidence[0].text, tax.evidence[0].text) == ("￥56.60", "￥3.40")
    assert dc.value("total_amount") == Decimal("60.00")
    [item] = dc.value("items")  # the label ends the items, it is no wrapped item name
    assert (item.name, item.amount) == ("*经纪代理服务*代理服务费", Decimal("56.60"))


def test_words_read_in_one_box_with_the_small_total_are_still_checked_against_it():
    # OCR ran the 大写 words and the （小写） figures into one box: the words are read up to the
    # figures, and a misread figure disagrees with them
    def merged(total: str):
        return [ln for ln in old_invoice_lines(OLD_INVOICE) if ln[0] != OLD_INVOICE["words"] and not ln[0].startswith("（小写）")] + [
            (OLD_INVOICE["words"] + "（小写）￥" + total, 293, 372)]

    right = read(merged(OLD_INVOICE["total"]))
    assert right.value("total_amount_words") == right.value("total_amount") == Decimal(OLD_INVOICE["total"])
    assert not right.get("total_amount").flags
    wrong = read(merged("126000.00"))
    assert wrong.value("total_amount") == Decimal("126000.00") and wrong.value("total_amount_words") == Decimal(OLD_INVOICE["total"])
    said = {f.code: f.message for f in wrong.get("total_amount").flags}
    assert {"words_figures", "sum_mismatch"} <= set(said) and "120000.00" in said["words_figures"]
