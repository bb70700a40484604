"""The reviewers' web app: dossier list, dossier review page, change log, JSON API.

Pages are server-rendered (Jinja2); inline edits go through htmx, each answering with the
changed fragment plus out-of-band swaps of the assessment panel and the status bar, so
the figures on screen are always those the store now holds.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from core.facts import FACTS
from core.models import DocType, ValueType
from core.store import Store
from rules.explain import render_text
from review_ui import labels, values
from review_ui.api import api_router
from review_ui.history import change_log
from review_ui.pages import IMAGE_TYPES, page_image_file
from review_ui.review import ReviewError, correct, decide, recompute
from review_ui.views import STATUSES, claim_row_id, dossier_list, dossier_view, evidence_target, field_colour

HERE = Path(__file__).parent
REVIEWER_COOKIE = "dossier_reviewer"
DISPLAY_TZ = dt.timezone(dt.timedelta(hours=8))  # the office works in Beijing time


def reviewer_of(request: Request) -> str:
    return unquote(request.cookies.get(REVIEWER_COOKIE, ""))


def remember_reviewer(response: Response, name: str) -> None:
    if name.strip():
        response.set_cookie(REVIEWER_COOKIE, quote(name.strip()), max_age=365 * 24 * 3600, samesite="lax")


def local_time(t: dt.datetime | None) -> str:
    if t is None:
        return ""
    aware = t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.trim_blocks = t.env.lstrip_blocks = True
    t.env.globals.update(
        show=values.show,
        money=values.money,
        editable=values.editable,
        field_colour=field_colour,
        field_label=labels.field_label,
        row_id=claim_row_id,
        evidence_target=evidence_target,
        statuses=STATUSES,
        doc_types=labels.DOC_TYPES,
        badges=labels.STATUS_BADGES,
        local_time=local_time,
        read_aloud=render_text,
        facts_vocabulary=FACTS,
        value_types=[v.value for v in ValueType],
        all_doc_types=[d.value for d in DocType],
    )
    return t


def create_app(store: Store | None = None) -> FastAPI:
    store = store or Store()
    templates = _templates()
    app = FastAPI(title="Dossier review 案卷审核")
    app.state.store = store
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api_router(store))

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("reviewer", reviewer_of(request))
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def view_or_404(dossier_id: str):
        view = dossier_view(store, dossier_id)
        if view is None:
            raise HTTPException(404, f"no dossier {dossier_id}")
        return view

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, status: str | None = None):
        rows = dossier_list(store)
        present = sorted({r.status for r in rows} | set(STATUSES))
        shown = [r for r in rows if not status or r.status == status]
        return render(request, "index.html", dossiers=shown, status=status or "", present=present)

    @app.get("/dossiers/{dossier_id}", response_class=HTMLResponse)
    def dossier_page(request: Request, dossier_id: str):
        return render(request, "dossier.html", v=view_or_404(dossier_id))

    @app.get("/dossiers/{dossier_id}/claims/{mode}", response_class=HTMLResponse)
    def claim_row(request: Request, dossier_id: str, mode: str, index: int, document: str = ""):
        """One claim row, to edit (mode=edit) or to show again (mode=view, after cancel)."""
        v = view_or_404(dossier_id)
        index, claim, doc = _find_claim(v, document or None, index)
        return render(request, "_claim_row.html", v=v, claim=claim, doc=doc, index=index,
                      editing=(mode == "edit"), typed=None, error=None)

    @app.post("/dossiers/{dossier_id}/corrections", response_class=HTMLResponse)
    def post_correction(
        request: Request,
        dossier_id: str,
        field: str = Form(""),
        value: str = Form(""),
        reviewer: str = Form(""),
        reason: str = Form(""),
        document: str = Form(""),
        value_type: str = Form(""),
        index: int | None = Form(None),
        add: str = Form(""),
    ):
        doc_setting = bool(document) and field in ("doc_type", "clauses")
        try:
            vt = ValueType(value_type) if value_type else None
            outcome = correct(store, dossier_id, document or None, field, value, reviewer, reason, vt)
            error = None
        except (ReviewError, ValueError) as exc:
            outcome, error = None, str(exc)
        v = view_or_404(dossier_id)
        status = 422 if error else 200
        if v.claims is None:  # nothing extracted yet, so no table to show the error in
            return HTMLResponse(f'<p class="error" role="alert">{escape(error or "")}</p>', status_code=422)
        if doc_setting:
            doc = next((d for d in v.documents if d.sha == document), None)
            response = render(request, "_doc_head.html", status, v=v, doc=doc, error=error, with_oob=not error,
                              assess_error=outcome.assessment_error if outcome else None)
        elif add or index is None:  # an added claim lands at the end of its table
            response = render(request, "_claims_table.html", status, v=v, doc=_doc_of(v, document or None),
                              error=error, typed=value if error else None, add_field=field if error else "",
                              with_oob=not error, assess_error=outcome.assessment_error if outcome else None)
        else:
            index, claim, doc = _find_claim(v, document or None, index, field if not error else None)
            response = render(request, "_claim_row.html", status, v=v, claim=claim, doc=doc, index=index,
                              editing=bool(error), typed=value if error else None, error=error, with_oob=not error,
                              assess_error=outcome.assessment_error if outcome else None)
        if not error:
            remember_reviewer(response, reviewer)
        return response

    @app.post("/dossiers/{dossier_id}/recompute", response_class=HTMLResponse)
    def post_recompute(request: Request, dossier_id: str):
        try:
            recompute(store, dossier_id)
            error = None
        except ReviewError as exc:
            error = str(exc)
        v = view_or_404(dossier_id)
        return render(request, "_assessment.html", 422 if error else 200, v=v, assess_error=error, status_oob=True)

    @app.post("/dossiers/{dossier_id}/decision", response_class=HTMLResponse)
    def post_decision(
        request: Request, dossier_id: str, action: str = Form(""), reviewer: str = Form(""), comment: str = Form("")
    ):
        try:
            decide(store, dossier_id, action, reviewer, comment)
            error = None
        except ReviewError as exc:
            error = str(exc)
        v = view_or_404(dossier_id)
        response = render(request, "_status.html", 422 if error else 200, v=v, decision_error=error,
                          comment=comment if error else "")
        if not error:
            remember_reviewer(response, reviewer)
        return response

    @app.get("/dossiers/{dossier_id}/log", response_class=HTMLResponse)
    def log_page(request: Request, dossier_id: str):
        v = view_or_404(dossier_id)
        return render(request, "log.html", v=v, entries=change_log(store, dossier_id))

    @app.get("/pages/{sha256}/{number}")
    def page_image(sha256: str, number: int):
        path = page_image_file(store, sha256, number)
        if path is None:
            raise HTTPException(404, "no such page image")
        return FileResponse(path, media_type=IMAGE_TYPES[path.suffix.lower()])

    @app.post("/reviewer")
    def set_reviewer(reviewer: str = Form("")):
        response = Response(status_code=204)
        remember_reviewer(response, reviewer)
        return response

    return app


def _doc_of(v, document: str | None):
    if document is None:
        return None
    doc = next((d for d in v.documents if d.sha == document), None)
    if doc is None or doc.claims is None:
        raise HTTPException(404, "no such document")
    return doc


def _find_claim(v, document: str | None, index: int, field: str | None = None):
    """The claim shown in row `index`; after a correction, the row of `field` (a corrected
    claim keeps its place, an added one goes last)."""
    if v.claims is None:
        raise HTTPException(404, "no claims yet")
    doc = _doc_of(v, document)
    claims = v.claims.facts if doc is None else doc.claims.claims
    if field is not None:
        index = next((i for i, c in enumerate(claims) if c.field == field), index)
    if not 0 <= index < len(claims):
        raise HTTPException(404, "no such claim")
    return index, claims[index], doc
