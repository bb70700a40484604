"""assess(): a claim set, the applicant's ledger and the parameters → an Assessment.

The art2 gate first, then every clause applied for (or, when none is listed, every clause
some evidence points at), then art10 across them, then the total of what is eligible.
Deterministic: the same inputs and `today`/`now` give the same assessment."""
from __future__ import annotations

import datetime as dt

from core.facts import FACTS
from core.models import Assessment, ClaimSet, ClauseResult, Flag, Ledger, Reading, Status

from rules import art10
from rules.clauses import REGISTRY
from rules.draft import en, restate, worse, zh
from rules.inputs import CLAUSES, invoice_uses, project_of, routed_clauses, with_choice
from rules.money import ZERO, q, yuan
from rules.params import Parameters, load_parameters
from rules.patterns import as_of_date

# Facts too general to mean the applicant applied for a clause on their own.
_GENERAL_FACTS = {"in_district", "independent_legal_person", "tax_in_district", "statistics_in_district", "sme",
                  "industrial_enterprise", "project", "other_awards", "readings_decided"}


def _evidence_for(claims: ClaimSet, clause_id: str, params: Parameters) -> bool:
    if any(clause_id in routed_clauses(d, claims, params) for d in claims.documents):
        return True
    return any(f.field in FACTS and f.field not in _GENERAL_FACTS and clause_id in FACTS[f.field].clauses for f in claims.facts)


def _not_applied(clause_id: str, params: Parameters, why_zh: str, why_en: str) -> ClauseResult:
    cp = params.clause(clause_id)
    return ClauseResult(clause_id=clause_id, title=cp.title, status=Status.not_applied, citation=cp.citation,
                        reasons=[f"{why_zh} / {why_en}"], explanation=f"{cp.title_zh}：{why_zh}。 / {cp.title_en}: {why_en}.")


def _gated(r: ClauseResult, gate: ClauseResult) -> ClauseResult:
    """Carries the art2 gate into a clause: failing it makes the clause not eligible;
    missing papers or an open question carry over as they are."""
    if gate.status == Status.eligible or r.status == Status.not_applied:
        return r
    why = "；".join(zh(x) for x in gate.reasons)
    why_en = "; ".join(en(x) for x in gate.reasons)
    status = worse(r.status, gate.status)
    amount = ZERO if status == Status.not_eligible else r.amount
    head = "不予支持" if status == Status.not_eligible else ("待补证据" if status == Status.needs_evidence else "待评审")
    held = status != Status.not_eligible  # an open gate: a reviewer's grant of art2 lets the clause stand as computed
    return r.model_copy(update={
        "status": status,
        "amount": amount,
        "blocked_by": gate.clause_id if held else None,
        "own_status": r.status if held else None,
        "reasons": [f"第二条：{why} / Art. 2: {why_en}", *r.reasons],
        "missing": [*gate.missing, *r.missing],
        "explanation": f"第二条（适用范围）未满足：{why}，本条{head}（按本条计算为 {yuan(r.amount)} 元）。 / Art. 2 gate: {why_en}. "
                       + (restate(r.explanation, r.amount) if status == Status.not_eligible else r.explanation),
    })


def _notes(claims: ClaimSet, params: Parameters, results: list[ClauseResult]) -> tuple[list[str], list[Flag]]:
    notes: list[str] = []
    flags: list[Flag] = []
    if params.assumption_note:
        notes.append(params.assumption_note)
    if params.code_note:
        notes.append(params.code_note)
        flags.append(Flag(code="rule_code_changed", severity="warning", message=params.code_note))
    pending = sum((r.amount for r in results if r.status == Status.needs_judgement), ZERO)
    if pending:
        notes.append(f"待评审条款的上限合计 {yuan(pending)} 元，未计入总额 / ceilings awaiting a reviewer, {yuan(pending)}, are not in the total")
    waiting = sum((r.amount for r in results if r.status == Status.needs_evidence), ZERO)
    if waiting:
        notes.append(f"待补证据条款暂算 {yuan(waiting)} 元，未计入总额 / {yuan(waiting)} awaiting evidence is not in the total")
    for d in claims.documents:
        if not routed_clauses(d, claims, params) and d.doc_type.value in ("invoice", "contract"):
            notes.append(f"{d.file_name} 未标注适用条款，无法确定计入哪一条 / not tagged to a clause; a reviewer must assign it")
    for c in claims.clauses:
        if c not in REGISTRY:
            flags.append(Flag(code="unknown_clause", severity="error", message=f"申请条款 {c} 不存在 / no such clause"))
    for f in claims.facts:
        if f.field not in FACTS:
            flags.append(Flag(code="unknown_fact", severity="warning", message=f"事实 {f.field} 不在词汇表中，未使用 / fact not in the vocabulary, ignored"))
    return notes, flags


