from datetime import date
from decimal import Decimal

from core.models import DocType

from extract import extract_document
from tests.extract.builders import OFD, OLD_INVOICE, boxes_page, document, old_invoice_lines, page

V = OLD_INVOICE


def _values(dc):
    return {c.field: c.value for c in dc.claims}


def test_old_layout_invoice_every_key_field():
    dc = extract_document(document(boxes_page(old_invoice_lines(V)), name="inv.pdf"))
    got = _values(dc)
    assert dc.doc_type == DocType.invoice and got["invoice_kind"] == "专票"
    assert got["invoice_code"] == V["code"] and got["invoice_number"] == V["number"]
    assert got["issue_date"] == date(2025, 3, 18)
    assert (got["buyer_name"], got["buyer_tax_id"]) == (V["buyer"], V["buyer_id"])
    assert (got["seller_name"], got["seller_tax_id"]) == (V["seller"], V["seller_id"])
    assert got["amount_excl_tax"] == Decimal(V["amount"]) and got["tax_amount"] == Decimal(V["tax"])
    assert got["total_amount"] == Decimal("120000.00") and got["total_amount_words"] == Decimal("120000.00")
    [item] = got["items"]
    assert (item.name, item.spec, item.unit, item.quantity) == (V["item"], "V2", "年", Decimal(1))
    assert (item.unit_price, item.amount, item.tax_rate, item.tax) == (Decimal(V["amount"]), Decimal(V["amount"]), "6%", Decimal(V["tax"]))
    assert not dc.flags


def test_every_claim_cites_its_box():
    dc = extract_document(document(boxes_page(old_invoice_lines(V)), name="inv.pdf"))
    seller_id = dc.get("seller_tax_id")
    ev = seller_id.evidence[0]
    assert ev.file_name == "inv.pdf" and ev.page == 1 and ev.source == "text_layer"
    assert ev.text == V["seller_id"] and ev.box.x0 == 220  # the value's own box, right of its label
    assert 0 < seller_id.confidence < 1  # read from a neighbour box


def test_buyer_is_the_upper_block_even_when_listed_after_the_seller():
    lines = old_invoice_lines(V)
    lines.reverse()
    got = _values(extract_document(document(boxes_page(lines))))
    assert got["buyer_name"] == V["buyer"] and got["seller_name"] == V["seller"]


def test_数电票_blocks_side_by_side_left_is_buyer():
    lines = [
        ("电子发票（增值税专用发票）", 162, 22), ("发票号码：25442000000123456789", 438, 31), ("开票日期：2025年05月06日", 438, 49),
        ("购 名称：深圳数联软件服务有限公司", 17, 93), ("销 名称：广州云栖工业科技有限公司", 302, 93),
        ("统一社会信用代码/纳税人识别号：914403007261824992", 30, 123), ("统一社会信用代码/纳税人识别号：91440101MA5CXXQ213", 315, 123),
        ("项目名称", 45, 151), ("规格型号", 160, 151), ("单 位", 190, 151), ("数 量", 264, 151), ("单 价", 335, 151),
        ("金 额", 407, 151), ("税率/征收率", 447, 151), ("税 额", 551, 151),
        ("*信息技术服务*设备接入测试", 13, 162), ("次", 198, 162), ("2", 286, 162), ("5000", 330, 162), ("10000.00", 398, 162),
        ("6%", 465, 162), ("600.00", 551, 162),
        ("合", 58, 261), ("计", 104, 261), ("¥10000.00", 393, 261), ("¥600.00", 544, 261),
        ("价税合计（大写）", 48, 280), ("壹万零陆佰圆整", 178, 280), ("（小写）¥10600.00", 407, 280),
    ]
    dc = extract_document(document(boxes_page(lines, height=10, width=600)))
    got = _values(dc)
    assert got["invoice_kind"] == "数电票" and "invoice_code" not in got
    assert got["invoice_number"] == "25442000000123456789"
    assert got["buyer_name"] == "深圳数联软件服务有限公司" and got["seller_name"] == "广州云栖工业科技有限公司"
    assert got["buyer_tax_id"] == "914403007261824992" and got["seller_tax_id"] == "91440101MA5CXXQ213"
    assert got["total_amount"] == Decimal("10600.00") and got["total_amount_words"] == Decimal("10600.00")
    [item] = got["items"]
    assert (item.quantity, item.unit_price, item.amount, item.unit) == (Decimal(2), Decimal(5000), Decimal("10000.00"), "次")
    assert dc.clauses == ["art4.1", "art7.1"]  # 设备接入 and 测试 in the item


