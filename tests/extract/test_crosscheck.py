from datetime import date
from decimal import Decimal

from core.models import Applicant, DocType, DocumentClaims, ValueType

from extract import extract_document
from extract.crosscheck import check_buyer, check_duplicates, check_names, check_window, document_checks
from extract.fields.base import claim
from tests.extract.builders import OLD_INVOICE, boxes_page, document, old_invoice_lines


def invoice(**fields) -> DocumentClaims:
    types = {"issue_date": ValueType.date, "amount_excl_tax": ValueType.money, "tax_amount": ValueType.money,
             "total_amount": ValueType.money, "total_amount_words": ValueType.money}
    claims = [claim(k, types.get(k, ValueType.text), v, 1.0, []) for k, v in fields.items()]
    return DocumentClaims(document=str(len(fields)) + str(fields.get("invoice_number")), file_name="inv.pdf",
                          doc_type=DocType.invoice, claims=claims)


def codes(dc: DocumentClaims) -> set[str]:
    return {f.code for f in dc.flags}


def test_amounts_that_add_up_raise_nothing():
    dc = document_checks(invoice(amount_excl_tax="100.00", tax_amount="13.00", total_amount="113.00", total_amount_words="113.00"))
    assert not dc.flags


def test_sum_mismatch_is_flagged_not_fixed():
    dc = document_checks(invoice(amount_excl_tax="100.00", tax_amount="13.00", total_amount="118.00"))
    assert codes(dc) == {"sum_mismatch"}
    assert dc.value("total_amount") == Decimal("118.00")
    assert dc.get("total_amount").flags[0].code == "sum_mismatch"


def test_words_against_figures():
    dc = document_checks(invoice(total_amount="113.00", total_amount_words="131.00"))
    assert codes(dc) == {"words_figures"}


def test_credit_code_check_character():
    good = document_checks(invoice(buyer_tax_id="91440101MA5CXXQ213", seller_tax_id="410305012345678"))
    bad = document_checks(invoice(buyer_tax_id="91440101MA5CXXQ214"))
    assert not good.flags and codes(bad) == {"check_digit"}


def test_qr_code_disagrees_with_the_page():
    values = dict(OLD_INVOICE, number="01234567")
    page = boxes_page(old_invoice_lines(values), tags={"qr.invoice_number": ["01234568"], "qr.invoice_code": [OLD_INVOICE["code"]],
                                                        "qr.amount_excl_tax": [OLD_INVOICE["amount"]], "qr.issue_date": ["2025-03-18"]})
    dc = extract_document(document(page))
    assert codes(dc) == {"qr_mismatch"}
    assert "01234568" in dc.get("invoice_number").flags[0].message


def test_buyer_must_be_the_applicant():
    dc = invoice(buyer_name="广州云栖工业科技有限公司", buyer_tax_id="91440101MA5CXXQ213")
    check_buyer(dc, Applicant(name="广州云栖工业科技有限公司"))
    check_buyer(dc, Applicant(credit_code="91440101MA5CXXQ213"))
    assert not dc.flags
    check_buyer(dc, Applicant(name="别的公司", credit_code="914403007261824992"))
    assert codes(dc) == {"buyer_not_applicant"}


def test_dates_outside_the_policy_window():
    dc = invoice(issue_date="2018-12-31")
    check_window(dc, (date(2019, 6, 1), date(2022, 5, 31)))
    check_window(dc, None)
    assert codes(dc) == {"outside_window"}
    ok = invoice(issue_date="2020-01-01")
    check_window(ok, (date(2019, 6, 1), date(2022, 5, 31)))
    assert not ok.flags


def test_the_same_invoice_twice():
    a = invoice(invoice_code="4400194130", invoice_number="01234567")
    b = invoice(invoice_code="4400194130", invoice_number="01234567", seller_name="x")
    c = invoice(invoice_code="4400194130", invoice_number="07654321")
    check_duplicates([a, b, c], "d2", {"4400194130:07654321": "d1", "4400194130:09999999": "d2"})
    assert not a.flags and codes(b) == {"duplicate_invoice"} and codes(c) == {"duplicate_invoice"}
    assert "d1" in c.flags[0].message and c.flags[0].severity == "error"