def _duplicate_flags(claims: ClaimSet, ledger: Ledger, params: Parameters) -> list[Flag]:
    flags = []
    for (i, cid), why in invoice_uses(claims, ledger, params).items():
        if why:
            flags.append(Flag(code="duplicate_invoice", severity="warning", message=f"{claims.documents[i].file_name} → {cid}: {why}"))
    return flags


def said_readings(readings: list[Reading]) -> str:
    """The readings taken, read aloud after the result: which, and what the other would give."""
    if not readings:
        return ""
    def one(x: Reading) -> tuple[str, str]:
        other = f"{yuan(x.amount_under_alternative)} 元" if x.amount_under_alternative is not None else "—"
        who = "评审" if x.decided_by == "reviewer" else "规则"
        return (f"{x.id}={x.taken}（{who}；{x.alternative} 则 {other}）",
                f"{x.id}={x.taken} ({x.decided_by}; {x.alternative} would give {other.replace(' 元', '')})")
    parts = [one(x) for x in readings]
    return f" 理解：{'；'.join(z for z, _ in parts)}。 / Readings: {'; '.join(e for _, e in parts)}."


def _run(cid: str, claims: ClaimSet, ledger: Ledger, params: Parameters, as_of: dt.date) -> ClauseResult:
    """One clause, with the amount under each reading it did not take and the project it is
    for; a clause that breaks on odd input becomes a reviewer's question with the error
    named, and the other clauses still run."""
    try:
        r = REGISTRY[cid](claims, ledger, params, as_of=as_of)
        readings = []
        for reading in r.readings:
            if reading.amount_under_alternative is None:
                alt = REGISTRY[cid](with_choice(claims, reading.id, reading.alternative), ledger, params, as_of=as_of)
                reading = reading.model_copy(update={"amount_under_alternative": alt.amount, "status_under_alternative": alt.status})
            readings.append(reading)
        return r.model_copy(update={"readings": readings, "project": project_of(claims, cid, params),
                                    "explanation": r.explanation + said_readings(readings)})
    except Exception as exc:  # noqa: BLE001 — one bad clause must not sink the assessment
        cp = params.clause(cid)
        why = f"规则无法处理这些材料（{type(exc).__name__}: {exc}）/ the rule could not process this input"
        return ClauseResult(clause_id=cid, title=cp.title, status=Status.needs_judgement, citation=cp.citation,
                            reasons=[why], explanation=f"{cp.title_zh}：{why}，请人工审核。 / {cp.title_en}: needs a reviewer.")


def assess(claims: ClaimSet, ledger: Ledger | None = None, params: Parameters | None = None, *,
           today: dt.date | None = None, now: dt.datetime | None = None) -> Assessment:
    params = params or load_parameters()
    ledger = ledger or Ledger()
    as_of = as_of_date(claims, today)
    applied = set(claims.clauses)
    gate = REGISTRY["art2"](claims, ledger, params, as_of=as_of)
    results = [gate]
    for cid in CLAUSES[1:-1]:
        if applied and cid not in applied:
            results.append(_not_applied(cid, params, "未申请", "not applied for"))
        elif not applied and not _evidence_for(claims, cid, params):
            results.append(_not_applied(cid, params, "未申请，且无相关材料", "not applied for and no evidence points at it"))
        else:
            results.append(_gated(_run(cid, claims, ledger, params, as_of), gate))
    art10_result, results, art10_flags = art10.resolve(results, claims, ledger, params)
    art10_result = art10_result.model_copy(update={"explanation": art10_result.explanation + said_readings(art10_result.readings)})
    results.append(art10_result)
    notes, flags = _notes(claims, params, results)
    total = q(sum((r.amount for r in results if r.status == Status.eligible), ZERO))
    return Assessment(
        dossier_id=claims.dossier_id,
        rule_set_version=params.rule_set_version,
        parameters_source=params.source,
        created_at=now or dt.datetime.combine(as_of, dt.time(0), tzinfo=dt.timezone.utc),
        applicant=claims.applicant,
        year=claims.year,
        results=results,
        total=total,
        flags=[*claims.flags, *flags, *art10_flags, *_duplicate_flags(claims, ledger, params)],
        notes=notes,
        ledger_through=ledger.through,
    )


__all__ = ["assess"]
