"""Reviewers correcting one dossier at the same moment, over HTTP: corrections that arrive
while another is being made are carried out together, each checked, applied and logged
under its own account in order, then the claims rebuilt and the rules run once."""
from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from rules.engine import assess
from tests.review_ui.conftest import login


def _wait(predicate, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_corrections_arriving_together_are_each_logged_and_assessed_once(app, sample):
    from review_ui import review

    store, did = sample.store, sample.dossier_id
    url = f"/dossiers/{did}/corrections"
    claimsets_before = store.counts()["claimsets"]
    posts = [
        ("张三", {"document": sample.invoice, "field": "total_amount", "value": "80000", "index": "4", "version": "0"}),
        ("王五", {"document": sample.invoice, "field": "seller_name", "value": "广州云工业软件股份有限公司", "index": "3",
                 "version": "0"}),
        # made on the value as it was before 张三's correction, which goes first: refused
        ("李四", {"document": sample.invoice, "field": "total_amount", "value": "90000", "index": "4", "version": "0"}),
    ]
    clients = {name: login(TestClient(app), name) for name, _ in posts}
    answers: dict[str, object] = {}

    def post(name, data):
        answers[name] = clients[name].post(url, data=data)

    threads = []
    with review._WRITE:  # someone is mid-correction: the three queue up behind them, in this order
        for n, (name, data) in enumerate(posts, start=1):
            threads.append(threading.Thread(target=post, args=(name, data)))
            threads[-1].start()
            _wait(lambda n=n: len(review._QUEUED.get(did, [])) == n)
    for t in threads:
        t.join(60)

    assert answers["张三"].status_code == 200 and "80,000.00" in answers["张三"].text
    assert answers["王五"].status_code == 200 and "广州云工业软件股份有限公司" in answers["王五"].text
    stale = answers["李四"]
    assert stale.status_code == 409 and "张三" in stale.text and "80000" in stale.text
    log = store.corrections(did)
    assert [(c.field, c.reviewer, c.old_json, c.new_json) for c in log] == [
        ("total_amount", "张三", '"100000.00"', '"80000.00"'),
        ("seller_name", "王五", '"广州云工业软件有限公司"', '"广州云工业软件股份有限公司"'),
    ]
    # one rebuild for the two, holding both; the assessment is of exactly those claims
    assert store.counts()["claimsets"] == claimsets_before + 1
    claimset_id, claims = store.latest_claimset(did)
    invoice = next(d for d in claims.documents if d.document == sample.invoice)
    assert str(invoice.value("total_amount")) == "80000.00" and invoice.value("seller_name") == "广州云工业软件股份有限公司"
    assessment_id, assessment = store.latest_assessment(did)
    assert review.assessment_is_current(store, did)
    expected = assess(claims, store.ledger(claims.applicant.credit_code, exclude_dossier=did))
    assert assessment.total == expected.total and assessment.total != 0
    assert review._QUEUED.get(did) is None


def test_a_refused_correction_in_a_batch_leaves_the_others(app, sample):
    """A bad value queued between two good ones is refused alone (422, nothing written for it)."""
    from review_ui import review

    did, url = sample.dossier_id, f"/dossiers/{sample.dossier_id}/corrections"
    posts = [
        ("张三", {"document": sample.invoice, "field": "total_amount", "value": "70000", "index": "4", "version": "0"}),
        ("王五", {"document": sample.invoice, "field": "issue_date", "value": "not a date", "index": "2", "version": "0"}),
        ("李四", {"document": sample.licence, "field": "address", "value": "广州市黄埔区科学大道200号", "index": "2",
                 "version": "0"}),
    ]
    clients = {name: login(TestClient(app), name) for name, _ in posts}
    answers: dict[str, object] = {}
    threads = []
    with review._WRITE:
        for n, (name, data) in enumerate(posts, start=1):
            threads.append(threading.Thread(target=lambda name=name, data=data: answers.__setitem__(
                name, clients[name].post(url, data=data))))
            threads[-1].start()
            _wait(lambda n=n: len(review._QUEUED.get(did, [])) == n)
    for t in threads:
        t.join(60)
    assert [answers[n].status_code for n, _ in posts] == [200, 422, 200]
    assert [(c.field, c.reviewer) for c in sample.store.corrections(did)] == [("total_amount", "张三"), ("address", "李四")]
    assert review.assessment_is_current(sample.store, did)


def test_a_page_shows_the_claims_as_they_are_now(client, approver, sample):
    """The claim tables are rendered once per claim set: a correction is on every page loaded
    after it, whoever loads it, and the tables of the set before stay as they were."""
    from review_ui.review import field_version

    page = f"/dossiers/{sample.dossier_id}"
    assert "广州云工业软件有限公司" in client.get(page).text and "广州云工业软件有限公司" in approver.get(page).text
    version = field_version(sample.store, sample.dossier_id, sample.invoice, "seller_name")
    assert client.post(f"{page}/corrections", data={"document": sample.invoice, "field": "seller_name",
                                                     "value": "广州云工业软件股份有限公司", "index": "3",
                                                     "version": str(version)}).status_code == 200
    for reader in (approver, client):
        html = reader.get(page).text
        assert "广州云工业软件股份有限公司" in html and "已改" in html
