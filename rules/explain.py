"""The assessment read aloud, line by line (used by the CLI)."""
from __future__ import annotations

from core.models import Assessment, Status

from rules.money import yuan

_STATUS_ZH = {Status.eligible: "符合", Status.not_eligible: "不符合", Status.needs_evidence: "待补证据",
              Status.needs_judgement: "待评审", Status.not_applied: "未申请"}


def render_text(assessment: Assessment, *, include_not_applied: bool = False) -> str:
    a = assessment
    who = a.applicant.name or "—"
    lines = [
        f"评估 / Assessment {a.dossier_id}：{who}（{a.applicant.credit_code or '—'}），{a.year or '—'} 年度",
        f"规则集 / rule set {a.rule_set_version}（{a.parameters_source}）",
        "",
    ]
    for r in a.results:
        if r.status == Status.not_applied and not include_not_applied:
            continue
        lines.append(f"[{r.clause_id}] {r.title} — {_STATUS_ZH[r.status]} / {r.status.value} — {yuan(r.amount)} 元")
        lines.append(f"    {r.explanation}")
        if r.formula:
            lines.append(f"    算式 / formula: {r.formula}")
        for i in r.inputs:
            cite = "; ".join(e.cite() for e in i.evidence)
            lines.append(f"    · {i.name} = {i.value}" + (f"  ← {cite}" if cite else ""))
        for c in r.caps:
            lines.append(f"    · 上限 / cap {c.source}: {c.name} {yuan(c.limit)}，已用 / used {yuan(c.already_used)}" + ("（受限 / bound）" if c.bound else ""))
        for m in r.missing:
            lines.append(f"    · 缺 / missing: {m}")
        for x in r.readings:
            other = f"{yuan(x.amount_under_alternative)} 元" if x.amount_under_alternative is not None else "—"
            lines.append(f"    · 理解 / reading {x.id} = {x.taken}（{'评审' if x.decided_by == 'reviewer' else '规则'} / {x.decided_by}）；"
                         f"另一理解 / other: {x.alternative} → {other}")
        lines.append("")
    lines.append(f"合计（仅符合条款）/ Total of eligible clauses: {yuan(a.total)} 元")
    for f in a.flags:
        lines.append(f"! {f.code}: {f.message}")
    for n in a.notes:
        lines.append(f"注 / note: {n}")
    return "\n".join(lines)
