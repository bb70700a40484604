"""A reviewer's clause decisions applied to an assessment, and the awards a confirmation
writes: pure functions, so the review page, the confirmation transaction and a re-intake
all reach the same figures from the same assessment and decision log.

The rules leave a clause open (needs_judgement: the amount is a ceiling; needs_evidence:
the amount is provisional) when only a person can settle it. Nothing open is ever paid: a
reviewer grants an amount up to the ceiling, rejects, or marks the clause not applied, with
a reason, and only then may the dossier be confirmed."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel

from core.models import Assessment, Award, ClaimSet, ClauseDecision, ClauseResult, DocType, Status

OPEN = (Status.needs_judgement, Status.needs_evidence)
GATE = "art2"
# Clauses that award no money themselves: the gate, and 第十条 which only reduces others.
NO_MONEY = ("art2", "art10")
ZERO = Decimal("0")


def in_force(decisions: list[ClauseDecision]) -> dict[str, ClauseDecision]:
    """The latest decision per clause (the log keeps the earlier ones)."""
    out: dict[str, ClauseDecision] = {}
    for d in decisions:
        out[d.clause_id] = d
    return out


def _said(d: ClauseDecision, ceiling: Decimal | None = None) -> str:
    who = f"{d.reviewer}：{d.reason}"
    if d.decision == "grant":
        if ceiling is not None and d.amount is not None and d.amount > ceiling:
            return (f"审核决定：给予 {d.amount:,.2f} 元，超过现上限，按上限 {ceiling:,.2f} 元（{who}） / "
                    f"reviewer granted {d.amount:,.2f}, above the ceiling now; paid at the ceiling {ceiling:,.2f}")
        return f"审核决定：给予（{who}） / reviewer granted it"
    if d.decision == "reject":
        return f"审核决定：不予支持（{who}） / reviewer rejected it"
    return f"审核决定：不适用（{who}） / reviewer marked it not applied"


def _decided(r: ClauseResult, d: ClauseDecision) -> ClauseResult:
    if d.decision == "grant":
        amount = r.amount if r.clause_id in NO_MONEY else min(d.amount if d.amount is not None else r.amount, r.amount)
        status = Status.eligible
    else:
        amount, status = ZERO, Status.not_eligible if d.decision == "reject" else Status.not_applied
    said = _said(d, r.amount if r.clause_id not in NO_MONEY else None)
    return r.model_copy(update={
        "status": status,
        "amount": amount,
        "reasons": [*r.reasons, said],
        "explanation": f"{r.explanation} {said}，本条 {amount:,.2f} 元。",
    })


def _gate_settled(r: ClauseResult) -> ClauseResult:
    """A clause the art2 gate held open (`blocked_by`), once a reviewer granted art2: it
    stands as the clause computed it on its own (`own_status`), still open if it has its own
    question or missing evidence."""
    status = r.own_status or r.status
    said = ("第二条经审核认可，本条按计算结果 / Art. 2 settled by the reviewer; this clause stands as computed" if status == Status.eligible
            else "第二条经审核认可，本条仍待其自身事项 / Art. 2 settled by the reviewer; this clause still waits on its own")
    return r.model_copy(update={"status": status, "blocked_by": None, "reasons": [*r.reasons, said],
                                "explanation": f"{r.explanation} {said}。"})


def apply_decisions(assessment: Assessment, decisions: list[ClauseDecision]) -> Assessment:
    """The assessment as the reviewer's decisions settle it. A decision applies to a clause
    that pays or could pay (eligible or open); one on a clause the rules now find not
    eligible or not applied is noted and has no effect. Rejecting the art2 gate makes
    every clause not eligible."""
    decided = in_force(decisions)
    if not decided:
        return assessment
    results, notes = [], list(assessment.notes)
    gate = decided.get(GATE)
    gate_rejected = gate is not None and gate.decision == "reject"
    gate_granted = gate is not None and gate.decision == "grant"
    for r in assessment.results:
        d = decided.get(r.clause_id)
        if gate_granted and r.blocked_by == GATE:
            r = _gate_settled(r)
        if d is not None and (r.status in OPEN or r.status == Status.eligible):
            r = _decided(r, d)
        elif d is not None:
            notes.append(f"{r.clause_id}：审核决定（{d.decision}）未采用，规则结果为 {r.status.value} / "
                         f"the reviewer's decision has no effect: the rules now say {r.status.value}")
        if gate_rejected and r.clause_id != GATE and r.status != Status.not_applied:
            r = r.model_copy(update={"status": Status.not_eligible, "amount": ZERO,
                                     "reasons": [*r.reasons, "第二条经审核不予支持 / Art. 2 rejected by the reviewer"]})
        results.append(r)
    total = sum((r.amount for r in results if r.status == Status.eligible), ZERO)
    return assessment.model_copy(update={"results": results, "total": total, "notes": notes})


def undecided(assessment: Assessment) -> list[ClauseResult]:
    """Clauses still waiting for a reviewer (after decisions are applied)."""
    return [r for r in assessment.results if r.status in OPEN]


class AmountChange(BaseModel):
    clause_id: str
    status_seen: str | None
    status_now: str | None
    amount_seen: Decimal
    amount_now: Decimal

    def said(self) -> str:
        return (f"{self.clause_id}: {self.status_seen} {self.amount_seen:,.2f} → {self.status_now} {self.amount_now:,.2f}")


def differences(seen: Assessment, now: Assessment) -> list[AmountChange]:
    """Clauses whose status or amount differ between what the reviewer saw and now."""
    before = {r.clause_id: r for r in seen.results}
    after = {r.clause_id: r for r in now.results}
    out = []
    for cid in [*before, *(c for c in after if c not in before)]:
        a, b = before.get(cid), after.get(cid)
        if a and b and a.status == b.status and a.amount == b.amount:
            continue
        out.append(AmountChange(
            clause_id=cid,
            status_seen=a.status.value if a else None,
            status_now=b.status.value if b else None,
            amount_seen=a.amount if a else ZERO,
            amount_now=b.amount if b else ZERO,
        ))
    return out


# --------------------------------------------------------------------------- awards


def invoices_by_document(claims: ClaimSet) -> dict[str, str]:
    """Document sha256 → invoice key ('code:number', or the 数电票 number alone), as the rules key them."""
    out: dict[str, str] = {}
    for doc in claims.of_type(DocType.invoice):
        number, code = doc.value("invoice_number"), doc.value("invoice_code")
        if number:
            out[doc.document] = f"{code}:{number}" if code else str(number)
    return out


def _cited(result: ClauseResult, claims: ClaimSet) -> list[str]:
    """The documents the clause's amount was computed from: those its formula inputs cite
    (by sha256, or by file name when the evidence carries no hash)."""
    evidence = [e for i in result.inputs for e in i.evidence]
    shas = {e.document for e in evidence if e.document}
    names = {e.file_name for e in evidence if not e.document and e.file_name}
    return sorted(d.document for d in claims.documents if d.document in shas or d.file_name in names)


def _project(result: ClauseResult, claims: ClaimSet, cited: list[str]) -> str | None:
    """The rules' own project name when they give one (ClauseResult.project), else the `project` claim of the
    documents the amount was computed from (all agreeing), else the dossier's fact."""
    if result.project:
        return result.project
    names = {str(d.value("project")).strip() for d in claims.documents if d.document in cited and d.value("project")}
    if len(names) == 1:
        return names.pop()
    fact = claims.fact("project")
    return str(fact.value).strip() if fact is not None and fact.value and str(fact.value).strip() else None


