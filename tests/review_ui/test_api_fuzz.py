"""Stale edits and hostile JSON over HTTP: a stale edit gets 409 with the current value; any
body gets 200, 403, 409 or 422 — never a 500 — and a refused body leaves the store as it was."""
from __future__ import annotations

import json

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.accounts import Accounts
from review_ui.review import field_version
from tests.review_ui.conftest import login


def test_a_stale_edit_gets_409_and_the_current_value(app, client, sample):
    url = f"/dossiers/{sample.dossier_id}/corrections"
    doc = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == sample.invoice)
    index = str([c.field for c in doc.claims].index("total_amount"))
    # 张三 opens the value to edit; meanwhile 王五 corrects it
    edit = client.get(f"/dossiers/{sample.dossier_id}/claims/edit?index={index}&document={sample.invoice}")
    assert 'name="version" value="0"' in edit.text
    other = login(TestClient(app), "王五")
    form = {"document": sample.invoice, "field": "total_amount", "index": index, "version": "0"}
    assert other.post(url, data={**form, "value": "120000"}).status_code == 200
    before = sample.store.counts()
    r = client.post(url, data={**form, "value": "90000"})
    assert r.status_code == 409 and "王五" in r.text and "120000.00" in r.text
    assert 'class="claim editing"' in r.text and 'value="90000"' in r.text  # what 张三 typed is kept on screen
    assert sample.store.counts() == before
    now = field_version(sample.store, sample.dossier_id, sample.invoice, "total_amount")
    assert f'name="version" value="{now}"' in r.text  # saving again, knowingly, is allowed
    assert client.post(url, data={**form, "value": "90000", "version": str(now)}).status_code == 200

    api = f"/api/dossiers/{sample.dossier_id}/corrections"
    stale = client.post(api, json={"document": sample.invoice, "field": "total_amount", "value": "1", "version": now})
    assert stale.status_code == 409 and stale.json()["current"] == "90000.00" and stale.json()["version"] > now
    got = client.get(f"/api/dossiers/{sample.dossier_id}").json()
    assert got["versions"][f"{sample.invoice}:total_amount"] == stale.json()["version"]


def test_known_clause_ids_only(client, sample):
    url = f"/api/dossiers/{sample.dossier_id}/corrections"
    for bad in ("art99", ["art4.2", "art99"], "art4.2; DROP TABLE"):
        r = client.post(url, json={"document": sample.invoice, "field": "clauses", "value": bad, "version": 0})
        assert r.status_code == 422 and "art4.2" in r.json()["detail"]
    assert sample.store.corrections(sample.dossier_id) == []


LEAF = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10**20, max_value=10**40)
        | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
        | st.sampled_from(["1e30", "-5", "NaN", "art99", "art4.2", "120000", "是", "2021-02-30", "x" * 3000]))
JSON = st.recursive(LEAF, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                    max_leaves=10)
FIELDS = st.sampled_from(["total_amount", "invoice_number", "issue_date", "sme", "device_count", "clauses",
                          "doc_type", "commitments", "line_items", "", "Bad Name", "x" * 100])


def _state(sample):
    store = sample.store
    return (store.counts(), len(store.decisions(sample.dossier_id)), store.latest_claimset(sample.dossier_id)[0],
            store.dossier(sample.dossier_id).status)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_api_never_500_and_never_half_writes(app, sample, data):
    token = getattr(sample, "token", None) or Accounts(sample.store).issue_token("李四")
    sample.token = token
    client = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"})
    docs = st.sampled_from([sample.invoice, sample.letter, None, "abc"])
    correction = st.fixed_dictionaries({}, optional={
        "field": FIELDS | JSON, "value": JSON, "reason": JSON, "document": docs | JSON,
        "value_type": st.sampled_from(["money", "list", "items", "boolean", "bogus"]) | JSON,
        "version": st.integers(min_value=-1, max_value=3) | JSON, "reviewer": JSON,
    })
    decision = st.fixed_dictionaries({}, optional={"action": st.sampled_from(["confirm", "send_back"]) | JSON,
                                                   "comment": JSON})
    # near-valid bodies too, carrying the value's real version, so that some land and the rest
    # are refused late (by the value's type, bounds or the clause list) rather than by the schema
    fact, doc = data.draw(FIELDS), data.draw(docs)
    plausible = st.fixed_dictionaries(
        {"field": st.just(fact), "document": st.just(doc),
         "version": st.just(field_version(sample.store, sample.dossier_id, doc if doc != "abc" else None, fact)),
         "value": LEAF | st.lists(LEAF, max_size=3) | st.lists(st.dictionaries(
             st.sampled_from(["name", "amount", "quantity", "tax_rate", "bogus"]), LEAF, max_size=3), max_size=3)},
        optional={"reason": st.text(max_size=20), "value_type": st.sampled_from(["money", "list", "items", "text"])})
    judgement = st.fixed_dictionaries({}, optional={
        "decision": st.sampled_from(["grant", "reject", "not_applied"]) | JSON, "reason": JSON | st.text(max_size=10),
        "amount": LEAF})
    kind = data.draw(st.sampled_from(["corrections", "plausible", "decisions", "clause", "raw"]))
    if kind == "plausible":
        body, kind = json.dumps(data.draw(plausible)).encode(), "corrections"
    elif kind == "clause":
        clause = data.draw(st.sampled_from(["art4.2", "art2", "art99", "x" * 40]))
        body, kind = json.dumps(data.draw(judgement)).encode(), f"clauses/{clause}/decision"
    elif kind == "raw":
        body = data.draw(st.binary(max_size=200) | st.just(b"[" * 100_000) | st.just(b'{"value": "' + b"x" * 2_000_000 + b'"}'))
        kind = data.draw(st.sampled_from(["corrections", "decisions", "clauses/art4.2/decision"]))
    else:
        body = json.dumps(data.draw(correction if kind == "corrections" else decision)).encode()
    before = _state(sample)
    r = client.post(f"/api/dossiers/{sample.dossier_id}/{kind}", content=body,
                    headers={"Content-Type": "application/json"})
    event(f"{kind} {r.status_code}")
    assert r.status_code in (200, 400, 403, 404, 409, 413, 422), (r.status_code, body[:300], r.text[:300])
    assert len(r.content) < 20_000  # a refusal says why; it does not echo the body back
    if r.status_code != 200:
        assert _state(sample) == before, body[:300]


FORM_TEXT = st.text(max_size=40) | st.sampled_from(["1e30", "-5", "是", "art99, art4.2", "[{\"name\": 1}]", "x" * 3000, "2021-13-01"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_forms_never_500_and_never_half_write(app, sample, data):
    client = getattr(sample, "form_client", None) or login(TestClient(app, raise_server_exceptions=False), "张三")
    sample.form_client = client
    form = data.draw(st.fixed_dictionaries({}, optional={
        "field": FIELDS | FORM_TEXT, "value": FORM_TEXT, "reason": FORM_TEXT, "value_type": FORM_TEXT,
        "document": st.sampled_from([sample.invoice, sample.letter, "", "abc"]), "index": FORM_TEXT | st.sampled_from(["0", "4", "99"]),
        "add": st.sampled_from(["", "1"]), "version": FORM_TEXT | st.sampled_from(["0", "1"]),
    }))
    before = _state(sample)
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections", data=form)
    assert r.status_code in (200, 404, 409, 422), (r.status_code, form, r.text[:300])
    if r.status_code != 200:
        assert _state(sample) == before, form
