"""What a clause may read from a claim set: the documents routed to it, its facts, and the
invoices it may count (each invoice once across the dossier and the ledger)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.facts import FACTS
from core.models import Claim, ClaimSet, DocType, DocumentClaims, Evidence, EvidenceKind, Ledger, ValueType

from rules.params import Parameters

CLAUSES = ["art2", "art3", "art4.1", "art4.2", "art4.3", "art5.1", "art5.2",
           "art6.1", "art6.2", "art6.3", "art7.1", "art7.2", "art8", "art9", "art10"]
# Clauses whose money base is spent money: invoices (and contracts) are routed to them.
SPENDING_CLAUSES = ["art4.1", "art4.2", "art4.3", "art5.1", "art5.2", "art6.1", "art6.2", "art6.3", "art7.1"]
_ORDER = {c: i for i, c in enumerate(CLAUSES)}


def routed_clauses(doc: DocumentClaims, claims: ClaimSet, params: Parameters) -> list[str]:
    """The clauses a document supports: its own tags, else what its type implies.

    An untagged invoice or contract goes to the one spending clause applied for; when the
    applicant applied for several (or none), routing it would be a guess, so it goes nowhere
    and the engine says so."""
    if doc.clauses:
        return sorted((c for c in doc.clauses if c in _ORDER), key=_ORDER.__getitem__)
    by_type = [cid for cid, cp in params.clauses.items() if doc.doc_type.value in cp.doc_types]
    if by_type:
        return sorted(by_type, key=_ORDER.__getitem__)
    if doc.doc_type in (DocType.invoice, DocType.contract, DocType.receipt):
        applied = [c for c in claims.clauses if c in SPENDING_CLAUSES]
        if len(applied) == 1:
            return applied
    return []


def documents_for(claims: ClaimSet, clause_id: str, params: Parameters) -> list[DocumentClaims]:
    return [d for d in claims.documents if clause_id in routed_clauses(d, claims, params)]


# --------------------------------------------------------------------------- facts


@dataclass
class Fact:
    name: str
    value: Any = None
    claim: Claim | None = None
    problem: str | None = None  # the declared value could not be read as the vocabulary's type

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def evidence(self) -> list[Evidence]:
        if self.claim is None:
            return []
        return self.claim.evidence or [Evidence(kind=EvidenceKind.manifest, text=f"{self.name}={self.claim.value}")]

    @property
    def decided(self) -> bool:
        """True when a judgement fact was recorded by a reviewer or read off a document,
        not merely declared by the applicant."""
        return any(e.kind in (EvidenceKind.reviewer, EvidenceKind.document) for e in (self.claim.evidence if self.claim else []))


def read_fact(claims: ClaimSet, name: str) -> Fact:
    spec = FACTS[name]
    claim = claims.fact(name)
    if claim is None or claim.value is None:
        return Fact(name, None, claim)
    if claim.value_type == spec.value_type:
        return Fact(name, claim.value, claim)
    try:
        typed = Claim(field=name, value_type=spec.value_type, value=claim.value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        return Fact(name, None, claim, problem=f"{name}={claim.value!r} is not {spec.value_type.value}: {exc}")
    return Fact(name, typed.value, claim)


def reviewer_choice(claims: ClaimSet, reading_id: str) -> str | None:
    """The reading a reviewer chose for `reading_id` ("id=choice" in the `readings_decided`
    fact, entered by a reviewer), or None. An applicant's own choice does not count."""
    fact = read_fact(claims, "readings_decided")
    if not fact.known or not fact.decided:
        return None
    for item in fact.value:
        key, _, choice = str(item).partition("=")
        if key.strip() == reading_id and choice.strip():
            return choice.strip()
    return None


def window_verdict(claims: ClaimSet, params: Parameters, day: Any) -> tuple[str, str | None]:
    """Where a date lies against the policy's window ("inside", "uncertain": inside only for
    some possible publication dates, "outside"), and a reviewer's choice for such dates."""
    if day is None:
        return "inside", None
    where = params.in_window(day)
    return where, (reviewer_choice(claims, f"window.{where}") if where != "inside" else None)


