"""Crash-safe writes: page images and cache entries are whole or absent; a damaged one is
made again, a tampered cache entry is a miss with a warning; dead runs' temp files are swept."""
from __future__ import annotations

import hashlib
import logging
import os
import subprocess

from PIL import Image

from ingest.cache import OcrCache
from ingest.ocr import get_engine
from ingest.read import read_document
from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.makers import png_bytes, text_image


def read(path, tmp_path, **kw):
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return read_document(path, sha, path.name, render_dir=tmp_path / "pages", **kw)


def decodes(path) -> bool:
    try:
        with Image.open(path) as img:
            img.load()
        return True
    except OSError:
        return False


def test_a_page_image_cut_short_is_drawn_again(tmp_path):
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(corpus.pdf_bytes(tmp_path))
    read(pdf, tmp_path)
    image = tmp_path / "pages" / "1.jpg"
    whole = image.read_bytes()
    image.write_bytes(whole[: len(whole) // 3])  # what a crash mid-write left before
    assert not decodes(image)
    read(pdf, tmp_path)
    assert decodes(image) and image.stat().st_size == len(whole)
    assert [p.name for p in (tmp_path / "pages").iterdir()] == ["1.jpg"]  # no temp file beside it


def test_a_tampered_ocr_cache_entry_is_a_miss_and_a_warning(tmp_path, caplog):
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_bytes(text_image(size=(900, 300), font_size=28)))
    cache = OcrCache(tmp_path / "cache")
    engine = get_engine("rapidocr")
    first = read(scan, tmp_path, engine=engine, cache=cache)
    assert read(scan, tmp_path, engine=engine, cache=cache).pages[0].cached
    # the page's OCR entry; an invoice page's seal-ring reading has an entry of its own beside it
    [entry] = [p for p in (tmp_path / "cache").rglob("*.json") if "seal_ring" not in p.parts]
    line = first.pages[0].lines[0].text
    entry.write_bytes(entry.read_bytes().replace(line.encode("utf-8"), "合计金额 ¥99999999.00".encode("utf-8"), 1))
    with caplog.at_level(logging.WARNING, logger="ingest.cache"):
        again = read(scan, tmp_path, engine=engine, cache=cache)
    assert not again.pages[0].cached and again.pages[0].lines[0].text == line
    assert "does not match its hash" in caplog.text


def test_temp_files_of_dead_writers_are_swept_and_live_ones_kept(tmp_path):
    from core.atomic import sweep_temp, write_atomic

    write_atomic(tmp_path / "a" / "out.json", b"{}")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["out.json"]
    dead = _dead_pid()
    (tmp_path / "a" / f".tmp-{dead}-x1").write_bytes(b"half")
    (tmp_path / "a" / f".tmp-{os.getpid()}-x2").write_bytes(b"being written")
    assert sweep_temp(tmp_path) == 1
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [f".tmp-{os.getpid()}-x2", "out.json"]


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid
