"""The reviewer app over HTTP: real store, real rules engine, real rendered page images."""
from __future__ import annotations

import re
from decimal import Decimal

from core.models import Box, Document, Line, Page, ReadingSource
from tests.review_ui.conftest import APPLICANT, CREDIT_CODE, PAGE_H, PAGE_W


def art42(sample) -> Decimal:
    return sample.store.latest_assessment(sample.dossier_id)[1].result("art4.2").amount


def counts(sample) -> dict[str, int]:
    return sample.store.counts()


def invoice_total_index(sample) -> int:
    doc = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == sample.invoice)
    return [c.field for c in doc.claims].index("total_amount")


def version(sample, document, field) -> str:
    from review_ui.review import field_version

    return str(field_version(sample.store, sample.dossier_id, document, field))


def correct_total(client, sample, value: str, reason: str = ""):
    return client.post(
        f"/dossiers/{sample.dossier_id}/corrections",
        data={"document": sample.invoice, "field": "total_amount", "value": value, "reason": reason,
              "index": str(invoice_total_index(sample)), "version": version(sample, sample.invoice, "total_amount")},
    )


def test_list_shows_dossier_and_filters_by_status(client, sample):
    page = client.get("/")
    assert page.status_code == 200
    assert "示例案卷 2021 上云补助" in page.text and APPLICANT in page.text
    assert "50,000.00" in page.text  # total proposed: 50% of the invoice's 100,000
    assert "已评估 assessed" in page.text
    assert f'href="/dossiers/{sample.dossier_id}"' in client.get("/?status=assessed").text
    assert f'href="/dossiers/{sample.dossier_id}"' not in client.get("/?status=confirmed").text


def test_dossier_page_overlays_boxes_scaled_to_the_page(client, sample):
    page = client.get(f"/dossiers/{sample.dossier_id}")
    assert page.status_code == 200
    html = page.text
    for sha in (sample.invoice, sample.licence, sample.letter):
        assert f'src="/pages/{sha}/1"' in html
    # The total_amount box sits where the line was drawn, in percent of the page.
    line = next(l for l in sample.store.document(sample.dossier_id, sample.invoice).pages[0].lines if "价税合计" in l.text)
    row = f"c-{sample.invoice[:12]}-{invoice_total_index(sample)}"
    box = re.search(rf'<div class="box" data-target="{row}"[^>]*style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%', html)
    assert box, "no box for the invoice total"
    assert abs(float(box[1]) - 100 * line.box.x0 / PAGE_W) < 0.01
    assert abs(float(box[2]) - 100 * line.box.y0 / PAGE_H) < 0.01
    assert abs(float(box[3]) - 100 * line.box.width / PAGE_W) < 0.01
    # and the claim row it points at shows value, confidence and evidence text
    assert f'id="{row}"' in html
    assert "100,000.00" in html and "72%" in html and "价税合计（小写）¥100000.00" in html
    # the assessment panel: clause, status, formula, cap, citation
    assert "art4.2" in html and "符合 eligible" in html and "100,000.00 × 50% = 50,000.00" in html
    assert "单个企业每年补助不超过20万元" in html
    assert "对中小工业企业" in html or "上云" in html


def test_correction_changes_claim_and_recomputed_assessment(client, sample):
    assert art42(sample) == Decimal("50000.00")
    before = counts(sample)
    r = correct_total(client, sample, "120,000.00", reason="发票小写金额识别错误")
    assert r.status_code == 200
    # the updated row, and the assessment panel swapped out of band
    assert "120,000.00" in r.text and "已改" in r.text
    assert 'id="assessment" class="assessment" hx-swap-oob="true"' in r.text
    assert "¥60,000.00" in r.text and 'id="status" class="status-bar" hx-swap-oob="true"' in r.text

    assert art42(sample) == Decimal("60000.00")
    after = counts(sample)
    assert after["corrections"] == before["corrections"] + 1
    assert after["claimsets"] == before["claimsets"] + 1
    assert after["assessments"] == before["assessments"] + 1
    (c,) = sample.store.corrections(sample.dossier_id)
    assert (c.field, c.document, c.reviewer, c.reason) == ("total_amount", sample.invoice, "张三", "发票小写金额识别错误")
    assert c.old_json == '"100000.00"' and c.new_json == '"120000.00"'
    claim_id, claims = sample.store.latest_claimset(sample.dossier_id)
    total = next(d for d in claims.documents if d.document == sample.invoice).get("total_amount")
    assert total.corrected and total.value == Decimal("120000.00")
    assert total.evidence[0].source == "张三" and total.evidence[1].text == "价税合计（小写）¥100000.00"
    assert sample.store.assessments(sample.dossier_id)[-1][1] == "recomputed"
    assert sample.store.dossier(sample.dossier_id).status == "in_review"


