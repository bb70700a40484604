"""The cross-checks again after a reviewer's correction: a total edited to disagree with
金额 + 税额, or with the 大写 words, is flagged beside the value just as a misread one is.

Flags a check raises are dropped from the documents first (a correction may have fixed
them), then extract.crosscheck's own checks run on the corrected claim set."""
from __future__ import annotations

from datetime import date

from core.models import ClaimSet, Document
from extract.crosscheck import check_buyer, check_window, document_checks

# Codes the re-run checks raise; other flags (duplicates, classification, ...) stay as they were.
RECHECKED = {"sum_mismatch", "words_figures", "check_digit", "qr_mismatch", "buyer_not_applicant", "outside_window",
             "seal_name_disagrees", "seal_tax_id_disagrees", "name_cut"}


def recheck(claims: ClaimSet, documents: dict[str, Document], window: tuple[date, date] | None = None,
            *, copy: bool = True) -> ClaimSet:
    """A copy of `claims` with the per-document and applicant/window checks run again;
    `documents` (sha256 → read document) lets the QR check compare against the page.
    copy=False checks `claims` itself (a claim set the caller just built and owns)."""
    out = claims.model_copy(deep=True) if copy else claims
    for dc in out.documents:
        dc.flags = [f for f in dc.flags if f.code not in RECHECKED]
        for c in dc.claims:
            c.flags = [f for f in c.flags if f.code not in RECHECKED]
        document_checks(dc, documents.get(dc.document))
        check_buyer(dc, out.applicant)
        check_window(dc, window)
    return out
