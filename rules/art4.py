"""第四条 加快数字化升级改造: devices on platforms (4.1), SMEs to the cloud (4.2), benchmark
projects (4.3)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import ClaimSet, ClauseResult, Ledger, Status

from rules.draft import Draft
from rules.inputs import read_fact, spending
from rules.money import q, yuan
from rules.params import Parameters
from rules.patterns import annual_cap, cumulative_cap, investment_rate, spending_rate


def devices_on_platforms(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    """最高2000元全额补贴: each device's actual onboarding cost, at most 2,000. Without the cost
    of each device, the sum of costs bounded by count × 2,000 is the most it can be."""
    d = Draft("art4.1", params)
    count = read_fact(claims, "device_count")
    per_unit = d.cp.per_unit.value
    if not d.require(count, "上平台设备台（套）数", "number of devices on a platform") and not count.known:
        return d.result()
    n = int(count.value)
    ceiling = q(per_unit * n)
    d.step(f"{n} 台 × 每台最高 {yuan(per_unit)} 元 = {yuan(ceiling)} 元", f"{n} devices × up to {yuan(per_unit)} = {yuan(ceiling)}",
           f"{n} × {yuan(per_unit)} = {yuan(ceiling)}")
    s = spending(claims, "art4.1", ledger, params)
    costs: Decimal | None = None
    if s.counted or s.excluded or s.missing:
        costs = d.take_spending(s, "设备上平台实际费用", "actual onboarding costs")
    else:
        fact = read_fact(claims, "device_onboarding_costs")
        if fact.known:
            costs = Decimal(fact.value)
            d.money_input("device_onboarding_costs", costs, fact.evidence)
            d.source_zh, d.source_en = "（申报）", " (declared)"
    if costs is None:
        d.amount = ceiling
        d.fail(Status.needs_evidence, "缺少设备上平台实际费用凭证（全额补贴以实际费用为限）/ missing: onboarding costs (the subsidy is the actual cost)",
               missing="device_onboarding_costs")
    else:
        d.amount = min(ceiling, q(costs))
        zh, en = d.base("实际费用", "actual costs", costs)
        d.step(f"{zh}，全额补贴取较低者 {yuan(d.amount)} 元", f"{en}; full subsidy, the lower: {yuan(d.amount)}",
               f"min({yuan(costs)}, {yuan(ceiling)}) = {yuan(d.amount)}")
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
