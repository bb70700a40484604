"""An audit re-runs a dossier on the inputs its assessment had: the reviewers' corrections and
clause decisions, and the applicant's ledger as it stood then. Awards confirmed since for the
applicant's other dossiers are not a change in the rules, and must not show up as one."""
from __future__ import annotations

from core.models import Manifest
from core.store import Store
from flows.pipeline import audit_claims, settle
from review_ui.review import decide, decide_clause
from rules.casebook import build_case
from rules.params import load_parameters
from tests.core.conftest import postgres_url, store_url  # noqa: F401  (fixtures)

PARAMS = load_parameters()
CODE = "91440101MA5AUDIT01"


def _cloud_dossier(store: Store, d: str, total: int, invoice: str) -> None:
    claims = build_case({
        "name": d, "dossier_id": d, "year": 2022, "clauses": ["art4.2"],
        "facts": {"sme": True, "industrial_enterprise": True}, "applicant": {"credit_code": CODE},
        "documents": [{"type": "invoice", "clauses": ["art4.2"], "invoice_code": "044002", "invoice_number": invoice,
                       "issue_date": "2022-03-15", "total_amount": total}],
    }).claims
    store.upsert_dossier(d, d, source=f"/in/{d}", manifest=Manifest(credit_code=CODE, year=2022))
    settle(store, d, claims, [], PARAMS, None)
    store.set_status(d, "in_review", credit_code=CODE, year=2022)


def test_an_audit_reads_the_ledger_as_the_assessment_saw_it(store_url):
    store = Store(store_url)
    _cloud_dossier(store, "first", 300000, "00000001")
    assert store.latest_assessment("first")[1].result("art4.2").amount == 150000
    # Later the applicant's second dossier of the same year takes the whole annual cap.
    _cloud_dossier(store, "second", 400000, "00000002")
    decide_clause(store, "second", "art4.2", "grant", "审核员", "发票在政策有效期内", "200000.00")
    decide(store, "second", "confirm", "审批人", "同意")
    assert sum(a.amount for a in store.ledger(CODE).granted()) == 200000

    diff = audit_claims(store, "first", store.extracted_claimset("first"), PARAMS)
    assert diff.changes == [] and diff.new_total == diff.baseline_total
    assert "as the baseline saw it" in diff.ledger_note
    # Against today's ledger the same claims would get nothing: that is the confirmation's
    # business (it re-assesses and answers 409), not an audit finding about the rules.
    assert store.ledger(CODE, exclude_dossier="first").through > store.latest_assessment("first")[1].ledger_through
    store.engine.dispose()
