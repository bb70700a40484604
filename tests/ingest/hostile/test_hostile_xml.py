"""XML parsed by defusedxml, in whatever encoding it declares: no byte-prefix checks to slip past."""
from __future__ import annotations

import hashlib

from core.models import FileStatus
from ingest.read import read_document
from tests.ingest.hostile import make_corpus as corpus
from tests.ingest.makers import einvoice_xml


def read(path, tmp_path):
    return read_document(path, hashlib.sha256(path.read_bytes()).hexdigest(), path.name, render_dir=tmp_path / "pages")


def test_a_utf16_einvoice_is_read(tmp_path):
    doc = read(corpus.einvoice_utf16(tmp_path), tmp_path)
    assert doc.status == FileStatus.ok, doc.error
    assert doc.pages[0].tags["InvoiceNo"] == ["24442000000987654321"]


def test_a_gbk_declared_einvoice_is_read(tmp_path):
    path = tmp_path / "gbk.xml"
    path.write_bytes(einvoice_xml().decode("utf-8").replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk"))
    doc = read(path, tmp_path)
    assert doc.status == FileStatus.ok, doc.error
    assert "广州市黄埔区测试科技有限公司" in doc.text


def test_a_utf16_ofd_part_declaring_an_entity_is_refused_by_the_parser(tmp_path):
    doc = read(corpus.ofd_utf16_entity(tmp_path), tmp_path)
    assert doc.status == FileStatus.error
    assert "DOCTYPE/entities is refused" in doc.error


def test_a_doctype_after_4_kb_of_comment_is_refused(tmp_path):
    doc = read(corpus.xml_late_doctype(tmp_path), tmp_path)
    assert doc.status == FileStatus.error
    assert "DOCTYPE/entities is refused" in doc.error
