"""Each clause is a pure function of (claims, ledger, params) on its own, art10 included."""
from decimal import Decimal

from core.models import ClauseResult, Ledger, Status
from rules.art7 import level_of_claim, level_of_code
from rules.casebook import load_cases
from rules.clauses import REGISTRY
from rules.params import load_parameters

PARAMS = load_parameters()


def test_every_clause_function_runs_alone_and_names_its_clause():
    case = next(c for c in load_cases() if c.name.startswith("art10 three clauses"))
    for cid, fn in REGISTRY.items():
        r = fn(case.claims, Ledger(), PARAMS)
        assert isinstance(r, ClauseResult) and r.clause_id == cid
        assert r == fn(case.claims, Ledger(), PARAMS)  # pure: same input, same answer
    art10 = REGISTRY["art10"](case.claims, Ledger(), PARAMS)
    assert art10.status == Status.eligible and "art6.1" in art10.explanation
    # alone, art6.1 does not know about art10: it proposes its own full amount
    assert REGISTRY["art6.1"](case.claims, Ledger(), PARAMS).amount == Decimal("1500000.00")
    assert REGISTRY["art4.3"](case.claims, Ledger(), PARAMS).amount == Decimal("300000.00")


def test_standard_levels_by_code_family():
    assert [level_of_code(c) for c in ["ISO/IEC 30141:2018", "IEC 62443-3-3", "ITU-T Y.2060", "GB/T 23031-2023",
                                       "GB 5000-2020", "YD/T 3900-2021", "SJ/T 11000", "DB44/T 2300-2021",
                                       "DB4401/T 1-2018", "T/CAICT 1-2021", "Q/GZ 1-2021", "IEEE 802.1", ""]] == \
        ["international", "international", "international", "national", "national", "industry", "industry",
         "local", "local", "group", "enterprise", None, None]
    assert [level_of_claim(v) for v in ["国家标准", "行业", "local", "团体标准", "??"]] == ["national", "industry", "local", "group", None]
