import io
import os
import stat

import pytest
from PIL import Image

from ingest import sniff
from ingest.archive import FsspecArchive, LocalArchive, blob_key, sha256_of
from tests.ingest.makers import einvoice_xml, ofd_bytes, png_bytes, text_image


def test_sniff_by_content_not_extension(tmp_path):
    png = png_bytes(text_image(["测试"], size=(200, 80)))
    assert sniff.sniff(png, "invoice.pdf") == sniff.PNG
    assert sniff.sniff(b"%PDF-1.7\n...", "x.jpg") == sniff.PDF
    assert sniff.sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF", "x") == sniff.JPEG
    assert sniff.sniff(b"II*\x00\x08\x00\x00\x00", "x") == sniff.TIFF
    assert sniff.sniff(ofd_bytes(), "x.zip") == sniff.OFD
    assert sniff.sniff(einvoice_xml(), "x.txt") == sniff.XML
    assert sniff.sniff(b"MZ\x90\x00 executable", "x.pdf") == sniff.UNKNOWN
    for fmt, media in (("BMP", sniff.BMP), ("WEBP", sniff.WEBP), ("GIF", sniff.GIF)):
        buf = io.BytesIO()
        Image.new("RGB", (20, 10), "white").save(buf, fmt)
        assert sniff.sniff(buf.getvalue(), "x.jpg") == media
    (tmp_path / "a.zip").write_bytes(ofd_bytes())
    assert sniff.sniff_file(tmp_path / "a.zip") == sniff.OFD


def test_sniff_zero_byte_is_a_clear_error():
    with pytest.raises(sniff.EmptyFile, match="zero-byte"):
        sniff.sniff(b"", "empty.pdf")


def test_archive_stores_once_receipts_twice_and_is_read_only(tmp_path):
    archive = LocalArchive(tmp_path / "archive")
    src = tmp_path / "发票.pdf"
    src.write_bytes(b"%PDF-1.4 original bytes")
    first = archive.put(src, "发票.pdf", "dossier-1")
    second = archive.put(src.read_bytes(), "copy of 发票.pdf", "dossier-2")
    assert first.sha256 == second.sha256 == sha256_of(src)[0]
    assert (first.duplicate, second.duplicate) == (False, True)
    blob = tmp_path / "archive" / blob_key(first.sha256)
    assert blob.is_file() and str(blob) == first.stored_path
    assert [p for p in (tmp_path / "archive").rglob("*") if p.is_file() and p.name != "receipts.jsonl"] == [blob]
    assert not blob.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    receipts = archive.receipts(first.sha256)
    assert [(r.original_name, r.dossier_id) for r in receipts] == [("发票.pdf", "dossier-1"), ("copy of 发票.pdf", "dossier-2")]
    assert archive.open(first.sha256) == src.read_bytes()
    assert archive.verify(first.sha256)
    # Tampering (after forcing the permission) is caught by rehashing.
    os.chmod(blob, 0o644)
    blob.write_bytes(b"tampered")
    assert not archive.verify(first.sha256)
    assert not archive.verify("0" * 64)


def test_archive_streams_a_big_file(tmp_path):
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:
        for i in range(12):
            fh.write(bytes([i]) * (1 << 20))
    receipt = LocalArchive(tmp_path / "a").put(big, "big.bin", "d")
    assert receipt.size == 12 << 20
    assert LocalArchive(tmp_path / "a").verify(receipt.sha256)


@pytest.mark.parametrize("url", ["memory://dossier-test-archive", "file://{tmp}/remote"])
def test_fsspec_archive(tmp_path, url):
    archive = FsspecArchive(url.format(tmp=tmp_path))
    a = archive.put(b"same bytes", "a.pdf", "d1")
    b = archive.put(b"same bytes", "b.pdf", "d2")
    assert (a.duplicate, b.duplicate) == (False, True)
    assert archive.open(a.sha256) == b"same bytes"
    assert archive.verify(a.sha256)
    assert len(archive.receipts(a.sha256)) == 2
    assert a.stored_path.endswith(blob_key(a.sha256))
