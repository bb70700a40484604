"""第五条 推进网络基础设施建设: identifier-resolution applications (5.1) and secondary
nodes (5.2)."""
from __future__ import annotations

import datetime as dt

from core.models import ClaimSet, ClauseResult, Ledger, Status

from rules.draft import Draft, ledger_used
from rules.inputs import read_fact
from rules.params import Parameters
from rules.patterns import cumulative_cap, investment_rate, one_cap_per


def identifier_applications(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art5.1", params)
    d.require(read_fact(claims, "identifier_app"), "开展标识解析创新应用", "runs an identifier-resolution innovation application")
    investment_rate(d, claims, ledger, params, "project_investment", "项目总投资", "total project investment")
    d.once_key = f"art5.1:{claims.applicant.credit_code}"
    if d.cp.one_time and ledger_used(ledger, claims.applicant.credit_code, {"art5.1"}, claims.dossier_id) > 0:
        d.fail(Status.not_eligible, "一次性补贴已获发放 / this one-time subsidy was already awarded")
    cumulative_cap(d, claims, ledger)
    d.reasons.append("“最高/不超过”：金额为上限，评审可下调 / the amount is a ceiling")
    return d.result()


def secondary_nodes(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art5.2", params)
    d.require(read_fact(claims, "node_good_effect"), "二级节点取得良好应用效果", "the node shows good application results", judgement=True)
    investment_rate(d, claims, ledger, params, "node_participation_investment", "参与投资额", "participation investment")
    one_cap_per(d, claims, ledger, {"art5.2"}, "node", "二级节点", "node")
    return d.result()


CLAUSES = {"art5.1": identifier_applications, "art5.2": secondary_nodes}
