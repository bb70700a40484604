from datetime import date
from decimal import Decimal

from core.models import DocType, EvidenceKind, FileStatus, Manifest, ValueType

from extract import build_claimset, extract_document
from tests.extract.builders import OLD_INVOICE, boxes_page, document, old_invoice_lines, prose

LICENCE = prose(["营业执照", "统一社会信用代码：91440101MA5CXXQ213", "名称：广州云栖工业科技有限公司",
                 "住所：广州市黄埔区科学大道1号A栋501房", "注册资本：人民币伍佰万元", "成立日期：2019年06月03日"])
NOTICE = prose(["关于发布《工业设备上云接入规范》团体标准的公告", "标准编号：T/GDIIA 012-2025", "标准名称：工业设备上云接入规范",
                "主要起草单位：广州云栖工业科技有限公司、华南理工大学", "发布日期：2025年3月1日", "实施日期：2025年4月1日"])


def docs():
    return [document(LICENCE, name="licence.pdf"), document(boxes_page(old_invoice_lines(OLD_INVOICE)), name="inv.pdf"),
            document(NOTICE, name="notice.pdf")]


def test_applicant_year_and_clauses_from_the_documents():
    cs = build_claimset("d1", docs())
    assert cs.applicant.name == "广州云栖工业科技有限公司" and cs.applicant.credit_code == "91440101MA5CXXQ213"
    assert cs.applicant.evidence[0].file_name == "licence.pdf"
    assert cs.year == 2025  # the latest document date
    by_name = {d.file_name: d for d in cs.documents}
    assert by_name["licence.pdf"].clauses == ["art2"]
    assert by_name["inv.pdf"].clauses == ["art4.2"]  # 工业云平台订阅
    assert by_name["notice.pdf"].clauses == ["art7.2"]
    lead = by_name["notice.pdf"].get("applicant_is_lead")
    assert lead.value is True and lead.evidence[-1].kind == EvidenceKind.derived
    assert not by_name["inv.pdf"].flags  # the buyer is the applicant


def test_manifest_wins_and_restricts_clauses():
    manifest = Manifest(applicant_name="华南理工大学", credit_code="12440000455416288A", clauses=["art7.2"], year=2026,
                        facts={"sme": True, "device_count": 40, "project_investment": "1,200,000.50", "cloud_fees": 30000,
                               "evaluation": "通过", "ratio": 0.3})
    cs = build_claimset("d1", docs(), manifest)
    assert cs.applicant.name == "华南理工大学" and cs.applicant.evidence[0].kind == EvidenceKind.manifest
    assert cs.year == 2026 and cs.clauses == ["art7.2"]
    assert [d.clauses for d in cs.documents] == [[], [], ["art7.2"]]
    facts = {f.field: f for f in cs.facts}
    assert facts["sme"].value_type == ValueType.boolean and facts["sme"].value is True
    assert facts["device_count"].value_type == ValueType.integer
    assert facts["project_investment"].value_type == ValueType.money and facts["project_investment"].value == Decimal("1200000.50")
    assert facts["cloud_fees"].value_type == ValueType.money
    assert facts["evaluation"].value_type == ValueType.text and facts["ratio"].value_type == ValueType.number
    assert facts["sme"].evidence[0].kind == EvidenceKind.manifest
    notice = cs.documents[2]
    assert notice.value("applicant_is_lead") is False  # the university is the second drafting unit
    invoice = cs.documents[1]
    assert {f.code for f in invoice.flags} == {"buyer_not_applicant"}


def test_an_unreadable_file_is_kept_with_its_error():
    broken = document(name="broken.jpg", status=FileStatus.error, error="broken.jpg: cannot decode the image")
    dc = extract_document(broken)
    assert dc.doc_type == DocType.other and dc.error.startswith("broken.jpg")
    cs = build_claimset("d1", [broken])
    assert cs.documents[0].error and {f.code for f in cs.flags} == {"no_applicant", "unreadable"}


def test_window_and_seen_invoices_reach_the_documents():
    cs = build_claimset("d2", docs(), window=(date(2019, 6, 1), date(2022, 5, 31)),
                        seen_invoices={f"{OLD_INVOICE['code']}:{OLD_INVOICE['number']}": "d1"})
    invoice = cs.documents[1]
    assert {f.code for f in invoice.flags} == {"outside_window", "duplicate_invoice"}


def test_already_extracted_documents_are_taken_as_they_are():
    extracted = [extract_document(d) for d in docs()]
    cs = build_claimset("d1", extracted)
    assert [d.doc_type for d in cs.documents] == [DocType.business_licence, DocType.invoice, DocType.standard_notice]


def test_a_notice_of_several_standards_reads_the_applicants_one():
    pg = prose(["关于发布团体标准的公告", "1 T/GDIIA 011-2025 工业数据采集规范 2025-04-01", "起草单位：华南理工大学、广州云栖工业科技有限公司",
                "2 T/GDIIA 012-2025 工业设备上云接入规范 2025-04-01", "起草单位：广州云栖工业科技有限公司、华南理工大学"])
    notice = document(pg, name="notice.pdf")
    manifest = Manifest(applicant_name="广州云栖工业科技有限公司")
    from_documents = build_claimset("d1", [notice], manifest)
    assert from_documents.documents[0].value("standard_code") == "T/GDIIA 012-2025"
    assert from_documents.documents[0].value("applicant_is_lead") is True
    # already extracted without the applicant: the first standard, and a flag pointing at the other
    from_claims = build_claimset("d1", [extract_document(notice)], manifest)
    dc = from_claims.documents[0]
    assert dc.value("standard_code") == "T/GDIIA 011-2025" and dc.value("applicant_is_lead") is False
    assert [f.code for f in dc.flags] == ["other_standard"] and "T/GDIIA 012-2025" in dc.flags[0].message
