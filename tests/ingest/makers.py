"""Test documents made at test time: rendered Chinese text, PDFs, OFD, 数电票 XML, QR codes."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

INVOICE_LINES = [
    "增值税专用发票 发票号码 24322000000489101796",
    "购买方名称：广州市黄埔区测试科技有限公司",
    "合计金额 ¥17699.12 税额 ¥2300.88",
    "开票日期：2024年12月05日",
]


def text_image(lines=INVOICE_LINES, size=(1000, 420), font_size=32) -> np.ndarray:
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_size)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * font_size * 2), line, font=font, fill="black")
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def png_bytes(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image)
    assert ok
    return buf.tobytes()


def qr_image(payload: str, module_px: int = 6) -> np.ndarray:
    code = cv2.QRCodeEncoder.create().encode(payload)
    code = cv2.resize(code, (code.shape[1] * module_px, code.shape[0] * module_px), interpolation=cv2.INTER_NEAREST)
    code = cv2.copyMakeBorder(code, 24, 24, 24, 24, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)


def _cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def text_pdf(path: Path, pages: list[list[tuple[float, float, str]]], encrypt: str | None = None, qr: np.ndarray | None = None) -> Path:
    """Each page: (x, y_from_top, text) in points, 14 pt STSong; `qr` is drawn 2 cm wide at the
    top right of page 1."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = _cid_font()
    kwargs = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword=encrypt + "-owner")
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    for n, items in enumerate(pages):
        if n == 0 and qr is not None:
            c.drawImage(ImageReader(Image.fromarray(qr[:, :, ::-1])), 500, A4[1] - 20 - 57, width=57, height=57)
        c.setFont(font, 14)
        for x, y, text in items:
            c.drawString(x, A4[1] - y, text)
        c.showPage()
    c.save()
    return path


def mixed_pdf(path: Path, text_items: list[tuple[float, float, str]], scan: np.ndarray, watermark: str | None = None) -> Path:
    """Page 1 a text layer, page 2 an image (a scan), with a scanner app's text line if given."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = _cid_font()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 14)
    for x, y, text in text_items:
        c.drawString(x, A4[1] - y, text)
    c.showPage()
    h, w = scan.shape[:2]
    width = A4[0] - 72
    c.drawImage(ImageReader(Image.fromarray(scan[:, :, ::-1])), 36, A4[1] - 36 - width * h / w, width=width, height=width * h / w)
    if watermark:
        c.setFont(font, 9)
        c.drawString(36, 20, watermark)
    c.showPage()
    c.save()
    return path


OFD_NS = "http://www.ofdspec.org/2016"


def ofd_bytes() -> bytes:
    """A small 数电票 OFD with the structure the tax platform emits (template page, tags, CustomData)."""
    ofd = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="{OFD_NS}" DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t</ofd:DocID>
<ofd:CustomDatas><ofd:CustomData Name="发票号码">24442000000123456789</ofd:CustomData><ofd:CustomData Name="合计金额">1000.00</ofd:CustomData></ofd:CustomDatas>
</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID>
<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>
<ofd:TemplatePage ID="1" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>
<ofd:Pages><ofd:Page ID="61" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>
<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>"""
    template = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="2">
<ofd:TextObject ID="3" Boundary="150.5 10 30 5" Font="1" Size="3.175"><ofd:TextCode X="0" Y="3.6" DeltaX="3.175 3.175 3.175 3.175">发票号码：</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="4" Boundary="10 30 30 5" Font="1" Size="3.175"><ofd:TextCode X="0" Y="3.6" DeltaX="3.175 3.175 3.175">购买方名称</ofd:TextCode></ofd:TextObject>
</ofd:Layer></ofd:Content></ofd:Page>"""
    page = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Area><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:Area>
<ofd:Template TemplateID="1" ZOrder="Background"/><ofd:Content><ofd:Layer ID="10">
<ofd:TextObject ID="20" Boundary="170 10 38 5" Font="1" Size="3.175"><ofd:TextCode X="0" Y="3.6" DeltaX="g 19 1.5875">24442000000123456789</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="21" Boundary="42 30 84 5" Font="1" Size="3.175"><ofd:TextCode X="0" Y="3.6" DeltaX="g 13 3.175">广州市黄埔区测试科技有限公司</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="22" Boundary="127.5 90.5 26 5.293" Font="1" Size="3.88"><ofd:TextCode X="10.97" Y="4.13">¥</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="23" Boundary="127.5 90.5 26 5.293" Font="1" Size="3.175"><ofd:TextCode X="13.3" Y="4.13" DeltaX="g 6 1.5875">1000.00</ofd:TextCode></ofd:TextObject>
</ofd:Layer></ofd:Content></ofd:Page>"""
    tags_index = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:CustomTags xmlns:ofd="{OFD_NS}"><ofd:CustomTag TypeID="root"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>"""
    tags = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:root xmlns:ofd="{OFD_NS}"><ofd:InvoiceNo><ofd:ObjectRef PageRef="61">20</ofd:ObjectRef></ofd:InvoiceNo>
<ofd:Buyer><ofd:BuyerName><ofd:ObjectRef PageRef="61">21</ofd:ObjectRef></ofd:BuyerName></ofd:Buyer>
<ofd:TaxExclusiveTotalAmount><ofd:ObjectRef PageRef="61">22</ofd:ObjectRef><ofd:ObjectRef PageRef="61">23</ofd:ObjectRef></ofd:TaxExclusiveTotalAmount></ofd:root>"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", ofd)
        zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("Doc_0/Tpls/Tpl_0/Content.xml", template)
        zf.writestr("Doc_0/Pages/Page_0/Content.xml", page)
        zf.writestr("Doc_0/Tags/CustomTags.xml", tags_index)
        zf.writestr("Doc_0/Tags/CustomTag.xml", tags)
    return buf.getvalue()


def scanned_ofd(scan: np.ndarray | None, page_mm=(110, 60), at_mm=(5, 20, 100, 30), media: tuple[str, bytes] | None = None) -> bytes:
    """A scan saved as OFD: one page holding only an image object (CTM and Boundary placing
    it at `at_mm`: x, y, width, height), the image a resource of DocumentRes.xml (`scan` as a
    PNG, or `media`: its file name and bytes)."""
    x, y, w, h = at_mm
    media_name, media_bytes = media or ("scan_5.png", png_bytes(scan))
    ofd = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="{OFD_NS}" DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:DocID>s</ofd:DocID></ofd:DocInfo>
<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>
<ofd:PageArea><ofd:PhysicalBox>0 0 {page_mm[0]} {page_mm[1]}</ofd:PhysicalBox></ofd:PageArea>
<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>
<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"""
    res = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:MultiMedias><ofd:MultiMedia ID="5" Type="Image">