def test_a_company_founded_before_the_policy_is_not_out_of_window():
    licence = DocumentClaims(document="l", file_name="licence.jpg", doc_type=DocType.business_licence,
                             claims=[claim("established_date", ValueType.date, "2016-05-12", 1.0, [])])
    check_window(licence, (date(2019, 6, 1), date(2022, 5, 31)))
    assert not licence.flags


def test_one_id_read_with_two_names_a_glyph_apart_flags_both_and_changes_neither():
    # 峙/崎: a photo's look-alike glyph in a place name; the id is read the same on both invoices
    a = invoice(invoice_number="1", seller_name="舟山长峙岛物流有限公司", seller_tax_id="91330900MA2A1B2C3D")
    b = invoice(invoice_number="2", seller_name="舟山长崎岛物流有限公司", seller_tax_id="91330900MA2A1B2C3D")
    c = invoice(invoice_number="3", seller_name="另一家贸易有限公司", seller_tax_id="914403007261824992")
    check_names([a, b, c])
    assert codes(a) == codes(b) == {"name_disagrees"} and not c.flags
    assert a.value("seller_name") == "舟山长峙岛物流有限公司" and "长崎" in a.get("seller_name").flags[0].message
    # the buyer's id is the applicant's: the declaration is the second reading
    d = invoice(invoice_number="4", buyer_name="广州云栖工业科技有眼公司", buyer_tax_id="91440101MA5CXXQ213")
    check_names([d], Applicant(name="广州云栖工业科技有限公司", credit_code="91440101MA5CXXQ213"))
    assert codes(d) == {"name_disagrees"}


def test_a_licence_name_whose_line_goes_on_is_flagged_on_the_name_alone_and_capped():
    """check_party_names: a stamp split a licence's name (南京文化艺 | 术产权交易所有限公司 beside it).
    The name_cut flag is a warning on the name, never on the document (it would doubt the
    document's kind), the name's confidence is capped, and a second run adds nothing."""
    from core.models import Evidence, Flag
    from extract.crosscheck import NAME_GOES_ON_CONFIDENCE, check_party_names
    from tests.extract.builders import OCR, line, page

    piece, rest = line("南京文化艺", 165, 349, height=28), line("术产权交易所有限公司", 300, 346, height=30)
    doc = document(page([piece, rest], source=OCR), name="licence.jpg")
    name = claim("company_name", ValueType.text, "南京文化艺", 0.97,
                 [Evidence(document=doc.sha256, page=1, box=piece.box, text=piece.text, source=OCR.label)])
    dc = DocumentClaims(document=doc.sha256, file_name="licence.jpg", doc_type=DocType.business_licence, claims=[name])
    check_party_names(dc, doc)
    check_party_names(dc, doc)
    assert name.flags == [Flag(code="name_cut", severity="warning",
                               message="company_name: '南京文化艺' does not end as a name does; its line goes on with '术产权交易所有限公司'")]
    assert name.confidence == NAME_GOES_ON_CONFIDENCE == 0.5 and dc.flags == []


def test_a_flag_kept_off_the_document_stands_on_its_claims_once():
    from extract.crosscheck import _flag

    dc = invoice(buyer_name="甲", seller_name="乙")
    buyer, seller = dc.get("buyer_name"), dc.get("seller_name")
    for _ in range(2):
        flag = _flag(dc, [buyer, None, seller], "name_cut", "a doubt about two names", document=False)
    assert buyer.flags == seller.flags == [flag] and dc.flags == []
    _flag(dc, [buyer], "name_cut", "a doubt about the document too")
    assert buyer.flags == [flag] and [f.message for f in dc.flags] == ["a doubt about the document too"]
