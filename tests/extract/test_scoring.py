from decimal import Decimal

from core.models import DocType, DocumentClaims, LineItem, ValueType

from extract.fields.base import claim
from extract.scoring import compare, overall, precision_recall
from flows.evaluate import realdocs_truth


def extracted() -> DocumentClaims:
    return DocumentClaims(document="x", file_name="inv.pdf", doc_type=DocType.invoice, subtype="专票", claims=[
        claim("invoice_number", ValueType.text, "01234567", 1, []),
        claim("issue_date", ValueType.date, "2025-03-18", 1, []),
        claim("total_amount", ValueType.money, Decimal("120000"), 1, []),
        claim("buyer_name", ValueType.text, "广州云栖工业科技有限公司", 1, []),
        claim("seller_name", ValueType.text, "别的公司", 1, []),
        claim("items", ValueType.items, [LineItem(name="云", quantity=Decimal(1), amount=Decimal("100.00"), tax_rate="6%")], 1, []),
    ])


def test_outcomes_per_field():
    truth = {"doc_type": "invoice", "subtype": "专票", "fields": {
        "invoice_number": "01234567", "issue_date": "2025-03-18", "total_amount": "120000.00",
        "buyer_name": "广州云栖工业科技有限公司", "seller_name": "深圳数联软件服务有限公司", "tax_amount": "6792.45",
        "invoice_code": None, "items": [{"name": "云", "quantity": "1", "amount": "100.00"}]}}
    outcomes = {r.field: r.outcome for r in compare(extracted(), truth)}
    assert outcomes == {"doc_type": "tp", "subtype": "tp", "invoice_number": "tp", "issue_date": "tp", "total_amount": "tp",
                        "buyer_name": "tp", "seller_name": "wrong", "tax_amount": "fn", "invoice_code": "tn", "items": "tp"}


def test_precision_recall_table():
    truth = {"fields": {"invoice_number": "01234567", "seller_name": "深圳数联软件服务有限公司", "tax_amount": "1.00", "invoice_code": None}}
    results = compare(extracted(), truth)
    results += compare(DocumentClaims(document="y", file_name="b.pdf", claims=[claim("invoice_code", ValueType.text, "1", 1, [])]),
                       {"fields": {"invoice_code": None}})
    table = {s.field: s for s in precision_recall(results)}
    assert (table["invoice_number"].precision, table["invoice_number"].recall) == (1.0, 1.0)
    seller = table["seller_name"]
    assert (seller.tp, seller.fp, seller.fn, seller.exact) == (0, 1, 1, 0.0)
    assert table["tax_amount"].recall == 0.0 and table["invoice_code"].fp == 1
    key = overall(list(table.values()))
    assert (key.tp, key.total) == (1, 3)


def test_anything_but_an_invoice():
    receipt = DocumentClaims(document="r", file_name="r.pdf", doc_type=DocType.receipt)
    assert compare(receipt, {"doc_type": "!invoice"})[0].outcome == "tp"
    assert compare(extracted(), {"doc_type": "!invoice"})[0].outcome == "wrong"


def test_realdocs_truth_is_mapped_to_our_field_names():
    gt = {"doc_type": "北京增值税电子普通发票 (PDF, text layer)", "发票代码": "011002000511", "开票日期": "2020年10月30日",
          "购买方纳税人识别号": "91110108749364121L", "项目": "*运输服务*客运服务费", "金额": "104.12", "税率": "免税",
          "税额": "***", "价税合计小写": "104.12", "价税合计大写": "壹佰零肆圆壹角贰分", "收款人": "张雪丽"}
    truth = realdocs_truth(gt)
    assert truth["subtype"] == "电子普通发票"
    assert truth["fields"] == {"invoice_code": "011002000511", "issue_date": "2020-10-30", "buyer_tax_id": "91110108749364121L",
                               "amount_excl_tax": "104.12", "tax_amount": "0.00", "total_amount": "104.12",
                               "total_amount_words": "104.12",
                               "items": [{"name": "*运输服务*客运服务费", "amount": "104.12", "tax_rate": "免税", "tax": "0.00"}]}
    ofd = realdocs_truth({"doc_type": "电子发票（增值税专用发票/数电票, OFD）", "tagged_fields": {
        "InvoiceNo": ["24322000000489101796"], "TaxInclusiveTotalAmount": ["¥20000.00"], "Item": ["*劳务*维护"], "Price": ["8849.5575"]}})
    assert ofd["subtype"] == "数电票" and ofd["fields"]["total_amount"] == "20000.00"
    assert ofd["fields"]["items"] == [{"name": "*劳务*维护", "unit_price": "8849.5575"}]
    assert realdocs_truth({"doc_type": "货物运输电子货票收款凭证 (receipt; NOT a VAT invoice)"}) == {"doc_type": "!invoice", "fields": {}}


def test_calibration_counts_wrong_values_by_how_they_were_given():
    from core.models import Flag
    from extract.scoring import calibration

    dc = DocumentClaims(document="x", file_name="inv.jpg", doc_type=DocType.invoice, claims=[
        claim("invoice_number", ValueType.text, "01234567", 0.97, []),   # right, confident
        claim("issue_date", ValueType.date, "2025-03-18", 0.6, []),      # right, but sent to a reviewer
        claim("seller_name", ValueType.text, "别的公司", 0.95, []),        # wrong and confident
        claim("buyer_name", ValueType.text, "某公司", 0.5, []),           # wrong, low confidence
        claim("total_amount", ValueType.money, Decimal("15000"), 0.99, []),  # wrong, a check failed
        claim("invoice_code", ValueType.text, "4400", 0.99, []),          # given where the truth has none
        claim("items", ValueType.items, [], 0.1, []),                    # not a key field
    ])
    dc.get("total_amount").flags.append(Flag(code="words_figures", message="壹拾伍万壹仟 vs 15000"))
    truth = {"doc_type": "invoice", "fields": {
        "invoice_number": "01234567", "issue_date": "2025-03-18", "seller_name": "深圳数联软件服务有限公司",
        "buyer_name": "广州云栖工业科技有限公司", "total_amount": "151000.00", "invoice_code": None, "tax_amount": "1.00",
        "items": [{"name": "云"}]}}
    results = compare(dc, truth)
    by_field = {r.field: r for r in results}
    assert by_field["total_amount"].flags == ["words_figures"] and by_field["total_amount"].doubtful
    assert by_field["seller_name"].confidence == 0.95 and by_field["seller_name"].doubtful is False
    assert by_field["tax_amount"].doubtful is None  # nothing given, nothing to calibrate
    c = calibration(results)
    # doc_type is right (kind confidence 0.0 is not shown to reviewers, so it is not doubtful)
    assert (c.wrong, c.wrong_flagged, c.wrong_low, c.confident_wrong) == (4, 1, 1, 2)
    assert (c.right, c.right_doubtful) == (3, 1) and c.caught == 0.5


def test_a_kind_is_doubtful_only_by_the_documents_own_checks():
    from core.models import Flag

    dc = extracted()
    sum_off = Flag(code="sum_mismatch", message="…")
    dc.get("total_amount").flags.append(sum_off)
    dc.flags.append(sum_off)  # a field's check, shown on the field
    assert next(r for r in compare(dc, {"doc_type": "invoice"}) if r.field == "doc_type").doubtful is False
    dc.flags.append(Flag(code="part_unreadable", message="OFD signature skipped"))
    assert next(r for r in compare(dc, {"doc_type": "invoice"}) if r.field == "doc_type").doubtful is True
