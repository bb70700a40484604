"""The two shapes most clauses share: a rate of money spent (invoices), and a rate of an
investment (invoices, else a declared total, else contract sums for a reviewer)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core.models import ClaimSet, Ledger, Status, ValueType

from rules.draft import Draft, ledger_used
from rules.inputs import Amount, contracts, read_fact, reviewer_choice, spending, typed, window_verdict
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
    if s.counted or s.excluded or s.missing or s.window:
        return d.take_spending(s, what_zh, what_en)
    fact = read_fact(claims, fact_name)
    if fact.known:
        d.money_input(fact_name, fact.value, fact.evidence)
        d.source_zh, d.source_en = "（申报）", " (declared)"
        # Two clauses resting on this one declaration rest on one investment (第十条).
        d.rests_on(f"declared:{fact_name}@{claims.dossier_id}")
        return Decimal(fact.value)
    deals = []
    for c in contracts(claims, d.clause_id, params):
        signed = typed(c.doc, "signing_date", ValueType.date)
        if d.window(*window_verdict(claims, params, signed), f"{c.label} 签订", signed):
            deals.append(c)
    if deals:
        total = sum((c.value for c in deals), Decimal("0"))
        for c in deals:
            d.money_input(c.label, c.value, c.evidence)
            d.rests_on(c.key)
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


def _norm_name(name: str | None) -> str:
    return re.sub(r"\s+", "", name or "").replace("（", "(").replace("）", ")")


def what_was_bought(d: Draft, a: Amount, claims: ClaimSet) -> bool:
    """An invoice's clause tag is not trusted blindly: its item names must name what the
    clause pays for, and its seller must be one who sells it (not the applicant itself; for
    art7.1 the recognised provider when one is named). A mismatch goes to a reviewer; an
    invoice whose items or seller were not read is said as a reading (counted by its tag, or
    left out when a reviewer so chooses). Returns whether the invoice counts."""
    items = [i.name for i in (typed(a.doc, "items", ValueType.items) or []) if i.name]
    seller = a.doc.value("seller_name")
    seller_id = a.doc.value("seller_tax_id")
    what = d.cp.item_keywords.value if d.cp.item_keywords else []
    who = d.cp.seller_keywords.value if d.cp.seller_keywords else []
    if what and items:
        d.note_input(f"{a.label}: items", "；".join(items), list(a.doc.get("items").evidence))
        off = [n for n in items if not any(k.lower() in n.lower() for k in what)]
        if off:
            d.judge(f"{a.label} 的货物或服务“{'、'.join(off)}”不像本条支持的内容（{d.cp.item_keywords.phrase}）/ "
                    f"what was bought ({', '.join(off)}) does not look like what this clause pays for")
    if seller:
        d.note_input(f"{a.label}: seller", str(seller), list(a.doc.get("seller_name").evidence))
        if _norm_name(seller) == _norm_name(claims.applicant.name) or (seller_id and seller_id == claims.applicant.credit_code):
            d.judge(f"{a.label} 的销售方是申请人自己 / the seller is the applicant itself")
        elif who and not any(k in str(seller) for k in who):
            d.judge(f"{a.label} 的销售方“{seller}”不像提供本条所支持服务的单位 / the seller does not look like a provider of what this clause pays for")
        provider = read_fact(claims, "recognised_provider")
        if d.clause_id == "art7.1" and provider.known and _norm_name(seller) != _norm_name(str(provider.value)):
            d.judge(f"{a.label} 的销售方“{seller}”不是经认定的服务商“{provider.value}” / the seller is not the recognised provider")
    if (what and not items) or not seller:
        unread = "、".join(x for x, miss in (("货物或服务名称", what and not items), ("销售方", not seller)) if miss)
        rid = f"{d.clause_id}.unread_purchase"
        choice = reviewer_choice(claims, rid)
        d.reading(rid, f"发票未读出{unread}：是否仍按其条款标注计入？tag = 按标注计入；exclude = 补录前不计入 / "
                       f"the invoice's items or seller were not read: count it by its clause tag (tag) or leave it out (exclude)?",
                  taken=choice or "tag", alternative="tag" if choice == "exclude" else "exclude", by="reviewer" if choice else "rule")
        return choice != "exclude"
    return True


def annual_cap(d: Draft, claims: ClaimSet, ledger: Ledger, as_of: dt.date | None) -> None:
    year = award_year(claims, as_of)
    d.cap("annual_cap", ledger_used(ledger, claims.applicant.credit_code, {d.clause_id}, claims.dossier_id, year))


def cumulative_cap(d: Draft, claims: ClaimSet, ledger: Ledger) -> None:
    d.cap("cumulative_cap", ledger_used(ledger, claims.applicant.credit_code, {d.clause_id}, claims.dossier_id))


def spending_rate(d: Draft, claims: ClaimSet, ledger: Ledger, params: Parameters, as_of: dt.date | None,
                  what_zh: str, what_en: str) -> None:
    """rate × invoices actually paid, then the annual cap (art4.2, art7.1)."""
    s = spending(claims, d.clause_id, ledger, params)
    if not (s.counted or s.excluded or s.missing or s.window):
        d.fail(Status.needs_evidence, f"缺少{what_zh}发票 / missing: invoices for {what_en}", missing="invoice")
        return
    mark = len(d.inputs)
    for a in list(s.counted):
        if not what_was_bought(d, a, claims):
            s.counted.remove(a)
            s.excluded.append((a.doc, f"{a.label} 的货物或销售方未读出，按评审选择不计入 / items or seller not read: left out, as a reviewer chose"))
    checked, d.inputs[mark:] = d.inputs[mark:], []  # said after the amounts they qualify
    base = d.take_spending(s, what_zh, what_en)
    d.inputs.extend(checked)
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


def one_cap_per(d: Draft, claims: ClaimSet, ledger: Ledger, family: set[str], fact_name: str, what_zh: str, what_en: str) -> None:
    """The award cap of a node (art5.2) or platform (art6.1/6.2) bounds what that node or
    platform gets over the policy's life, not each year's application: earlier awards for the
    same one (same `once_key`, or one the ledger cannot tell apart) are subtracted. The text
    does not say so in as many words, so when there are such awards a reviewer confirms the
    reading (or takes the other: a fresh cap for a new phase)."""
    name = read_fact(claims, fact_name)
    prefix = f"{sorted(family)[0]}:"
    key = f"{prefix}{_norm_name(str(name.value))}" if name.known and str(name.value).strip() else None
    d.once_key = key
    if name.known:
        d.note_input(fact_name, str(name.value), name.evidence)
    # Another node or platform only when both are named by the rules' own key and differ; an
    # earlier award keyed otherwise (no name, or the ledger's fallback) may be this one.
    same = [a for a in ledger.granted() if a.credit_code == claims.applicant.credit_code and a.clause_id in family
            and a.dossier_id != claims.dossier_id
            and (not key or not (a.once_key or "").startswith(prefix) or a.once_key == key)]
    paid = sum((a.amount for a in same), Decimal("0"))
    if paid <= 0:
        d.cap("award_cap")
        return
    rid = f"{d.clause_id}.once"
    choice = reviewer_choice(claims, rid)
    which = "同一" if key and all(a.once_key == key for a in same) else "可能同一（台账未载明名称）"
    d.reading(rid, f"{which}{what_zh}以往已获 {yuan(paid)} 元（{', '.join(f'{a.year} {a.clause_id}' for a in same)}）："
                   f"最高额是否按{what_zh}累计？cumulative = 扣除已获；per_award = 每次申报单独计 / "
                   f"the same {what_en} (or one the ledger cannot tell apart) already received {yuan(paid)}: is the cap for its whole life?",
              taken=choice or "cumulative", alternative="cumulative" if choice == "per_award" else "per_award",
              by="reviewer" if choice else "rule", pending=choice is None)
    d.cap("award_cap", Decimal("0") if choice == "per_award" else paid,
          used_up=Status.not_eligible if choice else Status.needs_judgement)
