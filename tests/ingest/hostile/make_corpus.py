"""The hostile corpus, generated (nothing large is committed): each function writes one
case under `out` and returns its path. `python -m tests.ingest.hostile.make_corpus OUT`
writes them all, as a batch folder of dossiers.
"""
from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

from PIL import Image

from tests.ingest.makers import einvoice_xml, ofd_bytes, png_bytes, text_image, text_pdf

INVOICE_TEXT = [(60, 80, "增值税专用发票 发票号码 24322000000489101796"), (60, 120, "合计金额 ¥17699.12 税额 ¥2300.88")]


def pdf_bytes(tmp: Path, lines=INVOICE_TEXT) -> bytes:
    return text_pdf(tmp / "_tmp.pdf", [lines]).read_bytes()


def _zip(members: dict[str, bytes], stored: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def stored_zip_with_pdfs(out: Path) -> Path:
    """A dossier zip holding a stored zip whose first member is a PDF: `%PDF-` sits in the
    inner zip's first kilobyte."""
    pdf = pdf_bytes(out)
    inner = _zip({"a.pdf": pdf, "b.pdf": pdf.replace(b"17699.12", b"17699.13")}, stored=True)
    path = out / "stored.zip"
    path.write_bytes(_zip({"cover.pdf": pdf, "inner.zip": inner}, stored=True))
    return path


def nested_zips(out: Path, levels: int = 5) -> Path:
    """`levels` zips inside each other, each with one PDF of its own."""
    pdf = pdf_bytes(out)
    data = _zip({f"p{levels - 1}.pdf": pdf + b"%" + bytes([levels])})
    for level in range(levels - 2, -1, -1):
        data = _zip({f"p{level}.pdf": pdf + b"%" + bytes([level]), f"l{level + 1}.zip": data})
    path = out / "nested.zip"
    path.write_bytes(data)
    return path


def undecodable_name(out: Path) -> Path:
    """A dossier folder with a file whose name is not UTF-8 (a GBK name copied raw)."""
    folder = out / "badname"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), "发票".encode("gbk") + b"\xff.pdf")
    with open(raw, "wb") as fh:
        fh.write(pdf_bytes(out))
    (folder / "good.pdf").write_bytes(pdf_bytes(out, [(60, 80, "合同 甲方 广州测试科技有限公司 乙方 广州设备有限公司")]))
    return folder


def many_members(out: Path, n: int = 199) -> Path:
    """199 members of 1 MB of zeros: ~230 KB of zip."""
    path = out / "members.zip"
    block = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n):
            zf.writestr(f"m{i:03d}.pdf", b"%PDF-1.4\n" + block[9:])
    return path


def huge_page(out: Path, text: bool, side: float = 20000.0) -> Path:
    """One PDF page of side×side points (a few hundred bytes of file)."""
    from reportlab.pdfgen import canvas

    from tests.ingest.makers import _cid_font

    path = out / f"huge-{'text' if text else 'scan'}-{int(side)}.pdf"
    c = canvas.Canvas(str(path), pagesize=(side, side))
    if text:
        c.setFont(_cid_font(), 14)
        for i, (_, _, line) in enumerate(INVOICE_TEXT * 3):
            c.drawString(60, side - 80 - 20 * i, line)
    else:
        c.rect(10, 10, 100, 100, fill=1)
    c.showPage()
    c.save()
    return path


def tiff_frames(out: Path, frames: int = 50, side: int = 6000) -> Path:
    """A multi-frame TIFF of blank side×side pages (deflated: small on disk, big decoded)."""
    page = Image.new("L", (side, side), 255)
    path = out / f"frames-{frames}x{side}.tif"
    page.save(path, save_all=True, append_images=[page] * (frames - 1), compression="tiff_deflate")
    return path


