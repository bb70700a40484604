"""A reviewer's correction applied to a claim set: pure, typed, with the machine's reading
kept behind the reviewer's word."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.corrections import FIELD_TYPES, CorrectionError, apply_correction
from core.models import (
    Claim,
    ClaimSet,
    DocType,
    DocumentClaims,
    Evidence,
    EvidenceKind,
    Flag,
    ValueType,
)

DOC = "b" * 64


@pytest.fixture
def claims() -> ClaimSet:
    machine = Evidence(document=DOC, file_name="fp.jpg", page=1, text="¥1O0.00", source="ocr:rapidocr@1.4.4")
    return ClaimSet(
        dossier_id="D1",
        documents=[
            DocumentClaims(
                document=DOC,
                file_name="fp.jpg",
                doc_type=DocType.receipt,
                clauses=["art4.2"],
                claims=[
                    Claim(
                        field="total_amount",
                        value_type=ValueType.money,
                        value="100.00",
                        confidence=0.4,
                        evidence=[machine],
                        flags=[Flag(code="words_figures", message="大写与小写不符")],
                    )
                ],
            )
        ],
        facts=[Claim(field="device_count", value_type=ValueType.integer, value=10, evidence=[Evidence(kind=EvidenceKind.manifest, text="10")])],
    )


def test_document_claim_is_corrected_with_the_reviewer_first(claims):
    before = claims.model_dump_json()
    new, old = apply_correction(claims, DOC, "total_amount", "1000.00", "王审核")
    assert old == Decimal("100.00")
    claim = new.documents[0].get("total_amount")
    assert claim.value == Decimal("1000.00") and isinstance(claim.value, Decimal)
    assert claim.corrected and claim.confidence == 1.0 and claim.flags == []
    assert [e.kind for e in claim.evidence] == [EvidenceKind.reviewer, EvidenceKind.document]
    assert claim.evidence[0].source == "王审核" and claim.evidence[0].text == "1000.00"
    assert claim.evidence[1].text == "¥1O0.00"  # the machine's reading is kept as the trail
    assert claims.model_dump_json() == before  # pure: the input is untouched


def test_a_fact_is_corrected(claims):
    new, old = apply_correction(claims, None, "device_count", "40", "李")
    assert old == 10
    assert new.fact("device_count").value == 40
    assert [e.kind for e in new.fact("device_count").evidence] == [EvidenceKind.reviewer, EvidenceKind.manifest]
    assert claims.fact("device_count").value == 10


def test_a_new_fact_defaults_to_text_unless_typed(claims):
    new, old = apply_correction(claims, None, "project", "智能工厂", "李")
    assert old is None and new.fact("project").value == "智能工厂" and new.fact("project").value_type == ValueType.text
    new, _ = apply_correction(new, None, "sme", "是", "李", value_type=ValueType.boolean)
    assert new.fact("sme").value is True
    assert claims.fact("project") is None and claims.fact("sme") is None


@pytest.mark.parametrize(
    "field, raw, expected",
    [
        ("issue_date", "2021-05-06", dt.date(2021, 5, 6)),
        ("tax_amount", "13.00", Decimal("13.00")),
        ("commitment_years", "5", 5),
        ("applicant_is_lead", "是", True),
        ("drafting_units", ["甲", "乙"], ["甲", "乙"]),
        ("seller_name", "广州某某有限公司", "广州某某有限公司"),  # not in FIELD_TYPES: text
    ],
)
def test_a_new_document_field_is_typed_from_field_types(claims, field, raw, expected):
    new, old = apply_correction(claims, DOC, field, raw, "王")
    claim = new.documents[0].get(field)
    assert old is None
    assert claim.value == expected and type(claim.value) is type(expected)
    assert claim.value_type == FIELD_TYPES.get(field, ValueType.text)
    assert claim.corrected and claim.evidence[0].kind == EvidenceKind.reviewer
    assert claims.documents[0].get(field) is None


def test_new_items_become_line_items(claims):
    new, _ = apply_correction(claims, DOC, "items", [{"name": "云服务", "amount": "100.00"}], "王")
    item = new.documents[0].value("items")[0]
    assert item.name == "云服务" and item.amount == Decimal("100.00")


def test_doc_type_reassignment(claims):
    new, old = apply_correction(claims, DOC, "doc_type", "invoice", "王")
    assert old == "receipt"
    assert new.documents[0].doc_type == DocType.invoice
    assert new.documents[0].doc_type_evidence[0].source == "王"
    assert claims.documents[0].doc_type == DocType.receipt


@pytest.mark.parametrize("value", ["art4.2, art6.1 ,", ["art4.2", " art6.1", ""]])
def test_clauses_reassignment(claims, value):
    new, old = apply_correction(claims, DOC, "clauses", value, "王")
    assert old == ["art4.2"]
    assert new.documents[0].clauses == ["art4.2", "art6.1"]
    assert claims.documents[0].clauses == ["art4.2"]


@pytest.mark.parametrize(
    "document, field, value, value_type",
    [
        (DOC, "total_amount", "一千元", None),  # existing money claim
        (DOC, "issue_date", "2021-13-01", None),  # new date field
        (DOC, "commitment_years", "三", None),  # new integer field
        (None, "device_count", "forty", None),  # existing integer fact
        (None, "settlement_date", "soon", ValueType.date),  # new typed fact
        (DOC, "doc_type", "passport", None),  # not a document type
        ("c" * 64, "total_amount", "1.00", None),  # no such document
    ],
)
def test_invalid_corrections_raise_and_leave_the_input_unchanged(claims, document, field, value, value_type):
    before = claims.model_dump_json()
    with pytest.raises(CorrectionError):
        apply_correction(claims, document, field, value, "王", value_type=value_type)
    assert claims.model_dump_json() == before


def test_corrections_chain_and_keep_the_whole_trail(claims):
    first, _ = apply_correction(claims, DOC, "total_amount", "900.00", "甲")
    second, old = apply_correction(first, DOC, "total_amount", "1000.00", "乙")
    assert old == Decimal("900.00")
    trail = second.documents[0].get("total_amount").evidence
    assert [(e.kind, e.source) for e in trail] == [
        (EvidenceKind.reviewer, "乙"),
        (EvidenceKind.reviewer, "甲"),
        (EvidenceKind.document, "ocr:rapidocr@1.4.4"),
    ]
    assert first.documents[0].value("total_amount") == Decimal("900.00")


def test_a_corrected_claim_set_survives_json(claims):
    new, _ = apply_correction(claims, DOC, "issue_date", "2021-05-06", "王")
    back = ClaimSet.model_validate_json(new.model_dump_json())
    assert back == new and back.documents[0].value("issue_date") == dt.date(2021, 5, 6)


def test_a_new_fact_is_typed_from_the_facts_vocabulary_without_being_told():
    from core.corrections import apply_correction
    from core.models import ClaimSet, ValueType

    claims, _ = apply_correction(ClaimSet(dossier_id="D1"), None, "device_count", "40", "reviewer")
    fact = claims.fact("device_count")
    assert fact.value_type == ValueType.integer and fact.value == 40
    claims, _ = apply_correction(claims, None, "project_investment", "1,000,000.50".replace(",", ""), "reviewer")
    assert claims.fact("project_investment").value_type == ValueType.money
