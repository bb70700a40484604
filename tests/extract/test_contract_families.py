"""Contracts from the templates people use, their wording in tests/extract/data/contracts/
(with its source address), the blanks filled with invented parties."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import DocType
from extract import extract_document
from extract.families import detect
from tests.extract.builders import document, prose

DATA = Path(__file__).parent / "data" / "contracts"
A, B = "广州云栖工业科技有限公司", "深圳数联软件服务有限公司"
AGENCY = "广州市黄埔区科学技术局"


def filled(name: str, values: dict[str, str]) -> list[list[str]]:
    """The template's pages (split at ---), each label's blank filled with its value."""
    text = "\n".join(ln for ln in (DATA / name).read_text(encoding="utf-8").splitlines() if not ln.startswith("#"))
    pages = []
    for part in text.split("\n---\n"):
        rows = []
        for row in part.splitlines():
            for label, value in values.items():
                if label in row:
                    row = re.sub(re.escape(label) + r"[_ ]*", lambda m: label + value, row, count=1)
            rows.append(row)
        pages.append(rows)
    return pages


def read(pages: list[list[str]]):
    dc = extract_document(document(*(prose(rows, number=i) for i, rows in enumerate(pages, start=1)), name="contract.pdf"))
    assert dc.doc_type == DocType.contract, dc.doc_type
    return dc, {c.field: c.value for c in dc.claims}


def test_technology_development_contract_of_the_national_model_text():
    pages = filled("tech_development.txt", {
        "合同编号：": "JSKF-2023-017", "项目名称：": "工业视觉缺陷检测算法研发",
        "委托方（甲方）：": A, "受托方（乙方）：": "华南理工大学",
        "签订时间：": "2023年5月10日", "签订地点：": "广州市黄埔区", "有效期限：": "2023年5月10日至2024年5月9日",
        "研究开发经费和报酬总额为": "人民币伍拾万元整（¥500,000.00）",
    })
    dc, got = read(pages)
    assert detect("contract", "\n".join(sum(pages, []))).id == "tech_development"
    assert got["party_a"] == A and got["party_b"] == "华南理工大学"
    assert got["title"] == "技术开发(委托)合同" and got["contract_number"] == "JSKF-2023-017"
    assert got["subject"] == "工业视觉缺陷检测算法研发"
    assert got["signing_date"] == date(2023, 5, 10) and got["signing_place"] == "广州市黄埔区"
    assert (got["term_start"], got["term_end"]) == (date(2023, 5, 10), date(2024, 5, 9))
    assert got["total_amount"] == Decimal("500000.00")


def test_party_named_only_in_the_signature_block_under_its_seal():
    """The cover's blanks left empty; the signature page names the parties, the seals' words
    read into the names."""
    pages = filled("tech_development.txt", {"项目名称：": "工业视觉缺陷检测算法研发", "签订时间：": "2023年5月10日"})
    pages[2] = [f"委托方（甲方）：{A}合同专用章（盖章）", "法定代表人/委托代理人：（签名）",
                "受托方（乙方）：华南理工大学（盖章）", "法定代表人/委托代理人：（签名）"]
    dc, got = read(pages)
    assert got["party_a"] == A and got["party_b"] == "华南理工大学"


def test_parties_restated_in_the_body_when_the_cover_and_signature_page_leave_them_blank():
    """The model text names the parties three times; a cover filled in by hand but left blank
    (or unreadable) and an unsigned signature page leave the body's head, which names them."""
    values = {"合同编号：": "JSKF-2023-017", "项目名称：": "工业视觉缺陷检测算法研发", "委托方（甲方）：": A,
              "受托方（乙方）：": "华南理工大学", "签订时间：": "2023年5月10日"}
    pages = filled("tech_development.txt", values)
    blank = filled("tech_development.txt", {k: v for k, v in values.items() if "方（" not in k})
    pages[0], pages[2] = blank[0], blank[2]
    dc, got = read(pages)
    assert got["party_a"] == A and got["party_b"] == "华南理工大学"
    assert {dc.get(f).evidence[0].page for f in ("party_a", "party_b")} == {2}


