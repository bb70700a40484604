"""Parameters: versioned, hashed, loadable by version or path; the window they imply."""
import datetime as dt
from decimal import Decimal

import pytest
import yaml

from core.facts import FACTS
from core.models import Status
from rules.casebook import build_case
from rules.engine import assess
from rules.params import DEFAULT_FILE, ParametersError, code_change, load_parameters


def _variant(tmp_path, **changes):
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = data
        *path, last = dotted.split("/")
        for k in path:
            node = node[k]
        node[last] = value
    path = tmp_path / "pinned.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_value_names_its_clause_phrase_and_validity():
    p = load_parameters()
    assert set(p.clauses) == {"art2", "art3", "art4.1", "art4.2", "art4.3", "art5.1", "art5.2", "art6.1", "art6.2",
                              "art6.3", "art7.1", "art7.2", "art8", "art9", "art10"}
    for cid, cp in p.clauses.items():
        values = [v for v in (cp.rate, cp.per_unit, cp.annual_cap, cp.cumulative_cap, cp.award_cap) if v]
        values += list(cp.tiers) + list(cp.levels.values())
        for v in values:
            assert v.clause == cid and v.phrase and v.valid.from_ <= v.valid.until
        assert cp.citation and cp.title_zh
    assert p.publication.source and p.publication.status in ("official", "assumed")


def test_load_by_version_and_the_version_carries_a_content_hash(tmp_path):
    p = load_parameters()
    assert load_parameters(p.version) == p
    assert load_parameters(f"hp-ii-2019-9/{p.version}") == p
    assert load_parameters(p.rule_set_version) == p
    assert load_parameters(p.parameters_version) == p
    with pytest.raises(ParametersError):
        load_parameters(f"hp-ii-2019-9/{p.version}+deadbeef")
    edited = load_parameters(_variant(tmp_path, **{"clauses/art4.2/rate/value": 0.4}))
    assert edited.version == p.version and edited.rule_set_version != p.rule_set_version


def test_the_stamp_names_parameters_and_rule_code_and_old_stamps_still_load():
    p = load_parameters()
    params_part, code_part = p.rule_set_version.split(" code ")
    assert params_part == p.parameters_version and code_part == p.code_version
    assert code_part.startswith("0.1.0+") and len(code_part.split("+")[1]) == 8
    # Stamps made before the code hash existed, with the 1.0.0 parameters, load unchanged.
    old = load_parameters("hp-ii-2019-9/1.0.0+670b613a")
    assert old.parameters_version == "hp-ii-2019-9/1.0.0+670b613a" and old.version == "1.0.0"
    assert old.code_note is None
    # A stamp whose code hash is not the running code's is re-run, and the assessment says so.
    pinned = load_parameters("hp-ii-2019-9/1.0.0+670b613a code 0.1.0+00000000")
    case = build_case({"name": "x", "clauses": ["art4.2"], "facts": {"sme": True, "industrial_enterprise": True},
                       "documents": [{"type": "invoice", "clauses": ["art4.2"], "invoice_number": "1", "issue_date": "2021-03-01",
                                      "total_amount": 1000}]})
    a = assess(case.claims, None, pinned)
    assert a.rule_set_version.startswith("hp-ii-2019-9/1.0.0+670b613a code ")
    assert "rule_code_changed" in {f.code for f in a.flags}
    assert any("0.1.0+00000000" in n and code_part.split("+")[0] in n for n in a.notes)
    same = assess(case.claims, None, load_parameters(a.rule_set_version))
    assert "rule_code_changed" not in {f.code for f in same.flags}


def test_a_pinned_older_file_gives_the_old_answer(tmp_path):
    case = build_case({"name": "x", "clauses": ["art4.2"], "facts": {"sme": True, "industrial_enterprise": True},
                       "documents": [{"type": "invoice", "clauses": ["art4.2"], "invoice_number": "1", "issue_date": "2021-03-01",
                                      "total_amount": 106000, "amount_excl_tax": 100000, "tax_amount": 6000}]})
    now = assess(case.claims, None, load_parameters())
    old = load_parameters(_variant(tmp_path, version="0.9.0", **{"invoice_amount_basis/value": "amount_excl_tax"}))
    then = assess(case.claims, None, old)
    assert now.result("art4.2").amount == Decimal("53000.00")
    assert then.result("art4.2").amount == Decimal("50000.00")
    assert then.rule_set_version.startswith("hp-ii-2019-9/0.9.0+") and then.parameters_source.endswith("pinned.yaml")


def test_an_official_publication_date_narrows_the_window(tmp_path):
    p = load_parameters(_variant(tmp_path, **{"publication/date": "2019-05-01", "publication/status": "official",
                                              "publication/earliest": "2019-05-01", "publication/latest": "2019-05-01"}))
    assert p.window == (dt.date(2019, 5, 1), dt.date(2022, 4, 30)) == p.outer_window
    assert [p.in_window(dt.date(*d)) for d in ((2019, 4, 30), (2019, 5, 1), (2022, 4, 30), (2022, 5, 1))] == \
        ["outside", "inside", "inside", "outside"]
    assert p.assumption_note is None
    case = build_case({"name": "x", "year": 2022, "clauses": ["art4.2"], "facts": {"sme": True, "industrial_enterprise": True},
                       "documents": [{"type": "invoice", "clauses": ["art4.2"], "invoice_number": "1", "issue_date": "2022-04-30", "total_amount": 1000}]})
    a = assess(case.claims, None, p)
    assert a.result("art4.2").status == Status.eligible and not any("ASSUMPTION" in n for n in a.notes)


def test_a_broken_parameters_file_is_a_clear_error(tmp_path):
    bad = _variant(tmp_path, **{"invoice_amount_basis/value": "whatever"})
    with pytest.raises(ParametersError, match="invoice_amount_basis"):
        load_parameters(bad)


def test_facts_vocabulary_names_known_clauses():
    p = load_parameters()
    for name, spec in FACTS.items():
        assert spec.clauses and set(spec.clauses) <= set(p.clauses), name
        assert spec.description_zh and spec.description_en


def test_an_audit_says_when_the_rule_code_changed_since_the_baseline():
    now = load_parameters().rule_set_version
    assert code_change(None, now) is None and code_change(now, now) is None
    before_code_was_stamped = code_change("hp-ii-2019-9/1.0.0+670b613a", now)
    assert "predates code stamping" in before_code_was_stamped and now.split(" code ")[1] in before_code_was_stamped
    other = code_change(now.split(" code ")[0] + " code 0.1.0+00000000", now)
    assert "0.1.0+00000000 → " in other
