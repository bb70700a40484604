"""read_document on every kind of file and every kind of bad file: a clear error per file, never a raise."""
import time
from pathlib import Path

import cv2
import pytest

from core.home import home
from core.models import FileStatus
from ingest.archive import LocalArchive
from ingest.cache import OcrCache
from ingest.intake import collect
from ingest.read import read_document
from tests.ingest.makers import einvoice_xml, mixed_pdf, ofd_bytes, png_bytes, qr_image, text_image, text_pdf

INVOICE_PAGE = [(72, 72, "增值税专用发票"), (72, 100, "发票号码：24442000000987654321"), (300, 130, "合计金额 ¥100000.00")]


def read(path: Path, tmp_path: Path, **kw):
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    return read_document(path, sha, path.name, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "pages" / sha[:8], **kw)


def test_text_layer_pdf_lines_and_boxes_in_points(tmp_path):
    doc = read(text_pdf(tmp_path / "inv.pdf", [INVOICE_PAGE]), tmp_path)
    assert doc.status == FileStatus.ok and doc.media_type == "application/pdf"
    [page] = doc.pages
    assert page.unit == "pt" and page.source.kind == "text_layer"
    assert (round(page.width), round(page.height)) == (595, 842)
    by_text = {line.text: line for line in page.lines}
    assert set(by_text) == {"增值税专用发票", "发票号码：24442000000987654321", "合计金额 ¥100000.00"}
    total = by_text["合计金额 ¥100000.00"]
    # drawString puts the baseline at y=130 pt from the top; a 14 pt glyph sits just above it.
    assert total.box.x0 == pytest.approx(300, abs=0.5)
    assert 114 < total.box.y0 < 120 and 129 < total.box.y1 < 134
    image = home() / page.image
    assert image.exists()
    h, w = cv2.imread(str(image)).shape[:2]
    assert w == pytest.approx(page.width * 2, abs=2)  # the UI scales boxes by image width / page width


def test_qr_code_on_a_text_layer_invoice(tmp_path):
    payload = "01,32,,24442000000987654321,100000.00,20240315,,8A3F"
    doc = read(text_pdf(tmp_path / "qr.pdf", [INVOICE_PAGE], qr=qr_image(payload, module_px=4)), tmp_path)
    tags = doc.pages[0].tags
    assert tags["qr.raw"] == [payload] and tags["qr.invoice_number"] == ["24442000000987654321"]


def test_encrypted_pdf(tmp_path):
    doc = read(text_pdf(tmp_path / "locked.pdf", [INVOICE_PAGE], encrypt="secret"), tmp_path)
    assert doc.status == FileStatus.error and "encrypted PDF: password required" in doc.error


def test_corrupt_and_truncated_pdf(tmp_path):
    good = text_pdf(tmp_path / "good.pdf", [INVOICE_PAGE]).read_bytes()
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 3])
    assert "corrupt PDF" in read(corrupt, tmp_path).error
    doc = read(truncated, tmp_path)
    assert doc.status == FileStatus.error and "truncated PDF" in doc.error


def test_zero_byte_unsupported_and_zip(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    doc = read_document(empty, "e" * 64, "empty.pdf")
    assert doc.status == FileStatus.error and "zero-byte" in doc.error
    exe = tmp_path / "tool.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\0" * 100)
    doc = read(exe, tmp_path)
    assert doc.status == FileStatus.unsupported and "unsupported file type" in doc.error
    z = tmp_path / "more.zip"
    import zipfile

    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.txt", "x")
    assert "zip archive" in read(z, tmp_path).error
    missing = read_document(tmp_path / "gone.pdf", "0" * 64, "gone.pdf")
    assert missing.status == FileStatus.error and "cannot open" in missing.error


def test_300_page_text_pdf_reads_completely_in_seconds(tmp_path):
    pages = [[(72, 72, f"第{i + 1}页 合同条款 甲方乙方约定事项 {i:04d}")] for i in range(300)]
    path = text_pdf(tmp_path / "long.pdf", pages)
    start = time.perf_counter()
    doc = read(path, tmp_path)
    elapsed = time.perf_counter() - start
    assert doc.status == FileStatus.ok and len(doc.pages) == 300
    assert doc.pages[299].lines[0].text.startswith("第300页")
    assert elapsed < 30, elapsed


def test_page_cap_gives_a_clear_error(tmp_path, monkeypatch):
    from ingest import pdf

    monkeypatch.setenv("DOSSIER_MAX_PAGES", "5")
    path = text_pdf(tmp_path / "six.pdf", [[(72, 72, "合同条款 甲方乙方约定事项")]] * 6)
    doc = read(path, tmp_path)
    assert doc.status == FileStatus.error and "6 pages, more than the limit of 5" in doc.error


def test_ofd_and_xml_through_read_document(tmp_path):
    ofd = tmp_path / "e.ofd"
    ofd.write_bytes(ofd_bytes())
    xml = tmp_path / "e.xml"
    xml.write_bytes(einvoice_xml())
    d1, d2 = read(ofd, tmp_path), read(xml, tmp_path)
    assert (d1.media_type, d1.pages[0].source.kind, d1.pages[0].unit) == ("application/ofd", "ofd", "pt")
    assert d2.pages[0].tags["InvoiceNo"] == ["24442000000987654321"]
    assert (home() / d1.pages[0].image).exists() and (home() / d2.pages[0].image).exists()


