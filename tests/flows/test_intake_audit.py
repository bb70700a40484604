"""Bulk intake with good and bad files, and audit re-runs over the archive."""
from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from core.store import Store

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "fixtures" / "samples"


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("DOSSIER_HOME", str(h))
    return h


def make_dossier(folder: Path, clauses=("art2", "art7.2")) -> Path:
    """A text-layer dossier (no OCR needed): a standard notice, plus one broken and one empty file."""
    folder.mkdir(parents=True)
    notice = SAMPLES / "standard_notice_1_text_pdf.pdf"
    shutil.copy(notice, folder / "notice.pdf")
    truth = json.loads(notice.with_suffix(".json").read_text(encoding="utf-8"))
    lead = truth["fields"]["drafting_units"][0]
    (folder / "manifest.yaml").write_text(
        yaml.safe_dump(
            {"applicant_name": lead, "clauses": list(clauses), "year": 2021, "facts": {"in_district": True}},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>\nthis is not a pdf")
    (folder / "empty.jpg").write_bytes(b"")
    return folder


def test_intake_json_reports_each_file_and_goes_on(home, tmp_path, prefect_api):
    from flows.cli import app

    d = make_dossier(tmp_path / "A")
    result = CliRunner().invoke(app, ["intake", str(d), "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    files = {f["name"]: f for f in report["files"]}
    assert files["notice.pdf"]["status"] == "ok" and files["notice.pdf"]["pages"] == ["text_layer"]
    assert files["broken.pdf"]["status"] == "error" and "PDF" in files["broken.pdf"]["error"]
    assert files["empty.jpg"]["status"] in {"error", "unsupported"} and files["empty.jpg"]["error"]
    # Bad files are recorded on the dossier, and their originals archived all the same.
    store = Store()
    rows = {f.original_name: f for f in store.files(report["dossier_id"])}
    assert rows["broken.pdf"].status == "error" and rows["broken.pdf"].error
    from ingest.archive import LocalArchive

    assert LocalArchive(home / "archive").verify(files["broken.pdf"]["sha256"])


def test_many_dossiers_at_once_from_folders_and_zips(home, tmp_path, prefect_api):
    from flows import pipeline

    batch = tmp_path / "batch"
    make_dossier(batch / "A")
    b = make_dossier(tmp_path / "B")
    with zipfile.ZipFile(batch / "B.zip", "w") as zf:
        for f in b.iterdir():
            zf.write(f, f.name)
    reports = pipeline.bulk_intake([str(batch)])
    assert sorted(r.name for r in reports) == ["A", "B"] or len(reports) == 2
    assert all(any(f.status == "ok" for f in r.files) for r in reports)


def test_audit_rerun_is_unchanged_then_shows_a_replayed_correction(home, tmp_path, prefect_api):
    from flows import pipeline
    from core.corrections import apply_correction

    d = make_dossier(tmp_path / "C", clauses=("art2", "art7.2"))
    [report] = pipeline.bulk_intake([str(d)])
    store = Store()

    [diff] = pipeline.audit_rerun([report.dossier_id])
    assert diff.unchanged, diff

    # A reviewer re-levels the standard: the audit re-run replays it from the change log.
    _, claims = store.latest_claimset(report.dossier_id)
    notice = next(doc for doc in claims.documents if doc.doc_type.value == "standard_notice")
    new_claims, old = apply_correction(claims, notice.document, "level", "international", "auditor-test")
    store.add_correction(report.dossier_id, notice.document, "level", old, "international", "auditor-test")
    [diff] = pipeline.audit_rerun([report.dossier_id])
    changed = {c.clause_id: c for c in diff.changes}
    assert "art7.2" in changed
    c = changed["art7.2"]
    assert (c.before_status, c.before_amount, c.before_formula) != (c.after_status, c.after_amount, c.after_formula)
    assert not diff.unchanged


def test_audit_with_a_pinned_parameter_file(home, tmp_path, prefect_api):
    from flows import pipeline

    d = make_dossier(tmp_path / "D")
    [report] = pipeline.bulk_intake([str(d)])
    src = REPO / "rules" / "parameters" / "hp-ii-2019-9.yaml"
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(src.read_text(encoding="utf-8") + "\n# pinned copy\n", encoding="utf-8")
    [diff] = pipeline.audit_rerun([report.dossier_id], rules=str(pinned))
    assert diff.new_rule_set.startswith("hp-ii-2019-9/")
    assert diff.baseline_total == diff.new_total
    assert diff.code_note is None  # same rule code as the baseline's stamp


@pytest.mark.slow
def test_two_worker_processes_read_a_dossier(home, tmp_path, prefect_api):
    """--workers 2: reading runs in Prefect's process pool, results identical to one worker."""
    from flows import pipeline

    d = tmp_path / "E"
    d.mkdir()
    for name in ("invoice_pupiao_1_scan.jpg", "invoice_shudian_1_scan.jpg"):
        shutil.copy(SAMPLES / name, d / name)
    [report] = pipeline.bulk_intake([str(d)], workers=2)
    assert report.error is None
    for f in report.files:
        assert f.status == "ok" and f.doc_type == "invoice" and f.pages[0].startswith("ocr:")
    store = Store()
    _, claims = store.latest_claimset(report.dossier_id)
    numbers = {doc.value("invoice_number") for doc in claims.documents}
    expected = {json.loads((SAMPLES / n).with_suffix(".json").read_text(encoding="utf-8"))["fields"]["invoice_number"]
                for n in ("invoice_pupiao_1_scan.jpg", "invoice_shudian_1_scan.jpg")}
    assert numbers == expected


def test_an_audit_leaves_the_review_as_it_was(home, tmp_path, prefect_api):
    from flows import pipeline

    d = make_dossier(tmp_path / "F")
    [report] = pipeline.bulk_intake([str(d)])
    store = Store()
    before = store.latest_claimset(report.dossier_id)
    pipeline.audit_rerun([report.dossier_id])
    assert store.latest_claimset(report.dossier_id)[0] == before[0]
    assert store.latest_assessment(report.dossier_id)[1].total == report.total
    assert any(kind == "audit" for _, kind, _ in store.assessments(report.dossier_id))


def test_audit_reports_a_tampered_original_and_goes_on(home, tmp_path, prefect_api):
    import os
    import stat

    from flows import pipeline
    from ingest.archive import LocalArchive

    a = make_dossier(tmp_path / "G1")
    b = make_dossier(tmp_path / "G2", clauses=("art2",))
    (b / "notice.pdf").write_bytes((b / "notice.pdf").read_bytes() + b"\n% another revision\n")
    reports = pipeline.bulk_intake([str(a), str(b)])
    victim = next(f for f in reports[0].files if f.name == "notice.pdf")
    blob = Path(LocalArchive(home / "archive").path(victim.sha256))
    os.chmod(blob, stat.S_IWUSR | stat.S_IRUSR)
    blob.write_bytes(blob.read_bytes()[:-10])  # what a failing disk or a careless hand does
    diffs = {d.dossier_id: d for d in pipeline.audit_rerun([r.dossier_id for r in reports] + ["D-unknown"])}
    assert "hash check" in diffs[reports[0].dossier_id].error
    assert diffs[reports[1].dossier_id].error is None and diffs[reports[1].dossier_id].unchanged
    assert "no dossier" in diffs["D-unknown"].error


def test_intake_reads_with_the_engine_dossier_ocr_engine_names(home, tmp_path, prefect_api, monkeypatch):
    """$DOSSIER_OCR_ENGINE is the default engine of `dossier intake`, as of `dossier ocr`
    (intake passed rapidocr whatever it said); --engine still wins."""
    from flows.cli import app
    from tests.ingest.makers import png_bytes, text_image

    d = tmp_path / "scan"
    d.mkdir()
    # which engine read it is the point, not all it says: a small page, two real readings of it
    (d / "scan.png").write_bytes(png_bytes(text_image(size=(360, 200), font_size=28)))
    monkeypatch.setenv("DOSSIER_OCR_ENGINE", "tesseract")
    result = CliRunner().invoke(app, ["intake", str(d), "--json"])
    assert result.exit_code == 0, result.output
    [page] = json.loads(result.stdout)[0]["files"][0]["pages"]
    assert page.startswith("ocr:tesseract"), page
    chosen = CliRunner().invoke(app, ["intake", str(d), "--json", "--engine", "rapidocr"])
    assert json.loads(chosen.stdout)[0]["files"][0]["pages"][0].startswith("ocr:rapidocr")
