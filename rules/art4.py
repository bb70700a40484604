"""第四条 加快数字化升级改造: devices on platforms (4.1), SMEs to the cloud (4.2), benchmark
projects (4.3)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import ClaimSet, ClauseResult, FormulaInput, Ledger, Status, ValueType

from rules.draft import Draft
from rules.inputs import Spending, read_fact, spending, typed
from rules.money import q, yuan
from rules.params import Parameters
from rules.patterns import annual_cap, cumulative_cap, investment_rate, spending_rate


def _device_lines(d: Draft, s: Spending) -> tuple[int, Decimal] | None:
    """Σ min(cost_i, 2000) over the devices the invoice lines list: each line's share of its
    invoice's counted amount, divided by its quantity, is one device's cost. None when a
    counted invoice has no itemised lines with quantities (then no per-device cost is known)."""
    per_unit = d.cp.per_unit.value
    devices, total = 0, Decimal("0")
    for a in s.counted:
        items = [i for i in (typed(a.doc, "items", ValueType.items) or []) if i.amount is not None or i.quantity is not None]
        if not items or any(i.quantity is None or i.quantity <= 0 for i in items):
            return None
        line_sum = sum((i.amount or Decimal("0") for i in items), Decimal("0"))
        for i in items:
            share = a.value * (i.amount / line_sum) if line_sum and i.amount is not None else a.value / len(items)
            n = int(i.quantity)
            each = share / i.quantity
            paid = q(min(each, per_unit) * i.quantity)
            devices += n
            total += paid
            d.step(f"{i.name or '设备'} {n} 台，每台 {yuan(each)} 元，按每台最高 {yuan(per_unit)} 元计 {yuan(paid)} 元",
                   f"{i.name or 'device'}: {n} at {yuan(each)} each, up to {yuan(per_unit)} each: {yuan(paid)}",
                   f"{n} × min({yuan(each)}, {yuan(per_unit)}) = {yuan(paid)}")
    return devices, q(total)


def devices_on_platforms(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    """最高2000元全额补贴: Σ over devices of min(the device's actual onboarding cost, 2,000),
    counted on the invoice lines (item × quantity); the declared count is checked against
    them. Without per-device lines, min(Σ costs, count × 2,000) is only the most it can be,
    so a reviewer checks the device list."""
    d = Draft("art4.1", params)
    count = read_fact(claims, "device_count")
    per_unit = d.cp.per_unit.value
    if count.problem:
        d.require(count, "上平台设备台（套）数", "number of devices on a platform")
    s = spending(claims, "art4.1", ledger, params)
    costs: Decimal | None = None
    lines = None
    if s.counted or s.excluded or s.missing or s.window:
        costs = d.take_spending(s, "设备上平台实际费用", "actual onboarding costs")
        lines = _device_lines(d, s) if s.counted else None
    if lines is not None:
        devices, d.amount = lines
        if count.known:
            d.note_input("device_count", str(count.value), count.evidence)
            if int(count.value) != devices:
                d.judge(f"申报上平台设备 {count.value} 台，发票明细合计 {devices} 台，以何为准 / "
                        f"declared {count.value} devices, the invoice lines list {devices}")
        d.step(f"发票明细 {devices} 台，逐台全额补贴合计 {yuan(d.amount)} 元", f"{devices} devices on the invoice lines: {yuan(d.amount)} in all")
        annual_cap(d, claims, ledger, as_of)
        return d.result()
    if not count.known:
        d.require(count, "上平台设备台（套）数", "number of devices on a platform")
        return d.result()
    n = int(count.value)
    d.inputs.append(FormulaInput(name="device_count", value=str(n), evidence=count.evidence))
    ceiling = q(per_unit * n)
    d.step(f"{n} 台 × 每台最高 {yuan(per_unit)} 元 = {yuan(ceiling)} 元", f"{n} devices × up to {yuan(per_unit)} = {yuan(ceiling)}",
           f"{n} × {yuan(per_unit)} = {yuan(ceiling)}")
    if costs is None:
        fact = read_fact(claims, "device_onboarding_costs")
        if fact.known:
            costs = Decimal(fact.value)
            d.money_input("device_onboarding_costs", costs, fact.evidence)
            d.source_zh, d.source_en = "（申报）", " (declared)"
            d.rests_on(f"declared:device_onboarding_costs@{claims.dossier_id}")
    if costs is None:
        d.amount = ceiling
        d.fail(Status.needs_evidence, "缺少设备上平台实际费用凭证（全额补贴以实际费用为限）/ missing: onboarding costs (the subsidy is the actual cost)",
               missing="device_onboarding_costs")
    else:
        d.amount = min(ceiling, q(costs))
        zh, en = d.base("实际费用", "actual costs", costs)
        d.step(f"{zh}，全额补贴取较低者 {yuan(d.amount)} 元", f"{en}; full subsidy, the lower: {yuan(d.amount)}",
               f"min({yuan(costs)}, {yuan(ceiling)}) = {yuan(d.amount)}")
        d.judge("费用未逐台列明（发票无数量明细）：每台以实际费用、最高2000元计，金额为上限，请按设备清单核定 / "
                "costs are not itemised per device: the amount is the most it can be; check the device list")
    annual_cap(d, claims, ledger, as_of)
    return d.result()


def smes_to_cloud(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art4.2", params)
    d.require(read_fact(claims, "sme"), "中小企业", "a small or medium enterprise")
    d.require(read_fact(claims, "industrial_enterprise"), "工业企业", "an industrial enterprise")
    spending_rate(d, claims, ledger, params, as_of, "云化工业软件及配套工具实际费用", "cloud industrial software and tools paid")
    return d.result()


def benchmark_projects(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art4.3", params)
    d.require(read_fact(claims, "industrial_enterprise"), "工业企业", "an industrial enterprise")
    d.require(read_fact(claims, "benchmark_evaluated"), "经评定应用效果明显、具有标杆示范意义", "evaluated as an effective benchmark", judgement=True)
    investment_rate(d, claims, ledger, params, "project_investment", "项目总投资", "total project investment")
    cumulative_cap(d, claims, ledger)
    d.reasons.append("“不超过30%”：金额为上限，评审可下调 / 'at most 30%': the amount is a ceiling")
    return d.result()


CLAUSES = {"art4.1": devices_on_platforms, "art4.2": smes_to_cloud, "art4.3": benchmark_projects}
