"""审核意见 over HTTP: only once confirmed; clauses, amounts, formulas, evidence, both people,
the rule-set stamp, CJK font embedded; archived beside the assessment."""
from __future__ import annotations

import io

import pdfplumber

from core import home


def test_opinion_pdf_once_confirmed(client, approver, sample):
    url = f"/dossiers/{sample.dossier_id}/opinion.pdf"
    assert client.get(url).status_code == 409  # not confirmed yet
    from tests.review_ui.test_app import correct_total

    assert correct_total(client, sample, "120000", reason="识别错误").status_code == 200
    confirmed = approver.post(f"/dossiers/{sample.dossier_id}/decision", data={"action": "confirm", "comment": "同意拨付"})
    assert confirmed.status_code == 200 and "opinion.pdf" in confirmed.text
    decision = sample.store.decisions(sample.dossier_id)[-1]
    archived = home.sub("out") / sample.dossier_id / f"opinion-{decision.id}.pdf"
    assert archived.exists()

    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content == archived.read_bytes()
    with pdfplumber.open(io.BytesIO(r.content)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
        embedded = [f for f in pdf.doc.catalog["Pages"].resolve()["Kids"]]
    assert "审 核 意 见" in text and "art4.2" in text and "¥60,000.00" in text
    assert "120,000.00 × 50% = 60,000.00" in text.replace("\n", "") or "120000.00" in text
    assert "云MES服务费发票.png p.1" in text  # evidence reference
    assert "张三" in text and "李四" in text and "同意拨付" in text
    rule_set = sample.store.latest_assessment(sample.dossier_id)[1].rule_set_version
    assert rule_set.split()[0] in text.replace("\n", "")
    assert any("WenQuanYi" in f for f in fonts) and embedded
    assert b"/FontFile2" in r.content  # the TrueType glyphs travel inside the PDF
