"""第二条 适用范围: the gate every other clause passes through.

Registered in the district (the licence's address, naming 广州; a declaration never overrides
it: a contradiction goes to a reviewer), taxed and counted there, an independent legal person
(a 分公司 is not), and a 10-year commitment letter making the four promises. Outside the
district → not eligible; a missing licence or letter → needs evidence; papers naming another
company, or a declaration against a document → needs judgement."""
from __future__ import annotations

import datetime as dt
import re

from core.models import ClaimSet, ClauseResult, DocType, Ledger, Status, ValueType

from rules.draft import Draft, en, zh
from rules.inputs import read_fact, reviewer_choice, typed
from rules.money import ZERO
from rules.params import Parameters

CLAUSE = "art2"


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", (s or "")).replace("（", "(").replace("）", ")").upper()


def in_district(address: str, params: Parameters) -> tuple[bool, str]:
    """Whether a registered address lies in the district, and the words that decided it.
    The place names alone are not enough (南岗, 长洲, 科学城 exist elsewhere): the address must
    name the city too, and not another of its districts."""
    hit = next((k for k in params.district_keywords.value if k in address), None)
    if hit is None:
        return False, "不含本区地名 / names no place of the district"
    city = params.district_city.value if params.district_city else None
    if city and city not in address:
        return False, f"含“{hit}”但未写明“{city}”（同名地名他处也有）/ names {hit} but not {city}: the name exists elsewhere"
    other = next((o for o in (params.other_districts.value if params.other_districts else []) if o in address), None)
    if other and "黄埔区" not in address:
        return False, f"属{city or ''}{other} / in {other}"
    return True, f"含“{city or ''}”与“{hit}” / names {city or ''} and {hit}"


def _licence_address(claims: ClaimSet) -> tuple[str | None, list, bool]:
    licences = claims.of_type(DocType.business_licence)
    claim = next((doc.get("address") for doc in licences if doc.get("address") and doc.value("address")), None)
    if claim:
        return str(claim.value), list(claim.evidence), True
    return None, [], bool(licences)


def _in_district(d: Draft, claims: ClaimSet, params: Parameters) -> None:
    """The licence's registered address decides; a declaration agreeing with it adds nothing,
    one contradicting it goes to a reviewer, and a reviewer's own finding settles it."""
    fact = read_fact(claims, "in_district")
    if fact.problem:
        d.require(fact, "注册地、税务及统计关系在本区", "registered, taxed and counted in the district")
        return
    if fact.known and any(e.kind.value == "reviewer" for e in fact.claim.evidence):
        d.require(fact, "注册地、税务及统计关系在本区（评审认定）", "in the district (a reviewer's finding)")
        return
    address, evidence, has_licence = _licence_address(claims)
    if address is None:
        if has_licence:
            d.fail(Status.needs_evidence, "营业执照未读出住所，无法判断是否在本区 / licence address not read: district unknown", missing="business_licence.address")
        else:
            d.fail(Status.needs_evidence, "缺少营业执照（注册地以执照为准）/ missing: business licence (it shows where the company is registered)", missing="business_licence")
        return
    inside, why = in_district(address, params)
    d.note_input("address", address, evidence)
    if fact.known:
        d.note_input("in_district", str(fact.value).lower(), fact.evidence)
    if fact.known and fact.value != inside:
        d.judge(f"申报 in_district={str(fact.value).lower()} 与营业执照住所“{address}”（{zh(why)}）不符，以证照为准还是另有证明 / "
                f"the declaration contradicts the licence's address ({en(why)})")
        return
    if inside:
        d.step(f"住所“{address}”{zh(why)}，在本区", f"registered address {en(why)}: in the district")
    else:
        d.fail(Status.not_eligible, f"注册地址“{address}”不在黄埔区/广州开发区（{zh(why)}）/ registered address outside the district ({en(why)})")


