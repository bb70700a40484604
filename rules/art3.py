"""第三条 支持产业资源集聚发展: newly settled service providers, by paid-in capital tier."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import ClaimSet, ClauseResult, DocType, Ledger, Status, ValueType

from rules.draft import Draft, ledger_used
from rules.inputs import documents_for, read_fact, reviewer_choice, typed, window_verdict
from rules.money import ZERO, yuan
from rules.params import Parameters


def _capital(d: Draft, claims: ClaimSet, params: Parameters) -> Decimal | None:
    """Paid-in capital from the latest capital verification, else the declared fact."""
    docs = [doc for doc in documents_for(claims, "art3", params)
            if doc.doc_type == DocType.capital_verification and typed(doc, "paid_in_capital", ValueType.money) is not None]
    if docs:
        doc = max(docs, key=lambda x: typed(x, "verification_date", ValueType.date) or dt.date.min)
        capital = typed(doc, "paid_in_capital", ValueType.money)
        d.money_input("paid_in_capital", capital, list(doc.get("paid_in_capital").evidence))
        return capital
    fact = read_fact(claims, "paid_in_capital")
    if fact.known:
        d.money_input("paid_in_capital", fact.value, fact.evidence)
        return Decimal(fact.value)
    d.fail(Status.needs_evidence, "缺少实缴注册资本证明（验资报告）/ missing: paid-in capital (capital verification)", missing="paid_in_capital")
    return None


def _settled(d: Draft, claims: ClaimSet, params: Parameters) -> None:
    """The settlement date: declared or entered; else the licence's founding date, which is
    the settlement date only for a company founded here (one that moved in was founded
    elsewhere earlier), so that reading goes to a reviewer unless one has chosen."""
    fact = read_fact(claims, "settlement_date")
    day, evidence = fact.value, fact.evidence
    if day is None:
        lic = next((doc for doc in claims.of_type(DocType.business_licence) if typed(doc, "established_date", ValueType.date)), None)
        if lic:
            day, evidence = typed(lic, "established_date", ValueType.date), list(lic.get("established_date").evidence)
            choice = reviewer_choice(claims, "art3.settlement_date")
            d.reading("art3.settlement_date",
                      f"未申报落户日期：营业执照成立日期 {day} 可否作为落户日期？founding = 以成立日期为落户日期；evidence = 须另证落户日期 / "
                      f"no settlement date: may the licence's founding date {day} stand for it?",
                      taken=choice or "founding", alternative="founding" if choice == "evidence" else "evidence",
                      by="reviewer" if choice else "rule", pending=choice is None)
            if choice == "evidence":
                day = None
    if day is None:
        d.fail(Status.needs_evidence, "缺少落户日期 / missing: settlement date", missing="settlement_date")
        return
    d.note_input("settlement_date", day.isoformat(), evidence)
    if not d.window(*window_verdict(claims, params, day), "落户", day):
        d.fail(Status.not_eligible, f"落户日期 {day} 在政策有效期外 / settled {day}, outside the policy's validity")


def _once(d: Draft, claims: ClaimSet, ledger: Ledger) -> None:
    """新落户 happens once: an enterprise settled and rewarded under art3 is not rewarded
    again in a later year. Topping up to a higher tier reached later is the other reading."""
    d.once_key = f"art3:{claims.applicant.credit_code}"
    paid = ledger_used(ledger, claims.applicant.credit_code, {"art3"}, claims.dossier_id)
    if paid <= 0 or d.amount <= 0:
        return
    choice = reviewer_choice(claims, "art3.once")
    d.reading("art3.once", f"已获落户奖励 {yuan(paid)} 元：再达更高档时是否补差？once = 一次性，不再奖励；top_up = 补足至更高档 / "
                           f"settlement already rewarded {yuan(paid)}: top up to a higher tier reached later?",
              taken=choice or "once", alternative="once" if choice == "top_up" else "top_up", by="reviewer" if choice else "rule")
    if choice == "top_up":
        d.amount = max(d.amount - paid, ZERO)
        d.step(f"补差：已获 {yuan(paid)} 元，本次 {yuan(d.amount)} 元", f"top-up: {yuan(paid)} already paid, {yuan(d.amount)} now")
        if d.amount == 0:
            d.fail(Status.not_eligible, "已获奖励不低于本档 / already rewarded at least this tier")
    else:
        d.fail(Status.not_eligible, f"落户奖励已于以往发放（{yuan(paid)} 元），新落户只奖励一次 / the settlement award was already paid; it is paid once")


def newly_settled_providers(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art3", params)
    d.require(read_fact(claims, "newly_settled"), "新落户本区", "newly settled in the district")
    d.require(read_fact(claims, "service_provider"), "工业互联网服务商", "an industrial-internet service provider")
    _settled(d, claims, params)
    capital = _capital(d, claims, params)
    if capital is not None:
        tiers = sorted(d.cp.tiers, key=lambda t: t.threshold)
        reached = [t for t in tiers if capital >= t.threshold]
        if not reached:
            d.fail(Status.not_eligible, f"实缴注册资本 {yuan(capital)} 元未达 {yuan(tiers[0].threshold)} 元 / paid-in capital below the first tier")
        else:
            tier = reached[-1]
            d.amount = tier.value
            d.step(f"实缴注册资本 {yuan(capital)} 元 ≥ {yuan(tier.threshold)} 元，奖励最高 {yuan(tier.value)} 元",
                   f"paid-in capital {yuan(capital)} ≥ {yuan(tier.threshold)}: award up to {yuan(tier.value)}",
                   f"{yuan(capital)} ≥ {yuan(tier.threshold)} → {yuan(tier.value)}")
    _once(d, claims, ledger)
    return d.result()


CLAUSES = {"art3": newly_settled_providers}