def test_invalid_value_is_refused_and_nothing_is_logged(client, sample):
    before = counts(sample)
    r = correct_total(client, sample, "abc")
    assert r.status_code == 422
    assert "not a number" in r.text and 'class="claim editing"' in r.text and 'value="abc"' in r.text
    assert "hx-swap-oob" not in r.text
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"version": "0", "field": "made_up_fact", "value": "1", "add": "1"})
    assert r.status_code == 422 and "not a known fact" in r.text
    assert counts(sample) == before
    assert art42(sample) == Decimal("50000.00")
    assert sample.store.dossier(sample.dossier_id).status == "assessed"


def test_edit_and_cancel_fragments(client, sample):
    i = invoice_total_index(sample)
    edit = client.get(f"/dossiers/{sample.dossier_id}/claims/edit?index={i}&document={sample.invoice}")
    assert edit.status_code == 200 and 'class="edit-value" name="value" value="100000.00"' in edit.text
    view = client.get(f"/dossiers/{sample.dossier_id}/claims/view?index={i}&document={sample.invoice}")
    assert view.status_code == 200 and "100,000.00" in view.text and "editing" not in view.text
    assert client.get(f"/dossiers/{sample.dossier_id}/claims/edit?index=99&document={sample.invoice}").status_code == 404


def test_facts_are_editable_and_addable(client, sample):
    claims = sample.store.latest_claimset(sample.dossier_id)[1]
    sme = [f.field for f in claims.facts].index("sme")
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"version": "0", "field": "sme", "value": "否", "index": str(sme), "reason": "非中小企业"})
    assert r.status_code == 200 and "否 no" in r.text
    assessment = sample.store.latest_assessment(sample.dossier_id)[1]
    assert assessment.result("art4.2").status.value == "not_eligible" and assessment.total == 0
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"version": "0", "field": "device_count", "value": "40", "add": "1"})
    assert r.status_code == 200 and 'id="facts"' in r.text and "device_count" in r.text
    assert sample.store.latest_claimset(sample.dossier_id)[1].fact("device_count").value == 40
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"version": version(sample, None, "sme"), "field": "sme", "value": "maybe", "index": str(sme)})
    assert r.status_code == 422 and "yes/no" in r.text


def test_document_type_change_is_logged_and_reassessed(client, sample):
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"version": "0", "document": sample.invoice, "field": "doc_type", "value": "receipt"})
    assert r.status_code == 200 and 'id="dochead-' in r.text and "hx-swap-oob" in r.text
    assert art42(sample) == 0
    (c,) = sample.store.corrections(sample.dossier_id)
    assert (c.field, c.old_json, c.new_json) == ("doc_type", '"invoice"', '"receipt"')
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"version": version(sample, sample.invoice, "doc_type"), "document": sample.invoice, "field": "doc_type", "value": "banana"})
    assert r.status_code == 422 and len(sample.store.corrections(sample.dossier_id)) == 1


def settle_gate(client, sample):
    """The sample's letter has no read promises, so art2 waits for a reviewer's decision
    (issue 9: nothing open is confirmed)."""
    r = client.post(f"/dossiers/{sample.dossier_id}/clauses/art2/decision", data={"decision": "grant", "reason": "承诺书四项承诺已核对"})
    assert r.status_code == 200, r.text


