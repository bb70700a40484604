"""The reviewer's acts on a dossier: correct a value, recompute, confirm or send back.

Shared by the HTML pages and the JSON API so both log, re-assess and change status the
same way. Input is checked before anything is written: a refused correction leaves no
trace, an accepted one is logged first and only then applied, so it is never lost even
if the rules fail afterwards.
"""
from __future__ import annotations

import re
import threading
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.corrections import FIELD_TYPES, CorrectionError, apply_correction
from core.decisions import NO_MONEY, apply_decisions
from core.facts import FACTS
from core.models import Assessment, ClaimSet, ClauseDecision, DocType, Ledger, Status, ValueType
from core.store import AssessmentChanged, AssessmentRow, ConfirmRefused, CorrectionRow, Store, _dumps
from extract.recheck import recheck
from review_ui.documents import dossier_documents
from review_ui.values import MAX_TEXT, InvalidValue, coerce_api_value, parse_input
from rules.engine import assess
from rules.inputs import CLAUSES
from rules.params import load_parameters

# Read-apply-save of a claim set must not interleave, or two reviewers saving at once
# would each build on the same base and one correction would vanish from the claims.
_WRITE = threading.Lock()
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class ReviewError(ValueError):
    """A reviewer's request that cannot be carried out; the message is shown as is."""


class StaleEdit(ReviewError):
    """The value changed after the reviewer opened it (409): their edit is not saved, and
    `current` and `version` are what it is now."""

    def __init__(self, message: str, current: Any, version: int):
        super().__init__(message)
        self.current, self.version = current, version


def field_version(store: Store, dossier_id: str, document: str | None, field: str) -> int:
    """The id of the last correction of this value (0: never corrected). An edit carries the
    version it was made on, so one made on a value someone has since changed is refused."""
    with store.session() as s:
        return _field_version(s, dossier_id, document, field)


def _field_version(s: Session, dossier_id: str, document: str | None, field: str) -> int:
    doc = CorrectionRow.document.is_(None) if document is None else CorrectionRow.document == document
    return s.scalar(
        select(func.max(CorrectionRow.id)).where(CorrectionRow.dossier_id == dossier_id, doc, CorrectionRow.field == field)
    ) or 0


class Conflict(ReviewError):
    """The figures moved under the reviewer (HTTP 409): `changes` says how; the fresh
    assessment is saved, so the page now shows what a confirmation would write."""

    def __init__(self, message: str, changes: list, assessment_id: int | None):
        super().__init__(message)
        self.changes, self.assessment_id = changes, assessment_id


