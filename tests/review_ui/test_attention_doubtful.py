"""The claims the review app puts before a reviewer (review_ui.attention) are the claims
Claim.doubtful names — the rule the evaluation's calibration report counts — one rule, so the
figure says what a reviewer is actually sent."""
import itertools

from core.models import LOW_CONFIDENCE, Claim, ClaimSet, DocumentClaims, Flag
from review_ui.attention import attention, claim_row_id

FLAGS = {"none": [], "info": [Flag(code="qr_read", severity="info", message="QR read")],
         "warning": [Flag(code="sum_mismatch", message="items do not add up")]}
CLAIMS = [Claim(field="total_amount", value=f"{i}.00", confidence=conf, flags=FLAGS[flag], corrected=corrected)
          for i, (conf, flag, corrected) in enumerate(itertools.product(
              [0.3, LOW_CONFIDENCE - 0.01, LOW_CONFIDENCE, 0.99], FLAGS, [False, True]))]


def test_the_review_app_lists_exactly_the_doubtful_claims():
    doc = DocumentClaims(document="a" * 64, file_name="invoice.pdf", claims=CLAIMS)
    claims = ClaimSet(dossier_id="d", documents=[doc], facts=CLAIMS)
    listed = {item.target for item in attention(claims, None)}
    for i, claim in enumerate(CLAIMS):
        for target in (claim_row_id(doc.document, i), claim_row_id(None, i)):
            # a reviewer's corrected value that still fails a check is before a reviewer too
            assert (target in listed) == claim.doubtful, (target, claim)
