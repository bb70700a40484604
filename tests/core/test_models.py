"""The shared schema: typed claim values, exact JSON round trips, small helpers."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from core.models import (
    Applicant,
    Assessment,
    Award,
    Box,
    CapApplied,
    Claim,
    ClaimSet,
    ClauseResult,
    DocType,
    DocumentClaims,
    Evidence,
    EvidenceKind,
    FormulaInput,
    Ledger,
    LineItem,
    Status,
    ValueType,
)


@pytest.mark.parametrize(
    "value_type, raw, expected",
    [
        (ValueType.money, "120000.50", Decimal("120000.50")),
        (ValueType.money, 3, Decimal("3")),
        (ValueType.money, 0.1, Decimal("0.1")),  # via str(), not the binary float
        (ValueType.number, "1.25", Decimal("1.25")),
        (ValueType.date, "2021-03-04", dt.date(2021, 3, 4)),
        (ValueType.date, dt.date(2020, 1, 31), dt.date(2020, 1, 31)),
        (ValueType.integer, "40", 40),
        (ValueType.integer, 7, 7),
        (ValueType.boolean, "true", True),
        (ValueType.boolean, "是", True),
        (ValueType.boolean, " Yes ", True),
        (ValueType.boolean, "1", True),
        (ValueType.boolean, "false", False),
        (ValueType.boolean, "否", False),
        (ValueType.boolean, 0, False),
        (ValueType.list, ["甲公司", 2], ["甲公司", "2"]),
        (ValueType.text, 123, "123"),
    ],
)
def test_claim_value_is_coerced_by_its_type(value_type, raw, expected):
    claim = Claim(field="f", value_type=value_type, value=raw)
    assert claim.value == expected
    assert type(claim.value) is type(expected)


def test_items_become_line_items():
    claim = Claim(
        field="items",
        value_type=ValueType.items,
        value=[{"name": "*信息技术服务*云服务", "amount": "100.00", "tax_rate": "6%"}, LineItem(name="b")],
    )
    assert all(isinstance(i, LineItem) for i in claim.value)
    assert claim.value[0].amount == Decimal("100.00")
    assert claim.value[1].name == "b"


def test_none_stays_none_for_every_type():
    for vt in ValueType:
        assert Claim(field="f", value_type=vt, value=None).value is None


@pytest.mark.parametrize(
    "value_type, raw",
    [(ValueType.money, "一百元"), (ValueType.date, "2021年3月"), (ValueType.integer, "four"), (ValueType.date, "2021-02-30")],
)
def test_bad_values_are_rejected(value_type, raw):
    with pytest.raises((ValidationError, ValueError, ArithmeticError)):
        Claim(field="f", value_type=value_type, value=raw)


def test_confidence_is_bounded():
    with pytest.raises(ValidationError):
        Claim(field="f", value="x", confidence=1.5)


def _claimset() -> ClaimSet:
    ev = Evidence(document="a" * 64, file_name="发票.pdf", page=1, box=Box(x0=1, y0=2, x1=30, y1=12), text="¥1,000.01")
    invoice = DocumentClaims(
        document="a" * 64,
        file_name="发票.pdf",
        doc_type=DocType.invoice,
        doc_type_confidence=0.93,
        clauses=["art4.2"],
        claims=[
            Claim(field="total_amount", value_type=ValueType.money, value="1000.01", evidence=[ev]),
            Claim(field="issue_date", value_type=ValueType.date, value="2021-06-30"),
            Claim(field="items", value_type=ValueType.items, value=[{"name": "服务", "quantity": "3", "unit_price": "333.337"}]),
        ],
    )
    return ClaimSet(
        dossier_id="D1",
        applicant=Applicant(name="广州某某科技有限公司", credit_code="91440101MA5XXXXX1X"),
        year=2021,
        documents=[invoice],
        facts=[
            Claim(field="sme", value_type=ValueType.boolean, value="是", evidence=[Evidence(kind=EvidenceKind.manifest, text="是")]),
            Claim(field="device_count", value_type=ValueType.integer, value="40"),
            Claim(field="drafting_units", value_type=ValueType.list, value=["甲", "乙"]),
        ],
    )


def test_claimset_json_round_trip_keeps_types_and_exact_decimals():
    cs = _claimset()
    back = ClaimSet.model_validate_json(cs.model_dump_json())
    assert back == cs
    doc = back.documents[0]
    assert doc.value("total_amount") == Decimal("1000.01") and isinstance(doc.value("total_amount"), Decimal)
    assert doc.value("issue_date") == dt.date(2021, 6, 30)
    assert doc.value("items")[0].unit_price == Decimal("333.337")
    assert back.fact("sme").value is True
    assert back.fact("device_count").value == 40
    assert back.of_type(DocType.invoice) == [doc]
    assert back.of_type(DocType.contract) == []


def test_assessment_json_round_trip_keeps_exact_amounts():
    a = Assessment(
        dossier_id="D1",
        rule_set_version="r1",
        created_at=dt.datetime(2026, 1, 2, 3, 4, 5),
        results=[
            ClauseResult(
                clause_id="art4.2",
                title="上云",
                status=Status.eligible,
                amount=Decimal("60000.01"),
                inputs=[FormulaInput(name="费用", value="120000.02")],
                caps=[CapApplied(name="每年不超过20万元", limit=Decimal("200000"), already_used=Decimal("0.01"), source="art4.2")],
            )
        ],
        total=Decimal("60000.01"),
    )
    back = Assessment.model_validate_json(a.model_dump_json())
    assert back == a
    assert back.total == Decimal("60000.01") and str(back.result("art4.2").caps[0].already_used) == "0.01"
    assert back.result("art9") is None


def test_box_helpers():
    b = Box(x0=10, y0=20, x1=30, y1=60)
    assert (b.cx, b.cy, b.width, b.height) == (20, 40, 20, 40)
    assert b.union(Box(x0=0, y0=30, x1=15, y1=70)) == Box(x0=0, y0=20, x1=30, y1=70)
    assert Box.from_quad([[5, 6], [9, 6], [9, 8], [5, 8]]) == Box(x0=5, y0=6, x1=9, y1=8)


def test_evidence_cite():
    doc = Evidence(document="f" * 64, file_name="合同.pdf", page=2, text="甲方")
    assert doc.cite() == "合同.pdf p.2: «甲方»"
    assert Evidence(document="abcdef0123456789", text="x").cite() == "abcdef012345: «x»"
    assert Evidence(kind=EvidenceKind.reviewer, text="40", source="王审核").cite() == "reviewer: «40» (王审核)"
    assert Evidence(kind=EvidenceKind.manifest, text="是").cite() == "manifest: «是»"


def test_ledger_paid_by_year_and_clause():
    code = "91440101MA5XXXXX1X"
    ledger = Ledger(
        awards=[
            Award(credit_code=code, clause_id="art4.2", year=2020, amount=Decimal("0.01")),
            Award(credit_code=code, clause_id="art4.2", year=2021, amount=Decimal("0.02")),
            Award(credit_code=code, clause_id="art6.1", year=2021, amount=Decimal("100")),
            Award(credit_code="other", clause_id="art4.2", year=2021, amount=Decimal("999")),
        ]
    )
    assert ledger.paid(code, {"art4.2"}) == Decimal("0.03")
    assert ledger.paid(code, {"art4.2"}, 2021) == Decimal("0.02")
    assert ledger.paid(code, {"art4.2", "art6.1"}, 2021) == Decimal("100.02")
    assert ledger.paid(code, {"art9"}) == Decimal("0")
    assert ledger.paid(None, {"art4.2"}) == Decimal("0")


@pytest.mark.parametrize(
    "model, data",
    [
        (Claim, {"field": "f", "valeu": 1}),
        (Box, {"x0": 0, "y0": 0, "x1": 1, "y1": 1, "z": 0}),
        (ClaimSet, {"dossier_id": "D", "unknown": []}),
        (Award, {"credit_code": "c", "clause_id": "a", "year": 2020, "amount": "1", "extra": 1}),
    ],
)
def test_extra_fields_are_forbidden(model, data):
    with pytest.raises(ValidationError, match="xtra"):
        model.model_validate(data)
