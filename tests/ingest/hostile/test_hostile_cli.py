"""The hostile corpus through `dossier intake`, as a user runs it: one batch, one command,
under a memory watchdog. Every case ends as rows of its dossier; the batch goes on."""
from __future__ import annotations

import json
import os

import pytest

from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.hostile.conftest import REPO, cli, cli_env
from tests.ingest.hostile.watchdog import run_watched

BUDGET_MB = 1536
CASES = set(corpus.CASES)


@pytest.fixture(scope="module")
def batch_report(tmp_path_factory, prefect_url):
    out = tmp_path_factory.mktemp("hostile")
    batch = corpus.make_batch(out, CASES)
    env = cli_env(out / "home", PREFECT_API_URL=prefect_url, DOSSIER_MAX_TOTAL_PIXELS=str(40_000_000))
    run = run_watched(cli("intake", "--json", str(batch)), BUDGET_MB, env=env, timeout=600, cwd=str(REPO))
    print(f"hostile batch through dossier intake: peak RSS {run.peak_mb:.0f} MB")
    assert not run.killed_over_budget, f"peak RSS {run.peak_mb:.0f} MB over {BUDGET_MB} MB"
    assert run.returncode == 0, run.stderr[-3000:]
    return {d["name"]: d for d in json.loads(run.stdout)}, run


def files(report, dossier: str) -> dict[str, dict]:
    return {f["name"]: f for f in report[dossier]["files"]}


def test_every_dossier_of_the_batch_is_processed_under_the_memory_budget(batch_report):
    report, run = batch_report
    assert set(report) == CASES
    assert all(d["error"] is None for d in report.values()), {k: d["error"] for k, d in report.items() if d["error"]}
    assert run.peak_mb < BUDGET_MB


def test_an_undecodable_file_name_is_a_row_of_its_dossier(batch_report):
    report, _ = batch_report
    names = files(report, "badname")
    assert names["good.pdf"]["status"] == "ok"
    [bad] = [n for n in names if n != "good.pdf"]
    assert bad.endswith("\\xff.pdf") and names[bad]["status"] == "ok"


def test_container_members_are_all_rows(batch_report):
    report, _ = batch_report
    assert {"cover.pdf", "inner.zip/a.pdf", "inner.zip/b.pdf"} <= set(files(report, "stored"))
    nested = files(report, "nested")
    assert nested["l1.zip/l2.zip/l3.zip/p3.pdf"]["status"] == "ok"
    assert "nested too deep" in nested["l1.zip/l2.zip/l3.zip/l4.zip"]["error"]
    assert len(files(report, "members")) == 199


def test_pages_and_frames_over_budget_are_rows_with_their_reason(batch_report):
    report, _ = batch_report
    [huge] = files(report, "huge-scan").values()
    assert "too large: 20000×20000 pt" in huge["error"]
    [big] = files(report, "big-text").values()
    assert big["status"] == "ok" and big["pages"] == ["text_layer"]
    [tiff] = files(report, "tiff").values()
    assert tiff["status"] == "error" and len(tiff["pages"]) == 1 and "DOSSIER_MAX_TOTAL_PIXELS" in tiff["error"]


def test_xml_is_read_in_its_encoding_and_dtds_are_refused(batch_report):
    report, _ = batch_report
    [utf16] = files(report, "utf16-xml").values()
    assert utf16["status"] == "ok" and utf16["doc_type"] == "invoice"
    for case in ("ofd-entity", "late-doctype"):
        [refused] = files(report, case).values()
        assert "DOCTYPE/entities is refused" in refused["error"]


def test_the_earlier_hostile_inputs_are_rows_with_their_reasons(batch_report):
    report, _ = batch_report
    earlier = files(report, "earlier")
    expected = {
        "empty.pdf": "zero-byte", "truncated.pdf": "truncated PDF", "encrypted.pdf": "password",
        "bomb.png": "decompression bomb", "evil.zip/../../escape.pdf": "'..'", "evil.zip//etc/abs.pdf": "absolute path",
        "evil.zip/zeros.pdf": "zip bomb",
    }
    for name, reason in expected.items():
        assert reason in (earlier.get(name) or {}).get("error", ""), (name, earlier.get(name))
    assert earlier["evil.zip/fine.pdf"]["status"] == "ok"
