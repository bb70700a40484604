"""第十条 从高不重复: one project (or matter) that qualifies under several clauses, or under
this and another district policy, gets the highest single award, never the sum.

A project is its name and the evidence it rests on: two awards are for one project when
they carry the same name (the `project` claim of the documents behind them, else the
dossier's `project` fact) or rest on the same evidence (an invoice, a contract, one declared
investment), even under different names; so two clauses resting on one declared investment
are one project. Earlier awards come from the ledger (any policy, any year, with their
project evidence) and from the `other_awards` fact ("项目|政策|金额"). The readings taken
(one award per project within these measures too; top-up against earlier awards) are said
on the results, with the amount under the other reading."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.models import CapApplied, ClaimSet, ClauseResult, Flag, Ledger, Reading, Status

from rules.draft import Draft, en, restate, zh
from rules.inputs import CLAUSES as ORDER, read_fact, reviewer_choice
from rules.money import ZERO, q, yuan
from rules.params import Parameters

_PAYING = (Status.eligible, Status.needs_judgement, Status.needs_evidence)


@dataclass
class Earlier:
    policy: str
    clause: str
    amount: Decimal
    where: str
    evidence: frozenset[str] = frozenset()


def _key(evidence: str) -> str:
    """A ledger entry's evidence in the rules' own form ("invoice:…", "doc:<sha256>",
    "declared:…"), whatever form an earlier writer gave it (a bare invoice key or sha256)."""
    if evidence.startswith(("invoice:", "doc:", "declared:")):
        return evidence
    if re.fullmatch(r"[0-9a-f]{64}", evidence):
        return f"doc:{evidence}"
    return f"invoice:{evidence}"


def earlier_awards(claims: ClaimSet, ledger: Ledger) -> tuple[dict[str, list[Earlier]], list[Flag]]:
    """Earlier awards of the applicant by project name ("" for those known only by their
    evidence)."""
    out: dict[str, list[Earlier]] = {}
    flags: list[Flag] = []
    for a in ledger.granted():
        if a.credit_code != claims.applicant.credit_code or a.dossier_id == claims.dossier_id:
            continue
        evidence = frozenset([*(_key(e) for e in a.project_evidence), *(f"invoice:{k}" for k in a.invoices)])
        if a.project or evidence:
            out.setdefault((a.project or "").strip(), []).append(
                Earlier(a.policy, a.clause_id, a.amount, f"{a.year} 年台账", evidence))
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


def _groups(results: list[ClauseResult], earlier: dict[str, list[Earlier]]) -> list[tuple[str, list[int], list[Earlier]]]:
    """This assessment's paying results and the earlier awards, joined into projects: by a
    shared name or a shared piece of evidence (union-find). Only groups with a result of this
    assessment and two or more awards in all are returned, as (label, result indexes, earlier)."""
    nodes: list[tuple[str, frozenset[str]]] = []
    owners: list[int | Earlier] = []
    for i, r in enumerate(results):
        if r.clause_id in ("art2", "art10") or r.status not in _PAYING or r.amount <= 0:
            continue
        if r.project or r.project_evidence:
            nodes.append(((r.project or "").strip(), frozenset(r.project_evidence)))
            owners.append(i)
    for name, items in earlier.items():
        for e in items:
            nodes.append((name, e.evidence))
            owners.append(e)
    parent = list(range(len(nodes)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a in range(len(nodes)):
        for b in range(a + 1, len(nodes)):
            (na, ea), (nb, eb) = nodes[a], nodes[b]
            if (na and na == nb) or (ea & eb):
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for k in range(len(nodes)):
        groups.setdefault(root(k), []).append(k)
    out = []
    for members in groups.values():
        idx = [owners[k] for k in members if isinstance(owners[k], int)]
        before = [owners[k] for k in members if not isinstance(owners[k], int)]
        if idx and len(members) >= 2:
            names = sorted({nodes[k][0] for k in members if nodes[k][0]})
            shared = sorted(set().union(*(nodes[k][1] for k in members)))
            label = "、".join(names) or "同一投资/票据（" + "、".join(_said(e) for e in shared[:3]) + "）"
            out.append((label, sorted(idx), before))
    return out


def _said(key: str) -> str:
    """An evidence key as a reviewer reads it."""
    kind, _, rest = key.partition(":")
    if kind == "declared":
        return f"申报 {rest.split('@')[0]}"
    if kind == "invoice":
        return f"发票 {rest}"
    return f"文件 {rest[:12]}"


def _within(d: Draft, choice: str | None, results: list[ClauseResult], idx: list[int], project: str) -> None:
    """Two clauses of these measures for one project: 第十条 speaks of this project also
    qualifying under other district policies; reading it to cover two clauses of these
    measures too (one award, the highest) is the rule's reading, said with the other total."""
    total = q(sum((results[i].amount for i in idx), ZERO))
    highest = max(results[i].amount for i in idx)
    d.readings.append(Reading(
        id="art10.within_measure",
        question=f"项目“{project}”同时适用本办法多条（{', '.join(results[i].clause_id for i in idx)}）：highest = 从高不重复只取最高一项；"
                 f"sum = 各条分别支持 / one project under several clauses of these measures: the highest only, or each?",
        taken=choice or "highest", alternative="highest" if choice == "sum" else "sum",
        amount_under_alternative=highest if choice == "sum" else total, decided_by="reviewer" if choice else "rule"))