def counts_in_window(where: str, choice: str | None) -> bool:
    """Outside: left out unless a reviewer counts it; uncertain: counted (as a ceiling for a
    reviewer) unless a reviewer leaves it out."""
    return where == "inside" or (where == "outside" and choice == "count") or (where == "uncertain" and choice != "exclude")


def with_choice(claims: ClaimSet, reading_id: str, choice: str) -> ClaimSet:
    """The same claim set with a reviewer having chosen `choice` for `reading_id` (what the
    engine runs to say the amount under the other reading)."""
    fact = claims.fact("readings_decided")
    kept = [str(v) for v in (fact.value or [])] if fact else []
    kept = [v for v in kept if v.partition("=")[0].strip() != reading_id] + [f"{reading_id}={choice}"]
    decided = Claim(field="readings_decided", value_type=ValueType.list, value=kept,
                    evidence=[Evidence(kind=EvidenceKind.reviewer, text=f"{reading_id}={choice}", source="alternative")])
    return claims.model_copy(update={"facts": [f for f in claims.facts if f.field != "readings_decided"] + [decided]})


def typed(doc: DocumentClaims, field: str, value_type: ValueType) -> Any:
    """A document's value as the rules need it, whatever type extract (or a hand-written
    claim set) gave it; None when absent or unreadable, so a bad value means missing
    evidence rather than a crash."""
    c = doc.get(field)
    if c is None or c.value is None:
        return None
    if c.value_type == value_type:
        return c.value
    try:
        return Claim(field=field, value_type=value_type, value=c.value).value
    except (ValueError, TypeError, ArithmeticError):
        return None


# --------------------------------------------------------------------------- invoices


def invoice_key(doc: DocumentClaims) -> str | None:
    number = doc.value("invoice_number")
    if not number:
        return None
    code = doc.value("invoice_code")
    return f"{code}:{number}" if code else str(number)


@dataclass
class Amount:
    """A sum of money read off one document, with the evidence it came from."""

    doc: DocumentClaims
    value: Decimal
    evidence: list[Evidence]
    label: str  # e.g. "发票 044001900111:12345678"

    @property
    def key(self) -> str:
        """What identifies the money across dossiers: the invoice, else the document."""
        k = invoice_key(self.doc) if self.doc.doc_type == DocType.invoice else None
        return f"invoice:{k}" if k else f"doc:{self.doc.document}"


@dataclass
class Spending:
    counted: list[Amount] = field(default_factory=list)
    excluded: list[tuple[DocumentClaims, str]] = field(default_factory=list)  # (doc, why: "zh / en")
    missing: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # counted, but a reviewer must confirm
    window: list[tuple[str, str | None, str, Any]] = field(default_factory=list)  # (where, choice, label, day) off the sure window
    basis: str = "total_amount"  # which invoice amount was counted
    basis_by: str = "rule"  # or "reviewer", when a reviewer chose it
    basis_matters: bool = False  # some counted invoice gives another amount on the other basis

    @property
    def total(self) -> Decimal:
        return sum((a.value for a in self.counted), Decimal("0"))


_BASES = ("total_amount", "amount_excl_tax")


def _invoice_amount(doc: DocumentClaims, basis: str) -> tuple[Decimal | None, list[Evidence]]:
    value = typed(doc, basis, ValueType.money)
    if value is not None:
        return value, list(doc.get(basis).evidence)
    if basis == "total_amount":
        ex, tax = typed(doc, "amount_excl_tax", ValueType.money), typed(doc, "tax_amount", ValueType.money)
        if ex is not None and tax is not None:
            return ex + tax, list(doc.get("amount_excl_tax").evidence) + list(doc.get("tax_amount").evidence)
    return None, []


def _label(doc: DocumentClaims) -> str:
    key = invoice_key(doc)
    return f"发票 {key}（{doc.file_name}）" if key else f"发票（{doc.file_name}）"


def ledger_invoices(claims: ClaimSet, ledger: Ledger) -> dict[str, str]:
    """Invoice keys already counted by earlier awards of this applicant → which award."""
    out: dict[str, str] = {}
    for a in ledger.granted():
        if a.credit_code == claims.applicant.credit_code and a.dossier_id != claims.dossier_id:
            for k in a.invoices:
                out.setdefault(k, f"{a.year} 年 {a.clause_id}（{a.dossier_id or '—'}）")
    return out


