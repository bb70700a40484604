"""A reviewer's grant of the art2 gate settles the clauses that waited only on it, through the
structured link the engine puts on each gated result (`blocked_by`, `own_status`), never by
reading the wording of its reasons."""
from __future__ import annotations

from decimal import Decimal

from core.decisions import apply_decisions, undecided
from core.models import Assessment, ClauseDecision, Status
from rules.casebook import build_case
from rules.engine import assess

INVOICE = {"type": "invoice", "clauses": ["art4.2"], "invoice_number": "1", "issue_date": "2021-03-01", "total_amount": 100000}
FOOD = {"type": "standard_notice", "standard_code": "GB 2760-2021", "standard_title": "食品安全国家标准 食品添加剂使用标准",
        "publish_date": "2021-03-01", "implement_date": "2021-07-01", "applicant_is_lead": True}
GRANT_GATE = ClauseDecision(clause_id="art2", decision="grant", reason="执照为申请人旧证，已核对", reviewer="张三")


def _assessment(gate: dict, documents: list[dict], clauses: list[str]) -> Assessment:
    raw = {"name": "gate", "clauses": clauses, "gate": gate, "facts": {"sme": True, "industrial_enterprise": True},
           "documents": documents}
    return assess(build_case(raw).claims)


def _reworded(a: Assessment) -> Assessment:
    """The same assessment with every reason and explanation said in other words, as a later
    change of wording (or a translation) would say them."""
    results = [r.model_copy(update={"reasons": [f"reason {i}" for i, _ in enumerate(r.reasons)], "explanation": "reworded"})
               for r in a.results]
    return a.model_copy(update={"results": results})


def test_the_engine_links_a_clause_held_by_the_gate():
    a = _assessment({"licence_credit_code": "91440101OTHER0001X"}, [INVOICE, FOOD], ["art4.2", "art7.2"])
    assert a.result("art2").status == Status.needs_judgement
    cloud, standard = a.result("art4.2"), a.result("art7.2")
    assert (cloud.status, cloud.blocked_by, cloud.own_status) == (Status.needs_judgement, "art2", Status.eligible)
    assert (standard.status, standard.blocked_by, standard.own_status) == (Status.needs_judgement, "art2", Status.needs_judgement)


def test_granting_the_gate_settles_only_what_waited_on_it_whatever_the_wording():
    """The old settling read the reasons: it needed the first to start with "第二条：" and no
    other to contain "待评审". Reworded, the clause held only by the gate stayed open."""
    a = _reworded(_assessment({"licence_credit_code": "91440101OTHER0001X"}, [INVOICE, FOOD], ["art4.2", "art7.2"]))
    settled = apply_decisions(a, [GRANT_GATE])
    assert settled.result("art2").status == Status.eligible
    assert (settled.result("art4.2").status, settled.result("art4.2").amount) == (Status.eligible, Decimal("50000.00"))
    assert settled.result("art4.2").blocked_by is None
    # art7.2 has its own question (is a food-additive standard an industrial-internet one?)
    assert settled.result("art7.2").status == Status.needs_judgement
    assert [r.clause_id for r in undecided(settled)] == ["art7.2"]
    assert settled.total == Decimal("50000.00")


def test_granting_a_gate_waiting_for_papers_settles_the_clauses_it_held():
    """Missing papers hold every clause at needs_evidence; once the reviewer grants art2 the
    clause stands as computed (the old text match only ever settled needs_judgement)."""
    a = _assessment({"licence": False}, [INVOICE], ["art4.2"])
    assert (a.result("art2").status, a.result("art4.2").status) == (Status.needs_evidence, Status.needs_evidence)
    settled = apply_decisions(a, [GRANT_GATE])
    assert (settled.result("art4.2").status, settled.result("art4.2").amount) == (Status.eligible, Decimal("50000.00"))
    assert undecided(settled) == []


def test_a_gate_that_fails_holds_nothing_and_a_grant_of_it_has_no_effect():
    a = _assessment({"address": "广州市天河区天河路 1 号"}, [INVOICE], ["art4.2"])
    assert a.result("art2").status == Status.not_eligible
    assert (a.result("art4.2").status, a.result("art4.2").blocked_by) == (Status.not_eligible, None)
    settled = apply_decisions(a, [GRANT_GATE])
    assert settled.result("art4.2").status == Status.not_eligible and settled.total == 0


def test_a_clause_decision_still_applies_after_the_gate_settles_it():
    a = _assessment({"licence_credit_code": "91440101OTHER0001X"}, [INVOICE], ["art4.2"])
    lower = ClauseDecision(clause_id="art4.2", decision="grant", amount=Decimal("30000"), reason="部分费用不属软件", reviewer="张三")
    settled = apply_decisions(a, [GRANT_GATE, lower])
    assert (settled.result("art4.2").status, settled.result("art4.2").amount) == (Status.eligible, Decimal("30000"))