class CorrectionOutcome(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    correction_id: int
    document: str | None
    field: str
    old: Any
    new: Any
    claims: ClaimSet
    claimset_id: int
    assessment_id: int | None = None
    assessment: Assessment | None = None
    assessment_error: str | None = None


def require_reviewer(reviewer: str | None) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise ReviewError("请填写审核人姓名 — reviewer name is required")
    return name[:200]


def current_claims(store: Store, dossier_id: str) -> tuple[int, ClaimSet]:
    if store.dossier(dossier_id) is None:
        raise ReviewError(f"没有案卷 {dossier_id} — no such dossier")
    latest = store.latest_claimset(dossier_id)
    if latest is None:
        raise ReviewError("案卷尚未提取 — this dossier has no extracted claims yet")
    return latest


def value_type_for(claims: ClaimSet, document: str | None, field: str, requested: ValueType | None) -> ValueType:
    """The type a new value must have: the existing claim's, else the vocabulary's."""
    if document is None:
        existing = claims.fact(field)
        if existing is not None:
            return existing.value_type
        spec = FACTS.get(field)
        if spec is None:
            raise ReviewError(f"未知事实 «{field}» — not a known fact; see core/facts.py for the vocabulary")
        return spec.value_type
    doc = next((d for d in claims.documents if d.document == document), None)
    if doc is None:
        raise ReviewError(f"本案卷没有文件 {document[:12]} — no such document in this dossier")
    existing = doc.get(field)
    if existing is not None:
        return existing.value_type
    if not _FIELD_NAME.match(field):
        raise ReviewError(f"字段名 «{field}» 不合规 — field names are lower_case_with_underscores")
    return requested or FIELD_TYPES.get(field, ValueType.text)


def _document_setting(field: str, raw: Any) -> Any:
    """doc_type and clauses are properties of the document, not claims."""
    if field == "doc_type":
        try:
            return DocType(str(raw).strip()).value
        except ValueError:
            raise ReviewError(f"«{raw}» 不是文件类型 — doc type must be one of {[t.value for t in DocType]}") from None
    if raw is None:
        raw = ""
    if not isinstance(raw, (str, list)) or len(raw) > 200 or (isinstance(raw, list) and not all(isinstance(c, str) for c in raw)):
        raise ReviewError("条款须为编号列表 — clauses must be a list of clause ids such as art4.2")
    ids = [c.strip() for c in (re.split(r"[,，\s]+", raw) if isinstance(raw, str) else raw) if c.strip()]
    bad = [c[:20] for c in ids if c not in CLAUSES]
    if bad:
        raise ReviewError(f"未知条款 {bad[:5]} — not clauses of the policy; known: {', '.join(CLAUSES)}")
    return list(dict.fromkeys(ids))


class _Pending:
    """A correction waiting its turn; whoever holds the write lock next carries it out."""

    def __init__(self, **request: Any):
        self.request = request
        self.outcome: CorrectionOutcome | None = None
        self.error: BaseException | None = None
        self.done = False


# Corrections of one dossier posted while another is being made wait here, and the next
# one through the write lock carries them all out in order: each checked, applied and
# logged as before, then the claims rebuilt and the rules run once for all of them, not
# once each behind one another (with several reviewers at once the queue was the round trip).
_QUEUED: dict[str, list[_Pending]] = {}
_QUEUE = threading.Lock()


def correct(
    store: Store,
    dossier_id: str,
    document: str | None,
    field: str,
    value: Any,
    reviewer: str | None,
    reason: str = "",
    value_type: ValueType | None = None,
    *,
    from_form: bool = True,
    version: int | None = None,
) -> CorrectionOutcome:
    """Log a correction, apply it, save the new claim set and recompute the assessment.
    With `version`, refuse (StaleEdit) if the value was corrected since that version."""
    reviewer = require_reviewer(reviewer)
    field = (field or "").strip()
    if not field or len(field) > 64:
        raise ReviewError("缺少字段名或过长 — field is required (at most 64 characters)")
    if len(reason or "") > MAX_TEXT:
        raise ReviewError(f"原因过长 — the reason is longer than {MAX_TEXT} characters")
    mine = _Pending(document=document or None, field=field, value=value, reviewer=reviewer, reason=reason,
                    value_type=value_type, from_form=from_form, version=version)
    with _QUEUE:
        _QUEUED.setdefault(dossier_id, []).append(mine)
    with _WRITE:
        if not mine.done:  # nobody took it along: carry out everything queued for this dossier
            with _QUEUE:
                batch = _QUEUED.pop(dossier_id, [])
            _correct_all(store, dossier_id, batch)
    if mine.error is not None:
        raise mine.error
    return mine.outcome


def _correct_all(store: Store, dossier_id: str, batch: list[_Pending]) -> None:
    """Each correction in order against the claims as the ones before it left them (a
    refused one leaves no trace and does not stop the others), then one rebuild of the
    claims from the whole log and one assessment, which every logged one answers with."""
    try:
        logged = _log_all(store, dossier_id, batch)
        if not logged:
            return
        try:
            claimset_id, rebuilt = _rebuild(store, dossier_id)
        except Exception as exc:  # noqa: BLE001 - the corrections stay logged; each request hears why
            for p in logged:
                p.error = exc
            return
        try:
            assessment_id, assessment, error = *_assess_and_save(store, dossier_id, claimset_id, rebuilt), None
        except Exception as exc:  # the corrections stay logged; the panel says the rules failed
            assessment_id, assessment, error = None, None, f"{type(exc).__name__}: {exc}"
        for p in logged:
            p.outcome = p.outcome.model_copy(update={"claims": rebuilt, "claimset_id": claimset_id, "assessment_id": assessment_id,
                                                      "assessment": assessment, "assessment_error": error})
    finally:
        for p in batch:
            if p.outcome is None and p.error is None:  # cut off (the process is going down)
                p.error = RuntimeError("correction not carried out")
            p.done = True


def _log_all(store: Store, dossier_id: str, batch: list[_Pending]) -> list[_Pending]:
    """Check, apply and log each in one transaction: one commit (one fsync) for the batch."""
    claims, logged = None, []
    try:
        with store.session() as s, s.begin():
            for p in batch:
                try:
                    if claims is None:
                        _, claims = current_claims(store, dossier_id)
                    p.outcome = _log(s, dossier_id, claims, **p.request)
                    logged.append(p)
                except ReviewError as exc:  # refused before anything was written: the others go on
                    p.error = exc
    except Exception as exc:  # noqa: BLE001 - nothing of the batch was logged; each request hears why
        for p in batch:
            if p.error is None:
                p.outcome, p.error = None, exc
        return []
    return logged


def _check_version(s: Session, dossier_id: str, claims: ClaimSet, document: str | None, field: str, version: int) -> None:
    now = _field_version(s, dossier_id, document, field)
    if now == version:
        return
    if document is not None and field in ("doc_type", "clauses"):
        doc = next((d for d in claims.documents if d.document == document), None)
        current = None if doc is None else (doc.doc_type.value if field == "doc_type" else doc.clauses)
    else:
        current = _json_value(claims, document, field, None) if _has_claim(claims, document, field) else None
    by = s.scalar(select(CorrectionRow.reviewer).where(CorrectionRow.id == now)) or "?"
    raise StaleEdit(f"已被 {by} 修改，未保存 — {field} was changed by {by} after you opened it; "
                    f"your edit was not saved. It is now: {current}", current, now)


def _has_claim(claims: ClaimSet, document: str | None, field: str) -> bool:
    if document is None:
        return claims.fact(field) is not None
    doc = next((d for d in claims.documents if d.document == document), None)
    return doc is not None and doc.get(field) is not None


def _log(s: Session, dossier_id: str, claims: ClaimSet, document: str | None, field: str, value: Any, reviewer: str,
         reason: str, value_type: ValueType | None, from_form: bool, version: int | None) -> CorrectionOutcome:
    """Check the correction against `claims`, apply it to them (in place) and log it in the
    transaction `s`. Refused (ReviewError, StaleEdit) before anything is written."""
    if version is not None:
        _check_version(s, dossier_id, claims, document, field, version)
    if document is not None and field in ("doc_type", "clauses"):
        if not any(d.document == document for d in claims.documents):
            raise ReviewError(f"本案卷没有文件 {document[:12]} — no such document in this dossier")
        typed = _document_setting(field, value)
        vt = None
    else:
        vt = value_type_for(claims, document, field, value_type)
        try:
            typed = parse_input(vt, value) if from_form else coerce_api_value(vt, value)
        except InvalidValue as exc:
            raise ReviewError(f"{field}: {exc}") from None
    try:  # `claims` were read from the store for this batch alone: changed in place
        new_claims, old = apply_correction(claims, document, field, typed, reviewer, value_type=vt, copy=False)
    except CorrectionError as exc:
        raise ReviewError(str(exc)) from None

    old, new = _jsonable(old), _json_value(new_claims, document, field, typed)
    row = CorrectionRow(dossier_id=dossier_id, document=document, field=field, old_json=_dumps(old), new_json=_dumps(new),
                        reviewer=reviewer, reason=reason.strip())
    s.add(row)
    s.flush()  # its id: the version a later correction in the batch is checked against
    correction_id = row.id
    return CorrectionOutcome(correction_id=correction_id, document=document, field=field, old=old, new=new,
                             claims=new_claims, claimset_id=0)


def _rebuild(store: Store, dossier_id: str) -> tuple[int, ClaimSet]:
    """The working claims made again from the extraction and the whole log under the
    dossier's lock, so a re-intake saving its extraction meanwhile loses nothing; the
    cross-checks run again on the corrected values."""
    claimset_id, rebuilt, _ = store.rebuild_claims(dossier_id, refine=_recheck(store, dossier_id))
    # A confirmed one reopens only if its amounts change; one already in review needs no write.
    if store.dossier(dossier_id).status not in ("confirmed", "in_review"):
        store.set_status(dossier_id, "in_review")
    return claimset_id, rebuilt


def _recheck(store: Store, dossier_id: str):
    def run(claims: ClaimSet) -> ClaimSet:
        # `claims` is the replayed set rebuild_claims just made and hands over: checked in place.
        return recheck(claims, {d.sha256: d for d in dossier_documents(store, dossier_id)}, load_parameters().outer_window,
                       copy=False)
    return run


def _json_value(claims: ClaimSet, document: str | None, field: str, typed: Any) -> Any:
    if document is not None and field in ("doc_type", "clauses"):
        return typed
    target = claims.fact(field) if document is None else next(d for d in claims.documents if d.document == document).get(field)
    return target.model_dump(mode="json")["value"] if target else _jsonable(typed)


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    return str(value)


def reassess(store: Store, dossier_id: str):
    """The rules as the confirmation transaction calls them: claims and the ledger read
    inside the transaction, the reviewer's clause decisions applied by the store."""
    def run(claims: ClaimSet, ledger: Ledger) -> Assessment:
        return assess(claims, ledger)
    return run


def _assess_and_save(store: Store, dossier_id: str, claimset_id: int, claims: ClaimSet) -> tuple[int, Assessment]:
    ledger = store.ledger(store.credit_code_of(dossier_id, claims), exclude_dossier=dossier_id)
    assessment = apply_decisions(assess(claims, ledger), store.clause_decisions(dossier_id))
    assessment_id = store.save_assessment(assessment, kind="recomputed", claimset_id=claimset_id)
    store.reopen_if_changed(dossier_id, assessment, "更正或审核决定 / a correction or decision ")
    return assessment_id, assessment


def recompute(store: Store, dossier_id: str) -> tuple[int, Assessment]:
    with _WRITE:
        claimset_id, claims = current_claims(store, dossier_id)
        return _assess_and_save(store, dossier_id, claimset_id, claims)


def latest_assessment_row(store: Store, dossier_id: str) -> AssessmentRow | None:
    """The stored row, for what Assessment itself does not carry: when it was computed
    (Assessment.created_at is the rules' as-of date) and from which claim set."""
    with store.session() as s:
        return s.scalar(
            select(AssessmentRow)
            .where(AssessmentRow.dossier_id == dossier_id, AssessmentRow.kind.in_(("draft", "recomputed")))
            .order_by(AssessmentRow.id.desc())
            .limit(1)
        )


def assessment_is_current(store: Store, dossier_id: str) -> bool:
    """True when the latest assessment was computed from the latest claim set (an
    assessment saved without its claim set id is taken as current)."""
    latest = store.latest_claimset(dossier_id)
    return is_current(latest_assessment_row(store, dossier_id), latest[0] if latest else None)


def is_current(row: AssessmentRow | None, claimset_id: int | None) -> bool:
    return row is not None and (row.claimset_id is None or claimset_id is None or row.claimset_id == claimset_id)


def decide(store: Store, dossier_id: str, action: str, reviewer: str | None, comment: str = "",
           seen_assessment_id: int | None = None) -> int:
    """Confirm or send back. Confirming re-assesses inside the store's transaction; when the
    amounts differ from the assessment the reviewer saw it raises Conflict (HTTP 409)."""
    reviewer = require_reviewer(reviewer)
    comment = (comment or "").strip()
    if store.dossier(dossier_id) is None:
        raise ReviewError(f"没有案卷 {dossier_id} — no such dossier")
    if action not in ("confirm", "send_back"):
        raise ReviewError(f"未知操作 «{action}» — action must be confirm or send_back")
    if len(comment) > MAX_TEXT:
        raise ReviewError(f"意见过长 — the comment is longer than {MAX_TEXT} characters")
    if action == "send_back":
        if not comment:
            raise ReviewError("退回须写明原因 — sending back needs a comment")
        return store.send_back(dossier_id, reviewer, comment)
    if not assessment_is_current(store, dossier_id):
        raise ReviewError("评估结果不是最新 — the assessment is older than the claims; recompute before confirming")
    with _WRITE:
        try:
            return store.confirm(dossier_id, reviewer, comment, reassess=reassess(store, dossier_id),
                                 seen_assessment_id=seen_assessment_id)
        except AssessmentChanged as exc:
            latest = store.latest_claimset(dossier_id)
            new_id = store.save_assessment(exc.assessment, kind="recomputed", claimset_id=latest[0] if latest else None)
            raise Conflict(str(exc), [c.model_dump(mode="json") for c in exc.changes], new_id) from None
        except ConfirmRefused as exc:
            raise ReviewError(str(exc)) from None


DECISIONS = ("grant", "reject", "not_applied")


def decide_clause(store: Store, dossier_id: str, clause_id: str, decision: str, reviewer: str | None,
                  reason: str, amount: Any = None) -> tuple[int, Assessment]:
    """A reviewer settles a clause the rules left open: grant up to the ceiling, reject, or
    not applied, with a reason. Logged, then the assessment is made again with it."""
    reviewer = require_reviewer(reviewer)
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise ReviewError(f"未知决定 «{decision}» — decision must be grant, reject or not_applied")
    if not reason:
        raise ReviewError("审核决定须写明理由 — a decision needs its reason")
    with _WRITE:
        claimset_id, claims = current_claims(store, dossier_id)
        latest = store.latest_assessment(dossier_id)
        result = latest[1].result(clause_id) if latest else None
        if result is None:
            raise ReviewError(f"评估中没有条款 {clause_id} — no clause {clause_id} in the assessment")
        granted = None
        if decision == "grant":
            if clause_id in NO_MONEY:
                granted = result.amount
            else:
                try:
                    granted = coerce_api_value(ValueType.money, amount)
                except InvalidValue as exc:
                    raise ReviewError(f"金额 amount: {exc}") from None
                if granted is None or granted < 0:
                    raise ReviewError("给予须填写金额 — a grant needs an amount")
                if granted > result.amount:
                    raise ReviewError(f"给予金额 {granted:,.2f} 超过上限 {result.amount:,.2f} — a grant cannot exceed the ceiling")
        if result.status not in (Status.needs_judgement, Status.needs_evidence, Status.eligible):
            raise ReviewError(f"{clause_id} 为 {result.status.value}，无需决定 — nothing to decide on this clause")
        store.decide_clause(dossier_id, ClauseDecision(clause_id=clause_id, decision=decision, amount=granted, reason=reason,
                                                       reviewer=reviewer, assessment_id=latest[0]))
        return _assess_and_save(store, dossier_id, claimset_id, claims)
