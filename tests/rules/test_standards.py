"""art7.2 over every standard a dossier shows, on generated dossiers: notices listing several
codes, the same code in several documents, some led by the applicant and some not, standards
rewarded before, and earlier awards this year against the 1,000,000 cap."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Status
from rules.casebook import APPLICANT, build_case
from rules.engine import assess
from rules.standard_evidence import code_key

CAP = Decimal("1000000")
LEVELS = {"GB/T": Decimal("500000"), "YD/T": Decimal("300000"), "DB44/T": Decimal("100000"), "ISO": Decimal("1000000"), "T/CAICT": Decimal("0")}
CODES = [f"{p} {n}-2021" for p in LEVELS for n in (1, 2)]
LEAD = {"led": [APPLICANT["name"], "中国信息通信研究院"], "not": ["中国信息通信研究院", APPLICANT["name"]]}


def _amount(code: str) -> Decimal:
    return LEVELS[code.split(" ")[0]]


@st.composite
def dossiers(draw):
    led = {c: draw(st.sampled_from(["led", "not"])) for c in CODES}
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        rows = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True))
        docs.append({"type": "standard_notice", "standards": [
            {"code": c, "title": "工业互联网 平台 要求", "publish_date": "2021-03-01", "implement_date": "2021-06-01",
             "drafting_units": LEAD[led[c]]} for c in rows]})
    before = draw(st.lists(st.sampled_from(CODES), max_size=2, unique=True))
    used = draw(st.sampled_from([0, 300000, 800000, 1000000]))
    ledger = [{"clause": "art7.2", "year": 2020, "amount": 500000, "once_key": f"standard:{c}"} for c in before]
    ledger += [{"clause": "art7.2", "year": 2021, "amount": used, "standard_code": "GB/T 99-2020"}] if used else []
    case = build_case({"name": "generated", "clauses": ["art7.2"], "documents": docs, "ledger": ledger})
    shown = {r["code"] for d in docs for r in d["standards"]}
    return case, {c for c in shown if led[c] == "led"}, set(before), Decimal(used)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dossiers())
def test_each_led_standard_once_under_the_cap_and_never_again(generated):
    case, led, before, used = generated
    r = assess(case.claims, case.ledger).result("art7.2")
    payable = {c for c in led - before if _amount(c) > 0}
    recorded = [code_key(c) for c in r.standard_codes]
    assert len(recorded) == len(set(recorded))  # a standard in two documents counts once
    assert set(recorded) <= {code_key(c) for c in payable}  # only led, covered, not rewarded before
    assert r.amount <= max(CAP - used, Decimal("0"))
    if payable and used < CAP:
        assert r.status == Status.eligible
        assert r.amount == min(sum(_amount(c) for c in payable), CAP - used)
        assert r.amount <= sum(_amount(c) for c in r.standard_codes)
        for c in payable:  # each paid standard is said with its document and page
            assert c in r.explanation
    else:
        assert r.status == Status.not_eligible and r.amount == 0 and r.standard_codes == []
