"""A Hypothesis state machine over the dossier lifecycle (issue 9), on SQLite and PostgreSQL:
intake, correct, decide an open clause, confirm, send back, re-intake and audit, across two
applicants, three years and several dossiers each, through the same functions the review
app and the intake flow call. Claim sets are built in code (no OCR), so it is fast.

After every step: the ledger is the confirmed eligible awards minus reversals, and nothing
else; no annual cap is passed; no once-only award (art3, the same standard, alone or in a
notice of several) is granted twice; every ledger entry points at an assessment a confirmation named; the table only grows.
"""
from __future__ import annotations

import itertools
import os
import uuid
from collections import Counter, defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import event, func, select

from core.decisions import NO_MONEY, once_parts
from core.models import Assessment, Manifest, Status
from core.store import AssessmentRow, AwardRow, DecisionRow, DossierRow, Store
from flows.pipeline import audit_claims, reintake, settle
from review_ui.review import ReviewError, correct, decide, decide_clause
from rules.casebook import APPLICANT, build_case
from rules.params import load_parameters

PARAMS = load_parameters()
YEARS = (2021, 2022, 2023)
TOTALS = (40000, 100000, 213600, 300000, 450000)
STANDARDS = ("GB/T 39001-2021", "YD/T 3901-2021")
KINDS = ("cloud", "devices", "settlement", "standard", "standards")
STEPS = Counter()


