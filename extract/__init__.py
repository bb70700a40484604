"""pages → claims: classify a Document, read its fields with evidence, check them.

Public API:
    extract_document(doc) -> DocumentClaims
    build_claimset(dossier_id, documents, manifest=None, *, window=None, seen_invoices=None) -> ClaimSet
"""
from __future__ import annotations

from typing import Callable

from core.models import Claim, DocType, Document, DocumentClaims, FileStatus, Flag

EXTRACTORS: dict[DocType, Callable[[Document], list[Claim]]] = {}


def _extractors() -> dict[DocType, Callable[[Document], list[Claim]]]:
    if not EXTRACTORS:
        from extract.fields.capital import extract_capital
        from extract.fields.commitment import extract_commitment
        from extract.fields.contract import extract_contract
        from extract.fields.licence import extract_licence
        from extract.fields.receipt import extract_receipt
        from extract.fields.standard_notice import extract_standard_notice

        EXTRACTORS.update({
            DocType.contract: extract_contract,
            DocType.standard_notice: extract_standard_notice,
            DocType.business_licence: extract_licence,
            DocType.commitment_letter: extract_commitment,
            DocType.capital_verification: extract_capital,
            DocType.receipt: extract_receipt,
        })
    return EXTRACTORS


def extract_document(doc: Document, *, applicant_name: str | None = None) -> DocumentClaims:
    """Classify and extract one document. Never raises: a file that could not be read, or
    whose extraction failed, comes back with `error` set and doc_type other.

    `applicant_name` picks the applicant's standard when a notice publishes several."""
    from extract.claimset import clauses_for
    from extract.classify import classify
    from extract.crosscheck import document_checks
    from extract.fields.invoice import extract_invoice

    dc = DocumentClaims(document=doc.sha256, file_name=doc.original_name)
    if doc.status != FileStatus.ok:
        dc.error = doc.error or f"file status {doc.status.value}"
        return dc
    try:
        kind = classify(doc)
        dc.doc_type, dc.subtype = kind.doc_type, kind.subtype
        dc.doc_type_confidence, dc.doc_type_evidence = kind.confidence, kind.evidence
        if kind.doc_type == DocType.invoice:
            dc.claims = extract_invoice(doc, kind.subtype, kind.evidence)
        elif kind.doc_type == DocType.standard_notice:
            from extract.fields.standard_notice import extract_standard_notice

            dc.claims = extract_standard_notice(doc, applicant_name)
        elif kind.doc_type in _extractors():
            dc.claims = _extractors()[kind.doc_type](doc)
        if kind.doc_type == DocType.other and any(p.lines or p.tags for p in doc.pages):
            # not one of the kinds the rules read: a reviewer says whether it is one misread
            dc.flags.append(Flag(code="unclassified", message="not recognised as any supported kind of document; nothing read from it"))
        document_checks(dc, doc)
        dc.clauses = clauses_for(dc)
    except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the dossier
        return DocumentClaims(
            document=doc.sha256, file_name=doc.original_name, error=f"extraction failed: {type(exc).__name__}: {exc}"
        )
    return dc


from extract.claimset import build_claimset  # noqa: E402  (after extract_document, which it calls)

__all__ = ["extract_document", "build_claimset"]