def test_confirm_writes_decision_and_ledger_then_correction_needs_reconfirmation(client, approver, sample):
    url = f"/dossiers/{sample.dossier_id}/decision"
    settle_gate(client, sample)
    r = client.post(url, data={"action": "confirm"})  # 张三 is a reviewer: confirming money needs an approver
    assert r.status_code == 403 and "approver" in r.text and sample.store.decisions(sample.dossier_id) == []
    r = approver.post(url, data={"action": "confirm", "comment": "材料齐全"})
    assert r.status_code == 200 and "已确认" in r.text and "banner confirmed" in r.text and "李四" in r.text
    assert sample.store.dossier(sample.dossier_id).status == "confirmed"
    ledger = sample.store.ledger(CREDIT_CODE)
    assert [(a.clause_id, a.amount, a.year) for a in ledger.awards] == [("art4.2", Decimal("50000.00"), 2021)]
    assert "banner confirmed" in client.get(f"/dossiers/{sample.dossier_id}").text

    assert correct_total(client, sample, "120000").status_code == 200
    assert sample.store.dossier(sample.dossier_id).status == "in_review"
    page = client.get(f"/dossiers/{sample.dossier_id}").text
    assert "banner reconfirm" in page and "banner confirmed" not in page
    assert approver.post(url, data={"action": "confirm"}).status_code == 200
    # the correction changed the confirmed amount: the award was reversed (append-only), then
    # the re-confirmation wrote the new one
    ledger = sample.store.ledger(CREDIT_CODE)
    assert [(a.kind, a.amount) for a in ledger.awards] == [
        ("award", Decimal("50000.00")), ("reversal", Decimal("50000.00")), ("award", Decimal("60000.00"))]
    assert [a.amount for a in ledger.granted()] == [Decimal("60000.00")]
    assert [d.action for d in sample.store.decisions(sample.dossier_id)] == ["confirm", "confirm"]


def test_confirm_refuses_a_stale_assessment(approver, sample):
    client = approver
    from core.corrections import apply_correction

    claims = sample.store.latest_claimset(sample.dossier_id)[1]
    changed, _ = apply_correction(claims, sample.invoice, "total_amount", "90000", "script")
    settle_gate(client, sample)
    sample.store.save_claimset(changed, origin="correction")
    r = client.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm"})
    assert r.status_code == 422 and "recompute" in r.text
    r = client.post(f"/dossiers/{sample.dossier_id}/recompute")
    assert r.status_code == 200 and "¥45,000.00" in r.text
    assert client.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm"}).status_code == 200


def test_send_back_needs_a_comment(client, sample):
    url = f"/dossiers/{sample.dossier_id}/decision"
    r = client.post(url, data={"action": "send_back"})
    assert r.status_code == 422 and "needs a comment" in r.text
    r = client.post(url, data={"action": "send_back", "comment": "缺少合同"})
    assert r.status_code == 200 and "banner sent-back" in r.text and "缺少合同" in r.text
    assert sample.store.dossier(sample.dossier_id).status == "sent_back"
    assert sample.store.ledger(CREDIT_CODE).awards == []


def test_change_log_lists_every_correction_assessment_and_decision(client, approver, sample):
    correct_total(client, sample, "120000", reason="识别错误")
    approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm", "comment": "同意"})
    log = client.get(f"/dossiers/{sample.dossier_id}/log")
    assert log.status_code == 200
    rows = re.findall(r'<tr class="log-(\w+)">', log.text)
    assert rows == ["assessment", "correction", "assessment", "decision"]
    text = log.text
    assert "张三" in text and "100000.00" in text and "120000.00" in text and "识别错误" in text
    assert "¥50,000.00" in text and "¥60,000.00" in text  # draft, then recomputed
    assert "李四" in text and "同意" in text and "✔ 确认 confirmed" in text


def test_page_image_route_serves_pngs_and_refuses_traversal(client, sample):
    ok = client.get(f"/pages/{sample.invoice}/1")
    assert ok.status_code == 200 and ok.headers["content-type"] == "image/png" and ok.content[:8] == b"\x89PNG\r\n\x1a\n"
    for bad in (f"/pages/{sample.invoice}/2", f"/pages/{sample.invoice}/0", "/pages/..%2F..%2Fetc%2Fpasswd/1",
                "/pages/../../etc/passwd", f"/pages/{sample.invoice[:-1]}X/1", f"/pages/{'0' * 64}/1"):
        assert client.get(bad).status_code == 404, bad
    # A record pointing outside DOSSIER_HOME is refused even though the URL is clean.
    secret = sample.home.parent / "secret.png"
    secret.write_bytes(ok.content)
    doc = sample.store.document(sample.dossier_id, sample.letter)
    tampered = doc.model_copy(update={"pages": [doc.pages[0].model_copy(update={"image": "../secret.png"})]})
    sample.store.save_document(sample.dossier_id, Document.model_validate(tampered.model_dump()))
    assert client.get(f"/pages/{sample.letter}/1").status_code == 404


