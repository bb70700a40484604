"""The two shapes most clauses share: a rate of money spent (invoices), and a rate of an
investment (invoices, else a declared total, else contract sums for a reviewer)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import ClaimSet, Ledger, Status, ValueType

from rules.draft import Draft, ledger_used
from rules.inputs import contracts, read_fact, spending, typed
from rules.money import q, pct, yuan
from rules.params import Parameters


def award_year(claims: ClaimSet, as_of: dt.date | None) -> int:
    if claims.year:
        return claims.year
    return (as_of or dt.date.today()).year


def as_of_date(claims: ClaimSet, as_of: dt.date | None) -> dt.date:
    """The day the assessment speaks for: given, else the last day of the award year."""
    if as_of:
        return as_of
    return dt.date(claims.year, 12, 31) if claims.year else dt.date.today()


def investment(d: Draft, claims: ClaimSet, ledger: Ledger, params: Parameters, fact_name: str,
               what_zh: str, what_en: str) -> Decimal | None:
    """The base of an investment clause. Invoices routed to the clause first (money actually
    paid); else the declared total (a manifest fact); else contract sums, which say what
    was agreed rather than paid, so a reviewer must accept them."""
    s = spending(claims, d.clause_id, ledger, params)
    if s.counted or s.excluded or s.missing:
        return d.take_spending(s, what_zh, what_en)
    fact = read_fact(claims, fact_name)
    if fact.known:
        d.money_input(fact_name, fact.value, fact.evidence)
        d.source_zh, d.source_en = "（申报）", " (declared)"
        return Decimal(fact.value)
    deals = []
    for c in contracts(claims, d.clause_id, params):
        signed = typed(c.doc, "signing_date", ValueType.date)
        where = params.in_window(signed) if signed else "inside"
        if where == "outside":
            d.leave_out(f"{c.label} 签订日期 {signed} 在政策有效期外 / signed {signed}, outside the policy's validity")
            continue
        if where == "uncertain":
            d.judge(f"{c.label} 签订日期 {signed} 是否在有效期内（公布日期未核实）/ is {signed} inside the window")
        deals.append(c)
    if deals:
        total = sum((c.value for c in deals), Decimal("0"))
        for c in deals:
            d.money_input(c.label, c.value, c.evidence)
        d.source_zh, d.source_en = "（合同金额：" + "、".join(c.label for c in deals) + "）", " (contract sums)"
        d.judge("合同金额是否可作为实际投资（无发票）/ may contract sums stand for the investment actually made (no invoices)")
        return total
    d.fail(Status.needs_evidence, f"缺少{what_zh}的发票或申报金额 / missing: {what_en} (invoices or declared total)", missing=fact_name)
    return None


def apply_rate(d: Draft, base: Decimal | None, what_zh: str, what_en: str) -> None:
    rate = d.cp.rate.value
    if base is None:
        return
    d.amount = q(base * rate)
    zh, en = d.base(what_zh, what_en, base)
    d.step(f"{zh} × {pct(rate)} = {yuan(d.amount)} 元", f"{en} × {pct(rate)} = {yuan(d.amount)}",
           f"{yuan(base)} × {pct(rate)} = {yuan(d.amount)}")


def annual_cap(d: Draft, claims: ClaimSet, ledger: Ledger, as_of: dt.date | None) -> None:
    year = award_year(claims, as_of)
    d.cap("annual_cap", ledger_used(ledger, claims.applicant.credit_code, {d.clause_id}, claims.dossier_id, year))


def cumulative_cap(d: Draft, claims: ClaimSet, ledger: Ledger) -> None:
    d.cap("cumulative_cap", ledger_used(ledger, claims.applicant.credit_code, {d.clause_id}, claims.dossier_id))


def spending_rate(d: Draft, claims: ClaimSet, ledger: Ledger, params: Parameters, as_of: dt.date | None,
                  what_zh: str, what_en: str) -> None:
    """rate × invoices actually paid, then the annual cap (art4.2, art7.1)."""
    s = spending(claims, d.clause_id, ledger, params)
    if not (s.counted or s.excluded or s.missing):
        d.fail(Status.needs_evidence, f"缺少{what_zh}发票 / missing: invoices for {what_en}", missing="invoice")
        return
    base = d.take_spending(s, what_zh, what_en)
    if not s.counted:
        d.fail(Status.needs_evidence, f"没有可计入的{what_zh}发票 / no countable invoice for {what_en}", missing="invoice")
    apply_rate(d, base, what_zh, what_en)
    annual_cap(d, claims, ledger, as_of)


def investment_rate(d: Draft, claims: ClaimSet, ledger: Ledger, params: Parameters, fact_name: str,
                    what_zh: str, what_en: str) -> None:
    base = investment(d, claims, ledger, params, fact_name, what_zh, what_en)
    apply_rate(d, base, what_zh, what_en)


def discretionary_ceiling(d: Draft, what_zh: str, what_en: str) -> None:
    """Clauses with a ceiling and no formula (art8, art9): the ceiling is proposed and the
    amount within it is left to a reviewer."""
    ceiling = d.cp.award_cap.value
    d.amount = ceiling
    d.step(f"最高 {yuan(ceiling)} 元", f"up to {yuan(ceiling)}", f"≤ {yuan(ceiling)}")
    d.cap("award_cap")
    d.judge(f"{what_zh}（0 至 {yuan(ceiling)} 元）/ {what_en}, between 0 and {yuan(ceiling)}")