def invoice_uses(claims: ClaimSet, ledger: Ledger, params: Parameters) -> dict[tuple[int, str], str | None]:
    """For every (document index, clause) an invoice is routed to: None when it counts there,
    else why not. Each invoice counts once: the first document carrying it, under the first
    clause (in the policy's order) it is routed to; later uses and invoices already in the
    ledger are excluded and said so."""
    earlier = ledger_invoices(claims, ledger)
    seen: dict[str, tuple[str, str]] = {}
    out: dict[tuple[int, str], str | None] = {}
    for i, doc in enumerate(claims.documents):
        if doc.doc_type != DocType.invoice:
            continue
        key = invoice_key(doc)
        for cid in routed_clauses(doc, claims, params):
            if key is None:
                out[(i, cid)] = None
            elif key in earlier:
                out[(i, cid)] = f"发票 {key} 已在以往奖励中计入：{earlier[key]} / invoice {key} already counted by an earlier award"
            elif key in seen:
                f, c = seen[key]
                out[(i, cid)] = f"发票 {key} 重复（已在 {f} 的 {c} 中计入一次）/ duplicate invoice {key}, counted once ({f}, {c})"
            else:
                seen[key] = (doc.file_name, cid)
                out[(i, cid)] = None
    return out


def spending(claims: ClaimSet, clause_id: str, ledger: Ledger, params: Parameters) -> Spending:
    """The invoices a spending clause may count, each once."""
    uses = invoice_uses(claims, ledger, params)
    chosen = reviewer_choice(claims, "invoice_amount_basis")
    s = Spending(basis=chosen if chosen in _BASES else params.invoice_amount_basis.value, basis_by="reviewer" if chosen in _BASES else "rule")
    for i, doc in enumerate(claims.documents):
        if clause_id not in routed_clauses(doc, claims, params):
            continue
        if doc.doc_type == DocType.receipt:
            s.excluded.append((doc, f"{doc.file_name} 是收款凭证，不是发票，不计入 / a receipt is not an invoice and is not counted"))
            continue
        if doc.doc_type != DocType.invoice:
            continue
        if doc.error:
            s.missing.append(f"{doc.file_name}：文件无法读取（{doc.error}）/ file could not be read")
            continue
        why = uses.get((i, clause_id))
        if why:
            s.excluded.append((doc, why))
            continue
        issued = typed(doc, "issue_date", ValueType.date)
        where, choice = window_verdict(claims, params, issued)
        if where != "inside":
            s.window.append((where, choice, _label(doc), issued))
        if not counts_in_window(where, choice):
            continue
        value, evidence = _invoice_amount(doc, s.basis)
        if value is None:
            s.missing.append(f"{_label(doc)} 缺少金额（{s.basis}）/ invoice amount not read")
            continue
        other, _ = _invoice_amount(doc, next(b for b in _BASES if b != s.basis))
        s.basis_matters |= other is not None and other != value
        s.counted.append(Amount(doc, value, evidence, _label(doc)))
    return s


def contracts(claims: ClaimSet, clause_id: str, params: Parameters) -> list[Amount]:
    out = []
    for doc in documents_for(claims, clause_id, params):
        total = typed(doc, "total_amount", ValueType.money) if doc.doc_type == DocType.contract else None
        if total is not None:
            label = f"合同 {doc.value('contract_number') or ''}（{doc.file_name}）".replace(" （", "（")
            out.append(Amount(doc, total, list(doc.get("total_amount").evidence), label))
    return out


def project_of(claims: ClaimSet, clause_id: str, params: Parameters) -> str | None:
    """The project an award is for (art10 groups awards by it): the `project` claim of the
    documents routed to the clause when they agree, else the dossier's `project` fact."""
    names = {str(d.value("project")).strip() for d in documents_for(claims, clause_id, params) if d.value("project")}
    if len(names) == 1:
        return names.pop()
    fact = read_fact(claims, "project")
    return str(fact.value).strip() if fact.known and str(fact.value).strip() else None