def test_json_api(client, anon, sample):
    from core.accounts import Accounts

    token = Accounts(sample.store).issue_token("李四", "批量脚本")
    script = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/dossiers").json()
    assert [(d["id"], d["total"]) for d in listed] == [(sample.dossier_id, "50000.00")]
    one = client.get(f"/api/dossiers/{sample.dossier_id}").json()
    assert one["status"] == "assessed" and len(one["documents"]) == 3 and one["claims"]["applicant"]["name"] == APPLICANT
    assert client.get("/api/dossiers/nope").status_code == 404
    a = client.get(f"/api/dossiers/{sample.dossier_id}/assessment").json()
    assert a["total"] == "50000.00" and a["rule_set_version"]

    url = f"/api/dossiers/{sample.dossier_id}/corrections"
    bad = anon.post(url, json={"document": sample.invoice, "field": "total_amount", "value": "abc", "version": 0}, headers=script)
    assert bad.status_code == 422 and "not a number" in bad.json()["detail"]
    assert sample.store.corrections(sample.dossier_id) == []
    r = anon.post(url, json={"document": sample.invoice, "field": "total_amount", "value": 120000, "version": 0,
                             "reason": "批量校正"}, headers=script)
    assert r.status_code == 200
    body = r.json()
    assert body["old"] == "100000.00" and body["new"] == "120000.00"
    assert next(x for x in body["assessment"]["results"] if x["clause_id"] == "art4.2")["amount"] == "60000.00"
    assert sample.store.corrections(sample.dossier_id)[-1].reviewer == "李四"
    # two people: 李四 corrected last, so 李四 may not confirm; 张三 is no approver
    d = anon.post(f"/api/dossiers/{sample.dossier_id}/decisions", json={"action": "confirm"}, headers=script)
    assert d.status_code == 403 and "two-person" in d.json()["detail"]
    assert sample.store.dossier(sample.dossier_id).status == "in_review"


def test_a_dossier_not_yet_extracted_still_opens(client, approver, sample):
    store = sample.store
    store.upsert_dossier("d-new", "刚接收的案卷")
    xml_page = Page(number=1, width=595, height=842, unit="pt", source=ReadingSource(kind="xml"),
                    lines=[Line(text="价税合计 1000.00", box=Box(x0=50, y0=400, x1=250, y1=414))])
    store.save_document("d-new", Document(sha256="ab" * 32, original_name="发票.xml", media_type="application/xml",
                                          size=10, pages=[xml_page]))
    page = client.get("/dossiers/d-new")
    assert page.status_code == 200
    assert "尚未提取" in page.text and 'class="line"' in page.text and "价税合计 1000.00" in page.text
    assert "/pages/" + "ab" * 32 not in page.text  # no image to show, so none is linked
    assert client.post("/dossiers/d-new/recompute").status_code == 422
    assert approver.post("/dossiers/d-new/decision", data={"action": "confirm"}).status_code == 422
    assert client.post("/dossiers/d-new/corrections", data={"version": "0", "field": "sme", "value": "是", "add": "1"}).status_code == 422
    assert store.decisions("d-new") == [] and store.corrections("d-new") == []
    assert client.get("/dossiers/nope").status_code == 404


def test_simultaneous_corrections_all_reach_the_claims(sample):
    from concurrent.futures import ThreadPoolExecutor

    from review_ui.review import correct

    facts = {"device_count": "40", "project": "智能工厂", "rd_cost": "300000", "paid_in_capital": "6000000",
             "platform_kind": "industry", "on_market": "是"}
    with ThreadPoolExecutor(len(facts)) as pool:
        list(pool.map(lambda kv: correct(sample.store, sample.dossier_id, None, kv[0], kv[1], f"审核{kv[0]}"), facts.items()))
    claims = sample.store.latest_claimset(sample.dossier_id)[1]
    assert {f for f in facts} <= {f.field for f in claims.facts}
    assert len(sample.store.corrections(sample.dossier_id)) == len(facts)
    from review_ui.review import assessment_is_current
    assert assessment_is_current(sample.store, sample.dossier_id)


def test_a_reviewer_adds_a_field_the_extraction_missed(client, sample):
    url = f"/dossiers/{sample.dossier_id}/corrections"
    r = client.post(url, data={"version": "0", "document": sample.invoice, "field": "tax_amount", "value": "5,660.38", "add": "1",
                               "value_type": "money", "reason": "票面有税额"})
    assert r.status_code == 200 and f'id="claims-{sample.invoice[:12]}"' in r.text and "5,660.38" in r.text
    doc = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == sample.invoice)
    assert doc.get("tax_amount").value == Decimal("5660.38") and doc.get("tax_amount").corrected
    r = client.post(url, data={"version": "0", "document": sample.invoice, "field": "Bad Name", "value": "x", "add": "1"})
    assert r.status_code == 422 and "lower_case_with_underscores" in r.text
    assert len(sample.store.corrections(sample.dossier_id)) == 1