<ofd:MediaFile>{media_name}</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"""
    page = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="2">
<ofd:ImageObject ID="6" ResourceID="5" Boundary="{x} {y} {w} {h}" CTM="{w} 0 0 {h} 0 0"/>
</ofd:Layer></ofd:Content></ofd:Page>"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("OFD.xml", ofd), ("Doc_0/Document.xml", document), ("Doc_0/DocumentRes.xml", res),
                           ("Doc_0/Pages/Page_0/Content.xml", page), (f"Doc_0/Res/{media_name}", media_bytes)):
            zf.writestr(name, data)
    return buf.getvalue()


def jbig2_bytes(image: np.ndarray, header: bool = False, sequential: bool = True) -> bytes:
    """A bilevel image as JBIG2 the way scanners write it for OFD: a page information segment
    and an immediate lossless generic region coded MMR (T.6, libtiff's Group 4 via Pillow); as
    the embedded stream, or a file with its header (`sequential` False marks it random-access)."""
    ink = image.min(axis=2) < 128 if image.ndim == 3 else image < 128
    buf = io.BytesIO()
    # libtiff writes Pillow's bilevel images min-is-black: ink as 1 bits is ink coded black
    Image.fromarray(np.where(ink, 255, 0).astype(np.uint8)).convert("1").save(buf, "TIFF", compression="group4")
    tiff = Image.open(io.BytesIO(buf.getvalue()))
    [offset], [length] = tiff.tag_v2[273], tiff.tag_v2[279]
    mmr = buf.getvalue()[offset:offset + length]
    h, w = ink.shape

    def segment(number: int, kind: int, data: bytes) -> bytes:
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    stream = segment(0, 48, struct.pack(">IIIIBH", w, h, 0, 0, 0, 0)) + segment(1, 39, struct.pack(">IIIIBB", w, h, 0, 0, 0, 1) + mmr)
    return (b"\x97JB2\r\n\x1a\n" + bytes([0x03 if sequential else 0x02]) + stream) if header else stream


def einvoice_xml(wrapper: bool = True) -> bytes:
    body = """
  <TaxSupervisionInfo><InvoiceNumber>24442000000987654321</InvoiceNumber><IssueTime>2024-03-15</IssueTime></TaxSupervisionInfo>
  <EInvoiceData>
    <SellerInformation><SellerIdNum>91440101MA5CXXXX1A</SellerIdNum><SellerName>广州某设备有限公司</SellerName></SellerInformation>
    <BuyerInformation><BuyerIdNum>91440116MA9YYYYY2B</BuyerIdNum><BuyerName>广州市黄埔区测试科技有限公司</BuyerName></BuyerInformation>
    <BasicInformation><TotalAmWithoutTax>100000.00</TotalAmWithoutTax><TotalTaxAm>13000.00</TotalTaxAm>
      <TotalTax-includedAmount>113000.00</TotalTax-includedAmount><TotalTax-includedAmountInChinese>壹拾壹万叁仟圆整</TotalTax-includedAmountInChinese></BasicInformation>
    <IssuItemInformation><ItemName>*机械设备*数控机床</ItemName><SpecMod>XK-100</SpecMod><MeaUnits>台</MeaUnits><Quantity>2</Quantity><UnPrice>50000</UnPrice><Amount>100000.00</Amount><TaxRate>0.13</TaxRate><ComTaxAm>13000.00</ComTaxAm></IssuItemInformation>
  </EInvoiceData>"""
    if wrapper:
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<EInvoice><Header><EIid>24442000000987654321</EIid></Header>{body}</EInvoice>'.encode()
    return f"<Invoice>{body}</Invoice>".encode()
