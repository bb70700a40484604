"""Re-intake of a known dossier (issue 9): the reviewer's corrections and decisions survive,
the change log says what changed in the files, and a confirmed dossier goes back to review
only when its amounts change (its awards reversed) — also while corrections are posted."""
from __future__ import annotations

import json
import shutil
import threading

import pytest
import yaml

from core.store import Store
from ingest.archive import default_archive
from tests.flows.test_intake_audit import SAMPLES, make_dossier


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("DOSSIER_HOME", str(h))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return h


CODE = "91440116MA5REINTAKE"


def known_dossier(folder):
    """make_dossier's folder, its manifest naming the applicant's credit code (awards need it)."""
    make_dossier(folder)
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))
    (folder / "manifest.yaml").write_text(yaml.safe_dump({**manifest, "credit_code": CODE}, allow_unicode=True), encoding="utf-8")
    return folder


def _notice(store: Store, dossier_id: str) -> str:
    _, claims = store.latest_claimset(dossier_id)
    return next(d.document for d in claims.documents if d.doc_type.value == "standard_notice")


def _confirm(store: Store, dossier_id: str) -> None:
    from review_ui.review import decide, decide_clause

    for r in store.latest_assessment(dossier_id)[1].results:
        if r.status.value in ("needs_judgement", "needs_evidence"):
            decide_clause(store, dossier_id, r.clause_id, "grant", "审核员", "核对无误", str(r.amount))
    decide(store, dossier_id, "confirm", "审核员", "同意")
    assert store.dossier(dossier_id).status == "confirmed"


def _events(store: Store, dossier_id: str, kind: str) -> list:
    return [e for e in store.events(dossier_id) if e.kind == kind]


def test_reintake_replays_corrections_and_keeps_a_confirmation_whose_amounts_stand(home, tmp_path, prefect_api):
    """The old intake dropped the reviewer's corrections and reset a confirmed dossier to
    in_review, with nothing in the change log."""
    from flows import pipeline
    from review_ui.review import correct

    folder = known_dossier(tmp_path / "R")
    [first] = pipeline.bulk_intake([str(folder)])
    store = Store()
    d = first.dossier_id
    correct(store, d, _notice(store, d), "standard_title", "工业互联网平台 标识解析 通用要求", "审核员", "标题识别有误", from_form=False)
    _confirm(store, d)
    granted = store.ledger(store.dossier(d).credit_code).granted()

    [again] = pipeline.bulk_intake([str(folder)])
    assert again.dossier_id == d
    _, claims = store.latest_claimset(d)
    title = next(doc for doc in claims.documents if doc.doc_type.value == "standard_notice").get("standard_title")
    assert title.value == "工业互联网平台 标识解析 通用要求" and title.corrected  # replayed, not dropped
    assert store.dossier(d).status == "confirmed"  # amounts unchanged: stays confirmed
    assert store.ledger(store.dossier(d).credit_code).granted() == granted
    (event,) = _events(store, d, "reintake")
    assert "stays confirmed" in event.message and json.loads(event.data_json)["files"] == {"added": [], "removed": [], "changed": []}


def test_reintake_with_other_files_logs_them_and_reopens_when_the_amounts_change(home, tmp_path, prefect_api):
    from flows import pipeline

    folder = known_dossier(tmp_path / "S")
    [first] = pipeline.bulk_intake([str(folder)])
    store = Store()
    d = first.dossier_id
    _confirm(store, d)
    code = store.dossier(d).credit_code
    before = store.ledger(code)
    assert [a.clause_id for a in before.granted()] == ["art7.2"]

    (folder / "notice.pdf").unlink()  # the standard's notice withdrawn: art7.2 loses its evidence
    shutil.copy(SAMPLES / "contract_1_text_pdf.pdf", folder / "contract.pdf")
    [again] = pipeline.bulk_intake([str(folder)])
    assert again.dossier_id == d  # the same folder continues its dossier though its files changed
    # Every receipt names the dossier the store knows, the added file's too.
    assert {r.dossier_id for r in default_archive().receipts()} == {d}
    assert store.dossier(d).status == "in_review"
    ledger = store.ledger(code)
    assert ledger.granted() == [] and len(ledger.awards) == 2 * len(before.awards)  # reversals appended
    assert all(a.kind == "reversal" and "re-intake" in a.reason for a in ledger.awards[len(before.awards):])
    (event,) = _events(store, d, "reintake")
    files = json.loads(event.data_json)["files"]
    assert [f["name"] for f in files["removed"]] == ["notice.pdf"] and [f["name"] for f in files["added"]] == ["contract.pdf"]
    assert files["removed"][0]["sha256"] and "back to review" in event.message
    assert _events(store, d, "reopened") and "art7.2" in _events(store, d, "reopened")[0].message


def test_corrections_posted_during_a_reintake_all_reach_the_claims(home, tmp_path, prefect_api):
    from flows import pipeline
    from review_ui.review import correct

    folder = make_dossier(tmp_path / "T")
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))
    [first] = pipeline.bulk_intake([str(folder)])
    store = Store()
    d = first.dossier_id
    assert manifest["year"] == 2021
    errors: list[BaseException] = []

    def reviewer() -> None:
        try:
            for n in range(1, 9):
                correct(store, d, None, "device_count", str(n), "审核员", f"第{n}次", from_form=False)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=reviewer)
    t.start()
    pipeline.bulk_intake([str(folder)])
    t.join(120)
    assert errors == []
    assert len(store.corrections(d)) == 8
    _, claims = store.latest_claimset(d)
    assert claims.fact("device_count").value == 8  # the last correction, on whichever extraction came last
