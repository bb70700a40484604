"""What the pages show, gathered from the store into plain view models.

Boxes are placed in percent of the page's own width/height, so they sit on the rendered
image whatever size the browser draws it at and whatever resolution it was rendered at.
"""
from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from core.models import Assessment, Claim, ClaimSet, Document, DocumentClaims, Evidence, EvidenceKind, Page
from core.store import DecisionRow, DossierRow, Store
from review_ui.attention import Item, attention, claim_row_id, counts
from review_ui.documents import dossier_documents
from review_ui.review import is_current, latest_assessment_row

STATUSES = {
    "received": "已接收 received",
    "extracted": "已提取 extracted",
    "assessed": "已评估 assessed",
    "in_review": "审核中 in review",
    "confirmed": "已确认 confirmed",
    "sent_back": "已退回 sent back",
    "error": "出错 error",
}


class View(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)


def field_colour(field: str) -> str:
    """One stable hue per field name, so a box and its claim row share a colour."""
    return f"hsl({zlib.crc32(field.encode()) % 360}, 75%, 42%)"


def evidence_target(ev: Evidence, fallback_document: str | None = None) -> dict[str, str] | None:
    """data-* attributes that let a click on this evidence jump to its box on the page."""
    doc = ev.document or fallback_document
    if ev.kind != EvidenceKind.document or not doc or not ev.page:
        return None
    attrs = {"data-doc": doc, "data-page": str(ev.page)}
    if ev.box:
        attrs["data-box"] = f"{ev.box.x0},{ev.box.y0},{ev.box.x1},{ev.box.y1}"
    return attrs


class BoxView(View):
    left: float
    top: float
    width: float
    height: float
    colour: str
    target: str  # the claim row's element id
    label: str


class PageView(View):
    document: str
    number: int
    width: float
    height: float
    image_url: str | None
    source: str
    boxes: list[BoxView] = []
    page: Page

    @property
    def anchor(self) -> str:
        return f"p-{self.document[:12]}-{self.number}"


class DocView(View):
    sha: str
    file_name: str
    media_type: str = ""
    error: str | None = None
    pages: list[PageView] = []
    claims: DocumentClaims | None = None


class DossierSummary(View):
    id: str
    name: str
    applicant: str
    status: str
    total: Decimal | None
    received_at: dt.datetime
    attention: dict[str, int] = {}
    assignee: str | None = None

    @property
    def needs_attention(self) -> int:
        return sum(self.attention.values())


class DossierView(View):
    row: DossierRow
    documents: list[DocView]
    claims: ClaimSet | None
    assessment: Assessment | None
    assessment_id: int | None
    assessment_at: dt.datetime | None
    assessment_current: bool
    decisions: list[DecisionRow]
    corrections: int
    last_corrector: str | None = None  # who made the last correction (the two-person rule)
    versions: dict[tuple[str | None, str], int] = {}
    claimset_id: int | None = None
    attention: list[Item] = []
    assignee: str | None = None

    def version(self, document: str | None, field: str) -> int:
        """The version an edit of this value is made on (see review.field_version)."""
        return self.versions.get((document or None, field), 0)


def dossier_list(store: Store, status: str | None = None) -> list[DossierSummary]:
    out = []
    for row in store.dossiers():
        if status and row.status != status:
            continue
        latest = store.latest_assessment(row.id)
        latest_claims = store.latest_claimset(row.id)
        claims = latest_claims[1] if latest_claims else None
        applicant = row.applicant_name or (claims.applicant.name if claims else None)
        out.append(
            DossierSummary(
                id=row.id,
                name=row.name,
                applicant=applicant or "—",
                status=row.status,
                total=latest[1].total if latest else None,
                received_at=row.received_at,
                attention=counts(attention(claims, latest[1] if latest else None)),
            )
        )
    return out


def _box_on(page: Page, claim: Claim, ev: Evidence, target: str) -> BoxView | None:
    if ev.box is None or page.width <= 0 or page.height <= 0:
        return None
    b = ev.box
    return BoxView(
        left=100 * b.x0 / page.width,
        top=100 * b.y0 / page.height,
        width=100 * b.width / page.width,
        height=100 * b.height / page.height,
        colour=field_colour(claim.field),
        target=target,
        label=f"{claim.field}: {ev.text}",
    )


def _page_views(doc: Document) -> dict[int, PageView]:
    return {
        p.number: PageView(
            document=doc.sha256,
            number=p.number,
            width=p.width,
            height=p.height,
            image_url=f"/pages/{doc.sha256}/{p.number}" if p.image else None,
            source=p.source.label,
            page=p,
        )
        for p in doc.pages
    }


def _place_boxes(pages: dict[tuple[str, int], PageView], claims: list[Claim], document: str | None) -> None:
    for i, claim in enumerate(claims):
        for ev in claim.evidence:
            doc = ev.document or document
            if ev.kind != EvidenceKind.document or not doc or not ev.page:
                continue
            view = pages.get((doc, ev.page))
            box = _box_on(view.page, claim, ev, claim_row_id(document, i)) if view else None
            if box:
                view.boxes.append(box)


def dossier_view(store: Store, dossier_id: str, pages: bool = True) -> DossierView | None:
    """Everything the dossier page shows; pages=False leaves out the page images and their
    boxes (a fragment answering a correction shows none)."""
    row = store.dossier(dossier_id)
    if row is None:
        return None
    latest_claims = store.latest_claimset(dossier_id)
    claims = latest_claims[1] if latest_claims else None
    claimset_id = latest_claims[0] if latest_claims else None
    latest_row = latest_assessment_row(store, dossier_id)
    latest = Assessment.model_validate_json(latest_row.assessment_json) if latest_row else None
    log = store.corrections(dossier_id)
    versions = [((c.document, c.field), c.id) for c in log]

    page_views: dict[tuple[str, int], PageView] = {}
    docs: dict[str, DocView] = {}
    for doc in dossier_documents(store, dossier_id) if pages else []:
        views = _page_views(doc)
        page_views.update({(doc.sha256, n): v for n, v in views.items()})
        docs[doc.sha256] = DocView(
            sha=doc.sha256, file_name=doc.original_name, media_type=doc.media_type, error=doc.error,
            pages=list(views.values()),
        )
    ordered: list[DocView] = []
    if claims:
        for dc in claims.documents:
            view = docs.pop(dc.document, None) or DocView(sha=dc.document, file_name=dc.file_name, error=dc.error)
            view.claims = dc
            ordered.append(view)
            _place_boxes(page_views, dc.claims, dc.document)
        _place_boxes(page_views, claims.facts, None)
    ordered.extend(docs.values())

    return DossierView(
        row=row,
        documents=ordered,
        claims=claims,
        assessment=latest,
        assessment_id=latest_row.id if latest_row else None,
        assessment_at=latest_row.created_at if latest_row else None,
        assessment_current=is_current(latest_row, claimset_id),
        decisions=store.decisions(dossier_id),
        corrections=len(versions),
        last_corrector=log[-1].reviewer if log else None,
        versions={k: c for k, c in versions},
        claimset_id=claimset_id,
        attention=attention(claims, latest),
    )
