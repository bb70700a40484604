from datetime import date
from decimal import Decimal

from core.models import DocType

from extract import extract_document
from tests.extract.builders import document, prose


def _values(dc):
    return {c.field: c.value for c in dc.claims}


def test_contract_fields():
    pg = prose([
        "工业云平台服务合同",
        "合同编号：HT2025-0042",
        "甲方（委托方）：广州云栖工业科技有限公司",
        "乙方（受托方）：深圳数联软件服务有限公司",
        "项目名称：工业云平台SaaS订阅服务",
        "一、甲方应于合同签订后十日内支付首期款项。",
        "二、合同总金额：人民币壹拾贰万元整（¥120,000.00）。",
        "三、服务期限：自2025年3月1日起至2026年2月28日止。",
        "签订日期：2025年2月20日",
    ])
    dc = extract_document(document(pg, name="contract.pdf"))
    got = _values(dc)
    assert dc.doc_type == DocType.contract
    assert got["contract_number"] == "HT2025-0042" and got["title"] == "工业云平台服务合同"
    assert got["party_a"] == "广州云栖工业科技有限公司" and got["party_b"] == "深圳数联软件服务有限公司"
    assert got["total_amount"] == Decimal("120000.00")
    assert (got["term_start"], got["term_end"]) == (date(2025, 3, 1), date(2026, 2, 28))
    assert got["signing_date"] == date(2025, 2, 20)
    assert got["subject"] == "工业云平台SaaS订阅服务"
    assert dc.clauses == ["art4.2"]


def test_standard_notice_fields():
    pg = prose([
        "广东省工业互联网产业联盟",
        "关于发布《工业设备上云接入规范》团体标准的公告",
        "根据《团体标准管理规定》，经审查，批准发布下列团体标准，现予公告。",
        "标准编号：DB44/T 2451-2025",
        "标准名称：工业设备上云接入规范",
        "主要起草单位：广州云栖工业科技有限公司、华南理工大学、",
        "广州市标准化研究院",
        "发布日期：2025年3月1日",
        "实施日期：2025年4月1日",
        "广东省市场监督管理局",
    ])
    got = _values(extract_document(document(pg)))
    assert got["standard_code"] == "DB44/T 2451-2025" and got["level"] == "local"
    assert got["standard_title"] == "工业设备上云接入规范"
    assert got["drafting_units"] == ["广州云栖工业科技有限公司", "华南理工大学", "广州市标准化研究院"]
    assert (got["publish_date"], got["implement_date"]) == (date(2025, 3, 1), date(2025, 4, 1))
    assert got["issuing_body"] == "广东省市场监督管理局"


def test_standard_notice_as_a_table_reads_values_below_headers():
    pg = prose([
        "国家市场监督管理总局 国家标准化管理委员会",
        "关于批准发布《工业互联网平台 应用实施指南》国家标准的公告",
    ])
    from tests.extract.builders import line

    pg.lines += [line("标准编号", 60, 200, 14), line("标准名称", 200, 200, 14), line("实施日期", 420, 200, 14),
                 line("GB/T 23031.1-2025", 60, 225, 14), line("工业互联网平台 应用实施指南", 200, 225, 14),
                 line("2025-10-01", 420, 225, 14)]
    got = _values(extract_document(document(pg)))
    assert got["standard_code"] == "GB/T 23031.1-2025" and got["level"] == "national"
    assert got["implement_date"] == date(2025, 10, 1)


def test_licence_fields():
    pg = prose([
        "营业执照",
        "统一社会信用代码：91440101MA5CXXQ213",
        "名称：广州云栖工业科技有限公司",
        "类型：有限责任公司（自然人投资或控股）",
        "住所：广州市黄埔区科学大道1号A栋501房",
        "法定代表人：张三",
        "注册资本：人民币伍佰万元",
        "成立日期：2019年06月03日",
    ])
    got = _values(extract_document(document(pg)))
    assert got["company_name"] == "广州云栖工业科技有限公司" and got["credit_code"] == "91440101MA5CXXQ213"
    assert got["address"] == "广州市黄埔区科学大道1号A栋501房"
    assert got["registered_capital"] == Decimal("5000000.00") and got["established_date"] == date(2019, 6, 3)


def test_commitment_letter_fields():
    pg = prose([
        "承诺书",
        "本公司郑重承诺：自获得扶持之日起十年内不迁出黄埔区，不改变在黄埔区的纳税义务，不减少注册资本。",
        "统一社会信用代码：91440101MA5CXXQ213",
        "承诺单位（盖章）：广州云栖工业科技有限公司",
        "2025年5月6日",
    ])
    got = _values(extract_document(document(pg)))
    assert got["company_name"] == "广州云栖工业科技有限公司" and got["credit_code"] == "91440101MA5CXXQ213"
    assert got["commitment_years"] == 10 and got["signing_date"] == date(2025, 5, 6)
    # 第二条's four promises: this letter leaves out the statistics relation, and the rules see that.
    assert got["commitments"] == ["no_move", "tax", "capital"]


