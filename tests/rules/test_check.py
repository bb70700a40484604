"""The CLI entry (check_claimset_json), the shipped example, the schema file and the text
read aloud."""
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import ClaimSet, Status
from rules.check import RulesInputError, check_claimset_json
from rules.explain import render_text
from rules.money import yuan
from rules.schema import SCHEMA_FILE, schema_text

EXAMPLE = Path(__file__).parents[2] / "rules" / "examples" / "claimset_example.json"
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def test_example_claimset_assesses_art42_and_art72():
    a = check_claimset_json(EXAMPLE.read_text(encoding="utf-8"), now=NOW)
    assert a.result("art2").status == Status.eligible
    r42, r72 = a.result("art4.2"), a.result("art7.2")
    assert (r42.status, r42.amount) == (Status.eligible, Decimal("60000.00"))
    assert (r72.status, r72.amount) == (Status.eligible, Decimal("300000.00"))
    assert a.total == Decimal("360000.00")
    assert a.result("art4.1").status == Status.not_applied
    assert a.rule_set_version.startswith("hp-ii-2019-9/1.1.0+") and " code 0.1.0+" in a.rule_set_version
    assert a.parameters_source.endswith("hp-ii-2019-9.yaml")
    assert a.created_at == NOW
    # the invoice's own evidence travels into the formula
    invoice_input = next(i for i in r42.inputs if i.name.startswith("发票"))
    assert invoice_input.value == "120000.00"
    assert invoice_input.evidence[0].text == "价税合计（小写）¥120000.00"
    assert "120,000.00" in r42.explanation and "60,000.00" in r42.explanation and "50%" in r42.explanation


def test_assessment_is_deterministic_and_flags_the_assumed_publication_date():
    text = EXAMPLE.read_text(encoding="utf-8")
    a, b = check_claimset_json(text, now=NOW), check_claimset_json(text, now=NOW)
    assert a == b
    assert any("ASSUMPTION" in n for n in a.notes)
    c = check_claimset_json(text)
    assert c.created_at == dt.datetime(2021, 12, 31, tzinfo=dt.timezone.utc)  # derived from the award year


def test_render_text_mentions_every_amount():
    a = check_claimset_json(EXAMPLE.read_text(encoding="utf-8"), now=NOW)
    text = render_text(a)
    for r in a.results:
        if r.status != Status.not_applied:
            assert yuan(r.amount) in text
    assert yuan(a.total) in text
    assert "120,000.00" in text and a.rule_set_version in text


def test_ledger_text_and_bad_input_give_clear_errors():
    text = EXAMPLE.read_text(encoding="utf-8")
    ledger = json.dumps({"awards": [{"credit_code": "91440116MA5EXAMPLE", "clause_id": "art4.2", "year": 2021, "amount": "180000"}]})
    a = check_claimset_json(text, ledger)
    assert a.result("art4.2").amount == Decimal("20000.00")
    with pytest.raises(RulesInputError, match="claim set is not valid"):
        check_claimset_json('{"dossier_id": 1, "documents": [{"doc_type": "nonsense"}]}')
    with pytest.raises(RulesInputError, match="claim set is not valid"):
        check_claimset_json("not json")
    with pytest.raises(RulesInputError, match="no parameters file or version"):
        check_claimset_json(text, params="9.9.9")


def test_committed_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run: python -m rules.schema"
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert "documents" in schema["properties"] and "facts" in schema["properties"]


def test_example_validates_against_the_model_it_was_written_from():
    ClaimSet.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
