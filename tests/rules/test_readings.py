"""Every reading a result states can be switched by a reviewer, and the switch gives what the
result said it would: the reading taken becomes the alternative, decided by the reviewer, and
the clause's amount is the one stated under the alternative."""
from decimal import Decimal

import pytest

from core.models import Status
from rules.casebook import load_cases
from rules.engine import assess
from rules.inputs import with_choice
from rules.params import load_parameters

PARAMS = load_parameters()
CASES = load_cases()


def _stated(case):
    a = assess(case.claims, case.ledger, PARAMS, today=case.today)
    return a, [(r, reading) for r in a.results for reading in r.readings]


SWITCHES = [(case, r.clause_id, reading) for case in CASES for r, reading in _stated(case)[1]
            if reading.alternative and r.clause_id != "art10"]


def test_the_case_book_states_readings_of_every_kind():
    ids = {reading.id for _, _, reading in SWITCHES} | {x.id for c in CASES for r in _stated(c)[0].results for x in r.readings}
    assert {"art2.tax_statistics", "art2.promises_unread", "art3.once", "art3.settlement_date", "art4.2.unread_purchase",
            "art5.2.once", "art6.1.once", "art7.2.trigger", "window.outside", "window.uncertain", "art10.within_measure",
            "art10.ledger_mode", "invoice_amount_basis"} <= ids


@pytest.mark.parametrize("case,clause_id,reading", SWITCHES,
                         ids=[f"{c.name}:{cid}:{r.id}" for c, cid, r in SWITCHES])
def test_a_reviewer_choosing_the_other_reading_gets_what_was_stated(case, clause_id, reading):
    assert reading.decided_by in ("rule", "reviewer") and reading.question and reading.taken != reading.alternative
    assert reading.amount_under_alternative is not None
    switched = assess(with_choice(case.claims, reading.id, reading.alternative), case.ledger, PARAMS, today=case.today)
    got = switched.result(clause_id)
    now = {x.id: x for x in got.readings}[reading.id]
    assert (now.taken, now.decided_by, now.alternative) == (reading.alternative, "reviewer", reading.taken)
    gate_open = switched.result("art2").status == Status.eligible
    art10_kept = not any(c.source == "art10" for c in got.caps)
    if clause_id != "art2" and gate_open and art10_kept:
        assert got.amount == Decimal(reading.amount_under_alternative), got.explanation
        assert reading.status_under_alternative in (None, got.status)
