"""The case book (rules/cases/*.yaml): every case's expected status and amount per clause."""
from decimal import Decimal

import pytest

from core.models import Status
from rules.casebook import load_cases
from rules.engine import assess
from rules.params import load_parameters

CASES = load_cases()
PARAMS = load_parameters()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.source}:{c.name}" for c in CASES])
def test_case(case):
    a = assess(case.claims, case.ledger, PARAMS, today=case.today)
    for clause_id, want in case.expect.items():
        got = a.result(clause_id)
        assert got is not None, clause_id
        assert got.status == want.status, f"{clause_id}: {got.status.value} ≠ {want.status.value}\n{got.explanation}"
        if want.amount is not None:
            assert got.amount == Decimal(want.amount).quantize(Decimal("0.01")), f"{clause_id}: {got.amount}\n{got.explanation}"
        if got.status != Status.not_applied:
            assert got.explanation and got.citation
        if want.standard_codes is not None:
            assert got.standard_codes == want.standard_codes, f"{clause_id}: {got.standard_codes}\n{got.explanation}"
        for words in want.says:
            assert words in got.explanation, f"{clause_id}: «{words}» not said\n{got.explanation}"
        readings = {r.id: r for r in got.readings}
        for rid, want_r in want.readings.items():
            assert rid in readings, f"{clause_id}: reading {rid} not stated: {sorted(readings)}"
            for key, value in want_r.model_dump(exclude_none=True).items():
                assert getattr(readings[rid], key) == value, f"{clause_id} {rid}.{key}: {getattr(readings[rid], key)} ≠ {value}"
    if case.total is not None:
        assert a.total == Decimal(case.total).quantize(Decimal("0.01"))
    codes = {f.code for f in a.flags}
    for code in case.flags:
        assert code in codes, f"flag {code} not raised: {codes}"


def test_every_clause_is_covered_by_the_case_book():
    covered = {cid for c in CASES for cid in c.expect}
    assert covered >= set(PARAMS.clauses), set(PARAMS.clauses) - covered
