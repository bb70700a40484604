from core.models import DocType

from extract.classify import classify
from tests.extract.builders import OFD, boxes_page, document, old_invoice_lines, OLD_INVOICE, page, prose


def test_old_invoice_with_clean_title_is_a_专票():
    c = classify(document(boxes_page(old_invoice_lines(OLD_INVOICE))))
    assert (c.doc_type, c.subtype) == (DocType.invoice, "专票")
    assert c.confidence > 0.8
    assert any("增值税专用发票" in e.text for e in c.evidence)


def test_noisy_ocr_title_still_reads_as_普票():
    # PP-OCRv4 read a real 增值税普通发票's title as this
    lines = [("深圳增镇税普通发票", 300, 20), ("发票代码：144031900111", 620, 50), ("发票号码：12345678", 620, 70),
             ("开票日期：2020年01月02日", 620, 90), ("价税合计（大写）", 120, 370), ("纳税人识别号：", 110, 140)]
    c = classify(document(boxes_page(lines)))
    assert (c.doc_type, c.subtype) == (DocType.invoice, "普票")


def test_receipt_look_alike_is_not_an_invoice():
    pg = prose(["货物运输电子货票收款凭证", "电子报销凭证序号 23479359201030", "托运人名称 托运人纳税人识别号",
                "北京华亿创新信息技术有限公司 91110108749364121L", "费用合计：CNY661.00", "申请日期 2020-10-30",
                "依据《企业所得税税前扣除凭证管理办法》收款凭证可作为税前扣除凭证，与增值税发票不同"])
    c = classify(document(pg))
    assert c.doc_type == DocType.receipt


def test_数电票_by_tags():
    pg = page([], source=OFD, tags={"InvoiceNo": ["24322000000489101796"], "TaxInclusiveTotalAmount": ["¥20000.00"]})
    c = classify(document(pg, name="x.ofd"))
    assert (c.doc_type, c.subtype) == (DocType.invoice, "数电票")
    assert c.evidence[0].source == "ofd"


def test_数电票_by_20_digit_number_without_发票代码():
    lines = [("电子发票（普通发票）", 160, 22), ("发票号码：25442000000123456789", 438, 31), ("开票日期：2025年05月06日", 438, 49),
             ("购 名称：广州云栖工业科技有限公司", 17, 93), ("销 名称：深圳数联软件服务有限公司", 302, 93), ("价税合计（大写）", 48, 280)]
    c = classify(document(boxes_page(lines)))
    assert (c.doc_type, c.subtype) == (DocType.invoice, "数电票")


def test_contract():
    c = classify(document(prose(["工业云平台服务合同", "合同编号：HT2025-0042", "甲方（委托方）：广州云栖工业科技有限公司",
                                 "乙方（受托方）：深圳数联软件服务有限公司", "经双方协商一致，签订本合同。", "违约责任 ……"])))
    assert c.doc_type == DocType.contract


def test_standard_notice():
    c = classify(document(prose(["广东省工业互联网产业联盟", "关于发布《工业设备上云接入规范》团体标准的公告",
                                 "标准编号：T/GDIIA 012-2025", "发布日期：2025年3月1日", "实施日期：2025年4月1日",
                                 "主要起草单位：广州云栖工业科技有限公司、华南理工大学"])))
    assert c.doc_type == DocType.standard_notice


def test_licence_commitment_capital():
    licence = prose(["营业执照", "统一社会信用代码 91440101MA5CXXQ213", "名称 广州云栖工业科技有限公司", "注册资本 人民币伍佰万元",
                     "成立日期 2019年06月03日", "法定代表人 张三", "经营范围 工业软件开发"])
    letter = prose(["承诺书", "本公司郑重承诺：自获得扶持之日起十年内不迁出黄埔区，不改变在黄埔区的纳税义务，不减少注册资本。",
                    "如违反上述承诺，愿承担相应法律责任。", "承诺单位（盖章）：广州云栖工业科技有限公司", "2025年5月6日"])
    capital = prose(["验资报告", "广州云栖工业科技有限公司全体股东：", "我们接受委托，审验了贵公司截至2025年3月31日止的实收资本。",
                     "贵公司已收到全体股东缴纳的实收资本合计人民币伍佰万元整，均为货币出资。", "广州某某会计师事务所", "2025年4月2日"])
    assert classify(document(licence)).doc_type == DocType.business_licence
    assert classify(document(letter)).doc_type == DocType.commitment_letter
    assert classify(document(capital)).doc_type == DocType.capital_verification


def test_nothing_recognisable_is_other():
    c = classify(document(prose(["会议纪要", "今天讨论了下周的安排。"])))
    assert c.doc_type == DocType.other
    assert classify(document(name="empty.pdf")).doc_type == DocType.other
