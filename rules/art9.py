"""第九条 提升信息安全防护能力: security products that passed evaluation and are on the
market, up to 2M for promotion. The amount within the ceiling is the district's decision."""
from __future__ import annotations

import datetime as dt

from core.models import ClaimSet, ClauseResult, Ledger

from rules.draft import Draft
from rules.inputs import read_fact
from rules.params import Parameters
from rules.patterns import discretionary_ceiling


def security_products(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art9", params)
    d.require(read_fact(claims, "security_evaluated"), "工业信息安全产品通过安全评估", "the product passed a security evaluation")
    d.require(read_fact(claims, "on_market"), "产品已投入市场", "the product is on the market")
    discretionary_ceiling(d, "推广费用金额", "the promotion amount")
    return d.result()


CLAUSES = {"art9": security_products}
