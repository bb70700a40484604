"""The page offers only what the account may do: the confirm button is not shown to a
reviewer nor to the approver who made the last correction — the reason is, and the
server refuses them all the same."""
from __future__ import annotations

from fastapi.testclient import TestClient

from tests.review_ui.conftest import login

CONFIRM_BUTTON = 'value="confirm"'


def _page(client, sample) -> str:
    r = client.get(f"/dossiers/{sample.dossier_id}")
    assert r.status_code == 200
    return r.text


def _correct(client, sample, value: str):
    from review_ui.review import field_version

    version = field_version(sample.store, sample.dossier_id, sample.invoice, "seller_name")
    return client.post(f"/dossiers/{sample.dossier_id}/corrections", data={
        "document": sample.invoice, "field": "seller_name", "value": value, "index": "3", "version": str(version)})


def test_a_reviewer_is_shown_why_not_instead_of_confirm(client, sample):
    page = _page(client, sample)
    assert CONFIRM_BUTTON not in page and 'id="confirm-why"' in page
    assert "confirming money needs an approver; 张三 is a reviewer" in page
    assert 'value="send_back"' in page  # sending back is any reviewer's
    r = client.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm"})
    assert r.status_code == 403 and sample.store.decisions(sample.dossier_id) == []


def test_the_last_corrector_is_not_offered_confirm(app, client, approver, sample):
    assert CONFIRM_BUTTON in _page(approver, sample)  # an approver, nobody has corrected anything
    answer = _correct(approver, sample, "广州云工业软件股份有限公司")
    # the status bar swapped in with the correction already says so
    assert answer.status_code == 200 and CONFIRM_BUTTON not in answer.text
    assert "needs an approver other than 李四" in answer.text
    page = _page(approver, sample)
    assert CONFIRM_BUTTON not in page and "needs an approver other than 李四, who made the last correction" in page
    # a reviewer is told which approver it takes
    assert "confirming money needs an approver other than 李四; 张三 is a reviewer" in _page(client, sample)
    r = approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm"})
    assert r.status_code == 403 and "two-person" in r.text and sample.store.decisions(sample.dossier_id) == []
    # anyone else able to confirm is offered the button
    admin = login(TestClient(app), "admin")
    assert CONFIRM_BUTTON in _page(admin, sample)
    # once someone else corrects, 李四 may confirm again
    assert _correct(client, sample, "广州云工业软件有限公司").status_code == 200
    assert CONFIRM_BUTTON in _page(approver, sample)


def test_one_person_office_offers_confirm_after_own_correction(sample):
    from review_ui.app import create_app
    from tests.review_ui.conftest import add_users

    add_users(sample.store)
    solo = login(TestClient(create_app(sample.store, allowed_hosts=["testserver"], key=b"k", two_person=False)), "李四")
    assert _correct(solo, sample, "广州云工业软件股份有限公司").status_code == 200
    assert CONFIRM_BUTTON in _page(solo, sample)


def test_only_an_approver_may_send_back_a_confirmed_dossier(app, client, approver, sample):
    """Sending back a confirmed dossier reverses its awards in the ledger: money moved, so it
    takes an approver, as confirming does; a dossier still in review is any reviewer's."""
    r = approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm", "comment": "同意"})
    assert r.status_code == 200 and sample.store.dossier(sample.dossier_id).status == "confirmed"
    page = _page(client, sample)
    assert 'value="send_back"' not in page and 'id="send-back-why"' in page
    assert "sending back a confirmed dossier reverses its awards and needs an approver; 张三 is a reviewer" in page
    granted = sample.store.ledger(sample.store.dossier(sample.dossier_id).credit_code).granted()
    for answer in (client.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "send_back", "comment": "缺材料"}),
                   client.post(f"/api/dossiers/{sample.dossier_id}/decisions", json={"action": "send_back", "comment": "缺材料"})):
        assert answer.status_code == 403 and "needs an approver" in answer.text
    assert granted and sample.store.dossier(sample.dossier_id).status == "confirmed"
    assert sample.store.ledger(sample.store.dossier(sample.dossier_id).credit_code).granted() == granted
    # the approver is offered it, and it lands
    assert 'value="send_back"' in _page(approver, sample)
    r = approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "send_back", "comment": "缺材料"})
    assert r.status_code == 200 and sample.store.dossier(sample.dossier_id).status == "sent_back"