def _documents(kind: str, year: int, total: int, invoice: str, standard: str) -> tuple[list[str], dict, list[dict]]:
    if kind == "cloud":
        return ["art4.2"], {"sme": True, "industrial_enterprise": True}, [
            {"type": "invoice", "clauses": ["art4.2"], "invoice_code": "044002", "invoice_number": invoice,
             "issue_date": f"{year}-03-15", "total_amount": total}]
    if kind == "devices":  # no onboarding costs: the ceiling waits for a reviewer
        return ["art4.1"], {"device_count": total // 4000}, []
    if kind == "settlement":
        return ["art3"], {"newly_settled": True, "service_provider": True, "settlement_date": "2020-06-01"}, [
            {"type": "capital_verification", "clauses": ["art3"], "paid_in_capital": 5000000, "verification_date": "2020-07-01"}]
    if kind == "standards":  # a notice of both, the lead of one in its row, of the other in its 前言
        return ["art7.2"], {}, [
            {"type": "standard_notice", "clauses": ["art7.2"], "standards": [
                {"code": c, "title": "工业互联网 设备接入要求", "publish_date": f"{year}-03-01", "implement_date": f"{year}-06-01",
                 "drafting_units": [] if c == standard else [APPLICANT["name"]]} for c in STANDARDS]},
            {"type": "standard_notice", "clauses": ["art7.2"], "standard_code": standard, "drafting_units": [APPLICANT["name"]]}]
    return ["art7.2"], {}, [
        {"type": "standard_notice", "clauses": ["art7.2"], "standard_code": standard, "standard_title": "工业互联网 设备接入要求",
         "publish_date": f"{year}-03-01", "implement_date": f"{year}-06-01", "applicant_is_lead": True}]


class Lifecycle(RuleBasedStateMachine):
    store: Store  # set by the test, one per backend

    def __init__(self):
        super().__init__()
        run = uuid.uuid4().hex[:8]
        self.codes = [f"9144{run}A{i}" for i in range(2)]
        self.run = run
        self.dossiers: dict[str, dict] = {}
        self.numbers = itertools.count(1)
        self.rows_seen = 0
        self.parsed: dict = {}

    # ------------------------------------------------------------------ helpers

    def _claims(self, d: str, spec: dict):
        clauses, facts, documents = _documents(spec["kind"], spec["year"], spec["total"], spec["invoice"], spec["standard"])
        raw = {"name": d, "dossier_id": d, "year": spec["year"], "clauses": clauses, "facts": facts,
               "documents": documents, "applicant": {"credit_code": spec["code"]}}
        return build_case(raw).claims

    def _open(self, d: str):
        latest = self.store.latest_assessment(d)
        return [r for r in latest[1].results if r.status in (Status.needs_judgement, Status.needs_evidence)] if latest else []

    # ------------------------------------------------------------------ rules

    @initialize()
    def count_run(self):
        STEPS["examples"] += 1

    @rule(applicant=st.integers(0, 1), year=st.sampled_from(YEARS), kind=st.sampled_from(KINDS),
          total=st.sampled_from(TOTALS), standard=st.sampled_from(STANDARDS))
    def intake(self, applicant, year, kind, total, standard):
        d = f"{self.run}-{len(self.dossiers)}"
        spec = {"code": self.codes[applicant], "year": year, "kind": kind, "total": total, "standard": standard,
                "invoice": f"{self.run}{next(self.numbers):04d}"}
        self.dossiers[d] = spec
        self.store.upsert_dossier(d, d, source=f"/in/{d}", manifest=Manifest(credit_code=spec["code"], year=year))
        settle(self.store, d, self._claims(d, spec), [], PARAMS, None)
        self.store.set_status(d, "in_review", credit_code=spec["code"], year=year)
        STEPS["intake"] += 1

    @precondition(lambda self: any(s["kind"] == "cloud" for s in self.dossiers.values()))
    @rule(data=st.data(), total=st.sampled_from(TOTALS))
    def correct_the_invoice(self, data, total):
        d = data.draw(st.sampled_from(sorted(k for k, s in self.dossiers.items() if s["kind"] == "cloud")))
        _, claims = self.store.latest_claimset(d)
        invoice = next(doc.document for doc in claims.documents if doc.doc_type.value == "invoice")
        correct(self.store, d, invoice, "total_amount", str(total), "审核员", "发票金额更正", from_form=False)
        STEPS["correct"] += 1

    @precondition(lambda self: bool(self.dossiers))
    @rule(data=st.data(), grant=st.booleans(), share=st.sampled_from((Decimal("1"), Decimal("0.5"), Decimal("0"))))
    def decide_an_open_clause(self, data, grant, share):
        d = data.draw(st.sampled_from(sorted(self.dossiers)))
        open_results = self._open(d)
        if not open_results:
            return
        r = open_results[0]
        amount = str((r.amount * share).quantize(Decimal("0.01")))
        decide_clause(self.store, d, r.clause_id, "grant" if grant else "reject", "审核员", "核对后决定", amount)
        STEPS["decide"] += 1

    @precondition(lambda self: bool(self.dossiers))
    @rule(data=st.data())
    def confirm(self, data):
        d = data.draw(st.sampled_from(sorted(self.dossiers)))
        try:
            decide(self.store, d, "confirm", "审批人", "同意")
            STEPS["confirmed"] += 1
            STEPS[f"confirmed {self.dossiers[d]['kind']}"] += 1
        except ReviewError:  # open clauses, a moved ledger (409), a once-only award already paid
            STEPS["confirm refused"] += 1

    @precondition(lambda self: bool(self.dossiers))
    @rule(data=st.data())
    def send_back(self, data):
        d = data.draw(st.sampled_from(sorted(self.dossiers)))
        decide(self.store, d, "send_back", "审核员", "缺材料")
        STEPS["send back"] += 1

    @precondition(lambda self: bool(self.dossiers))
    @rule(data=st.data(), total=st.sampled_from(TOTALS))
    def reintake(self, data, total):
        d = data.draw(st.sampled_from(sorted(self.dossiers)))
        spec = self.dossiers[d] = {**self.dossiers[d], "total": total}
        files = {"added": [], "removed": [], "changed": []}
        reintake(self.store, d, self._claims(d, spec), [], PARAMS, None, files)
        STEPS["re-intake"] += 1

    @precondition(lambda self: bool(self.dossiers))
    @rule(data=st.data())
    def audit(self, data):
        """An auditor re-runs a dossier on the same rule set, however much has happened since
        (other dossiers confirmed, sent back, re-taken in): the same answer, and nothing moved."""
        d = data.draw(st.sampled_from(sorted(self.dossiers)))
        with self.store.session() as s:
            rows = s.scalar(select(func.count()).select_from(AwardRow))
        status = self.store.dossier(d).status
        diff = audit_claims(self.store, d, self.store.extracted_claimset(d), PARAMS)
        assert not diff.changes and diff.new_total == diff.baseline_total, (d, diff.changes, diff.ledger_note)
        assert self.store.dossier(d).status == status
        with self.store.session() as s:
            assert s.scalar(select(func.count()).select_from(AwardRow)) == rows
        STEPS["audit"] += 1

    # ------------------------------------------------------------------ invariants

    def _confirmed(self, code: str) -> dict:
        """Dossier → the assessment its standing confirmation names (None if not confirmed),
        read in two queries; assessments never change, so they are parsed once."""
        mine = [d for d, spec in self.dossiers.items() if spec["code"] == code]
        with self.store.session() as s:
            status = dict(s.execute(select(DossierRow.id, DossierRow.status).where(DossierRow.id.in_(mine))).all())
            last = {}
            for d, a in s.execute(select(DecisionRow.dossier_id, DecisionRow.assessment_id)
                                  .where(DecisionRow.dossier_id.in_(mine), DecisionRow.action == "confirm")
                                  .order_by(DecisionRow.id)):
                last[d] = a
            out = {}
            for d in mine:
                a_id = last.get(d) if status.get(d) == "confirmed" else None
                if a_id is not None and a_id not in self.parsed:
                    self.parsed[a_id] = Assessment.model_validate_json(s.get(AssessmentRow, a_id).assessment_json)
                out[d] = self.parsed.get(a_id) if a_id is not None else None
            return out

    @invariant()
    def the_ledger_is_the_confirmed_awards_and_nothing_else(self):
        STEPS["steps"] += 1
        for code in self.codes:
            ledger = self.store.ledger(code)
            awards = {a.entry_id: a for a in ledger.awards if a.kind == "award"}
            reversed_ = Counter(a.reverses for a in ledger.awards if a.kind == "reversal")
            assert all(n == 1 and e in awards for e, n in reversed_.items()), "a reversal names no award, or one twice"
            for a in ledger.awards:
                if a.kind == "reversal":
                    assert a.amount == awards[a.reverses].amount
            net = sum((a.amount for a in awards.values()), Decimal(0)) - sum(
                (a.amount for a in ledger.awards if a.kind == "reversal"), Decimal(0))
            granted = ledger.granted()
            assert net == sum((a.amount for a in granted), Decimal(0))
            by_dossier = defaultdict(list)
            for a in granted:
                by_dossier[a.dossier_id].append((a.clause_id, a.amount))
            for d, assessment in self._confirmed(code).items():
                expected = [] if assessment is None else [
                    (r.clause_id, r.amount) for r in assessment.results
                    if r.status == Status.eligible and r.amount > 0 and r.clause_id not in NO_MONEY]
                assert sorted(by_dossier.pop(d, [])) == sorted(expected), d
            assert not by_dossier, f"awards of no confirmed dossier: {by_dossier}"

    @invariant()
    def no_cap_is_passed_and_no_once_only_award_is_paid_twice(self):
        for code in self.codes:
            granted = self.store.ledger(code).granted()
            per_year = defaultdict(Decimal)
            for a in granted:
                per_year[(a.clause_id, a.year)] += a.amount
            for (clause, year), paid in per_year.items():
                cap = PARAMS.clause(clause).annual_cap
                assert cap is None or paid <= cap.value, f"{clause} {year}: {paid} > {cap.value}"
            parts = Counter(p for a in granted if a.once_key for p in once_parts(a.once_key))
            assert all(n == 1 for n in parts.values()), f"once-only paid twice: {parts}"
            assert sum(1 for a in granted if a.clause_id == "art3") <= 1

    @invariant()
    def every_entry_points_at_a_confirmed_assessment_and_the_table_only_grows(self):
        with self.store.session() as s:
            rows = s.scalar(select(func.count()).select_from(AwardRow))
            assert rows >= self.rows_seen
            self.rows_seen = rows
            confirmed = {(d, a) for d, a in s.execute(select(DecisionRow.dossier_id, DecisionRow.assessment_id)
                                                         .where(DecisionRow.action == "confirm"))}
            for r in s.scalars(select(AwardRow).where(AwardRow.credit_code.in_(self.codes))):
                assert (r.dossier_id, int(r.assessment_id)) in confirmed
                assert s.get(AssessmentRow, int(r.assessment_id)).dossier_id == r.dossier_id


def _no_fsync(store: Store) -> None:
    """Commits without waiting for the disk, as the PostgreSQL fixture runs with fsync=off:
    the test is about what is committed, not about surviving a power cut."""
    if store.engine.dialect.name == "sqlite":
        event.listen(store.engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF"))
        store.engine.dispose()


def test_the_dossier_lifecycle_keeps_the_money_right(store_url):
    store = Store(store_url)
    _no_fsync(store)
    STEPS.clear()
    Lifecycle.store = store
    try:
        run_state_machine_as_test(Lifecycle, settings=settings(
            max_examples=int(os.environ.get("LIFECYCLE_EXAMPLES", "70")), stateful_step_count=30, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck)))
    finally:
        store.engine.dispose()
    print(f"\n{store_url.split(':')[0]}: {STEPS['steps']} steps over {STEPS['examples']} runs — {dict(STEPS)}")
    assert STEPS["steps"] >= 1000 and STEPS["confirmed"] and STEPS["re-intake"] and STEPS["decide"] and STEPS["audit"]
