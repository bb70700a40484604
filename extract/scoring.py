"""Extracted DocumentClaims vs ground truth, field by field (pure).

Ground truth: {"doc_type": "invoice", "subtype": "专票", "fields": {name: value}} with money
as "1234.50", dates as "YYYY-MM-DD", lists as lists, items as a list of dicts. A field the
truth leaves out is not scored; a field the truth sets to null must not be extracted;
"!invoice" as an expected value means "anything but invoice".
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel

from core.models import LOW_CONFIDENCE, Claim, DocumentClaims, LineItem
from extract.layout import norm

KEY_FIELDS = frozenset({
    "doc_type", "invoice_code", "invoice_number", "issue_date", "buyer_name", "buyer_tax_id", "seller_name",
    "seller_tax_id", "amount_excl_tax", "tax_amount", "total_amount", "total_amount_words", "contract_number",
    "party_a", "party_b", "signing_date", "term_start", "term_end", "standard_code", "publish_date",
    "implement_date", "company_name", "credit_code", "registered_capital", "paid_in_capital", "commitment_years",
})

Outcome = Literal["tp", "fp", "fn", "wrong", "tn"]


class FieldResult(BaseModel):
    document: str
    field: str
    expected: Any = None
    got: Any = None
    outcome: Outcome
    # How the value was given: its confidence, the codes of its failed checks, and whether the
    # review app sends it to a reviewer (Claim.doubtful); None when nothing was extracted.
    confidence: float | None = None
    flags: list[str] = []
    doubtful: bool | None = None

    @property
    def key(self) -> bool:
        return self.field in KEY_FIELDS


class FieldScore(BaseModel):
    field: str
    key: bool
    tp: int = 0
    fp: int = 0
    fn: int = 0
    total: int = 0  # fields the truth states (tp + fn + wrong)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def exact(self) -> float:
        return self.tp / self.total if self.total else 1.0


def canonical(value: Any) -> Any:
    """One comparable form for a value from either side."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value.normalize()
    if isinstance(value, (int, float)):
        return canonical(Decimal(str(value)))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, LineItem):
        return canonical(value.model_dump(exclude_none=True))
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    text = norm(str(value)).replace("（", "(").replace("）", ")")
    # "104.12", "2" and Decimal values compare as numbers; long digit runs are codes, whose
    # leading zeros matter, so they stay text.
    bare = text.lstrip("¥-")
    if bare.replace(".", "", 1).isdigit() and ("." in bare or (len(bare) <= 6 and not bare.startswith("0"))):
        try:
            return canonical(Decimal(text.lstrip("¥")))
        except InvalidOperation:
            pass
    return text


def _items_equal(expected: list, got: list) -> bool:
    """Items match when each expected item's stated keys match the extracted one's."""
    if not isinstance(got, list) or len(expected) != len(got):
        return False
    for e, g in zip(expected, got):
        e, g = canonical(e), canonical(g)
        if not isinstance(e, dict) or not isinstance(g, dict):
            return False
        if any(g.get(k) != v for k, v in e.items()):
            return False
    return True


def equal(field: str, expected: Any, got: Any) -> bool:
    """Equal once canonical; an expected "!x" means anything but x (a receipt: not an invoice)."""
    if isinstance(expected, str) and expected.startswith("!"):
        return canonical(got) != canonical(expected[1:])
    if field == "items" and isinstance(expected, list):
        return _items_equal(expected, got)
    return canonical(expected) == canonical(got)


def compare(dc: DocumentClaims, truth: dict[str, Any]) -> list[FieldResult]:
    results: list[FieldResult] = []
    name = dc.file_name

    def add(field: str, expected: Any, got: Any, given: Claim | None, doubtful: bool | None = None) -> None:
        if expected is None:
            outcome = "fp" if got is not None else "tn"
        elif got is None:
            outcome = "fn"
        else:
            outcome = "tp" if equal(field, expected, got) else "wrong"
        how = {} if given is None or got is None else {
            "confidence": given.confidence, "flags": [f.code for f in given.warnings],
            "doubtful": given.doubtful if doubtful is None else doubtful}
        results.append(FieldResult(document=name, field=field, expected=expected, got=canonical(got), outcome=outcome, **how))

    # The review app shows no low-confidence mark on a document's kind, only the document's
    # failed checks: a kind counts as sent to a reviewer when one failed that no field carries
    # (a field's own check is about the field, and counted there).
    own = [f for f in dc.flags if not any(f in c.flags for c in dc.claims)]
    kind = Claim(field="doc_type", value=dc.doc_type.value, confidence=dc.doc_type_confidence, flags=own)
    if "doc_type" in truth:
        add("doc_type", truth["doc_type"], dc.doc_type.value, kind, bool(kind.warnings))
    if "subtype" in truth:
        add("subtype", truth["subtype"], dc.subtype, kind, bool(kind.warnings))
    for field, expected in (truth.get("fields") or {}).items():
        claim = dc.get(field)
        add(field, expected, claim.value if claim else None, claim)
    return results


def precision_recall(results: list[FieldResult]) -> list[FieldScore]:
    """Per field: a wrong value is both a false positive and a false negative."""
    table: dict[str, FieldScore] = {}
    for r in results:
        s = table.setdefault(r.field, FieldScore(field=r.field, key=r.key))
        if r.outcome == "tp":
            s.tp += 1
        elif r.outcome == "fp":
            s.fp += 1
        elif r.outcome == "fn":
            s.fn += 1
        elif r.outcome == "wrong":
            s.fp += 1
            s.fn += 1
        if r.expected is not None:
            s.total += 1
    return sorted(table.values(), key=lambda s: (not s.key, s.field))


def overall(scores: list[FieldScore], key_only: bool = True) -> FieldScore:
    out = FieldScore(field="key fields" if key_only else "all fields", key=key_only)
    for s in scores:
        if s.key or not key_only:
            out.tp += s.tp
            out.fp += s.fp
            out.fn += s.fn
            out.total += s.total
    return out


class Calibration(BaseModel):
    """Whether wrong key-field values are sent to a reviewer rather than given with confidence,
    and what that costs on right values (flagging everything would catch every wrong one)."""

    threshold: float = LOW_CONFIDENCE
    wrong: int = 0  # key values given and wrong (a wrong value, or one where the truth has none)
    wrong_flagged: int = 0  # of which a cross-check failed
    wrong_low: int = 0  # of which no check failed but the confidence is under the threshold
    confident_wrong: int = 0  # of which neither: given as if right
    right: int = 0
    right_doubtful: int = 0  # right values sent to a reviewer all the same

    @property
    def caught(self) -> float:
        return 1 - self.confident_wrong / self.wrong if self.wrong else 1.0

    @property
    def right_doubtful_rate(self) -> float:
        return self.right_doubtful / self.right if self.right else 0.0


def calibration(results: list[FieldResult]) -> Calibration:
    out = Calibration()
    for r in results:
        if not r.key or r.doubtful is None:
            continue
        if r.outcome == "tp":
            out.right += 1
            out.right_doubtful += r.doubtful
        elif r.outcome in ("wrong", "fp"):
            out.wrong += 1
            if r.flags:
                out.wrong_flagged += 1
            elif r.doubtful:
                out.wrong_low += 1
            else:
                out.confident_wrong += 1
    return out
