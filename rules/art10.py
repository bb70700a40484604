"""第十条 从高不重复: one project (or matter) that qualifies under several clauses, or under
this and another district policy, gets the highest single award, never the sum.

A project is named by the `project` claim of the documents behind an award (all agreeing),
else the dossier's `project` fact; art7.2 awards are per standard and art3 per settlement,
so they join a group only through an explicit project name. Earlier awards for the project
come from the ledger (any policy) and from the `other_awards` fact ("项目|政策|金额")."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.models import CapApplied, ClaimSet, ClauseResult, Flag, Ledger, Status

from rules.draft import Draft, en, restate, zh
from rules.inputs import CLAUSES as ORDER, project_of, read_fact
from rules.money import ZERO, q, yuan
from rules.params import Parameters

_PAYING = (Status.eligible, Status.needs_judgement, Status.needs_evidence)


@dataclass
class Earlier:
    policy: str
    clause: str
    amount: Decimal
    where: str


def earlier_awards(claims: ClaimSet, ledger: Ledger) -> tuple[dict[str, list[Earlier]], list[Flag]]:
    out: dict[str, list[Earlier]] = {}
    flags: list[Flag] = []
    for a in ledger.granted():
        if a.credit_code == claims.applicant.credit_code and a.project and a.dossier_id != claims.dossier_id:
            out.setdefault(a.project.strip(), []).append(Earlier(a.policy, a.clause_id, a.amount, f"{a.year} 年台账"))
    fact = read_fact(claims, "other_awards")
    for item in fact.value or []:
        parts = [p.strip() for p in str(item).split("|")]
        try:
            project, policy, amount = parts[0], parts[1], Decimal(parts[2].replace(",", ""))
        except (IndexError, InvalidOperation):
            flags.append(Flag(code="other_awards_format", severity="error",
                              message=f"other_awards 项“{item}”应写作“项目|政策|金额” / expected 'project|policy|amount'"))
            continue
        out.setdefault(project, []).append(Earlier(policy, "", amount, "申报"))
    return out, flags


def _reduce(r: ClauseResult, new: Decimal, paid: Decimal, why: str) -> ClauseResult:
    new = q(new)
    said = restate(r.explanation, r.amount)
    cap = CapApplied(name="同一项目从高不重复（第十条）", limit=new, already_used=q(paid), bound=True, source="art10")
    return r.model_copy(update={
        "amount": new,
        "caps": [*r.caps, cap],
        "reasons": [*r.reasons, why],
        "formula": f"{r.formula}; 第十条 → {yuan(new)}",
        "explanation": f"{said} 第十条：{zh(why)}，本条改为 {yuan(new)} 元。 / Art. 10: {en(why)}; now {yuan(new)}.",
    })


def resolve(results: list[ClauseResult], claims: ClaimSet, ledger: Ledger, params: Parameters) -> tuple[ClauseResult, list[ClauseResult], list[Flag]]:
    """The art10 result and the clause results after keeping one award per project."""
    d = Draft("art10", params)
    d.money = False
    d.done = ("以上按从高不重复处理", "applied: one award per project, the highest")
    earlier, flags = earlier_awards(claims, ledger)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        if r.clause_id in ("art2", "art10") or r.status not in _PAYING or r.amount <= 0:
            continue
        project = project_of(claims, r.clause_id, params)
        if project:
            groups.setdefault(project, []).append(i)
    out = list(results)
    order = {c: n for n, c in enumerate(ORDER)}
    touched = False
    mode = params.art10_ledger_mode.value
    for project, idx in groups.items():
        before = earlier.get(project, [])
        if len(idx) + len(before) < 2:
            continue
        touched = True
        best = max(idx, key=lambda i: (results[i].amount, -order[results[i].clause_id]))
        paid = sum((e.amount for e in before), ZERO)
        top_before = max((e.amount for e in before), default=ZERO)
        d.note_input(f"project {project}", ", ".join(f"{results[i].clause_id}={yuan(results[i].amount)}" for i in idx)
                     + "".join(f", {e.policy} {e.clause} {e.where}={yuan(e.amount)}" for e in before), [])
        for i in idx:
            if i != best:
                out[i] = _reduce(results[i], ZERO, ZERO,
                                 f"项目“{project}”同时适用 {results[best].clause_id}（{yuan(results[best].amount)} 元），从高不重复，本条不予重复支持 / "
                                 f"project '{project}' is kept under {results[best].clause_id}; this award is reduced to 0")
        kept = results[best].amount
        if before and top_before >= kept:
            out[best] = _reduce(results[best], ZERO, paid,
                                f"项目“{project}”已获更高或相同奖励 {yuan(top_before)} 元（{before[0].policy}），从高不重复 / "
                                f"project '{project}' already received {yuan(top_before)}, not less than this award")
            d.step(f"项目“{project}”保留以往奖励 {yuan(top_before)} 元，本次各条均为 0", f"project '{project}': the earlier award is kept; 0 here")
        elif before:
            new = kept - paid if mode == "top_up" else kept
            out[best] = _reduce(results[best], max(new, ZERO), paid,
                                f"项目“{project}”已获 {yuan(paid)} 元（{', '.join(e.policy for e in before)}），从高补差 / "
                                f"project '{project}' already received {yuan(paid)}; paid up to the highest award")
            d.step(f"项目“{project}”保留 {results[best].clause_id}，补差 {yuan(max(new, ZERO))} 元", f"project '{project}': {results[best].clause_id} kept, {yuan(max(new, ZERO))} paid")
        else:
            d.step(f"项目“{project}”保留 {results[best].clause_id} {yuan(kept)} 元，其余减为 0", f"project '{project}': {results[best].clause_id} kept at {yuan(kept)}, others reduced to 0")
    if not touched:
        d.status = Status.not_applied
        d.step("没有同一项目适用多项支持", "no project qualifies twice")
    return d.result(), out, flags


def highest_single_award(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    """art10 on its own: runs the other clauses and reports what it keeps and reduces."""
    from rules.engine import assess

    assessment = assess(claims, ledger, params, today=as_of)
    return assessment.result("art10")


CLAUSES = {"art10": highest_single_award}