@pytest.mark.slow
def test_png_named_pdf_is_read_as_png_with_ocr_and_cached(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(png_bytes(text_image()))
    doc = read(path, tmp_path)
    assert doc.status == FileStatus.ok and doc.media_type == "image/png"
    [page] = doc.pages
    assert page.source.kind == "ocr" and page.unit == "px" and not page.cached and page.seconds > 0
    assert "购买方名称：广州市黄埔区测试科技有限公司" in page.text
    again = read(path, tmp_path)
    assert again.pages[0].cached and again.pages[0].seconds == 0
    assert again.pages[0].lines == page.lines
    elsewhere = read_document(path, doc.sha256, "scan.pdf", cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "other")
    assert elsewhere.pages[0].cached and Path(elsewhere.pages[0].image) == (tmp_path / "other" / "1.png").resolve()
    assert (tmp_path / "other" / "1.png").exists()  # a cache hit still leaves this run's page image


@pytest.mark.slow
def test_mixed_pdf_text_page_and_scanned_page(tmp_path):
    scan = text_image(["承诺书", "本公司承诺三年内不迁出黄埔区"], size=(900, 1200), font_size=40)
    path = mixed_pdf(tmp_path / "mixed.pdf", INVOICE_PAGE, scan, watermark="扫描全能王 3亿人都在用的扫描App")
    doc = read(path, tmp_path)
    assert doc.status == FileStatus.ok
    first, second = doc.pages
    assert (first.source.kind, first.unit) == ("text_layer", "pt")
    assert (second.source.kind, second.unit, second.source.settings["dpi"]) == ("ocr", "px", 200)
    assert "本公司承诺三年内不迁出黄埔区" in second.text


@pytest.mark.slow
def test_a_dossier_with_every_bad_file_goes_on(tmp_path):
    import zipfile

    good_pdf = text_pdf(tmp_path / "src.pdf", [INVOICE_PAGE]).read_bytes()
    locked = text_pdf(tmp_path / "src-locked.pdf", [INVOICE_PAGE], encrypt="pw").read_bytes()
    dossier_zip = tmp_path / "incoming" / "dossier.zip"
    dossier_zip.parent.mkdir()
    with zipfile.ZipFile(dossier_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("dossier/发票.pdf", good_pdf)
        zf.writestr("dossier/locked.pdf", locked)
        zf.writestr("dossier/empty.pdf", b"")
        zf.writestr("dossier/truncated.pdf", good_pdf[:500])
        zf.writestr("dossier/../../escape.pdf", good_pdf)
        zf.writestr("dossier/e.ofd", ofd_bytes())
        zf.writestr("dossier/photo.pdf", png_bytes(text_image(["营业执照", "统一社会信用代码 91440116MA9YYYYY2B"], size=(800, 200))))
    [dossier] = collect([dossier_zip])
    archive = LocalArchive(tmp_path / "archive")
    docs = {}
    for f in dossier.files:
        r = archive.put(f.read(), f.name, dossier.name)
        docs[f.name] = read_document(Path(archive.path(r.sha256)), r.sha256, f.name, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "pages" / r.sha256[:8])
        assert archive.verify(r.sha256)  # the original is kept, untouched by reading
    status = {name: (d.status.value, d.error or "") for name, d in docs.items()}
    assert status["发票.pdf"][0] == status["e.ofd"][0] == status["photo.pdf"][0] == "ok"
    assert "password required" in status["locked.pdf"][1]
    assert "zero-byte" in status["empty.pdf"][1]
    assert "truncated" in status["truncated.pdf"][1]
    assert "'..'" in {e.name: e.reason for e in dossier.errors}["../../escape.pdf"]
    assert not (tmp_path / "escape.pdf").exists() and not (tmp_path.parent / "escape.pdf").exists()
    assert "统一社会信用代码91440116MA9YYYYY2B" in docs["photo.pdf"].text.replace(" ", "")


@pytest.mark.parametrize("source", ["file", "bytes"])
def test_a_long_pdf_reads_every_page_across_the_reopened_documents(tmp_path, source):
    """pdf_pages opens pdfium's document afresh every REOPEN_EVERY pages (it keeps what it
    parsed until closed): each page still comes with its own text and renders as itself.
    read_document hands it the file, so a long scan's bytes are never all in memory."""
    from ingest.pdf import REOPEN_EVERY, pdf_pages

    n = 2 * REOPEN_EVERY + 3
    path = text_pdf(tmp_path / "long.pdf", [[(60, 80, f"第{i + 1}页 合同附件清单")] for i in range(n)])
    pdf = path if source == "file" else path.read_bytes()
    pages = list(pdf_pages(pdf, "long.pdf"))
    assert [p.number for p in pages] == list(range(1, n + 1))
    assert ["".join(w.text for w in p.words) for p in pages] == [f"第{i + 1}页合同附件清单" for i in range(n)]
    renders = {}
    for p in pdf_pages(pdf, "long.pdf"):
        if p.number in (REOPEN_EVERY, REOPEN_EVERY + 1, n):
            renders[p.number] = p.render(1.0)
    assert all(img.shape[0] == 842 and img.min() < 128 for img in renders.values())
    assert not (renders[REOPEN_EVERY] == renders[REOPEN_EVERY + 1]).all()  # each page is itself