def resolve(results: list[ClauseResult], claims: ClaimSet, ledger: Ledger, params: Parameters) -> tuple[ClauseResult, list[ClauseResult], list[Flag]]:
    """The art10 result and the clause results after keeping one award per project."""
    d = Draft("art10", params)
    d.money = False
    d.done = ("以上按从高不重复处理", "applied: one award per project, the highest")
    earlier, flags = earlier_awards(claims, ledger)
    out = list(results)
    order = {c: n for n, c in enumerate(ORDER)}
    touched = False
    mode_choice = reviewer_choice(claims, "art10.ledger_mode")
    mode = mode_choice or params.art10_ledger_mode.value
    for project, idx, before in _groups(results, earlier):
        touched = True
        within = reviewer_choice(claims, "art10.within_measure")
        if len(idx) > 1:
            _within(d, within, results, idx, project)
        best = max(idx, key=lambda i: (results[i].amount, -order[results[i].clause_id]))
        paid = sum((e.amount for e in before), ZERO)
        top_before = max((e.amount for e in before), default=ZERO)
        d.note_input(f"project {project}", ", ".join(f"{results[i].clause_id}={yuan(results[i].amount)}" for i in idx)
                     + "".join(f", {e.policy} {e.clause} {e.where}={yuan(e.amount)}" for e in before), [])
        for i in idx:
            if i != best and within != "sum":
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
            top_up, highest_only = max(kept - paid, ZERO), kept
            new = top_up if mode == "top_up" else highest_only
            other = "highest_only" if mode == "top_up" else "top_up"
            reading = Reading(id="art10.ledger_mode",
                              question=f"项目“{project}”已获较低奖励 {yuan(paid)} 元：top_up = 只补差额；highest_only = 本次按最高额全额支持（较低的以往奖励另行退回）/ "
                                       f"the project already received a lower {yuan(paid)}: pay the difference, or the highest award in full?",
                              taken=mode, alternative=other, amount_under_alternative=q(highest_only if other == "highest_only" else top_up),
                              decided_by="reviewer" if mode_choice else "rule")
            d.readings.append(reading)
            reduced = _reduce(results[best], new, paid,
                              f"项目“{project}”已获 {yuan(paid)} 元（{', '.join(e.policy for e in before)}），"
                              + ("从高补差 / " if mode == "top_up" else "按最高额支持 / ")
                              + f"project '{project}' already received {yuan(paid)}; "
                              + ("paid up to the highest award" if mode == "top_up" else "the highest award paid in full"))
            out[best] = reduced.model_copy(update={"readings": [*reduced.readings, reading]})
            d.step(f"项目“{project}”保留 {results[best].clause_id}，" + (f"补差 {yuan(new)} 元" if mode == "top_up" else f"全额 {yuan(new)} 元"),
                   f"project '{project}': {results[best].clause_id} kept, {yuan(new)} paid")
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
