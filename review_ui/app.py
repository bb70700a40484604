"""The reviewers' web app: dossier list, dossier review page, change log, JSON API.

Pages are server-rendered (Jinja2); inline edits go through htmx, each answering with the
changed fragment plus out-of-band swaps of the assessment panel and the status bar, so
the figures on screen are always those the store now holds.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections import OrderedDict
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from core.accounts import Accounts
from core.facts import FACTS
from core.models import DocType, ValueType
from core.store import Store
from rules.explain import render_text
from review_ui import labels, values
from review_ui.api import api_router
from review_ui.attention import KINDS
from review_ui.opinion import OpinionError, archive_opinion, archived_opinion
from review_ui.auth import (Guard, NotLoggedIn, Refused, Signer, account_of, confirm_refusal, may_decide, send_back_refusal,
                            secret_key)
from review_ui.security import add_security, login_routes
from review_ui.history import change_log
from review_ui.pages import IMAGE_TYPES, page_image_file
from review_ui.review import DECISIONS, Conflict, ReviewError, StaleEdit, correct, decide, decide_clause, recompute
from review_ui.views import STATUSES, claim_row_id, dossier_list, dossier_view, evidence_target, field_colour

HERE = Path(__file__).parent
DISPLAY_TZ = dt.timezone(dt.timedelta(hours=8))  # the office works in Beijing time


def local_time(t: dt.datetime | None) -> str:
    if t is None:
        return ""
    aware = t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.trim_blocks = t.env.lstrip_blocks = True
    # The templates are code: read once, not stat'ed at every include (one per claim row), and
    # compiled before the first request, not by the first few reviewers at once.
    t.env.auto_reload = False
    t.env.globals.update(
        show=values.show,
        money=values.money,
        editable=values.editable,
        item_columns=values.ITEM_COLUMNS,
        item_rows=values.item_rows,
        field_colour=field_colour,
        field_label=labels.field_label,
        attention_kinds=KINDS,
        row_id=claim_row_id,
        evidence_target=evidence_target,
        statuses=STATUSES,
        roles=labels.ROLES,
        doc_types=labels.DOC_TYPES,
        badges=labels.STATUS_BADGES,
        local_time=local_time,
        read_aloud=render_text,
        facts_vocabulary=FACTS,
        value_types=[v.value for v in ValueType],
        all_doc_types=[d.value for d in DocType],
        clause_decisions=DECISIONS,
    )
    for name in t.env.list_templates(extensions=["html"]):
        t.env.get_template(name)
    return t


def create_app(
    store: Store | None = None,
    *,
    allowed_hosts: list[str] | None = None,
    two_person: bool | None = None,
    accounts: Accounts | None = None,
    key: bytes | None = None,
) -> FastAPI:
    """allowed_hosts: Host names answered (default: this machine's loopback names and
    DOSSIER_ALLOWED_HOSTS). two_person: confirming needs someone other than the last
    corrector (default on; DOSSIER_TWO_PERSON=0 turns it off)."""
    store = store or Store()
    accounts = accounts or Accounts(store)
    if two_person is None:
        two_person = os.environ.get("DOSSIER_TWO_PERSON", "1") not in ("0", "false", "no")
    guard = Guard(accounts, Signer(key or secret_key()))
    templates = _templates()
    # What the page offers follows what the server allows: the same reason either way.
    templates.env.globals["confirm_refusal"] = lambda account, v: confirm_refusal(account, v.last_corrector, two_person)
    templates.env.globals["send_back_refusal"] = lambda account, v: send_back_refusal(account, v.row.status)
    templates.env.globals["claims_table"] = ClaimTables(templates.env.get_template("_claims_table.html"))
    # No /docs or /openapi.json: they would sit outside the guard, which only covers API routes.
    app = FastAPI(title="Dossier review 案卷审核", dependencies=[Depends(guard)], docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.store, app.state.accounts, app.state.guard = store, accounts, guard
    add_security(app, allowed_hosts)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        context.setdefault("account", getattr(request.state, "account", None))
        context.setdefault("csrf", guard.csrf_token(session) if session else "")
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    app.include_router(api_router(store, two_person))
    app.include_router(login_routes(guard, render))

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, exc: RequestValidationError):
        # The reason, never the input echoed back (it may be megabytes).
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))[:300], "type": e.get("type")}
                  for e in exc.errors()[:20]]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Refused)
    def refused(_request: Request, exc: Refused):
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(NotLoggedIn)
    def not_logged_in(request: Request, _exc: NotLoggedIn):
        if request.method == "GET" and not request.url.path.startswith("/api/") and "hx-request" not in request.headers:
            return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
        return JSONResponse({"detail": "请先登录 — log in first"}, status_code=401,
                            headers={"WWW-Authenticate": 'Bearer realm="dossier"'})

    def view_or_404(dossier_id: str, pages: bool = False):
        """The dossier's view model; only the whole page needs its page images and boxes."""
        view = dossier_view(store, dossier_id, pages=pages)
        if view is None:
            raise HTTPException(404, f"no dossier {dossier_id}")
        view.assignee = accounts.assignments().get(dossier_id)
        return view

    def queue(request: Request, status: str = "", mine: bool = False, judgement: bool = False):
        assigned = accounts.assignments()
        me = account_of(request).name
        rows = []
        for r in dossier_list(store):
            r.assignee = assigned.get(r.id)
            if (status and r.status != status) or (mine and r.assignee != me) or (judgement and not r.attention["judgement"]):
                continue
            rows.append(r)
        return rows

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, status: str = Query("", max_length=32), mine: bool = False, judgement: bool = False):
        shown = queue(request, status, mine, judgement)
        present = sorted({r.status for r in shown} | set(STATUSES))
        return render(request, "index.html", dossiers=shown, status=status, mine=mine, judgement=judgement,
                      present=present)

    @app.get("/next")
    def next_dossier(request: Request, after: str = Query("", max_length=64)):
        """The next dossier to work on: not yet decided, needing attention, after `after` in the list."""
        todo = [r for r in queue(request) if r.status not in ("confirmed", "sent_back")]
        ids = [r.id for r in todo]
        start = ids.index(after) + 1 if after in ids else 0
        for r in todo[start:] + todo[:start]:
            if r.id != after and (r.needs_attention or r.assignee in (None, account_of(request).name)):
                return RedirectResponse(f"/dossiers/{quote(r.id)}", status_code=303)
        return RedirectResponse("/?status=", status_code=303)

    @app.post("/dossiers/{dossier_id}/assign", response_class=HTMLResponse)
    def assign(request: Request, dossier_id: str, action: str = Form("take", max_length=16)):
        view_or_404(dossier_id)
        accounts.assign(dossier_id, account_of(request).name if action == "take" else None)
        return render(request, "_assignee.html", v=view_or_404(dossier_id))

    @app.get("/dossiers/{dossier_id}", response_class=HTMLResponse)
    def dossier_page(request: Request, dossier_id: str):
        return render(request, "dossier.html", v=view_or_404(dossier_id, pages=True))

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
        reason: str = Form(""),
        document: str = Form(""),
        value_type: str = Form(""),
        index: int | None = Form(None, ge=0, le=100_000),
        add: str = Form(""),
        version: int | None = Form(None, ge=0),
    ):
        doc_setting = bool(document) and field in ("doc_type", "clauses")
        status = 200
        try:
            if version is None:
                raise ReviewError("缺少版本 — the edit must carry the version it was made on; reload the page")
            vt = ValueType(value_type) if value_type else None
            outcome = correct(store, dossier_id, document or None, field, value, account_of(request).name, reason, vt,
                              version=version)
            error = None
        except StaleEdit as exc:
            outcome, error, status = None, str(exc), 409
        except (ReviewError, ValueError) as exc:
            outcome, error, status = None, str(exc), 422
        v = view_or_404(dossier_id)
        if v.claims is None:  # nothing extracted yet, so no table to show the error in
            return HTMLResponse(f'<p class="error" role="alert">{escape(error or "")}</p>', status_code=status)
        if doc_setting:
            doc = next((d for d in v.documents if d.sha == document), None)
            response = render(request, "_doc_head.html", status, v=v, doc=doc, error=error, with_oob=not error,
                              assess_error=outcome.assessment_error if outcome else None)
        elif add or index is None:  # an added claim lands at the end of its table
            response = render(request, "_claims_table.html", status, v=v, doc=_doc_of(v, document or None),
                              error=error, typed=value if error else None, add_field=field if error else "",
                              with_oob=not error, assess_error=outcome.assessment_error if outcome else None)
        else:
            index, claim, doc = _find_claim(v, document or None, index, field if status != 422 else None)
            response = render(request, "_claim_row.html", status, v=v, claim=claim, doc=doc, index=index,
                              editing=bool(error), typed=value if error else None, error=error, with_oob=not error,
                              assess_error=outcome.assessment_error if outcome else None)
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
        request: Request, dossier_id: str, action: str = Form(""), comment: str = Form(""),
        assessment_id: int | None = Form(None),
    ):
        code, changes = 200, []
        try:
            may_decide(store, dossier_id, action, account_of(request), two_person)
            decide(store, dossier_id, action, account_of(request).name, comment, seen_assessment_id=assessment_id)
            error = None
            if action == "confirm":
                _archive_opinion(store, dossier_id)
        except Refused as exc:
            error, code = str(exc), 403
        except Conflict as exc:  # the figures moved: show the difference and the fresh assessment
            error, code, changes = str(exc), 409, exc.changes
        except ReviewError as exc:
            error, code = str(exc), 422
        v = view_or_404(dossier_id)
        return render(request, "_status.html", code, v=v, decision_error=error, changes=changes,
                      comment=comment if error else "", assessment_oob=code == 409)

    @app.get("/dossiers/{dossier_id}/opinion.pdf")
    def opinion(dossier_id: str):
        """审核意见 of the latest confirmation, as archived beside the assessment."""
        view_or_404(dossier_id)
        try:
            path = archived_opinion(store, dossier_id)
        except OpinionError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=409)
        return FileResponse(path, media_type="application/pdf", filename=f"审核意见-{dossier_id}.pdf")

    @app.post("/dossiers/{dossier_id}/clauses/{clause_id}/decision", response_class=HTMLResponse)
    def post_clause_decision(
        request: Request, dossier_id: str, clause_id: str, decision: str = Form(""), amount: str = Form(""),
        reason: str = Form(""),
    ):
        try:
            decide_clause(store, dossier_id, clause_id, decision, account_of(request).name, reason, amount)
            error = None
        except ReviewError as exc:
            error = str(exc)
        v = view_or_404(dossier_id)
        return render(request, "_assessment.html", 422 if error else 200, v=v, clause_error=error,
                      error_clause=clause_id, status_oob=True)

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

    return app


class ClaimTables:
    """A dossier page's claim tables, rendered once per claim set. They show nothing but the
    claim set (stored once, never changed), and most of a page's rendering is theirs; after a
    correction every reviewer with the dossier open loads the same new set."""

    def __init__(self, template, size: int = 256):
        self.template, self.size = template, size
        self.rendered: OrderedDict[tuple, Markup] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, v, doc) -> Markup:
        key = (v.row.id, v.claimset_id, None if doc is None else doc.sha)
        with self.lock:
            html = self.rendered.get(key)
        if html is None:
            html = Markup(self.template.render(v=v, doc=doc))
            if v.claimset_id is not None:
                with self.lock:
                    self.rendered[key] = html
                    while len(self.rendered) > self.size:
                        self.rendered.popitem(last=False)
        return html


def _archive_opinion(store: Store, dossier_id: str) -> None:
    # The confirmation stands even if the PDF cannot be made now; the download makes it then.
    try:
        archive_opinion(store, dossier_id)
    except Exception as exc:  # noqa: BLE001 - reported, never fatal to the decision
        logging.getLogger(__name__).error("审核意见 not archived for %s: %s", dossier_id, exc)


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