def test_tags_come_first_and_are_cited_as_such():
    tags = {"InvoiceNo": ["24322000000489101796"], "IssueDate": ["2024年12月05日"], "BuyerName": ["无锡天鹏菜篮子工程有限公司"],
            "BuyerTaxID": ["91320200796148368W"], "TaxExclusiveTotalAmount": ["¥17699.12"], "TaxTotalAmount": ["¥2300.88"],
            "TaxInclusiveTotalAmount": ["¥20000.00"], "Item": ["*劳务*维护保养"], "Quantity": ["2"], "Price": ["8849.55752212389"],
            "Amount": ["17699.12"], "TaxScheme": ["13%"], "TaxAmount": ["2300.88"]}
    # the drawn page disagrees on the buyer: the issuer's own tag wins
    pg = page(boxes_page([("电子发票（增值税专用发票）", 162, 22), ("购 名称：别的公司", 17, 93)]).lines, source=OFD, tags=tags)
    dc = extract_document(document(pg, name="x.ofd"))
    buyer = dc.get("buyer_name")
    assert buyer.value == "无锡天鹏菜篮子工程有限公司"
    assert buyer.evidence[0].source == "ofd" and buyer.evidence[0].text == "BuyerName=无锡天鹏菜篮子工程有限公司"
    assert dc.value("total_amount") == Decimal("20000.00") and dc.value("issue_date") == date(2024, 12, 5)
    assert dc.value("items")[0].unit_price == Decimal("8849.55752212389")
    assert not dc.flags


def test_qr_values_fill_what_the_page_lacks():
    pg = boxes_page([("增值税电子普通发票", 300, 20), ("价税合计（大写）", 120, 370), ("（小写）￥104.12", 460, 370)],
                    tags={"qr.invoice_code": ["011002000511"], "qr.invoice_number": ["36523185"], "qr.issue_date": ["2020-10-30"]})
    dc = extract_document(document(pg))
    assert dc.value("invoice_number") == "36523185" and dc.get("invoice_number").evidence[0].source == "qr"


def test_数电票_with_one_tax_id_lost_keeps_the_other_on_its_side():
    lines = [
        ("电子发票（增值税专用发票）", 162, 22), ("发票号码：25442000000123456789", 438, 31),
        ("购买方信息", 10, 110), ("名称：深圳数联软件服务有限公司", 30, 93), ("销售方信息", 290, 110), ("名称：广州云栖工业科技有限公司", 315, 93),
        # the buyer's 统一社会信用代码 line was not read at all
        ("统一社会信用代码/纳税人识别号：91440101MA5CXXQ213", 315, 123),
    ]
    got = _values(extract_document(document(boxes_page(lines, height=10, width=600))))
    assert got["seller_tax_id"] == "91440101MA5CXXQ213" and "buyer_tax_id" not in got
    assert got["buyer_name"] == "深圳数联软件服务有限公司"


def _ocr_invoice(readings, width: float, height: float):
    """An invoice photo's OCR readings ((x0, y0, x1, y1), text) extracted as one page."""
    from core.models import Box, Line
    from tests.extract.builders import OCR

    lines = [Line(text=t, box=Box(x0=a, y0=b, x1=c, y1=d), confidence=0.99) for (a, b, c, d), t in readings]
    return extract_document(document(page(lines, width=width, height=height, source=OCR), name="invoice.jpg"))


def test_seller_tax_id_under_a_label_misread_on_the_row_the_buyer_s_label_is_read_right():
    """数电票 scan (generated, seed 11, document 0061): both parties' tax-id labels on one row,
    the seller's read 统一社会信用代码/税人识别号 — the exact buyer label must not hide it."""
    readings = [
        ((538, 104, 939, 152), "电子发票（普通发票"), ((1052, 104, 1428, 130), "发票号码：20337281116057438036"),
        ((1052, 145, 1333, 171), "开票日期：2020年09月09日"), ((767, 242, 796, 346), "销售方信"), ((96, 240, 127, 366), "购买方信息"),
        ((150, 259, 481, 285), "名称：广州天瑞电子科技有限公司"), ((817, 261, 1150, 290), "名称：杭州明锐智能科技有限公司"),
        ((149, 313, 688, 336), "统一社会信用代码/纳税人识别号：91440112MAD7506025"),
        ((812, 311, 1358, 350), "统一社会信用代码/税人识别号：91330108131145621H"), ((768, 342, 794, 369), "息"),
        ((235, 379, 320, 407), "项目名称"), ((511, 379, 595, 407), "规格型号"), ((1033, 381, 1087, 411), "金额"),
    ]
    dc = _ocr_invoice(readings, 1511, 1059)
    assert dc.get("buyer_tax_id").value == "91440112MAD7506025"
    assert dc.get("seller_tax_id").value == "91330108131145621H"


def test_seller_tax_id_label_missing_its_first_word_starts_in_its_own_cell():
    """数电票 scan (generated, seed 11, document 0017): the seller's label read 社会信用代码/纳税人识别号."""
    readings = [
        ((439, 59, 972, 106), "电子发票增值税专用发票"), ((1020, 56, 1395, 82), "发票号码：20443719727354989975"),
        ((1019, 96, 1300, 123), "开票日期：2020年12月26日"), ((64, 195, 94, 323), "购买方信息"), ((737, 198, 760, 222), "销"),
        ((116, 213, 514, 240), "名称：广州市新维机械制造股份有限公司"), ((786, 214, 1117, 240), "名称：深圳卓越软件科技有限公司"),
        ((115, 266, 653, 293), "统一社会信用代码/纳税人识别号：91440112263039249R"),
        ((817, 264, 1320, 294), "社会信用代码/纳税人识别号：914403054316091333"), ((737, 292, 760, 320), "息"),
        ((203, 335, 287, 362), "项目名称"),
    ]
    dc = _ocr_invoice(readings, 1450, 1000)
    assert dc.get("buyer_tax_id").value == "91440112263039249R"
    assert dc.get("seller_tax_id").value == "914403054316091333"
