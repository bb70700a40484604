"""Applying a reviewer's correction to a claim set: a pure function, so the UI, the CLI and
an audit re-run replaying the change log all get the same claim set from the same log."""
from __future__ import annotations

from typing import Any

from core.facts import FACTS
from core.models import Claim, ClaimSet, DocType, Evidence, EvidenceKind, ValueType

# Value types of fields a reviewer may add that extraction did not find.
FIELD_TYPES: dict[str, ValueType] = {
    "total_amount": ValueType.money,
    "amount_excl_tax": ValueType.money,
    "tax_amount": ValueType.money,
    "total_amount_words": ValueType.money,
    "registered_capital": ValueType.money,
    "paid_in_capital": ValueType.money,
    "issue_date": ValueType.date,
    "signing_date": ValueType.date,
    "term_start": ValueType.date,
    "term_end": ValueType.date,
    "publish_date": ValueType.date,
    "implement_date": ValueType.date,
    "established_date": ValueType.date,
    "verification_date": ValueType.date,
    "drafting_units": ValueType.list,
    "applicant_is_lead": ValueType.boolean,
    "commitment_years": ValueType.integer,
    "items": ValueType.items,
}


class CorrectionError(ValueError):
    pass


def apply_correction(
    claims: ClaimSet,
    document: str | None,
    field: str,
    value: Any,
    reviewer: str,
    value_type: ValueType | None = None,
    *,
    copy: bool = True,
) -> tuple[ClaimSet, Any]:
    """Return (new claim set, old value). `document` None corrects a dossier fact; the special
    fields `doc_type` and `clauses` of a document re-classify it or re-assign its clauses.
    copy=False changes `claims` itself (replay copies once for the whole log)."""
    new = claims.model_copy(deep=True) if copy else claims
    evidence = Evidence(kind=EvidenceKind.reviewer, text=str(value), source=reviewer)

    if document is None:
        target = new.facts
    else:
        doc = next((d for d in new.documents if d.document == document), None)
        if doc is None:
            raise CorrectionError(f"no document {document} in dossier {claims.dossier_id}")
        if field == "doc_type":
            old = doc.doc_type.value
            try:
                doc.doc_type = DocType(value)
            except ValueError as exc:
                known = ", ".join(t.value for t in DocType)
                raise CorrectionError(f"doc_type: {value!r} is not one of {known}") from exc
            doc.doc_type_evidence = [evidence]
            return new, old
        if field == "clauses":
            old = list(doc.clauses)
            doc.clauses = [c.strip() for c in (value.split(",") if isinstance(value, str) else value) if c.strip()]
            return new, old
        target = doc.claims

    existing = next((c for c in target if c.field == field), None)
    if existing is not None:
        old = existing.value
        try:
            corrected = Claim(
                field=field,
                value_type=value_type or existing.value_type,
                value=value,
                confidence=1.0,
                # The reviewer's word comes first; what the machine read stays as the trail.
                evidence=[evidence, *existing.evidence],
                flags=[],
                corrected=True,
            )
        except (ValueError, ArithmeticError) as exc:
            raise CorrectionError(f"{field}: {value!r} is not a valid {existing.value_type.value}: {exc}") from exc
        target[target.index(existing)] = corrected
        return new, old

    # A new fact takes its type from the facts vocabulary, so replaying the change log (which
    # keeps values, not types) in an audit types it exactly as the reviewer's screen did.
    spec = FACTS.get(field) if document is None else None
    vt = value_type or (spec.value_type if spec else FIELD_TYPES.get(field, ValueType.text))
    try:
        target.append(Claim(field=field, value_type=vt, value=value, evidence=[evidence], corrected=True))
    except (ValueError, ArithmeticError) as exc:
        raise CorrectionError(f"{field}: {value!r} is not a valid {vt.value}: {exc}") from exc
    return new, None


def replay(
    claims: ClaimSet, log: list[tuple[int, str | None, str, Any, str]], *, copy: bool = True
) -> tuple[ClaimSet, list[str]]:
    """The change log — (id, document, field, new value, reviewer) in order — applied to a
    claim set (a fresh extraction, at re-intake or audit). A correction that no longer applies
    (its file is gone, its value no longer parses) is skipped and named, never dropped from
    the log. copy=False changes `claims` itself (a claim set just parsed from the store)."""
    failed: list[str] = []
    # One copy for the whole log, not one per correction: a long-worked dossier replays its
    # log on every correction, and a deep copy per entry made that quadratic.
    claims = claims.model_copy(deep=True) if copy else claims
    for correction_id, document, field, value, reviewer in log:
        try:
            claims, _ = apply_correction(claims, document, field, value, reviewer, copy=False)
        except CorrectionError as exc:
            failed.append(f"#{correction_id} {field}: {exc}")
    return claims, failed