def _tax_and_statistics(d: Draft, claims: ClaimSet) -> None:
    """税务征管关系及统计关系: read where a fact (a certificate read by a reviewer, or a
    declaration) says so; without one, the registration stands for both, and that reading
    is said."""
    facts = [read_fact(claims, n) for n in ("tax_in_district", "statistics_in_district")]
    words = {"tax_in_district": ("税务征管关系在本区", "tax relation in the district"),
             "statistics_in_district": ("统计关系在本区", "statistics relation in the district")}
    for f in facts:
        if f.known or f.problem:
            d.require(f, *words[f.name])
    unknown = [f.name for f in facts if not f.known and not f.problem]
    if not unknown:
        return
    choice = reviewer_choice(claims, "art2.tax_statistics")
    d.reading("art2.tax_statistics",
              "未见税务登记、统计关系证明：工商注册在本区是否可代表税务征管及统计关系也在本区？registration = 以注册地代表；"
              "evidence = 须另交证明 / no tax or statistics registration shown: does the district registration stand for both?",
              taken=choice or "registration", alternative="evidence" if choice != "evidence" else "registration",
              by="reviewer" if choice else "rule", amount=ZERO)
    if choice == "evidence":
        for name in unknown:
            d.fail(Status.needs_evidence, f"缺少：{words[name][0]}证明 / missing: evidence of the {words[name][1]}", missing=name)


def _legal_person(d: Draft, claims: ClaimSet) -> None:
    """独立法人资格: a 分公司 has none, whatever the declaration says; a declaration
    contradicting the licence goes to a reviewer, a reviewer's finding settles it."""
    legal = read_fact(claims, "independent_legal_person")
    names = [str(doc.value("company_name")) for doc in claims.of_type(DocType.business_licence) if doc.value("company_name")]
    names += [str(doc.value("company_type")) for doc in claims.of_type(DocType.business_licence) if doc.value("company_type")]
    names += [claims.applicant.name] if claims.applicant.name else []
    branch = next((n for n in names if "分公司" in n or "非法人" in n), None)
    reviewer = legal.known and any(e.kind.value == "reviewer" for e in legal.claim.evidence)
    if branch and not reviewer:
        if legal.known and legal.value is True:
            d.judge(f"申报具有独立法人资格，但执照/申请人为“{branch}”（分公司不具独立法人资格）/ declared a legal person, but {branch} is a branch")
        else:
            d.fail(Status.not_eligible, f"“{branch}”是分公司，不具有独立法人资格 / a branch (分公司) is not an independent legal person")
        return
    if legal.known or legal.problem:
        d.require(legal, "具有独立法人资格、实行独立核算", "independent legal person with separate accounts")


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
    _promises(d, claims, letters, params)


def _promises(d: Draft, claims: ClaimSet, letters: list, params: Parameters) -> None:
    """The four promises, as the letter's `commitments` claim lists them (extract reads them
    off the text; a reviewer may correct the list)."""
    promises: dict[str, str] = params.commitment_promises.value if params.commitment_promises else {}
    if not promises:
        return
    read = [doc for doc in letters if doc.get("commitments") is not None]
    if not read:
        # No promise was read off the letter (an unreadable scan, or a claim set from before
        # they were read): the letter's 10 years are taken to carry the promises, said as a
        # reading a reviewer can turn into a check of the letter.
        choice = reviewer_choice(claims, "art2.promises_unread")
        d.reading("art2.promises_unread",
                  "承诺书的四项承诺（不迁离、不改变纳税义务、不变更统计关系、不减少注册资本）未读出：accepted = 以承诺书及其年限为准；"
                  "check = 由评审逐项核对 / the letter's four promises were not read: accept the letter, or check each promise?",
                  taken=choice or "accepted", alternative="accepted" if choice == "check" else "check",
                  by="reviewer" if choice else "rule", amount=ZERO)
        if choice == "check":
            d.judge("承诺书是否含四项承诺，请逐项核对 / check the letter makes all four promises")
        return
    doc = read[0]
    given = {str(v) for v in (doc.value("commitments") or [])}
    d.note_input("commitments", ", ".join(sorted(given)), list(doc.get("commitments").evidence))
    lacking = [k for k in promises if k not in given]
    for k in lacking:
        d.fail(Status.needs_evidence, f"承诺书缺少承诺：{promises[k]} / the letter lacks the promise: {k}", missing=f"commitment_letter.{k}")
    if not lacking:
        d.step("承诺书含四项承诺", "the letter makes all four promises")


def assess(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft(CLAUSE, params)
    d.money = False
    _in_district(d, claims, params)
    _tax_and_statistics(d, claims)
    _legal_person(d, claims)
    _commitment(d, claims, params)
    _same_company(d, claims)
    return d.result()
