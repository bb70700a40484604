"""Cases as data (in the spirit of OpenFisca's YAML tests): a compact claim set, a ledger
and the expected status and amount of each clause. Used by tests/rules and usable by
anyone checking a rule change against the book (`rules/cases/*.yaml`).

Compact form of one case:

    name: art4.2 cap exactly hit
    year: 2021                      # award year; `today` defaults to its last day
    clauses: [art4.2]               # applied for; [] → every clause with evidence
    applicant: {name: ..., credit_code: ..., address: ...}   # optional
    gate: true                      # adds an in-district licence and a 10-year letter
    facts: {sme: true, benchmark_evaluated: {value: true, by: reviewer}}
    documents:
      - {type: invoice, clauses: [art4.2], invoice_code: "0440", invoice_number: "1",
         issue_date: 2021-03-01, total_amount: 400000, project: P1}
      - {type: standard_notice, level: {value: international, by: reviewer}}   # a reviewer's correction
      - {type: standard_notice, standards: [{code: GB/T 1-2021, level: national, drafting_units: [...], page: 2}]}  # rows
    ledger:
      - {clause: art4.2, year: 2021, amount: 150000, project: P1, policy: ..., invoices: ["0440:1"],
         project_evidence: ["invoice:0440:1"], standard_code: ..., once_key: ...}
    expect:
      art4.2: {status: eligible, amount: 200000}
      art7.2: {status: eligible, amount: 800000, standard_codes: [GB/T 1-2021, YD/T 2-2021], says: [团体标准]}
      art10: {status: eligible, readings: {art10.ledger_mode: {taken: top_up, amount_under_alternative: 300000}}}
    total: 200000                   # optional
    flags: [duplicate_invoice]      # optional: flag codes that must be raised
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from core.facts import FACTS
from core.models import (Applicant, Award, Claim, ClaimSet, DocType, DocumentClaims, Evidence, EvidenceKind, Ledger,
                         Status, ValueType)

CASES_DIR = Path(__file__).parent / "cases"
APPLICANT = {"name": "广州测试工业科技有限公司", "credit_code": "91440116TEST00001X"}
ADDRESS = "广州市黄埔区科学大道 1 号"

_TYPES = {
    **dict.fromkeys(["total_amount", "amount_excl_tax", "tax_amount", "paid_in_capital", "registered_capital"], ValueType.money),
    **dict.fromkeys(["issue_date", "publish_date", "implement_date", "signing_date", "established_date",
                     "verification_date", "term_start", "term_end"], ValueType.date),
    "drafting_units": ValueType.list,
    "commitments": ValueType.list,
    "items": ValueType.items,
    "industrial_internet": ValueType.boolean,
    "applicant_is_lead": ValueType.boolean,
    "commitment_years": ValueType.integer,
}
_KIND = {"reviewer": EvidenceKind.reviewer, "manifest": EvidenceKind.manifest, "document": EvidenceKind.document}


class ExpectReading(BaseModel):
    model_config = ConfigDict(extra="forbid")
    taken: str | None = None
    decided_by: str | None = None
    amount_under_alternative: Decimal | None = None


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    amount: Decimal | None = None
    readings: dict[str, ExpectReading] = Field(default_factory=dict)  # reading id → what must hold of it
    standard_codes: list[str] | None = None  # art7.2: the standards the award records as rewarded, in pay order
    says: list[str] = Field(default_factory=list)  # words the explanation must contain (a standard named, a reason)


class Case(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    name: str
    source: str
    claims: ClaimSet
    ledger: Ledger
    today: dt.date | None = None
    expect: dict[str, Expect] = Field(default_factory=dict)
    total: Decimal | None = None
    flags: list[str] = Field(default_factory=list)


def _listing(file_name: str, rows: list[dict[str, Any]]) -> Claim:
    """`standards: [{code: …, drafting_units: […], page: 2}, …]`: a notice's rows, each with its
    own evidence (on page 1 unless `page` says otherwise)."""
    rows = [dict(r) for r in rows]
    pages = [r.pop("page", 1) for r in rows]
    return Claim(field="standards", value_type=ValueType.standards, value=rows,
                 evidence=[Evidence(kind=EvidenceKind.document, file_name=file_name, page=p, text=f"{r.get('code')} {r.get('title') or ''}".strip())
                           for r, p in zip(rows, pages)])


def _document_claim(file_name: str, field: str, v: Any) -> Claim:
    """`field: value` as read off the page, or `field: {value: …, by: reviewer}` as corrected."""
    if field == "standards" and isinstance(v, list):
        return _listing(file_name, v)
    vt = _TYPES.get(field, ValueType.text)
    if isinstance(v, dict) and "value" in v:
        by = v.get("by", "reviewer")
        return Claim(field=field, value_type=vt, value=v["value"], corrected=by == "reviewer",
                     evidence=[Evidence(kind=_KIND[by], text=f"{field}: {v['value']}", source=by)])
    return Claim(field=field, value_type=vt, value=v,
                 evidence=[Evidence(kind=EvidenceKind.document, file_name=file_name, page=1, text=f"{field}: {v}")])


def _document(i: int, spec: dict[str, Any]) -> DocumentClaims:
    spec = dict(spec)
    doc_type = DocType(spec.pop("type"))
    name = spec.pop("file", f"{doc_type.value}-{i}.pdf")
    clauses = spec.pop("clauses", [])
    error = spec.pop("error", None)
    claims = [_document_claim(name, k, v) for k, v in spec.items()]
    return DocumentClaims(document=f"{i:064x}", file_name=name, doc_type=doc_type, doc_type_confidence=1.0,
                          clauses=clauses, claims=claims, error=error)


def _fact(name: str, value: Any) -> Claim:
    by = "manifest"
    if isinstance(value, dict):
        by, value = value.get("by", "manifest"), value["value"]
    spec = FACTS.get(name)
    value_type = spec.value_type if spec else ValueType.text
    return Claim(field=name, value_type=value_type, value=value,
                 evidence=[Evidence(kind=_KIND[by], text=f"{name}: {value}", source=by)])


def _gate_documents(raw: dict[str, Any], applicant: dict[str, Any]) -> list[dict[str, Any]]:
    gate = raw.get("gate", True)
    if gate is False:
        return []
    gate = gate if isinstance(gate, dict) else {}
    docs = []
    if gate.get("licence", True):
        docs.append({"type": "business_licence", "file": "营业执照.jpg", "company_name": applicant["name"],
                     "credit_code": gate.get("licence_credit_code", applicant["credit_code"]),
                     "address": gate.get("address", ADDRESS)})
    if gate.get("commitment", True):
        letter = {"type": "commitment_letter", "file": "承诺书.pdf", "company_name": applicant["name"],
                  "commitment_years": gate.get("commitment_years", 10),
                  "commitments": gate.get("commitments", ["no_move", "tax", "statistics", "capital"])}
        docs.append({k: v for k, v in letter.items() if v is not None})  # commitments: null → not read
    return docs


def build_case(raw: dict[str, Any], source: str = "") -> Case:
    applicant = {**APPLICANT, **raw.get("applicant", {})}
    docs = _gate_documents(raw, applicant) + list(raw.get("documents", []))
    claims = ClaimSet(
        dossier_id=raw.get("dossier_id", "case"),
        applicant=Applicant(**applicant),
        year=raw.get("year", 2021),
        clauses=raw.get("clauses", []),
        documents=[_document(i + 1, d) for i, d in enumerate(docs)],
        facts=[_fact(k, v) for k, v in (raw.get("facts") or {}).items()],
    )
    ledger = Ledger(awards=[Award(credit_code=a.get("credit_code", applicant["credit_code"]), clause_id=a["clause"], year=a["year"],
                                  amount=Decimal(str(a["amount"])), dossier_id=a.get("dossier_id", "earlier"),
                                  project=a.get("project"), policy=a.get("policy", "穗埔府规〔2019〕9号"),
                                  invoices=a.get("invoices", []), project_evidence=a.get("project_evidence", []),
                                  standard_code=a.get("standard_code"), once_key=a.get("once_key"))
                            for a in raw.get("ledger", [])])
    return Case(name=raw["name"], source=source, claims=claims, ledger=ledger, today=raw.get("today"),
                expect={k: Expect(**v) for k, v in (raw.get("expect") or {}).items()},
                total=raw.get("total"), flags=raw.get("flags", []))


def load_cases(path: Path | str = CASES_DIR) -> list[Case]:
    path = Path(path)
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    cases = []
    for f in files:
        for raw in yaml.safe_load(f.read_text(encoding="utf-8")) or []:
            cases.append(build_case(raw, source=f.name))
    return cases
