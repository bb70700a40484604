"""What a crash leaves half done is finished: a staged (archived, `received`) dossier is
resumed by `dossier doctor`, once, and a changed folder staged again keeps its dossier."""
from __future__ import annotations

import datetime as dt
import shutil

from core.store import Store
from flows.doctor import resume_stuck, stuck
from flows.fanout import stage
from ingest.archive import default_archive
from ingest.intake import collect
from tests.cluster.dossiers import SAMPLES, make_text_dossier


def test_a_staged_dossier_is_resumed_once(tmp_path, monkeypatch, prefect_api):
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    folder = make_text_dossier(tmp_path / "丁公司")
    store = Store()
    (incoming,) = collect([folder])
    staged = stage(incoming, store)  # the batch died right after archiving
    assert store.dossier(staged.dossier_id).status == "received"
    assert stuck(store, dt.timedelta(0)) and not stuck(store, dt.timedelta(hours=1))

    receipts = len(default_archive().receipts())
    (resumed,) = resume_stuck(dt.timedelta(0))
    assert resumed.dossier_id == staged.dossier_id and resumed.files == 2 and resumed.status == "in_review"
    assert sorted(f.original_name for f in store.files(staged.dossier_id)) == ["contract.pdf", "notice.pdf"]
    assert [d.id for d in store.dossiers()] == [staged.dossier_id]
    assert resume_stuck(dt.timedelta(0)) == []  # nothing left to resume
    # Resuming read the originals back; it handed nothing in, so it wrote no receipt.
    assert len(default_archive().receipts()) == receipts

    # The applicant adds a file and the folder is staged again: the same dossier continues.
    shutil.copy(SAMPLES / "commitment_letter_1_scan.jpg", folder / "letter.jpg")
    (changed,) = collect([folder])
    again = stage(changed, store)
    assert again.dossier_id == staged.dossier_id and len(again.files) == 3
    assert [d.id for d in store.dossiers()] == [staged.dossier_id]
