"""Each clause is a pure function of (claims, ledger, params) on its own, art10 included."""
from decimal import Decimal

from core.models import Claim, ClauseResult, Ledger, Status
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


def test_odd_values_become_missing_evidence_not_crashes():
    from rules.casebook import build_case
    from rules.engine import assess

    case = build_case({"name": "odd", "clauses": ["art4.2", "art7.2"], "facts": {"sme": True, "industrial_enterprise": True},
                       "documents": [
                           {"type": "invoice", "clauses": ["art4.2"], "invoice_number": "1", "issue_date": "2021-03-01"},
                           {"type": "standard_notice", "standard_code": "GB/T 1-2021", "publish_date": "2021-02-01",
                            "implement_date": "2021-03-01", "applicant_is_lead": True},
                       ]})
    # a hand-written claim set may carry text where a number or date belongs
    inv = case.claims.documents[2]
    inv.claims.append(inv.claims[0].model_copy(update={"field": "total_amount", "value": "十二万"}))
    notice = case.claims.documents[3]
    notice.claims = [c if c.field != "implement_date" else Claim(field="implement_date", value="下月") for c in notice.claims]
    a = assess(case.claims)
    assert a.result("art4.2").status == Status.needs_evidence
    assert a.result("art7.2").status == Status.needs_evidence
