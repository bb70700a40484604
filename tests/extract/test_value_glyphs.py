"""Every path a value is read by judges it by its own letters and digits, not by its box's or
line's mean: the invoice's code and number printed without labels, the 合计 figures, the 大写
words, a contract's term and payment article, a notice's table row and signature date, a
standard's cover code. And no second reading that agrees (confirm: 金额 + 税额 = 价税合计, the
words and the figures) lifts a value over a glyph of its own the recogniser doubted."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.models import DocType, Evidence, Line, Page, ValueType
from extract import extract_document
from extract.fields.base import GLYPH_DOUBT_FLAG, claim, confirm, flag_words_figures
from tests.extract.builders import OCR, OLD_INVOICE, boxes_page, document, line, old_invoice_lines, page, prose

SURE, UNSURE = 0.99, 0.25  # UNSURE: what OCR gives the glyph before one it skipped


def read(pg: Page, text: str, at: int | None, name: str = "photo.jpg"):
    """`pg` as OCR reads it, every glyph sure but the one at `at` of the line `text` (None: all sure)."""
    def glyphs(ln: Line) -> list[float]:
        return [UNSURE if ln.text == text and i == at else SURE for i in range(len(ln.text))]

    assert any(ln.text == text for ln in pg.lines), text
    lines = [ln.model_copy(update={"glyphs": glyphs(ln)}) for ln in pg.lines]
    return extract_document(document(pg.model_copy(update={"source": OCR, "lines": lines}), name=name))


def low(dc, field: str) -> bool:
    c = dc.get(field)
    assert c is not None, field
    return c.doubtful and any(f.code == GLYPH_DOUBT_FLAG for f in c.flags)


# --------------------------------------------------------------------------- invoices

INVOICE = boxes_page(old_invoice_lines(OLD_INVOICE), source=OCR)
CODE, NUMBER = OLD_INVOICE["code"], "No" + OLD_INVOICE["number"]  # both printed without a label
AMOUNT, TAX = "￥" + OLD_INVOICE["amount"], "￥" + OLD_INVOICE["tax"]
WORDS, SMALL = OLD_INVOICE["words"], "（小写）￥" + OLD_INVOICE["total"]


def test_the_old_invoice_reads_sure_when_every_glyph_is():
    dc = read(INVOICE, CODE, None)
    assert dc.doc_type == DocType.invoice
    for field in ("invoice_code", "invoice_number", "amount_excl_tax", "tax_amount", "total_amount", "total_amount_words"):
        assert not dc.get(field).doubtful, field
    assert dc.get("invoice_code").value == CODE and dc.get("tax_amount").value == Decimal(OLD_INVOICE["tax"])


def test_an_unlabelled_invoice_code_with_a_doubtful_digit_goes_to_a_reviewer():
    # printed twice, both copies read alike: still not past the doubt of one copy's digit
    assert low(read(INVOICE, CODE, 3), "invoice_code")


def test_an_invoice_number_after_no_with_a_doubtful_digit_goes_to_a_reviewer():
    assert low(read(INVOICE, NUMBER, 5), "invoice_number")
    assert not read(INVOICE, NUMBER, 0).get("invoice_number").doubtful  # the N of No is no digit of it


def test_the_total_rows_figures_are_judged_by_their_own_digits_and_the_sum_does_not_lift_them():
    dc = read(INVOICE, AMOUNT, 4)
    assert low(dc, "amount_excl_tax")
    assert not dc.get("tax_amount").doubtful  # the sum agrees: the other figures are confirmed
    assert low(read(INVOICE, TAX, 2), "tax_amount")
    assert not read(INVOICE, AMOUNT, 0).get("amount_excl_tax").doubtful  # ￥ says nothing of the figure


def test_the_words_are_judged_by_their_own_glyphs_and_agreeing_figures_do_not_lift_them():
    assert low(read(INVOICE, WORDS, 2), "total_amount_words")


def test_a_small_total_with_a_doubtful_digit_stays_low_though_words_and_sum_agree():
    dc = read(INVOICE, SMALL, SMALL.index("2"))
    assert low(dc, "total_amount")
    assert not dc.get("total_amount_words").doubtful
    assert not read(INVOICE, SMALL, SMALL.index("小")).get("total_amount").doubtful  # its label's glyph


def test_words_run_into_their_labels_box_are_judged_without_the_label():
    label_and_words = "价税合计（大写）" + WORDS
    items = [(label_and_words, 123, 372) if t == "价税合计（大写）" else it for it in old_invoice_lines(OLD_INVOICE)
             if (t := it[0]) != WORDS]
    pg = boxes_page(items, source=OCR)
    assert not read(pg, label_and_words, label_and_words.index("大")).get("total_amount_words").doubtful
    assert low(read(pg, label_and_words, label_and_words.index(WORDS) + 1), "total_amount_words")


# --------------------------------------------------------------------------- contracts

TERM = "三、服务期限：自2025年3月1日起至2026年2月28日止。"
PAYMENT = "甲方分两期支付乙方￥113175元。"
CONTRACT = prose([
    "技术服务合同",
    "甲方（委托方）：广州云栖工业科技有限公司",
    "乙方（受托方）：深圳数联软件服务有限公司",
    "第四条 甲方向乙方支付技术服务报酬及支付方式为：",
    PAYMENT,
    "第五条 履行的期限、地点和方式",
    TERM,
])


def test_a_contract_term_is_judged_date_by_date():
    dc = read(CONTRACT, TERM, TERM.index("2026") + 3)
    assert (dc.value("term_start"), dc.value("term_end")) == (date(2025, 3, 1), date(2026, 2, 28))
    assert low(dc, "term_end") and not dc.get("term_start").doubtful
    # a date is its digits: an unsure 月 (0.41 on a generated photo) says nothing of which day
    assert not read(CONTRACT, TERM, TERM.index("月")).get("term_start").doubtful


def test_a_contract_amount_is_its_figures_and_its_words_confirm_it():
    amount = "二、合同总金额：人民币壹拾贰万元整（¥120,000.00元）。"
    pg = prose(["技术服务合同", "甲方（委托方）：广州云栖工业科技有限公司", "乙方（受托方）：深圳数联软件服务有限公司", amount])
    sure = read(pg, amount, None).get("total_amount")
    assert sure.value == Decimal("120000.00") and sure.confidence >= 0.95  # figures and words agree
    # a glyph of the words, or the 元 after the figures (the glyph OCR marks before a wide gap),
    # is not the figures': the words still confirm them
    assert read(pg, amount, amount.index("拾")).get("total_amount").confidence >= 0.95
    assert read(pg, amount, amount.index("）") - 1).get("total_amount").confidence >= 0.95
    assert low(read(pg, amount, amount.index("120,") + 1), "total_amount")  # one of its own digits


def test_a_total_from_the_payment_article_is_judged_by_its_own_digits():
    sure = read(CONTRACT, PAYMENT, None).get("total_amount")
    assert sure.value == Decimal("113175") and sure.confidence == 0.8  # found without a label: 0.8, a reviewer's call
    doubtful = read(CONTRACT, PAYMENT, PAYMENT.index("3")).get("total_amount")
    assert doubtful.confidence < sure.confidence and any(f.code == GLYPH_DOUBT_FLAG for f in doubtful.flags)


# --------------------------------------------------------------------------- standards

def _table_notice() -> Page:
    pg = prose(["国家市场监督管理总局 国家标准化管理委员会", "关于批准发布《工业互联网平台 应用实施指南》国家标准的公告"])
    pg.lines += [line("标准编号", 60, 200, 14), line("标准名称", 200, 200, 14), line("实施日期", 420, 200, 14),
                 line("GB/T 23031.1-2025", 60, 225, 14), line("工业互联网平台 应用实施指南", 200, 225, 14),
                 line("2025-10-01", 420, 225, 14)]
    return pg


def test_a_notice_tables_code_and_date_are_judged_by_their_own_glyphs():
    pg = _table_notice()
    sure = read(pg, "2025-10-01", None)
    assert sure.value("standard_code") == "GB/T 23031.1-2025" and sure.value("implement_date") == date(2025, 10, 1)
    assert min(sure.get("standard_code").confidence, sure.get("implement_date").confidence) >= 0.8
    assert low(read(pg, "2025-10-01", 6), "implement_date")
    dc = read(pg, "GB/T 23031.1-2025", 7)
    assert low(dc, "standard_code")
    assert dc.get("standards").confidence < 0.8  # the list's row holds the same code


def test_a_notices_signature_date_is_judged_by_its_own_digits():
    pg = prose(["广东省工业互联网产业联盟", "关于发布《工业设备上云接入规范》团体标准的公告",
                "标准编号：T/GDIIA 001-2025", "标准名称：工业设备上云接入规范", "特此公告。",
                "广东省工业互联网产业联盟", "2025年3月1日"])
    sure = read(pg, "2025年3月1日", None)
    assert sure.value("publish_date") == date(2025, 3, 1) and not sure.get("publish_date").doubtful
    assert low(read(pg, "2025年3月1日", 3), "publish_date")


def test_a_standards_cover_code_is_judged_by_its_own_digits():
    pg = prose(["ICS 35.240", "中华人民共和国国家标准", "GB/T 38378-2019", "工业互联网 平台 通用要求",
                "2019-12-10发布", "2020-07-01实施", "国家市场监督管理总局", "国家标准化管理委员会"])
    sure = read(pg, "GB/T 38378-2019", None)
    assert sure.value("standard_code") == "GB/T 38378-2019" and not sure.get("standard_code").doubtful
    assert low(read(pg, "GB/T 38378-2019", 9), "standard_code")
    assert not read(pg, "ICS 35.240", 5).get("standard_code").doubtful  # another line's glyph


# --------------------------------------------------------------------------- agreement


def test_no_agreement_lifts_a_value_over_a_doubtful_glyph_of_its_own():
    ev = [Evidence(text="（小写）￥120000.00")]
    doubted = claim("total_amount", ValueType.money, "120000.00", 0.99, ev, [0.99, UNSURE, 0.99])
    words = claim("total_amount_words", ValueType.money, "120000.00", 0.99, [Evidence(text="壹拾贰万圆整")], [SURE] * 6)
    assert doubted.doubtful and not words.doubtful
    confirm(doubted, words)
    assert doubted.doubtful and words.confidence >= 0.95
    figures = "人民币壹仟万圆整（￥10,000,000.00元）"
    capital = flag_words_figures(claim("registered_capital", ValueType.money, "10000000.00", 0.99, [Evidence(text=figures)], [UNSURE]))
    assert capital.doubtful and not capital.warnings
    assert not flag_words_figures(claim("registered_capital", ValueType.money, "10000000.00", 0.7, [Evidence(text=figures)], [SURE])).doubtful


def test_a_recheck_after_a_correction_does_not_lift_a_doubtful_value():
    from core.models import ClaimSet
    from extract.recheck import recheck

    dc = read(INVOICE, AMOUNT, 4)
    stored = ClaimSet.model_validate_json(ClaimSet(dossier_id="d", documents=[dc]).model_dump_json())
    again = recheck(stored, {})
    assert low(again.documents[0], "amount_excl_tax")


def test_a_licence_address_glued_to_its_spread_label_is_judged_with_its_wrapped_line():
    wrapped = "栋1304房"
    pg = page([line("营业执照", 300, 40, 20), line("统一社会信用代码", 60, 80), line("91440112065857486B", 60, 96),
               line("名 称", 85, 140), line("广州新维智能装备股份有限公司", 170, 140),
               line("所广州市黄埔区中新广州知识城瑞和路157号7", 560, 200), line(wrapped, 560, 216),
               line("成立日期", 85, 260), line("2015年08月27日", 170, 260)])
    sure = read(pg, wrapped, None).get("address")  # found by a piece of its label: a reviewer's call anyway (76%)
    assert sure.value == "广州市黄埔区中新广州知识城瑞和路157号7栋1304房" and not sure.flags
    doubtful = read(pg, wrapped, 3).get("address")
    assert doubtful.confidence < sure.confidence and [f.code for f in doubtful.flags] == [GLYPH_DOUBT_FLAG]


def test_a_doubtful_glyph_in_the_drafting_units_lowers_the_lead_but_raises_no_warning():
    from core.models import Applicant
    from extract.claimset import mark_lead

    units = "本文件起草单位：广州恒通精密制造科技有限公司、华南理工大学。"
    pg = page([line("GB/T 39622—2021", 500, 20), line("前 言", 250, 60), line(units, 60, 100),
               line("本文件主要起草人：孙娟、刘明。", 60, 130)])
    dc = read(pg, units, units.index("华"))
    assert dc.value("drafting_units") == ["广州恒通精密制造科技有限公司", "华南理工大学"] and low(dc, "drafting_units")
    mark_lead(dc, Applicant(name="广州恒通精密制造科技有限公司"))
    lead = dc.get("applicant_is_lead")
    assert lead.value is True and lead.confidence < 0.8 and not lead.warnings and not dc.flags
