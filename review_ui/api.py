"""The JSON API beside the pages, for scripts: same acts, same checks, same log."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StringConstraints

from core.models import ValueType
from core.store import Store
from review_ui.auth import Refused, account_of, may_decide
from review_ui.review import Conflict, ReviewError, StaleEdit, correct, decide, decide_clause, field_version
from review_ui.values import MAX_LIST, MAX_TEXT
from review_ui.views import dossier_list


Text = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]
Scalar = Text | StrictBool | StrictInt | StrictFloat | None
# A line item is checked field by field in review_ui.values.items_value.
Item = Annotated[dict[Annotated[str, StringConstraints(max_length=20)], Scalar], Field(max_length=8)]
Value = Scalar | Annotated[list[Text], Field(max_length=MAX_LIST)] | Annotated[list[Item], Field(max_length=MAX_LIST)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CorrectionRequest(Strict):
    field: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=64)]
    value: Value = None
    reason: Text = ""
    document: Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9a-f]{64}$")] | None = None  # None: a fact
    value_type: ValueType | None = None  # only for a field the claim set does not have yet
    version: Annotated[StrictInt, Field(ge=0, le=2**53)]  # versions[document:field] from GET, 0 if never corrected


class DecisionRequest(Strict):
    action: Literal["confirm", "send_back"]
    comment: Text = ""
    # The assessment the reviewer (or script) saw; a confirmation whose re-assessment differs
    # from it is refused with 409. None: the latest stored one.
    assessment_id: Annotated[StrictInt, Field(ge=0, le=2**53)] | None = None


class ClauseDecisionRequest(Strict):
    decision: Literal["grant", "reject", "not_applied"]
    reason: Text
    amount: Text | StrictInt | StrictFloat | None = None  # for a grant, at most the clause's ceiling


def _refused(exc: ReviewError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


def api_router(store: Store, two_person: bool = True) -> APIRouter:
    api = APIRouter(prefix="/api")

    def row_or_404(dossier_id: str):
        row = store.dossier(dossier_id)
        if row is None:
            raise HTTPException(404, f"no dossier {dossier_id}")
        return row

    @api.get("/dossiers")
    def list_dossiers(status: str | None = None) -> list[dict[str, Any]]:
        return [s.model_dump(mode="json") for s in dossier_list(store, status)]

    @api.get("/dossiers/{dossier_id}")
    def get_dossier(dossier_id: str) -> dict[str, Any]:
        row = row_or_404(dossier_id)
        corrections = store.corrections(dossier_id)
        latest = store.latest_claimset(dossier_id)
        assessment = store.latest_assessment(dossier_id)
        return {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "received_at": row.received_at.isoformat(),
            "applicant_name": row.applicant_name,
            "credit_code": row.credit_code,
            "documents": [
                {"sha256": d.sha256, "original_name": d.original_name, "media_type": d.media_type,
                 "status": d.status.value, "pages": len(d.pages)}
                for d in store.documents(dossier_id)
            ],
            "claimset_id": latest[0] if latest else None,
            "claims": latest[1].model_dump(mode="json") if latest else None,
            "assessment_id": assessment[0] if assessment else None,
            "total": str(assessment[1].total) if assessment else None,
            "corrections": len(corrections),
            # what an edit of "document:field" (":field" for a fact) must carry; absent means 0
            "versions": {f"{c.document or ''}:{c.field}": c.id for c in corrections},
            "decisions": [
                {"action": d.action, "reviewer": d.reviewer, "comment": d.comment, "at": d.at.isoformat()}
                for d in store.decisions(dossier_id)
            ],
        }

    @api.get("/dossiers/{dossier_id}/assessment")
    def get_assessment(dossier_id: str) -> dict[str, Any]:
        row_or_404(dossier_id)
        latest = store.latest_assessment(dossier_id)
        if latest is None:
            raise HTTPException(404, "no assessment yet")
        return {"assessment_id": latest[0], **latest[1].model_dump(mode="json")}

    @api.post("/dossiers/{dossier_id}/corrections")
    def post_correction(request: Request, dossier_id: str, body: CorrectionRequest):
        row_or_404(dossier_id)
        try:
            outcome = correct(store, dossier_id, body.document, body.field, body.value, account_of(request).name, body.reason,
                              body.value_type, from_form=False, version=body.version)
        except StaleEdit as exc:
            return JSONResponse({"detail": str(exc), "current": exc.current, "version": exc.version}, status_code=409)
        except ReviewError as exc:
            return _refused(exc)
        return {
            "correction_id": outcome.correction_id,
            "version": field_version(store, dossier_id, outcome.document, outcome.field),
            "document": outcome.document,
            "field": outcome.field,
            "old": outcome.old,
            "new": outcome.new,
            "claimset_id": outcome.claimset_id,
            "assessment_id": outcome.assessment_id,
            "assessment": outcome.assessment.model_dump(mode="json") if outcome.assessment else None,
            "assessment_error": outcome.assessment_error,
        }

    @api.post("/dossiers/{dossier_id}/decisions")
    def post_decision(request: Request, dossier_id: str, body: DecisionRequest):
        row_or_404(dossier_id)
        try:
            may_decide(store, dossier_id, body.action, account_of(request), two_person)
            decision_id = decide(store, dossier_id, body.action, account_of(request).name, body.comment, body.assessment_id)
        except Refused as exc:
            return JSONResponse({"detail": str(exc)}, status_code=403)
        except Conflict as exc:
            return JSONResponse({"detail": str(exc), "changes": exc.changes, "assessment_id": exc.assessment_id},
                                status_code=409)
        except ReviewError as exc:
            return _refused(exc)
        return {"decision_id": decision_id, "status": store.dossier(dossier_id).status}

    @api.post("/dossiers/{dossier_id}/clauses/{clause_id}/decision")
    def post_clause_decision(request: Request, dossier_id: str, clause_id: str, body: ClauseDecisionRequest):
        row_or_404(dossier_id)
        try:
            assessment_id, assessment = decide_clause(store, dossier_id, clause_id, body.decision, account_of(request).name,
                                                      body.reason, body.amount)
        except ReviewError as exc:
            return _refused(exc)
        return {"assessment_id": assessment_id, **assessment.model_dump(mode="json")}

    return api
