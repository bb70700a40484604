"""What a reviewer should look at first: failed cross-checks, low-confidence readings,
missing evidence and clauses waiting for judgement, each pointing at where it is shown."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from core.models import Assessment, ClaimSet, Status

Kind = Literal["flag", "low_confidence", "missing", "judgement"]
KINDS: dict[str, str] = {
    "flag": "交叉核对未通过 failed cross-checks",
    "low_confidence": "低置信度 low confidence",
    "missing": "缺少依据 missing evidence",
    "judgement": "待判断条款 waiting for judgement",
}


class Item(BaseModel):
    kind: Kind
    target: str  # the id of the row or clause on the dossier page
    label: str
    detail: str = ""


def claim_row_id(document: str | None, index: int) -> str:
    return f"fact-{index}" if document is None else f"c-{document[:12]}-{index}"


def _clause_anchor(clause_id: str) -> str:
    return "clause-" + clause_id.replace(".", "-")


def attention(claims: ClaimSet | None, assessment: Assessment | None) -> list[Item]:
    """In page order: each document's flagged and doubtful readings, the facts', then the clauses."""
    items: list[Item] = []
    if claims is not None:
        for f in claims.flags:
            if f.severity != "info":
                items.append(Item(kind="flag", target="facts", label=f.code, detail=f.message))
        tables = [(d.document, d.file_name, d.claims, d.flags) for d in claims.documents]
        tables.append((None, "案卷事实 facts", claims.facts, []))
        for document, name, rows, doc_flags in tables:
            for f in doc_flags:
                if f.severity != "info":
                    items.append(Item(kind="flag", target=f"doc-{document[:12]}", label=f"{name} · {f.code}", detail=f.message))
            # a claim is listed by Claim.doubtful, the rule the evaluation's calibration counts
            for i, claim in enumerate(rows):
                if not claim.doubtful:
                    continue
                target = claim_row_id(document, i)
                for f in claim.warnings:
                    items.append(Item(kind="flag", target=target, label=f"{name} · {claim.field} · {f.code}",
                                      detail=f.message))
                if claim.low:
                    items.append(Item(kind="low_confidence", target=target, label=f"{name} · {claim.field}",
                                      detail=f"{100 * claim.confidence:.0f}%"))
    if assessment is not None:
        for f in assessment.flags:
            if f.severity != "info":
                items.append(Item(kind="flag", target="assessment", label=f.code, detail=f.message))
        for r in assessment.results:
            for m in r.missing:
                items.append(Item(kind="missing", target=_clause_anchor(r.clause_id), label=f"{r.clause_id} · {m}"))
            if r.status == Status.needs_judgement:
                items.append(Item(kind="judgement", target=_clause_anchor(r.clause_id), label=f"{r.clause_id} {r.title}",
                                  detail="；".join(r.reasons)))
    return items


def counts(items: list[Item]) -> dict[str, int]:
    return {k: sum(1 for i in items if i.kind == k) for k in KINDS}