def test_the_1990s_form_prints_the_side_after_the_blank():
    pages = filled("tech_development_1990s.txt", {"项目名称：": "数控机床远程运维平台", "委托方：": A, "研究开发方：": B})
    _, got = read(pages)
    assert got["party_a"] == A and got["party_b"] == B


@pytest.mark.parametrize("template, values, want", [
    ("procurement.txt", {"政府采购合同编号：": "HPCG-2024-0031", "采购人（甲方）：": AGENCY, "供应商（乙方）：": B,
                         "合计金额小写： ": "1025826.73"},
     {"party_a": AGENCY, "party_b": B, "contract_number": "HPCG-2024-0031", "total_amount": Decimal("1025826.73")}),
    ("construction.txt", {"发包人（全称）：": A, "承包人（全称）：": "中建科工集团有限公司", "工程名称：": "智能制造产业园二期厂房",
                          "金额（大写）：": "壹仟贰佰万元（人民币）¥：12,000,000.00元"},
     {"party_a": A, "party_b": "中建科工集团有限公司", "subject": "智能制造产业园二期厂房"}),
    ("supply_demand.txt", {"需方：": A, "供方：": B},                       # 需方 … （以下简称甲方）
     {"party_a": A, "party_b": B}),
    ("sale.txt", {"买方（甲方）：": A, "卖方（乙方）：": B, "签订时间： 年 月 日": "签订时间：2024年3月1日", "签订地点：": "广州市"},
     {"party_a": A, "party_b": B, "signing_date": date(2024, 3, 1), "signing_place": "广州市"}),
    ("product_sale.txt", {"甲方（需方）：": A, "乙方（供方）：": B}, {"party_a": A, "party_b": B}),
], ids=["procurement", "construction", "supply-demand-short-for", "sale", "product-sale"])
def test_template_parties_and_figures(template, values, want):
    _, got = read(filled(template, values))
    for field, value in want.items():
        assert got.get(field) == value, (field, got.get(field), value)


def test_jia_gong_fang_makes_party_a_the_supplier():
    """甲（供）方: the 甲方 is the seller here, and party_a follows 甲 whatever the role."""
    _, got = read([["购销合同", f"甲（供）方：{B}", f"乙（需）方：{A}", "经甲乙双方协商一致，签订本合同。"]])
    assert got["party_a"] == B and got["party_b"] == A


def test_short_for_decides_the_side_against_the_page_order():
    _, got = read([["采购合同书", f"供方：{B}（以下简称甲方）", f"需方：{A}（以下简称乙方）", "经双方协商一致，共同订立本合同。"]])
    assert got["party_a"] == B and got["party_b"] == A


def test_roles_alone_follow_the_page_order():
    _, got = read([["购销合同", f"供方：{B}", f"需方：{A}", "供需双方经协商一致，签订本合同。"]])
    assert got["party_a"] == B and got["party_b"] == A


def test_civil_code_names_for_a_commissioned_development():
    _, got = read([["委托开发合同", f"委托人：{A}", "研究开发人：华南理工大学", "项目名称：高精度减速器寿命预测",
                    "签订时间：2022年8月8日"]])
    assert got["party_a"] == A and got["party_b"] == "华南理工大学" and got["subject"] == "高精度减速器寿命预测"
    assert got["signing_date"] == date(2022, 8, 8)


def test_a_slip_in_the_label_still_reads_but_never_swaps_the_sides():
    """OCR reads 〕 for ）: the label still names its side; 甲 and 乙 never trade."""
    _, got = read([["技术开发（委托）合同", f"委托方（甲方〕：{A}", "受托方（乙方〕：华南理工大学"]])
    assert got["party_a"] == A and got["party_b"] == "华南理工大学"
    _, got = read([["建设工程施工合同", f"发包人（全称〕：{A}", "承包人（全称〕：中建科工集团有限公司"]])
    assert got["party_a"] == A and got["party_b"] == "中建科工集团有限公司"


