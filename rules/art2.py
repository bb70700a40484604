"""第二条 适用范围: the gate every other clause passes through.

In the district (licence address or a declared fact), an independent legal person, and a
10-year commitment letter. Outside the district → not eligible; a missing licence or
letter → needs evidence; papers naming another company → needs judgement."""
from __future__ import annotations

import datetime as dt
import re

from core.models import ClaimSet, ClauseResult, DocType, Ledger, Status, ValueType

from rules.draft import Draft
from rules.inputs import read_fact, typed
from rules.params import Parameters

CLAUSE = "art2"


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", (s or "")).replace("（", "(").replace("）", ")").upper()


def _in_district(d: Draft, claims: ClaimSet, params: Parameters) -> None:
    fact = read_fact(claims, "in_district")
    if fact.known or fact.problem:
        d.require(fact, "注册地、税务及统计关系在本区", "registered, taxed and counted in the district")
        return
    licences = claims.of_type(DocType.business_licence)
    address_claim = next((doc.get("address") for doc in licences if doc.get("address") and doc.value("address")), None)
    address = address_claim.value if address_claim else claims.applicant.address
    evidence = list(address_claim.evidence) if address_claim else list(claims.applicant.evidence)
    if not address:
        if licences:
            d.fail(Status.needs_evidence, "营业执照未读出住所，无法判断是否在本区 / licence address not read: district unknown", missing="business_licence.address")
        else:
            d.fail(Status.needs_evidence, "缺少营业执照 / missing: business licence", missing="business_licence")
        return
    hit = next((k for k in params.district_keywords.value if k in str(address)), None)
    d.note_input("address", str(address), evidence)
    if hit:
        d.step(f"住所“{address}”含“{hit}”，在本区", f"address contains {hit}: in the district")
    else:
        d.fail(Status.not_eligible, f"注册地址“{address}”不在黄埔区/广州开发区 / registered address outside the district")


def _same_company(d: Draft, claims: ClaimSet) -> None:
    want = _norm(claims.applicant.credit_code)
    for doc in claims.documents:
        if doc.doc_type not in (DocType.business_licence, DocType.commitment_letter, DocType.capital_verification):
            continue
        got = _norm(doc.value("credit_code"))
        if want and got and got != want:
            d.judge(f"{doc.file_name} 的统一社会信用代码 {doc.value('credit_code')} 与申请人 {claims.applicant.credit_code} 不符 / credit code differs from the applicant's")


def _commitment(d: Draft, claims: ClaimSet, params: Parameters) -> None:
    letters = [doc for doc in claims.of_type(DocType.commitment_letter) if not doc.error]
    need = int(params.commitment_years.value)
    if not letters:
        d.fail(Status.needs_evidence, f"缺少{need}年承诺书 / missing: the {need}-year commitment letter", missing="commitment_letter")
        return
    years = [(typed(doc, "commitment_years", ValueType.integer), doc) for doc in letters]
    years = [(n, doc) for n, doc in years if n is not None]
    if years:
        n, doc = max(years, key=lambda x: x[0])
        d.note_input("commitment_years", str(n), list(doc.get("commitment_years").evidence))
        if n < need:
            d.fail(Status.not_eligible, f"承诺年限 {n} 年少于 {need} 年 / commitment of {n} years is shorter than {need}")
            return
    d.step(f"已提交{need}年承诺书（{letters[0].file_name}）", f"{need}-year commitment letter present")


def assess(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft(CLAUSE, params)
    d.money = False
    _in_district(d, claims, params)
    legal = read_fact(claims, "independent_legal_person")
    if legal.known or legal.problem:
        d.require(legal, "具有独立法人资格、实行独立核算", "independent legal person with separate accounts")
    _commitment(d, claims, params)
    _same_company(d, claims)
    return d.result()
