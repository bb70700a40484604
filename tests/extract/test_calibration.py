"""Wrong values are flagged rather than given with confidence: the checks that catch the
confident misreads the evaluation's calibration report found on generated phone photos, and
that they leave right values alone."""
import json
from decimal import Decimal
from pathlib import Path

from core.models import Box, DocType, Line, Page
from extract import extract_document
from extract.fields.base import CONFIRMED
from tests.extract.builders import OCR, document

DATA = Path(__file__).parent / "data" / "calibration"
APPLICANT = {"provincial_units_code_dash_lost": "广州恒通精密制造有限公司",
             "international_code_on_two_rows": "广州市云启生物科技有限公司"}


def read_page(name: str, misread: dict[str, str] | None = None):
    """The page as OCR read it; `misread`: a line's text replaced, as a worse reading would give it."""
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    lines = [Line(text=(misread or {}).get(t, t), box=Box(x0=b[0], y0=b[1], x1=b[2], y1=b[3]), confidence=c) for t, b, c in data["lines"]]
    doc = document(Page(number=1, width=data["width"], height=data["height"], unit="px", source=OCR, lines=lines), name=name + ".jpg")
    return extract_document(doc, applicant_name=APPLICANT.get(name))


def codes_of(dc, field):
    return [f.code for f in dc.get(field).flags]


def test_a_code_no_standard_could_have_is_doubted():
    from extract.normalise import parse_standard_code, standard_code_doubt

    doubtful = {c: standard_code_doubt(parse_standard_code(c)) for c in
                ("DB44T239421", "DB44/T 2394", "T/CAICT 123456-2020", "XY/T 1234-2020")}
    assert all(doubtful.values()), doubtful
    fine = ("DB44/T 2394-2021", "GB/T 43697-2024", "SJ/T 11363-2006", "T/CAMET 04011.1-2018", "ISO/IEC 30142:2020",
            "JTG/T D65-06-2015", "GB/T 1.1-2020", "ITU-T Y.4553", "Q/ABC 12-2020")
    assert [c for c in fine if standard_code_doubt(parse_standard_code(c))] == []


def test_the_units_line_code_with_its_dash_lost_is_flagged():
    """The annex line (DB44T239421) named the applicant's standard; the table's DB44/T 2394-2021
    was not matched to it, and the code came back as DB44/T 239421 at 96% with no flag."""
    dc = read_page("provincial_units_code_dash_lost")
    assert dc.doc_type == DocType.standard_notice
    assert dc.value("standard_code") == "DB44/T 239421"
    assert "code_pattern" in codes_of(dc, "standard_code") and dc.get("standard_code").doubtful
    assert "code_pattern" in codes_of(dc, "standards")


def test_two_dates_read_off_one_box_are_both_flagged():
    """The perspective put the 实施日期 cell above the 发布日期 one: 发布日期 took 2021-08-01 too."""
    dc = read_page("provincial_units_code_dash_lost")
    publish, implement = dc.get("publish_date"), dc.get("implement_date")
    assert publish.value == implement.value and publish.evidence[0].box == implement.evidence[0].box
    assert "one_box_two_dates" in codes_of(dc, "publish_date") and "one_box_two_dates" in codes_of(dc, "implement_date")


def test_one_code_on_two_rows_of_different_titles_is_flagged():
    """Rows 1 and 3 both read ISO/IEC 30142:2020 with different titles (the applicant's row 4 is
    another code's second reading): which standard the fields are of is a reviewer's question."""
    dc = read_page("international_code_on_two_rows")
    assert dc.value("standard_code") == "ISO/IEC 30142:2020"
    assert "code_repeated" in codes_of(dc, "standard_code") and dc.get("standard_code").doubtful


def _invoice(**fields):
    from core.models import DocumentClaims, Evidence, ValueType
    from extract.fields.base import claim

    money = {"amount_excl_tax", "tax_amount", "total_amount", "total_amount_words"}
    claims = [claim(k, ValueType.money if k in money else ValueType.text, v, conf, [Evidence(text=text)])
              for k, (v, conf, text) in fields.items()]
    return DocumentClaims(document="d", file_name="inv.jpg", doc_type=DocType.invoice, claims=claims)