def purchase_page(buyer: str = "采购方（甲方）", seller: str = "供应商（乙方）", beside_heading: str = ""):
    """An enterprise 采购合同 (the generator's purchase family): the parties as role（side）, a
    标的 table of separate cells, the term under a heading of its own."""
    from tests.extract.builders import line, page

    rows = [[("云服务器资源采购合同", 190)], [("合同编号：JS-2020-11780", 71), ("签订日期：2020年03月01日", 390)],
            [(f"{buyer}：{A}", 71)], [("地址：广州开发区瑞和路176号", 71)], [(f"{seller}：{B}", 71)],
            [("一、标的信息", 71)],
            [("序号", 75), ("标的名称", 164), ("数量单位", 285), ("数量", 359), ("单价(元)", 407), ("总价(元)", 471)],
            [("1", 82), ("云服务器资源（年）", 142), ("项", 300), ("1", 366), ("283,000.00", 400), ("283,000.00", 463)],
            [("合计金额小写：283000.00元", 71), ("合计金额大写：贰拾捌万叁仟圆整", 221)],
            [("二、履约期限", 71), *([(beside_heading, 160)] if beside_heading else [])], [("2020年03月01日至2023年02月28日。乙方应在履约期限内完成供货、安装、调试及培训。", 92)],
            [("三、付款方式", 71)], [("合同签订后10个工作日内甲方支付合同金额的30%。", 92)]]
    return page([line(text, x, 60 + 20 * i, 10) for i, cells in enumerate(rows) for text, x in cells], width=595, height=842)


def test_purchase_contract_supplier_is_party_b_after_a_buyer_named_caigoufang():
    dc = extract_document(document(purchase_page(), name="contract.pdf"))
    got = {c.field: c.value for c in dc.claims}
    assert got["party_a"] == A and got["party_b"] == B


def test_purchase_contract_term_under_its_own_heading():
    got = {c.field: c.value for c in extract_document(document(purchase_page("需方（甲方）", "供方（乙方）"), name="contract.pdf")).claims}
    assert (got["term_start"], got["term_end"]) == (date(2020, 3, 1), date(2023, 2, 28))


def test_purchase_contract_term_under_a_heading_a_seal_glyph_was_read_beside():
    """generated purchase scan: the seal over the page's middle, OCR reads 天 of its ring beside
    二、履约期限 on the heading's row"""
    got = {c.field: c.value for c in extract_document(document(purchase_page(beside_heading="天"), name="contract.pdf")).claims}
    assert (got["term_start"], got["term_end"]) == (date(2020, 3, 1), date(2023, 2, 28))


def test_purchase_contract_subject_from_the_item_table():
    for roles in (("采购方（甲方）", "供应商（乙方）"), ("采购人（甲方）", "供应商（乙方）"), ("需方（甲方）", "供方（乙方）")):
        got = {c.field: c.value for c in extract_document(document(purchase_page(*roles), name="contract.pdf")).claims}
        assert got["subject"] == "云服务器资源(年)", roles
        assert got["total_amount"] == Decimal("283000.00")


def test_a_lease_reads_its_parties_and_the_rent_it_states():
    """fixtures/realdev 租赁合同_AS20250010 (real text): 出租方/承租方 named by 以下简称, the rent
    stated in the 租金 article."""
    _, got = read([["租赁合同", f"出租方：（以下简称甲方）{A}", f"承租方：（以下简称乙方）{B}",
                    "三、租赁期限 该房屋租赁期为一年，自2025年5月22日起至2026年5月21日止。",
                    "四、租金及支付方式 1、该房屋每年的租金为￥303000元整。2、房屋租金应于本合同签订后",
                    "五、其他费用 1、电费按供电局核准供电价格加公共能耗1.2元/度收取，水费按3000", "元/年收取。"]])
    assert got["party_a"] == A and got["party_b"] == B
    assert got["total_amount"] == Decimal("303000.00")
    assert (got["term_start"], got["term_end"]) == (date(2025, 5, 22), date(2026, 5, 21))


def test_a_procurement_agreement_names_its_parties_in_full():
    """fixtures/realdev 服务类项目政府采购合同协议书 (real text): 采购人(全称): … (甲方) and
    中标(成交)供应商(全称): … (乙方)."""
    _, got = read([["服务类项目政府采购合同协议书", "政府采购合同编号: CSCG-GK-202307110013-1",
                    f"采购人(全称): {AGENCY} (甲方)", f"中标(成交)供应商(全称): {B} (乙方)",
                    "为了保护甲、乙双方合法权益,根据《中华人民共和国民法典》、《中华人民共和国政府采购法》,双方签订本合同协议书。",
                    "合计金额小写: 3993100 元 合计金额大写: 叁佰玖拾玖万叁仟壹佰元整"]])
    assert got["party_a"] == AGENCY and got["party_b"] == B
    assert got["total_amount"] == Decimal("3993100.00")


