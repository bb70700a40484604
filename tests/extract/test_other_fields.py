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
