"""A clause result being worked out: inputs, steps, caps and reasons gathered as the clause
reads its claims, then written out as a ClauseResult whose explanation reads the amount
aloud (Chinese, then English) without looking at the code."""
from __future__ import annotations

import re
from decimal import Decimal

from core.models import CapApplied, ClauseResult, Evidence, FormulaInput, Ledger, Reading, Status

from rules.inputs import Fact, Spending, counts_in_window
from rules.money import ZERO, q, yuan
from rules.params import Parameters

SEVERITY = {Status.eligible: 0, Status.needs_judgement: 1, Status.needs_evidence: 2, Status.not_eligible: 3, Status.not_applied: -1}


def zh(text: str) -> str:
    """The Chinese half of a "中文 / English" message."""
    return re.split(r"\s*/ ", text, maxsplit=1)[0]


def en(text: str) -> str:
    parts = re.split(r"\s*/ ", text, maxsplit=1)
    return parts[-1]


def worse(a: Status, b: Status) -> Status:
    return a if SEVERITY[a] >= SEVERITY[b] else b


class Draft:
    def __init__(self, clause_id: str, params: Parameters):
        self.clause_id = clause_id
        self.params = params
        self.cp = params.clause(clause_id)
        self.status = Status.eligible
        self.amount: Decimal = ZERO
        self.inputs: list[FormulaInput] = []
        self.caps: list[CapApplied] = []
        self.reasons: list[str] = []
        self.missing: list[str] = []
        self.steps_zh: list[str] = []
        self.steps_en: list[str] = []
        self.formula: list[str] = []
        self.decide: list[str] = []  # what a reviewer must decide
        self.wanting: list[str] = []  # what evidence is missing, as said to the applicant
        self.failures: list[str] = []  # why it is not eligible
        self.left_out: list[str] = []  # items that do not count, and why
        self.money = True  # False for the gate (art2) and art10, which award nothing themselves
        self.done = ("条件满足（本条不涉及金额）", "conditions met (this article awards no money itself)")
        self.source_zh = ""  # where the money base came from, said once beside it
        self.source_en = ""
        self.readings: list[Reading] = []
        self.project_evidence: list[str] = []  # what the money rests on (第十条 groups by it)
        self.invoices: list[str] = []
        self.standard_codes: list[str] = []
        self.once_key: str | None = None

    # --- status ------------------------------------------------------------------

    def fail(self, status: Status, reason: str, *, missing: str | None = None) -> None:
        self.status = worse(self.status, status)
        if reason not in self.reasons:
            self.reasons.append(reason)
        if missing and missing not in self.missing:
            self.missing.append(missing)
        if status == Status.needs_evidence and reason not in self.wanting:
            self.wanting.append(reason)
        if status == Status.not_eligible and reason not in self.failures:
            self.failures.append(reason)

    def judge(self, question: str) -> None:
        """Something only a reviewer can decide; the amount stays a ceiling."""
        self.fail(Status.needs_judgement, f"待评审判断：{question}")
        if question not in self.decide:
            self.decide.append(question)

    def require(self, fact: Fact, zh: str, en: str, *, judgement: bool = False) -> bool:
        """A yes/no condition of the clause. False → not eligible; unknown → needs evidence
        (or, for a district decision, needs judgement). Returns whether it holds for sure."""
        if fact.problem:
            self.fail(Status.needs_evidence, f"{zh}：声明无法读取（{fact.problem}）/ {en}: declaration unreadable", missing=fact.name)
            return False
        if not fact.known:
            if judgement:
                self.judge(f"{zh}？/ {en}?")
            else:
                self.fail(Status.needs_evidence, f"缺少：{zh} / missing: {en}", missing=fact.name)
            return False
        self.inputs.append(FormulaInput(name=fact.name, value=str(fact.value).lower() if isinstance(fact.value, bool) else str(fact.value), evidence=fact.evidence))
        if fact.value is False:
            self.fail(Status.not_eligible, f"{zh}：否（{fact.name}=false）/ not met: {en}")
            return False
        if judgement and not fact.decided:
            self.judge(f"{zh}（申请人声明，须经评定确认）/ {en} (declared by the applicant; needs the district's evaluation)")
            return False
        return True

    def reading(self, id: str, question: str, taken: str, alternative: str, *, by: str = "rule",
                pending: bool = False, amount: Decimal | None = None) -> None:
        """A choice the text leaves open, said with the other choice (the engine works out the
        amount under it when not given). `by`: who took it (the rule, or a reviewer's recorded
        choice); `pending`: a reviewer must take it, so the clause waits for one."""
        if any(r.id == id for r in self.readings):
            return
        self.readings.append(Reading(id=id, question=question, taken=taken, alternative=alternative,
                                     amount_under_alternative=amount, decided_by="reviewer" if pending else by))
        if pending:
            self.judge(question)

    def window(self, where: str, choice: str | None, label: str, day) -> bool:
        """A dated item off the policy's sure window, said as a reading: outside (e.g. spent
        before the policy was published) is left out unless a reviewer counts it; uncertain
        (inside for some possible publication dates) is counted as a ceiling for a reviewer
        unless one has chosen. Returns whether the item counts."""
        if where == "inside":
            return True
        counts = counts_in_window(where, choice)
        by = "reviewer" if choice else "rule"
        if where == "outside":
            self.reading("window.outside", "政策有效期外的日期（如政策公布前发生的费用、签订的合同）是否计入？exclude = 不计入；count = 计入 / "
                                           "dates outside the policy's validity (e.g. spent before it was published): leave out or count?",
                         taken=choice or "exclude", alternative="exclude" if choice == "count" else "count", by=by)
        else:
            self.reading("window.uncertain", "公布日期未核实：只在部分可能的公布日期下落在有效期内的日期是否计入？count = 计入；exclude = 不计入 / "
                                             "dates inside the window only for some possible publication dates: count or leave out?",
                         taken=choice or "count", alternative="count" if choice == "exclude" else "exclude",
                         by="reviewer")
            if choice is None:
                self.judge(f"{label} 日期 {day} 是否在有效期内（公布日期未核实）/ is {day} inside the window (publication date unverified)")
        if not counts:
            self.leave_out(f"{label} 日期 {day} 在政策有效期外 / {label}: {day} is outside the policy's validity")
        elif choice:
            self.step(f"{label} 日期 {day}：按评审选择计入", f"{day}: counted, as a reviewer chose")
        return counts

    def rests_on(self, *keys: str) -> None:
        for k in keys:
            if k and k not in self.project_evidence:
                self.project_evidence.append(k)

    # --- money -------------------------------------------------------------------

    def money_input(self, name: str, value: Decimal, evidence: list[Evidence]) -> None:
        self.inputs.append(FormulaInput(name=name, value=str(q(value)), evidence=evidence))

    def note_input(self, name: str, value: str, evidence: list[Evidence]) -> None:
        self.inputs.append(FormulaInput(name=name, value=value, evidence=evidence))

    def take_spending(self, s: Spending, what_zh: str, what_en: str) -> Decimal:
        """Puts the counted invoices in the inputs and says which were left out and why."""
        for a in s.counted:
            self.money_input(a.label, a.value, a.evidence)
            self.rests_on(a.key)
            if a.key.startswith("invoice:"):
                self.invoices.append(a.key.removeprefix("invoice:"))
        for where, choice, label, day in s.window:
            self.window(where, choice, label, day)
        if s.basis_matters:
            other = "amount_excl_tax" if s.basis == "total_amount" else "total_amount"
            self.reading("invoice_amount_basis", "“实际费用/投资”按发票哪个金额计？total_amount = 价税合计（实际支付）；amount_excl_tax = 不含税金额 / "
                                                 "which invoice amount is the cost actually paid: the total with VAT, or the amount before VAT?",
                         taken=s.basis, alternative=other, by=s.basis_by)
        for _, why in s.excluded:
            self.leave_out(why)
        for m in s.missing:
            self.fail(Status.needs_evidence, m, missing=m)
        for u in s.uncertain:
            self.judge(u)
        if s.counted:
            self.source_zh = "（" + "、".join(a.label for a in s.counted) + "）"
            self.source_en = f" ({len(s.counted)} invoice{'s' if len(s.counted) > 1 else ''})"
        return s.total

    def base(self, what_zh: str, what_en: str, value: Decimal) -> tuple[str, str]:
        """'what 120,000.00 元（where it came from）' in both languages."""
        return f"{what_zh} {yuan(value)} 元{self.source_zh}", f"{what_en} {yuan(value)}{self.source_en}"

    def leave_out(self, why: str) -> None:
        """An item (invoice, standard) that does not count, said in the explanation too."""
        self.reasons.append(why)
        self.left_out.append(why)
        self.step(f"不计入：{zh(why)}", f"left out: {en(why)}")

    def step(self, zh: str, en: str, formula: str | None = None) -> None:
        self.steps_zh.append(zh)
        self.steps_en.append(en)
        if formula:
            self.formula.append(formula)

    def cap(self, kind: str, used: Decimal = ZERO, *, used_up: Status = Status.not_eligible) -> None:
        """Applies one cap of the clause ('annual_cap', 'cumulative_cap', 'award_cap');
        `used` is what the ledger says was already awarded against it; `used_up` is the
        status when nothing is left (a reviewer's, when that depends on a reading)."""
        v = getattr(self.cp, kind)
        if v is None:
            return
        left = max(v.value - used, Decimal("0"))
        bound = self.amount > left
        self.caps.append(CapApplied(name=v.phrase, limit=v.value, already_used=q(used), bound=bound, source=v.clause))
        label_zh = {"annual_cap": "年度上限", "cumulative_cap": "累计上限", "award_cap": "单项上限"}[kind]
        label_en = {"annual_cap": "annual cap", "cumulative_cap": "cumulative cap", "award_cap": "cap"}[kind]
        if used > 0:
            when = "本年度" if kind == "annual_cap" else "累计"
            self.step(f"{when}已获 {yuan(used)} 元，{label_zh} {yuan(v.value)} 元，剩余 {yuan(left)} 元",
                      f"already awarded {yuan(used)} of the {yuan(v.value)} {label_en}, {yuan(left)} left",
                      f"{label_en} {yuan(v.value)} − {yuan(used)} = {yuan(left)}")
        elif bound:
            self.step(f"{label_zh} {yuan(v.value)} 元", f"{label_en} {yuan(v.value)}", f"{label_en} {yuan(v.value)}")
        if bound:
            self.amount = q(left)
            if left == 0:
                self.fail(used_up, f"{label_zh} {yuan(v.value)} 元已用完 / the {label_en} of {yuan(v.value)} is used up")

    # --- result ------------------------------------------------------------------

    def result(self) -> ClauseResult:
        amount = ZERO if self.status == Status.not_eligible else q(self.amount)
        cp = self.cp
        body_zh = "；".join(self.steps_zh)
        body_en = "; ".join(self.steps_en)
        if self.status == Status.not_applied:
            end_zh, end_en = "不适用", "not applicable"
        elif self.status == Status.not_eligible:
            why = "；".join(zh(r) for r in self.failures) or "不符合条件"
            why_en = "; ".join(en(r) for r in self.failures) or "conditions not met"
            end_zh, end_en = f"不予支持：{why}", f"not eligible: {why_en}"
        elif self.status == Status.needs_judgement:
            asks, asks_en = "；".join(zh(q) for q in self.decide), "; ".join(en(q) for q in self.decide)
            head = f"上限 {yuan(amount)} 元，" if self.money else ""
            head_en = f"ceiling {yuan(amount)}, " if self.money else ""
            end_zh, end_en = f"{head}待评审决定：{asks}", f"{head_en}for a reviewer to decide: {asks_en}"
        elif self.status == Status.needs_evidence:
            want_zh = "；".join(zh(w) for w in self.wanting) or "证据"
            want_en = "; ".join(en(w) for w in self.wanting) or "evidence"
            so_far_zh, so_far_en = (f"暂按 {yuan(amount)} 元，", f"provisionally {yuan(amount)}; ") if self.money else ("", "")
            end_zh, end_en = f"{so_far_zh}待补：{want_zh}", f"{so_far_en}waiting for: {want_en}"
        elif not self.money:
            end_zh, end_en = self.done
        else:
            end_zh, end_en = f"建议 {yuan(amount)} 元", f"proposed {yuan(amount)}"
        said_zh = f"{cp.title_zh}：" + (f"{body_zh}；" if body_zh else "") + end_zh + "。"
        said_en = f"{cp.title_en}: " + (f"{body_en}; " if body_en else "") + end_en + "."
        formula = "; ".join(self.formula) if self.formula else yuan(amount)
        if not formula.endswith(yuan(amount)):
            formula += f" → {yuan(amount)}"
        return ClauseResult(
            clause_id=self.clause_id, title=cp.title, status=self.status, amount=amount, formula=formula,
            inputs=self.inputs, caps=self.caps, missing=self.missing, reasons=self.reasons,
            citation=cp.citation, explanation=f"{said_zh} / {said_en}", readings=self.readings,
            project_evidence=self.project_evidence, invoices=self.invoices, standard_codes=self.standard_codes,
            once_key=self.once_key,
        )


def ledger_used(ledger: Ledger, credit_code: str | None, clause_ids: set[str], dossier_id: str, year: int | None = None) -> Decimal:
    """Earlier awards against a cap; awards recorded for this same dossier are a previous run
    of this assessment and do not count against it."""
    total = Decimal("0")
    for a in ledger.granted():
        if a.credit_code == credit_code and a.clause_id in clause_ids and a.dossier_id != dossier_id and (year is None or a.year == year):
            total += a.amount
    return total


def restate(explanation: str, amount: Decimal) -> str:
    """An explanation whose proposal was overruled (art2 gate, art10): the clause's own
    figure stays, said as what it computed rather than what it proposes."""
    return explanation.replace(f"建议 {yuan(amount)} 元", f"计算为 {yuan(amount)} 元").replace(f"proposed {yuan(amount)}", f"computed {yuan(amount)}")