def test_capital_verification_fields():
    pg = prose([
        "验资报告",
        "广州云栖工业科技有限公司全体股东：",
        "我们接受委托，审验了贵公司截至2025年3月31日止的注册资本实收情况。",
        "经我们审验，截至2025年3月31日止，贵公司已收到全体股东缴纳的实收资本合计人民币伍佰万元整（¥5,000,000.00），均为货币出资。",
        "广州某某会计师事务所（特殊普通合伙）",
        "2025年4月2日",
    ])
    got = _values(extract_document(document(pg)))
    assert got["company_name"] == "广州云栖工业科技有限公司"
    # the capital is verified as at 截至…止, not on the day the report is signed
    assert got["paid_in_capital"] == Decimal("5000000.00") and got["verification_date"] == date(2025, 3, 31)


def test_contract_with_role_first_labels_and_an_unreadable_signing_date():
    pg = prose([
        "技术服务合同",
        "编号：JS-2020-06201",
        "委托方（甲方）：广州市天瑞汽车零部件有限公司",
        "受托方（乙方）：无锡市宏图检测技术有限公司",
        "就甲方委托乙方提供工业控制系统信息安全检测服务事宜达成如下协议。",
        "服务期限自2021年07月04日起至2021年07月03日止。",
        "签订日期：2021年07月金专用章",  # the day under a seal
    ])
    got = _values(extract_document(document(pg)))
    assert got["party_a"] == "广州市天瑞汽车零部件有限公司" and got["party_b"] == "无锡市宏图检测技术有限公司"
    assert got["contract_number"] == "JS-2020-06201" and got["subject"] == "工业控制系统信息安全检测服务"
    assert "signing_date" not in got  # no guess from the other dates on the page


def test_broken_figures_fall_back_to_the_words_with_a_flag():
    pg = prose([
        "验资报告",
        "广州市铂睿精密制造有限公司全体股东：",
        "我们接受委托，审验了贵公司截至2021年",
        "10月11日止申请设立登记的注册资本实收情况。",
        "贵公司已收到全体股东缴纳的注册资本（实收资本）合计人民币叁佰万圆整（￥3，000.000.00元）。",
        "2021年10月15日",
    ])
    dc = extract_document(document(pg))
    paid = dc.get("paid_in_capital")
    assert paid.value == Decimal("3000000.00") and [f.code for f in paid.flags] == ["words_figures"]
    assert dc.value("verification_date") == date(2021, 10, 11)  # 截至…止 across a line break


def test_notice_with_a_table_and_an_annex_of_drafting_units_picks_the_applicants_standard():
    from tests.extract.builders import line

    pg = prose(["中华人民共和国工业和信息化部", "公 告", "工业和信息化部批准《工业互联网标识解析 二级节点技术要求》等2项行业标准。"])
    rows = [("序号", 77), ("标准编号", 120), ("标准名称", 230), ("发布日期", 460), ("实施日期", 540)]
    pg.lines += [line(t, x, 200, 12) for t, x in rows]
    for y, n, code, title in ((220, "1", "YD/T 3876-2021", "工业互联网标识解析 二级节点技术要求"),
                              (250, "2", "SJ/T 11735-2021", "工业互联网平台 企业上云效果评价方法")):
        pg.lines += [line(n, 80, y), line(code, 120, y), line(title, 230, y), line("2021-03-28", 460, y), line("2021-06-01", 540, y)]
    pg.lines += [line("附件2：主要起草单位", 60, 300),
                 line("1. 《工业互联网标识解析 二级节点技术要求》（YD/T 3876-2021）：中国电子技术标准化研究院、华南理工大学", 60, 320),
                 line("2. 《工业互联网平台 企业上云效果评价方法》（SJ/T 11735-2021）：广州市华信精密制造股份有限", 60, 340),
                 line("公司、中国信息通信研究院", 60, 356),
                 line("中华人民共和国工业和信息化部", 380, 420), line("2021年3月28日", 400, 440)]
    from extract.fields.standard_notice import extract_standard_notice

    got = {c.field: c.value for c in extract_standard_notice(document(pg), "广州市华信精密制造股份有限公司")}
    assert got["standard_code"] == "SJ/T 11735-2021" and got["standard_title"] == "工业互联网平台 企业上云效果评价方法"
    assert (got["publish_date"], got["implement_date"]) == (date(2021, 3, 28), date(2021, 6, 1))
    assert got["drafting_units"] == ["广州市华信精密制造股份有限公司", "中国信息通信研究院"]
    assert got["issuing_body"] == "中华人民共和国工业和信息化部"
    first = {c.field: c.value for c in extract_standard_notice(document(pg))}
    assert first["standard_code"] == "YD/T 3876-2021"  # no applicant: the first standard


