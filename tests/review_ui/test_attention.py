"""Attention first, over HTTP: the dossier opens on what needs a look, the list counts it."""
from __future__ import annotations

import re

from core.models import Flag
from tests.review_ui.conftest import build_sample


def test_dossier_opens_on_what_needs_attention(client, sample):
    page = client.get(f"/dossiers/{sample.dossier_id}").text
    card = page[page.index('id="attention"'):page.index("</article>", page.index('id="attention"'))]
    row = f"c-{sample.invoice[:12]}-4"  # the invoice total, read at 72%
    assert f'href="#{row}"' in card and "total_amount" in card and "72%" in card
    assert f'id="{row}"' in page  # the link lands on the row
    assert page.index('id="attention"') < page.index('id="facts"')  # before the tables


def test_flags_missing_and_judgement_are_listed_and_counted(client, sample):
    store = sample.store
    cid, claims = store.latest_claimset(sample.dossier_id)
    inv = next(d for d in claims.documents if d.document == sample.invoice)
    inv.claims[1] = inv.claims[1].model_copy(update={"flags": [Flag(code="check_digit", severity="error", message="校验位不符")]})
    store.save_claimset(claims, origin="extract")
    r = client.get("/").text
    counts = re.search(r'<td class="attn-counts">(.*?)</td>', r, re.S)[1]
    assert "交叉核对未通过 <b>1</b>" in counts and "低置信度 <b>1</b>" in counts
    page = client.get(f"/dossiers/{sample.dossier_id}").text
    assert "check_digit" in page and "校验位不符" in page
    # a clause waiting for a reviewer's judgement (as the rules leave one)
    from core.models import Status

    assessment = store.latest_assessment(sample.dossier_id)[1]
    results = [r.model_copy(update={"status": Status.needs_judgement, "reasons": ["须评审判断"]}) if r.clause_id == "art2" else r
               for r in assessment.results]
    store.save_assessment(assessment.model_copy(update={"results": results}), "recomputed",
                          store.latest_claimset(sample.dossier_id)[0])
    page = client.get(f"/dossiers/{sample.dossier_id}").text
    assert 'class="attn k-judgement"' in page and 'href="#clause-art2"' in page
    assert sample.dossier_id in client.get("/?judgement=true").text


def test_list_filters_assignment_and_next_dossier(client, approver, sample):
    build_sample(sample.home, "d-2021-002")
    assert "d-2021-002" in client.get("/").text
    assert 'href="/dossiers/' not in client.get("/?mine=true").text
    r = client.post(f"/dossiers/{sample.dossier_id}/assign", data={"action": "take"})
    assert r.status_code == 200 and "张三" in r.text
    mine = client.get("/?mine=true").text
    assert f'href="/dossiers/{sample.dossier_id}"' in mine and 'href="/dossiers/d-2021-002"' not in mine
    assert 'href="/dossiers/' not in approver.get("/?mine=true").text
    first = client.get("/next", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/dossiers/d-2021-00")
    after = first.headers["location"].rsplit("/", 1)[1]
    second = client.get(f"/next?after={after}", follow_redirects=False).headers["location"]
    assert second.startswith("/dossiers/") and not second.endswith(after)


def test_the_empty_list_names_a_command_that_exists(client, sample):
    from typer.main import get_command

    from flows.cli import app

    page = client.get("/?status=confirmed").text
    named = set(re.findall(r"<code>dossier (\w+)", page))
    assert named and named <= set(get_command(app).commands), named
