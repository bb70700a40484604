"""Structured editing over HTTP: list fields one item a line, line items as a table, and a
Chinese label for every field the extraction can produce."""
from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

from review_ui.labels import field_label
from review_ui.review import field_version

ARCHITECTURE = Path(__file__).resolve().parents[2] / "ARCHITECTURE.md"


def test_every_field_name_in_architecture_has_a_chinese_label():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text[text.index("## Field names"):text.index("\n## ", text.index("## Field names") + 5)]
    names = set()
    for line in section.splitlines()[1:]:
        if line.startswith("- ") and ":" in line:
            # "a, b, c (a remark), and `d`: what d is, ..." → a, b, c, d
            for part in re.sub(r"\(.*?\)", "", line.split(":", 1)[1]).split(","):
                name = part.strip().removeprefix("and ").split(":")[0].strip().strip("`")
                if re.fullmatch(r"[a-z][a-z_]*", name):
                    names.add(name)
    assert len(names) > 30
    unlabelled = sorted(n for n in names if not re.search(r"[\u4e00-\u9fff]", field_label(n)))
    assert unlabelled == []


def _row(sample, document, field) -> int:
    doc = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == document)
    return [c.field for c in doc.claims].index(field)


def test_a_list_field_is_one_item_a_line_and_saving_it_unchanged_keeps_its_items(client, sample):
    i = _row(sample, sample.letter, "commitments")
    edit = client.get(f"/dossiers/{sample.dossier_id}/claims/edit?index={i}&document={sample.letter}").text
    box = re.search(r'<textarea class="edit-value" name="value"[^>]*>(.*?)</textarea>', edit, re.S)
    assert box, "a list is edited in a text box, one item a line"
    assert html.unescape(box[1]).splitlines() == ["no_move", "tax", "statistics", "capital"]
    form = {"document": sample.letter, "field": "commitments", "index": str(i), "version": "0"}
    assert client.post(f"/dossiers/{sample.dossier_id}/corrections", data={**form, "value": html.unescape(box[1])}).status_code == 200
    letter = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == sample.letter)
    assert letter.value("commitments") == ["no_move", "tax", "statistics", "capital"]
    # an item holding a comma stays one item
    value = "广州甲公司，乙分公司\n丙公司"
    form["version"] = str(field_version(sample.store, sample.dossier_id, sample.letter, "commitments"))
    assert client.post(f"/dossiers/{sample.dossier_id}/corrections", data={**form, "value": value}).status_code == 200
    letter = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents if d.document == sample.letter)
    assert letter.value("commitments") == ["广州甲公司，乙分公司", "丙公司"]


def test_line_items_are_edited_as_a_table(client, sample):
    i = _row(sample, sample.invoice, "items")
    edit = client.get(f"/dossiers/{sample.dossier_id}/claims/edit?index={i}&document={sample.invoice}").text
    assert 'class="items-edit"' in edit and "数量" in edit and "单价" in edit
    assert 'data-key="name" value="云MES订阅服务费"' in edit and 'data-key="amount" value="100000.00"' in edit
    assert edit.count('class="item-row"') == 2  # the item and an empty row to add one
    # what the table sends: its rows as JSON in the value
    rows = [{"name": "云MES订阅服务费", "unit": "年", "quantity": "1", "amount": "80000"},
            {"name": "实施服务", "quantity": "2", "unit_price": "10000", "amount": "20000"}]
    r = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                    data={"document": sample.invoice, "field": "items", "index": str(i), "version": "0",
                          "value": json.dumps(rows, ensure_ascii=False)})
    assert r.status_code == 200 and "实施服务 × 2 = 20,000.00" in r.text
    items = next(d for d in sample.store.latest_claimset(sample.dossier_id)[1].documents
                 if d.document == sample.invoice).value("items")
    assert [(it.name, it.amount) for it in items] == [("云MES订阅服务费", Decimal("80000.00")), ("实施服务", Decimal("20000.00"))]
    bad = client.post(f"/dossiers/{sample.dossier_id}/corrections",
                      data={"document": sample.invoice, "field": "items", "index": str(i), "value": '[{"name": "x", "amount": "1e30"}]',
                            "version": str(field_version(sample.store, sample.dossier_id, sample.invoice, "items"))})
    assert bad.status_code == 422 and "明细第 1 行" in bad.text and "out of range" in bad.text