def test_licence_address_that_wraps_under_itself():
    from tests.extract.builders import line, page

    pg = page([line("营业执照", 300, 40, 20), line("统一社会信用代码", 60, 80), line("91440112065857486B", 60, 96),
               line("名 称", 85, 140), line("广州新维智能装备股份有限公司", 170, 140),
               line("住 所", 560, 200), line("广州市黄埔区中新广州知识城瑞和路157号7", 620, 200),
               line("栋1304房", 620, 216), line("成立日期", 85, 260), line("2015年08月27日", 170, 260)])
    got = _values(extract_document(document(pg)))
    assert got["address"] == "广州市黄埔区中新广州知识城瑞和路157号7栋1304房"
    assert got["company_name"] == "广州新维智能装备股份有限公司" and got["credit_code"] == "91440112065857486B"


def test_a_standard_whose_code_ocr_lost_is_still_found_by_its_lead_but_without_a_code():
    from tests.extract.builders import line

    pg = prose(["中国通信标准化协会", "关于发布团体标准的公告"])
    pg.lines += [line("标准编号", 120, 200), line("标准名称", 260, 200), line("实施日期", 480, 200),
                 line("2021", 130, 220), line("数字化车间设备互联互通规范", 260, 220), line("2021-07-30", 480, 220),
                 line("起草单位：广州智造电子科技有限公司、华为技术有限公司", 260, 240),
                 line("2", 80, 270), line("T/CCSA 335-2021", 120, 270), line("边缘计算网关技术要求", 260, 270), line("2021-07-30", 480, 270),
                 line("起草单位：树根互联股份有限公司、华南理工大学", 260, 290)]
    from extract.fields.standard_notice import extract_standard_notice

    got = {c.field: c.value for c in extract_standard_notice(document(pg), "广州智造电子科技有限公司")}
    assert "standard_code" not in got  # unreadable: left for the reviewer, not taken from the other standard
    assert got["standard_title"] == "数字化车间设备互联互通规范" and got["implement_date"] == date(2021, 7, 30)
    assert got["drafting_units"] == ["广州智造电子科技有限公司", "华为技术有限公司"]
    other = {c.field: c.value for c in extract_standard_notice(document(pg), "树根互联股份有限公司")}
    assert other["standard_code"] == "T/CCSA 335-2021" and other["level"] == "group"


def test_a_seal_over_the_signing_date_leaves_it_unread():
    # the contract was signed on the 22nd; OCR read "2日" with the seal's words after it
    pg = prose(["技术服务合同", "甲方（委托方）：广州市致远智能装备科技有限公司", "乙方（服务方）：杭州市博创工业互联网有限公司",
                "服务期限自2021年3月23日起至2024年3月22日止。", "签约日期：2021年3月2日专用章"])
    got = _values(extract_document(document(pg)))
    assert "signing_date" not in got and got["term_start"] == date(2021, 3, 23)


def test_drafting_units_split_at_legal_suffixes_when_ocr_drops_the_separator():
    pg = prose(["关于发布团体标准的公告", "标准编号：T/CESA 1125-2020",
                "起草单位：广州市凯立精密制造有限公司中国移动通信集团有限公司一广州赛宝认证中心服务有限公司、中国电子技术标准化研究院"])
    got = _values(extract_document(document(pg)))
    assert got["drafting_units"] == ["广州市凯立精密制造有限公司", "中国移动通信集团有限公司", "广州赛宝认证中心服务有限公司",
                                     "中国电子技术标准化研究院"]


def test_receipt_fields_are_read_but_it_is_no_invoice():
    from tests.extract.builders import line, page

    pg = page([line("收款收据", 300, 40, 20), line("No.2505597", 520, 44), line("2021年04月17日", 330, 80),
               line("今收到", 60, 120), line("广州天瑞电子科技有限公司", 130, 120), line("交来", 60, 150), line("设备上云接入费", 130, 150),
               line("人民币（大写）", 60, 180), line("陆万壹仟叁佰柒拾捌圆玖角叁分", 160, 180), line("61378.93", 160, 210),
               line("收款单位（盖章）：无锡市中科工业互联网科技有限公司", 60, 250), line("收款人：吴芳霞", 420, 250),
               line("依据规定，收款单位名称应写全称。", 60, 290)])
    dc = extract_document(document(pg))
    got = _values(dc)
    assert dc.doc_type == DocType.receipt and dc.clauses == []
    assert (got["receipt_number"], got["date"]) == ("2505597", date(2021, 4, 17))
    assert got["payer_name"] == "广州天瑞电子科技有限公司" and got["payee_name"] == "无锡市中科工业互联网科技有限公司"
    assert got["purpose"] == "设备上云接入费" and got["amount"] == Decimal("61378.93")


def test_second_party_whose_label_a_seal_hides_is_flagged():
    pg = prose(["工业互联网平台服务合同", "甲方（委托方）：广州数联智能装备有限公司", "统一社会信用代码：91440112MAAKDWFL97",
                "成都联拓智能科技有限公司", "统一社会信用代码：9151010733269431X6", "根据《中华人民共和国民法典》，双方协商一致。"])
    party_b = extract_document(document(pg)).get("party_b")
    assert party_b.value == "成都联拓智能科技有限公司" and [f.code for f in party_b.flags] == ["label_unread"]
    assert party_b.confidence <= 0.6
