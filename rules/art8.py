"""第八条 鼓励关键技术创新应用: high-value industrial APPs, up to 3M. No formula: the
amount within the ceiling is the district's decision, so this clause never goes beyond
proposing the ceiling."""
from __future__ import annotations

import datetime as dt

from core.models import ClaimSet, ClauseResult, Ledger

from rules.draft import Draft
from rules.inputs import read_fact
from rules.params import Parameters
from rules.patterns import discretionary_ceiling


def industrial_apps(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art8", params)
    d.require(read_fact(claims, "app_evaluated"), "经评定为具有行业竞争力的高价值、高质量工业APP", "evaluated as a high-value industrial APP", judgement=True)
    discretionary_ceiling(d, "补助金额", "the amount")
    return d.result()


CLAUSES = {"art8": industrial_apps}
