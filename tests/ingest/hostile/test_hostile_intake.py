"""Hostile inputs at intake (no OCR, no Prefect): every member of every container is a file
or a row with its reason, and nothing is read ahead."""
from __future__ import annotations

import os
import sys

from ingest.intake import collect
from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.hostile.watchdog import run_watched


def rows(dossier) -> dict[str, str]:
    return {e.name: e.reason for e in dossier.errors}


def test_stored_zip_holding_a_pdf_is_opened_as_a_zip(tmp_path):
    [dossier] = collect([corpus.stored_zip_with_pdfs(tmp_path)])
    assert sorted(f.name for f in dossier.files) == ["cover.pdf", "inner.zip/a.pdf", "inner.zip/b.pdf"]
    assert not dossier.errors


def test_five_deep_zips_give_rows_down_to_the_limit_then_nested_too_deep(tmp_path):
    [dossier] = collect([corpus.nested_zips(tmp_path, levels=5)])
    assert [f.name for f in dossier.files] == ["p0.pdf", "l1.zip/p1.pdf", "l1.zip/l2.zip/p2.pdf", "l1.zip/l2.zip/l3.zip/p3.pdf"]
    assert list(rows(dossier)) == ["l1.zip/l2.zip/l3.zip/l4.zip"]
    assert "nested too deep" in rows(dossier)["l1.zip/l2.zip/l3.zip/l4.zip"]
    assert dossier.files[3].read().endswith(b"%\x03")  # read through three zips, on demand


def test_undecodable_file_name_is_kept_escaped(tmp_path):
    [dossier] = collect([corpus.undecodable_name(tmp_path)])
    names = sorted(f.name for f in dossier.files)
    assert names == sorted(["good.pdf", ("发票".encode("gbk") + b"\xff.pdf").decode("utf-8", "backslashreplace")])
    assert "\\xff.pdf" in names[0] + names[1]
    for f in dossier.files:
        f.name.encode("utf-8")  # would raise on a lone surrogate
        f.source.encode("utf-8")
        assert f.read().startswith(b"%PDF-")


def test_many_small_members_expanding_far_past_the_zip_are_cut_with_a_row_each(tmp_path):
    path = corpus.many_members(tmp_path)
    assert path.stat().st_size < 400_000
    [dossier] = collect([path])
    assert len(dossier.files) + len(dossier.errors) == 199
    assert sum(f.size for f in dossier.files) <= 100 * path.stat().st_size
    assert all("zip bomb" in reason for reason in rows(dossier).values()) and len(dossier.errors) > 150


def test_members_past_the_per_zip_cap_get_a_row_each(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_MAX_ZIP_MEMBERS", "1")
    [dossier] = collect([corpus.stored_zip_with_pdfs(tmp_path)])
    assert [f.name for f in dossier.files] == ["cover.pdf"]
    assert "more than the limit of 1 (DOSSIER_MAX_ZIP_MEMBERS)" in rows(dossier)["inner.zip"]


def test_a_batch_of_zips_is_not_read_into_memory(tmp_path):
    batch = corpus.batch_of_zips(tmp_path, zips=5, mb=60)
    code = f"from ingest.intake import collect; ds = collect([{str(batch)!r}]); print(sum(f.size for d in ds for f in d.files))"
    run = run_watched([sys.executable, "-c", code], budget_mb=220, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 290 * 2**20  # 300 MB of members named, not read
    assert run.peak_mb < 220
