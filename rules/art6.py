"""第六条 培育协同共赢平台体系: cross-industry platforms (6.1), industry platforms (6.2),
resource-pool providers' R&D (6.3, cumulative across years)."""
from __future__ import annotations

import datetime as dt
from core.models import ClaimSet, ClauseResult, Ledger, Status

from rules.draft import Draft
from rules.inputs import read_fact
from rules.money import q, yuan
from rules.params import Parameters
from rules.patterns import cumulative_cap, investment, investment_rate, one_cap_per

KIND_ZH = {"cross_industry": "跨行业跨领域", "industry": "特定行业"}


def _platform(clause_id: str, claims: ClaimSet, ledger: Ledger, params: Parameters) -> ClauseResult:
    d = Draft(clause_id, params)
    want = d.cp.platform_kind
    kind = read_fact(claims, "platform_kind")
    if not kind.known:
        d.fail(Status.needs_evidence, f"缺少平台类型（应为{KIND_ZH[want]}）/ missing: platform kind", missing="platform_kind")
    else:
        d.note_input("platform_kind", str(kind.value), kind.evidence)
        if str(kind.value) != want:
            d.fail(Status.not_eligible, f"平台类型为 {kind.value}，本款支持{KIND_ZH[want]}平台 / this paragraph is for {want} platforms")
    d.require(read_fact(claims, "platform_good_effect"), "平台取得良好应用效果", "the platform shows good application results", judgement=True)
    investment_rate(d, claims, ledger, params, "platform_investment", "平台建设总投入", "platform construction investment")
    one_cap_per(d, claims, ledger, {"art6.1", "art6.2"}, "platform", "平台", "platform")
    d.reasons.append("“最高/不超过”：金额为上限，评审可下调 / the amount is a ceiling")
    return d.result()


def cross_industry_platforms(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    return _platform("art6.1", claims, ledger, params)


def industry_platforms(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    return _platform("art6.2", claims, ledger, params)


def resource_pool_providers(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    """The core product's R&D costs, in full, up to 1.8M over all years together."""
    d = Draft("art6.3", params)
    d.require(read_fact(claims, "resource_pool_listed"), "纳入广东省工业互联网产业生态供给资源池", "listed in the provincial resource pool")
    base = investment(d, claims, ledger, params, "rd_cost", "核心产品研发费用", "core-product R&D costs")
    if base is not None:
        d.amount = q(base)
        zh, en = d.base("核心产品研发费用", "core-product R&D costs", base)
        d.step(f"{zh}，全额计入", f"{en}, in full", yuan(base))
    cumulative_cap(d, claims, ledger)
    return d.result()


CLAUSES = {"art6.1": cross_industry_platforms, "art6.2": industry_platforms, "art6.3": resource_pool_providers}