def _standard_codes(result: ClauseResult, claims: ClaimSet, cited: list[str]) -> list[str]:
    if result.standard_codes:
        return list(result.standard_codes)
    if result.clause_id != "art7.2":
        return []
    docs = [d for d in claims.of_type(DocType.standard_notice) if d.value("standard_code")]
    chosen = [d for d in docs if d.document in cited] or docs
    return sorted({str(d.value("standard_code")).strip() for d in chosen})


# Once-only awards: the settlement award once per applicant, a standard once, a node or a
# platform once (its name, or the clause itself when the name is not known).
_ONCE_KIND = {"art5.1": "application", "art5.2": "node", "art6.1": "platform", "art6.2": "platform"}


def once_key(result: ClauseResult, project: str | None, standards: list[str]) -> str | None:
    if result.once_key:
        return result.once_key
    if result.clause_id == "art3":
        return "art3"
    if result.clause_id == "art7.2" and standards:
        return "standard:" + "; ".join(standards)
    kind = _ONCE_KIND.get(result.clause_id)
    return f"{kind}:{project or result.clause_id}" if kind else None


def once_parts(key: str) -> set[str]:
    """'standard:A; B' → {'standard:A', 'standard:B'}: two awards clash when they share a part."""
    kind, _, names = key.partition(":")
    return {f"{kind}:{n.strip()}" for n in names.split(";")} if names else {kind}


def awards_for(assessment: Assessment, claims: ClaimSet, *, credit_code: str, assessment_id: int,
               confirmed_by: str, confirmed_at: dt.datetime) -> list[Award]:
    """The ledger entries a confirmation writes: one per clause that is eligible with money,
    carrying what it was for (project and the evidence it rests on, standard, once-only key)
    and where it came from (assessment, rule set, reviewer)."""
    invoices = invoices_by_document(claims)
    out = []
    for r in assessment.results:
        if r.status != Status.eligible or r.amount <= 0 or r.clause_id in NO_MONEY:
            continue
        cited = _cited(r, claims)
        counted = list(r.invoices) or [invoices[sha] for sha in cited if sha in invoices]
        project = _project(r, claims, cited)
        standards = _standard_codes(r, claims, cited)
        out.append(Award(
            credit_code=credit_code,
            clause_id=r.clause_id,
            year=assessment.year or confirmed_at.year,
            amount=r.amount,
            dossier_id=assessment.dossier_id,
            project=project,
            project_evidence=list(r.project_evidence) or [*counted, *(s for s in cited if s not in invoices)],
            standard_code="; ".join(standards) or None,
            once_key=once_key(r, project, standards),
            invoices=counted,
            assessment_id=str(assessment_id),
            rule_set_version=assessment.rule_set_version,
            confirmed_by=confirmed_by,
            confirmed_at=confirmed_at,
        ))
    return out
