"""The single-file probes and `rules check`, through the real `dossier` command (in-process)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "fixtures" / "samples"
runner = CliRunner()


def run_json(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def gt(sample: Path) -> dict:
    return json.loads(sample.with_suffix(".json").read_text(encoding="utf-8"))["fields"]


@pytest.mark.slow
def test_ocr_json_gives_lines_with_boxes_on_a_scanned_invoice():
    sample = SAMPLES / "invoice_zhuanpiao_1_scan.jpg"
    data = run_json("ocr", str(sample), "--json")
    assert data["status"] == "ok" and data["media_type"] == "image/jpeg"
    [page] = data["pages"]
    assert page["source"].startswith("ocr:rapidocr")
    assert len(page["lines"]) > 20
    for line in page["lines"]:
        x0, y0, x1, y1 = line["box"]
        assert 0 <= x0 < x1 <= page["width"] + 1 and 0 <= y0 < y1 <= page["height"] + 1
        assert 0 < line["confidence"] <= 1
        assert len(line["glyphs"]) == len(line["text"])  # each glyph's own probability
    text = "".join(l["text"] for l in page["lines"])
    assert gt(sample)["invoice_number"] in text


@pytest.mark.slow
def test_extract_json_on_a_scanned_invoice_matches_ground_truth():
    sample = SAMPLES / "invoice_zhuanpiao_1_scan.jpg"
    truth = gt(sample)
    data = run_json("extract", str(sample), "--json")
    assert data["doc_type"] == "invoice"
    fields = data["fields"]
    for name in ("invoice_code", "invoice_number", "issue_date"):
        assert fields[name]["value"] == truth[name], name
    assert Decimal(fields["total_amount"]["value"]) == Decimal(truth["total_amount"])
    ev = fields["total_amount"]["evidence"][0]
    assert ev["page"] == 1 and ev["box"] and ev["text"]
    assert 0 < fields["total_amount"]["confidence"] <= 1


@pytest.mark.slow
def test_probes_on_the_real_special_invoice(shared):
    real = shared / "realdocs" / "guanshuicheng_invoice__增值税专用发票.jpg"
    truth = json.loads((shared / "realdocs" / "gt" / f"{real.name}.json").read_text(encoding="utf-8"))
    ocr = run_json("ocr", str(real), "--json")
    assert any("7018.83" in l["text"] for l in ocr["pages"][0]["lines"])
    data = run_json("extract", str(real), "--json")
    assert data["doc_type"] == "invoice"
    f = data["fields"]
    assert f["invoice_number"]["value"] == truth["发票号码"]
    assert f["invoice_code"]["value"] == truth["发票代码"]
    assert Decimal(f["total_amount"]["value"]) == Decimal(truth["价税合计小写"])
    assert f["buyer_tax_id"]["value"] == truth["购买方纳税人识别号"]


def test_ocr_on_an_empty_file_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["ocr", str(empty), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] in {"error", "unsupported"} and data["error"]


def test_rules_check_on_the_hand_written_claim_set():
    example = REPO / "rules" / "examples" / "claimset_example.json"
    data = run_json("rules", "check", str(example), "--json")
    by_clause = {r["clause_id"]: r for r in data["results"]}
    assert by_clause["art7.2"]["status"] == "eligible"
    assert Decimal(by_clause["art7.2"]["amount"]) == Decimal("300000")
    assert data["rule_set_version"].startswith("hp-ii-2019-9/")
    text = runner.invoke(app, ["rules", "check", str(example)])
    assert text.exit_code == 0 and "300,000.00" in text.stdout


def test_rules_check_refuses_a_malformed_claim_set(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"dossier_id": 5, "documents": "nope"}', encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(bad), "--json"])
    assert result.exit_code == 2
    assert "bad.json" in result.stderr


def test_rules_schema_is_the_claim_set_schema():
    schema = run_json("rules", "schema")
    assert {"dossier_id", "documents", "facts", "applicant"} <= set(schema["properties"])
