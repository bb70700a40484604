"""The review app's side of issue 9, over HTTP: open clauses decided with a reason before
confirming, a confirmation refused with 409 and the difference shown when the ledger moved
under the reviewer, and the cross-checks run again after every correction."""
from __future__ import annotations

import re
from decimal import Decimal

from core.models import Award
from review_ui.review import field_version
from tests.review_ui.conftest import CREDIT_CODE


def _correct(client, sample, field: str, value, document: str | None = None, **extra):
    version = field_version(sample.store, sample.dossier_id, document, field)
    return client.post(f"/api/dossiers/{sample.dossier_id}/corrections",
                       json={"document": document, "field": field, "value": value, "version": version, **extra})


def _decide(client, sample, clause: str, **form):
    return client.post(f"/dossiers/{sample.dossier_id}/clauses/{clause}/decision", data=form)


def test_open_clauses_are_decided_with_a_reason_before_confirming(client, approver, sample):
    url = f"/dossiers/{sample.dossier_id}/decision"
    # SME status cleared: art4.2 now waits for evidence, its 50,000 only provisional.
    r = _correct(client, sample, "sme", None, reason="声明存疑")
    assert r.status_code == 200 and sample.store.latest_assessment(sample.dossier_id)[1].result("art4.2").status.value == "needs_evidence"
    page = client.get(f"/dossiers/{sample.dossier_id}").text
    assert 'id="undecided"' in page and 'class="clause-decision"' in page
    r = approver.post(url, data={"action": "confirm"})
    assert r.status_code == 422 and "art4.2" in r.text and "decide every clause" in r.text
    assert sample.store.ledger(CREDIT_CODE).awards == []  # the old app wrote the provisional 50,000 here

    assert _decide(client, sample, "art4.2", decision="grant", amount="30000").status_code == 422  # no reason
    assert _decide(client, sample, "art4.2", decision="maybe", reason="x").status_code == 422
    r = _decide(client, sample, "art4.2", decision="grant", amount="30000", reason="中小企业证明已补交，按核定费用")
    assert r.status_code == 200 and "审核决定" in r.text and "¥30,000.00" in r.text
    assessment = sample.store.latest_assessment(sample.dossier_id)[1]
    assert (assessment.result("art4.2").status.value, assessment.total) == ("eligible", Decimal("30000.00"))
    assert approver.post(url, data={"action": "confirm"}).status_code == 200
    assert [(a.clause_id, a.amount) for a in sample.store.ledger(CREDIT_CODE).granted()] == [("art4.2", Decimal("30000.00"))]
    log = client.get(f"/dossiers/{sample.dossier_id}/log").text
    assert 'class="log-clause_decision"' in log and "中小企业证明已补交" in log


def test_a_grant_cannot_exceed_the_ceiling(client, sample):
    _decide(client, sample, "art2", decision="reject", reason="承诺书未含四项承诺")
    assert sample.store.latest_assessment(sample.dossier_id)[1].total == 0  # the gate rejected: nothing pays
    _decide(client, sample, "art2", decision="grant", reason="补交后核对无误")
    r = client.post(f"/api/dossiers/{sample.dossier_id}/clauses/art4.2/decision",
                    json={"decision": "grant", "amount": "60000", "reason": "多给"})
    assert r.status_code == 422 and "ceiling" in r.json()["detail"]


def test_confirming_after_the_ledger_moved_is_409_with_the_difference(client, approver, sample):
    _decide(client, sample, "art2", decision="grant", reason="承诺书四项承诺已核对")
    seen = sample.store.latest_assessment(sample.dossier_id)[0]
    # Meanwhile another dossier of the applicant was confirmed: 160,000 of the 200,000 cap.
    sample.store.add_award(Award(credit_code=CREDIT_CODE, clause_id="art4.2", year=2021, amount=Decimal("160000"), dossier_id="other"))
    r = approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm", "assessment_id": str(seen)})
    assert r.status_code == 409
    assert 'id="confirm-changes"' in r.text and "50,000.00" in r.text and "40,000.00" in r.text
    assert 'id="assessment"' in r.text and "hx-swap-oob" in r.text  # the fresh figures replace the panel
    assert sample.store.decisions(sample.dossier_id) == []
    fresh = int(re.search(r'name="assessment_id" value="(\d+)"', r.text)[1])
    assert fresh != seen
    r = approver.post(f"/api/dossiers/{sample.dossier_id}/decisions", json={"action": "confirm", "assessment_id": seen})
    assert r.status_code == 409 and r.json()["changes"][0]["amount_now"] == "40000.00"
    assert approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm", "assessment_id": str(fresh)}).status_code == 200
    assert sample.store.ledger(CREDIT_CODE).paid(CREDIT_CODE, {"art4.2"}, 2021) == Decimal("200000.00")


def test_cross_checks_run_again_after_a_correction(client, sample):
    for field, value in (("amount_excl_tax", "88495.58"), ("tax_amount", "11504.42"), ("total_amount_words", "100000")):
        r = _correct(client, sample, field, value, sample.invoice, value_type="money")
        assert r.status_code == 200, r.text
    invoice = lambda: next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == sample.invoice)  # noqa: E731
    assert invoice().flags == []  # 88,495.58 + 11,504.42 = 100,000.00 and the words agree
    r = _correct(client, sample, "total_amount", "120000", sample.invoice)
    assert r.status_code == 200
    total = invoice().get("total_amount")
    assert {f.code for f in total.flags} == {"sum_mismatch", "words_figures"}
    page = client.get(f"/dossiers/{sample.dossier_id}").text
    assert "sum_mismatch" in page and "words_figures" in page
    # Corrected back: the flags go with the mismatch.
    assert _correct(client, sample, "total_amount", "100000", sample.invoice).status_code == 200
    assert invoice().get("total_amount").flags == [] and invoice().flags == []