@pytest.mark.parametrize("template, family, fee", [
    ("tech_service.txt", "tech_service", "技术服务报酬总额为"), ("tech_transfer.txt", "tech_transfer", "技术秘密的使用费为"),
], ids=["service", "transfer"])
def test_the_model_texts_service_and_transfer_contracts_cover_body_and_signature(template, family, fee):
    """技术服务 and 技术转让 of the 技术合同示范文本: the cover as the 技术开发 one, the parties
    restated in the body head, 受让方 the 甲方 of a transfer."""
    first, second = ("委托方（甲方）：", "受托方（乙方）：") if family == "tech_service" else ("受让方（甲方）：", "让与方（乙方）：")
    pages = filled(template, {"合同编号：": "JS-2023-088", "项目名称：": "注塑产线远程运维", first: A, second: B,
                              "签订时间：": "2023年5月10日", "签订地点：": "广州市黄埔区", "有效期限：": "2023年5月10日至2024年5月9日",
                              fee: "人民币叁拾万元整（¥300,000.00）"})
    _, got = read(pages)
    assert detect("contract", "\n".join(sum(pages, []))).id == family
    assert (got["party_a"], got["party_b"], got["contract_number"]) == (A, B, "JS-2023-088")
    assert (got["subject"], got["signing_date"], got["signing_place"]) == ("注塑产线远程运维", date(2023, 5, 10), "广州市黄埔区")
    assert (got["term_start"], got["term_end"]) == (date(2023, 5, 10), date(2024, 5, 9))
    assert got["total_amount"] == Decimal("300000.00")


@pytest.mark.parametrize("rows, want", [
    # http://m.runthegoodtimes.com/gongwen/hetong/jishuzhuanranghetong/188708.html: the 转让方 is 甲方 here
    (["技术秘密转让合同", f"转让方：{B}（以下简称甲方）", f"受让方：{A}（以下简称乙方）"], (B, A)),
    (["专利权转让合同", f"受让方：{A}（以下简称甲方）", "法定住址：广州市黄埔区", f"转让方：{B}（以下简称乙方）"], (A, B)),
    # http://yishupeixun.net/fwn/contract/jishu/4181258.html: 委托方：(以下称甲方)…
    (["技术服务合同书", "技术服务项目：注塑产线远程运维", f"委托方：(以下称甲方){A}", f"服务方：(以下称乙方){B}"], (A, B)),
], ids=["secret-transfer", "patent-transfer", "service-yi-xia-cheng"])
def test_a_transfer_or_service_head_names_the_sides_after_the_roles(rows, want):
    _, got = read([rows])
    assert (got.get("party_a"), got.get("party_b")) == want


@pytest.mark.parametrize("title, first, second", [
    ("检测技术服务合同", "委托单位", "受托单位"), ("委托合同", "委托人", "受托人"), ("采购合同", "采购方", "供应方"),
    ("服务合同", "甲方名称", "乙方名称"),
], ids=["weituo-danwei", "civil-code-commission", "caigou-gongying", "jia-fang-ming-cheng"])
def test_more_party_labels_people_print(title, first, second):
    _, got = read([[title, f"{first}：{A}", f"{second}：{B}", "经双方协商一致，签订本合同。"]])
    assert (got.get("party_a"), got.get("party_b")) == (A, B)


def test_signed_when_and_where_in_the_head_sentence():
    """本合同于…在…签订 (the 技术秘密转让合同's head): the date and place it gives, not a later
    date the last page happens to print."""
    _, got = read([["技术秘密转让合同", "本合同于2023年5月10日在广州市黄埔区签订", f"转让方：{B}（以下简称甲方）",
                    f"受让方：{A}（以下简称乙方）"], ["第十条 本合同自双方签字盖章之日起生效，有效期至2028年5月9日。"]])
    assert (got.get("signing_date"), got.get("signing_place")) == (date(2023, 5, 10), "广州市黄埔区")