def test_a_reading_another_source_agrees_with_is_no_longer_doubted():
    """A photographed 电子普通发票's number at 62% (one box, no label beside it) went to a
    reviewer on every such invoice, though its QR code says the same: agreement confirms it."""
    from core.models import Page
    from extract.crosscheck import document_checks

    dc = _invoice(invoice_number=("16269202", 0.6235, "广东增值税电子普通发票票号码：16269202"),
                  amount_excl_tax=("124783.87", 0.7, "￥124783.87"), tax_amount=("1009.56", 0.7, "￥1009.56"),
                  total_amount=("125793.43", 0.7, "（小写）￥125793.43"), total_amount_words=("125793.43", 0.7, "壹拾贰万…"))
    qr = Page(number=1, width=1, height=1, source=OCR, tags={"qr.invoice_number": ["16269202"]})
    document_checks(dc, document(qr))
    assert not any(c.doubtful for c in dc.claims), [(c.field, c.confidence) for c in dc.claims]

    wrong = _invoice(invoice_number=("16269208", 0.6235, "…号码：16269208"), total_amount=("125793.43", 0.7, "￥125793.43"),
                     total_amount_words=("125793.43", 0.7, "￥125793.43"))  # a total taken from its own words
    document_checks(wrong, document(qr))
    assert wrong.get("invoice_number").flags and wrong.get("total_amount").confidence == 0.7


def test_a_capital_whose_words_and_figures_agree_is_confirmed():
    from core.models import Evidence, ValueType
    from extract.fields.base import claim, flag_words_figures

    text = "收资本）合计人民币壹仟万圆整（￥10,000,000.00元），各股东均以货币出资。"
    got = flag_words_figures(claim("paid_in_capital", ValueType.money, "10000000.00", 0.73, [Evidence(text=text)]))
    assert not got.doubtful
    off = flag_words_figures(claim("paid_in_capital", ValueType.money, "1000000.00", 0.73, [Evidence(text=text.replace("￥10,", "￥1,"))]))
    assert off.doubtful and off.flags


def test_the_applicant_named_in_no_standards_drafters_is_flagged():
    """A scan's units line wrapped at 有限|公司 lost the applicant's name: the notice's first
    standard (T/CCSA 334) came back at 99% as if it were the applicant's."""
    from tests.extract.builders import prose

    rows = ["中国通信标准化协会关于发布《数字化车间设备互联互通规范》等2项团体标准的公告",
            "附件：标准编号、名称及起草单位一览表",
            "序号 标准编号 标准名称 实施日期",
            "1 T/CCSA 334-2021 数字化车间设备互联互通规范 2021-07-07",
            "起草单位：华南理工大学、广州广电计量检测股份有限公司",
            "2 T/CCSA 286-2021 智能制造工业云服务数据管理通用要求 2021-07-07",
            "起草单位：广东省标准化研究院、广州广电计量检测股份有限公司"]
    doc = document(prose(rows), name="notice.pdf")
    dc = extract_document(doc, applicant_name="广州启明新材料有限公司")
    assert dc.value("standard_code") == "T/CCSA 334-2021" and "applicant_not_listed" in codes_of(dc, "standard_code")
    listed = extract_document(doc, applicant_name="广东省标准化研究院")
    assert listed.value("standard_code") == "T/CCSA 286-2021" and not listed.get("standard_code").flags


def test_a_document_of_no_supported_kind_is_put_before_a_reviewer():
    from tests.extract.builders import prose

    dc = extract_document(document(prose(["会议纪要", "参会人员：张三、李四", "会议讨论了下一季度的工作安排。"]), name="minutes.pdf"))
    assert dc.doc_type == DocType.other and [f.code for f in dc.flags] == ["unclassified"]


def _name_flags(dc, field):
    c = dc.get(field)
    return c.value, [f.code for f in c.flags]


