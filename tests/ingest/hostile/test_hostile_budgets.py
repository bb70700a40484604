"""Budgets in pixels: decided before a page is rendered or a frame decoded, proved by the
peak RSS of a child process under a watchdog."""
from __future__ import annotations

import hashlib
import os
import sys

import pytest

from core.models import FileStatus
from ingest.read import read_document
from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.hostile.conftest import REPO
from tests.ingest.hostile.watchdog import run_watched


def read(path, tmp_path):
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return read_document(path, sha, path.name, render_dir=tmp_path / "pages")


@pytest.mark.parametrize("text", [False, True])
def test_a_page_of_20000_pt_is_refused_before_rendering(tmp_path, text):
    doc = read(corpus.huge_page(tmp_path, text=text), tmp_path)
    assert doc.status == FileStatus.error
    assert "page 1 too large: 20000×20000 pt" in doc.error
    assert not (tmp_path / "pages").exists()


def _watched_read(path, tmp_path, budget_mb, **env):
    code = (
        "import hashlib, sys; from pathlib import Path; from ingest.read import read_document; p = Path(sys.argv[1]); "
        "d = read_document(p, hashlib.sha256(p.read_bytes()).hexdigest(), p.name, render_dir=Path(sys.argv[2])); "
        "print(d.status.value, len(d.pages), d.pages[0].width if d.pages else 0, d.error)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "DOSSIER_OCR_THREADS": "1", **env}
    return run_watched([sys.executable, "-c", code, str(path), str(tmp_path / "pages")], budget_mb, env=env, timeout=300)


def test_a_large_text_page_is_rendered_within_the_pixel_budget(tmp_path):
    run = _watched_read(corpus.huge_page(tmp_path, text=True, side=9000.0), tmp_path, budget_mb=700)
    assert not run.killed_over_budget and run.returncode == 0, (run.peak_mb, run.stderr[-2000:])
    status, pages, width, _ = run.stdout.split(" ", 3)
    assert (status, pages, float(width)) == ("ok", "1", 9000.0)  # the text layer, in points
    from PIL import Image

    with Image.open(tmp_path / "pages" / "1.jpg") as img:
        assert img.size[0] * img.size[1] <= 40_000_000


def test_tiff_frames_are_decoded_one_at_a_time_under_a_total_budget(tmp_path):
    tif = corpus.tiff_frames(tmp_path, frames=40, side=4000)  # 40 × 48 MB decoded
    run = _watched_read(tif, tmp_path, budget_mb=1200, DOSSIER_MAX_TOTAL_PIXELS="40000000")
    assert not run.killed_over_budget and run.returncode == 0, (run.peak_mb, run.stderr[-2000:])
    status, pages, _, error = run.stdout.strip().split(" ", 3)
    assert (status, pages) == ("error", "2")  # two frames read, the rest refused with the reason
    assert "frames 3–40 of 40 not read" in error and "DOSSIER_MAX_TOTAL_PIXELS" in error


def test_every_limit_is_in_the_readme_table():
    from ingest.limits import LIMITS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Limits"):]
    assert all(f"| `{env}` |" in table for env, _, _ in LIMITS.values())


def test_an_ofd_part_over_its_budget_is_not_read_and_the_reason_names_the_variable(tmp_path, monkeypatch):
    """The OFD part cap was a constant no one could see or raise; now it is a limit like the
    others (ingest.limits, the README's table)."""
    from tests.ingest.makers import ofd_bytes

    path = tmp_path / "invoice.ofd"
    path.write_bytes(ofd_bytes())
    assert read(path, tmp_path).status == FileStatus.ok
    monkeypatch.setenv("DOSSIER_MAX_OFD_PART_BYTES", "200")
    doc = read(path, tmp_path)
    assert doc.status == FileStatus.error and "OFD part too large" in doc.error
    assert "DOSSIER_MAX_OFD_PART_BYTES" in doc.error