def batch_of_zips(out: Path, zips: int = 4, mb: int = 60) -> Path:
    """A folder of dossier zips, each expanding to `mb` MB at ~50:1 (under every ratio cap)."""
    folder = out / "batch"
    folder.mkdir()
    for z in range(zips):
        with zipfile.ZipFile(folder / f"d{z}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for m in range(mb // 20):
                with zf.open(f"scan{m}.pdf", "w") as fh:
                    fh.write(b"%PDF-1.4\n")
                    for _ in range(20):  # 20 MB a member, each MB 20 KB of noise and zeros
                        fh.write(os.urandom(20 << 10) + bytes((1 << 20) - (20 << 10)))
    return folder


def einvoice_utf16(out: Path) -> Path:
    path = out / "数电票-utf16.xml"
    path.write_bytes(einvoice_xml().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    return path


def ofd_utf16_entity(out: Path) -> Path:
    """An OFD whose OFD.xml is UTF-16 and declares an entity (the byte check saw no `<!ENTITY`)."""
    src = zipfile.ZipFile(io.BytesIO(ofd_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "OFD.xml":
                text = data.decode("utf-8").replace('encoding="UTF-8"?>', 'encoding="UTF-16"?>\n<!DOCTYPE ofd:OFD [<!ENTITY x "boom">]>', 1)
                data = text.replace("<ofd:DocID>t</ofd:DocID>", "<ofd:DocID>&x;</ofd:DocID>").encode("utf-16")
            zf.writestr(info, data)
    path = out / "entity-utf16.ofd"
    path.write_bytes(buf.getvalue())
    return path


def xml_late_doctype(out: Path) -> Path:
    """A DOCTYPE naming an external DTD after 4 KB of comment (the prefix check read 4 KB)."""
    body = einvoice_xml().decode("utf-8")
    decl, rest = body.split("\n", 1)
    text = decl + "\n<!--" + "x" * 5000 + "-->\n" + '<!DOCTYPE EInvoice SYSTEM "http://example.invalid/e.dtd">\n' + rest
    path = out / "late-doctype.xml"
    path.write_bytes(text.encode("utf-8"))
    return path


def small_dossier(out: Path, name: str = "small") -> Path:
    """An ordinary dossier: text PDF, a scan, an OFD and a 数电票 XML."""
    folder = out / name
    folder.mkdir()
    (folder / "invoice.pdf").write_bytes(pdf_bytes(out))
    (folder / "scan.png").write_bytes(png_bytes(text_image(size=(900, 300), font_size=28)))
    (folder / "e.ofd").write_bytes(ofd_bytes())
    (folder / "e.xml").write_bytes(einvoice_xml())
    return folder


def earlier_cases(out: Path) -> Path:
    """The hostile inputs of the earlier tests in tests/ingest, as one dossier: an empty
    file, a truncated and an encrypted PDF, a PNG bomb, and a zip with a traversal, an
    absolute path and a zip-bomb member."""
    folder = out / "earlier"
    folder.mkdir()
    pdf = pdf_bytes(out)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    text_pdf(folder / "encrypted.pdf", [INVOICE_TEXT], encrypt="secret")
    Image.new("1", (12000, 12000)).save(folder / "bomb.png", "PNG")  # 144 MP, a few kB
    (folder / "evil.zip").write_bytes(_zip({"../../escape.pdf": pdf, "/etc/abs.pdf": pdf, "zeros.pdf": b"%PDF" + bytes(8 << 20), "fine.pdf": pdf}))
    return folder


CASES = {
    "stored": stored_zip_with_pdfs,
    "nested": nested_zips,
    "badname": undecodable_name,
    "members": many_members,
    "huge-scan": lambda out: huge_page(out, text=False),
    "huge-text": lambda out: huge_page(out, text=True),
    "big-text": lambda out: huge_page(out, text=True, side=9000.0),
    "tiff": tiff_frames,
    "utf16-xml": einvoice_utf16,
    "ofd-entity": ofd_utf16_entity,
    "late-doctype": xml_late_doctype,
    "earlier": earlier_cases,
}


def make_batch(out: Path, cases=None) -> Path:
    """Every case (or those named) as a dossier of a batch folder: zips as they are, single
    files in a folder each."""
    batch = out / "hostile"
    batch.mkdir(parents=True)
    work = out / "work"
    work.mkdir()
    for key, make in CASES.items():
        if cases is not None and key not in cases:
            continue
        made = make(work)
        if made.suffix == ".zip" or made.is_dir():
            made.rename(batch / made.name)
        else:
            (batch / key).mkdir()
            made.rename(batch / key / made.name)
    return batch


if __name__ == "__main__":
    print(make_batch(Path(sys.argv[1])))