def test_a_party_name_cut_before_its_legal_form_is_flagged_on_invoices_contracts_and_licences():
    """The last confident wrong value on generated scans was a 数电票's buyer cut before 有限公司
    (README, calibration): a name cannot end there, on any document that names a party."""
    from tests.extract.builders import OLD_INVOICE, boxes_page, old_invoice_lines, prose

    cut = dict(OLD_INVOICE, buyer="广州云栖工业科技")
    invoice = extract_document(document(boxes_page(old_invoice_lines(cut), source=OCR), name="invoice.jpg"))
    assert _name_flags(invoice, "buyer_name") == ("广州云栖工业科技", ["name_cut"])
    whole = extract_document(document(boxes_page(old_invoice_lines(OLD_INVOICE), source=OCR), name="invoice.jpg"))
    assert [_name_flags(whole, f) for f in ("buyer_name", "seller_name")] == [(OLD_INVOICE["buyer"], []), (OLD_INVOICE["seller"], [])]

    contract = extract_document(document(prose(["技术服务合同", "合同编号：HT-2021-001", "甲方（委托方）：广州云栖工业科技",
                                                "乙方（受托方）：鲸数科技（北京", "签订日期：2021年3月1日"]), name="contract.pdf"))
    assert _name_flags(contract, "party_a") == ("广州云栖工业科技", ["name_cut"])
    assert _name_flags(contract, "party_b") == ("鲸数科技(北京", ["name_cut"])  # a bracket left open

    licence = extract_document(document(prose(["营业执照", "统一社会信用代码 91440101MA5CXXQ213", "名 称 广州云栖工业股份有限",
                                               "类 型 股份有限公司", "成立日期 2019年01月02日", "住 所 广州市黄埔区科学大道1号"]), name="licence.pdf"))
    assert _name_flags(licence, "company_name") == ("广州云栖工业股份有限", ["name_cut"])


def test_whole_names_and_what_an_ofd_says_are_not_taken_for_cut_ones():
    from core.models import DocumentClaims, Evidence
    from extract.crosscheck import cut_short, document_checks
    from extract.fields.base import claim

    # party names of the development sets (realdocs, realdev) that end otherwise than 有限公司
    whole = ["上海江山宾馆", "广州市新维塑胶制品工作室", "上海毅嘉享文化传播工作室", "个人", "鲸数科技（北京）有限公司",
             "长沙市芙蓉区数据局", "长沙市城区排水事务中心", "义乌市融媒体中心"]
    assert [n for n in whole if cut_short(n)] == []
    tagged = DocumentClaims(document="d", file_name="inv.ofd", doc_type=DocType.invoice,
                            claims=[claim("buyer_name", "text", "测试购方科技", 0.99, [Evidence(text="BuyerName=测试购方科技", source="ofd")])])
    assert not document_checks(tagged).get("buyer_name").flags


def test_a_name_a_field_module_found_cut_is_not_flagged_twice():
    # extract.fields.licence flags a name a stamp cut (南京文化艺 | 仅供存档 | 术产权交易所…); the check
    # adds no second flag, which would stand on the document alone and doubt its kind
    from core.models import DocumentClaims, Evidence, Flag
    from extract.crosscheck import document_checks
    from extract.fields.base import claim

    name = claim("company_name", "text", "南京文化艺术科技", 0.5, [Evidence(text="南京文化艺术科技", source="ocr:rapidocr@test")])
    name.flags.append(Flag(code="name_cut", message="company_name: '南京文化艺术科技' does not end as a name does"))
    dc = document_checks(DocumentClaims(document="d", file_name="licence.jpg", doc_type=DocType.business_licence, claims=[name]))
    assert [f.code for f in name.flags] == ["name_cut"] and not dc.flags


SHUDIAN = "shudian_words_on_a_line_apart"


def test_the_words_on_a_line_of_their_own_confirm_the_small_total():
    """A photographed 数电票 tilted so that 价税合计（大写） took the 合计 row's figures and its words
    went on a line of their own: the total came back as 金额's ¥324996.00 at 69%, nothing to check
    it against. The printed （小写） label comes first, and the words, read apart, confirm it."""
    dc = read_page(SHUDIAN)
    total, words = dc.get("total_amount"), dc.get("total_amount_words")
    assert words.value == total.value == Decimal("329184.92")
    assert (words.evidence[0].text, total.evidence[0].text) == ("叁拾贰万玖仟壹佰捌拾肆圆玖角贰分", "￥329184.92")
    assert not total.flags and total.confidence >= CONFIRMED and not total.doubtful


def test_a_small_total_its_words_on_another_line_disagree_with_is_flagged():
    dc = read_page(SHUDIAN, misread={"￥329184.92": "￥328184.92"})
    total = dc.get("total_amount")
    assert total.value == Decimal("328184.92") and [f.code for f in total.flags] == ["words_figures"]
    assert "329184.92" in total.flags[0].message and total.doubtful  # what the words say is offered
