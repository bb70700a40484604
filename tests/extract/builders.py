"""Pages and documents built in code, as ingest would hand them to extract."""
from __future__ import annotations

import hashlib
import unicodedata

from core.models import Box, Document, FileStatus, Line, Page, ReadingSource, Word

TEXT_LAYER = ReadingSource(kind="text_layer", engine="pdfplumber", version="test")
OCR = ReadingSource(kind="ocr", engine="rapidocr", version="test")
OFD = ReadingSource(kind="ofd")


def text_width(text: str, height: float) -> float:
    return sum(height if unicodedata.east_asian_width(c) in "WF" else height / 2 for c in text)


def line(text: str, x0: float, y0: float, height: float = 12, conf: float = 1.0, words: bool = False, gap: float = 0.5) -> Line:
    box = Box(x0=x0, y0=y0, x1=x0 + text_width(text, height), y1=y0 + height)
    ws = []
    if words:  # one word per space-separated piece, placed as they would print
        x = x0
        for piece in text.split(" "):
            w = text_width(piece, height)
            ws.append(Word(text=piece, box=Box(x0=x, y0=y0, x1=x + w, y1=y0 + height)))
            x += w + gap * height
    return Line(text=text, box=box, confidence=conf, words=ws)


def page(lines: list[Line], number: int = 1, width: float = 900, height: float = 560,
         source: ReadingSource = TEXT_LAYER, tags: dict[str, list[str]] | None = None) -> Page:
    return Page(number=number, width=width, height=height, unit="pt" if source.kind == "text_layer" else "px",
                source=source, lines=lines, tags=tags or {})


def prose(rows: list[str], number: int = 1, height: float = 14, left: float = 60, top: float = 60) -> Page:
    """A text document: one line per row, top to bottom."""
    return page([line(text, left, top + i * height * 1.8, height) for i, text in enumerate(rows) if text],
                number=number, width=600, height=top + len(rows) * height * 1.8 + 60)


def document(*pages: Page, name: str = "doc.pdf", status: FileStatus = FileStatus.ok, error: str | None = None) -> Document:
    sha = hashlib.sha256(name.encode() + str(len(pages)).encode()).hexdigest()
    return Document(sha256=sha, original_name=name, media_type="application/pdf", size=1, status=status,
                    error=error, pages=list(pages))


# An old-layout invoice (专票/普票) as separate boxes: labels and values apart, the vertical
# 购/销 block labels, the item table and the totals, at the real documents' coordinates.
def old_invoice_lines(v: dict[str, str], title: str = "增值税专用发票") -> list[tuple[str, float, float]]:
    return [
        (title, 350, 24),
        (v["code"], 166, 42),
        ("No" + v["number"], 612, 40),
        (v["code"], 768, 46),
        (v["number"], 757, 66),
        ("机器编号499098498366", 77, 92),
        ("开票日期：" + v["date"], 635, 88),
        ("购", 88, 119), ("名", 113, 119), ("称：" + v["buyer"], 181, 119),
        ("密", 520, 122), ("1*6<+81+574+9*2+/>0-39063/*", 539, 121),
        ("纳税人识别号：" + v["buyer_id"], 113, 139),
        ("-*0/968*624582>91*3/*1<6*42", 540, 139),
        ("地址、电话：广州市黄埔区科学大道1号", 112, 158),
        ("开户行及账号：建行-0000123456789", 115, 178),
        ("货物或应税劳务、服务名称", 100, 201), ("规格型号", 295, 201), ("单位", 380, 201), ("数量", 436, 201),
        ("单价", 514, 201), ("金额", 610, 201), ("税率", 688, 201), ("税额", 760, 201),
        (v["item"], 80, 222), ("V2", 300, 222), ("年", 383, 222), ("1", 450, 222),
        (v["amount"], 515, 222), (v["amount"], 610, 222), ("6%", 690, 222), (v["tax"], 770, 222),
        ("合", 135, 345), ("计", 206, 345), ("￥" + v["amount"], 600, 345), ("￥" + v["tax"], 750, 345),
        ("价税合计（大写）", 123, 372), (v["words"], 293, 372), ("（小写）￥" + v["total"], 624, 372),
        ("销", 87, 400), ("名", 112, 400), ("称：" + v["seller"], 177, 400), ("备注", 536, 400),
        ("纳税人识别号：", 111, 418), (v["seller_id"], 220, 421),
        ("地址、电话：广州市天河区体育西路2号", 108, 438),
        ("开户行及账号：工行123455668-23422256111", 109, 456),
        ("收款人：张三", 90, 480), ("复核：李四", 301, 480), ("开票人：王五", 463, 480),
    ]


OLD_INVOICE = {
    "code": "4400194130", "number": "01234567", "date": "2025年03月18日",
    "buyer": "广州云栖工业科技有限公司", "buyer_id": "91440101MA5CXXQ213",
    "seller": "深圳数联软件服务有限公司", "seller_id": "914403007261824992",
    "item": "*信息技术服务*工业云平台订阅", "amount": "113207.55", "tax": "6792.45", "total": "120000.00",
    "words": "壹拾贰万圆整",
}


def boxes_page(items: list[tuple[str, float, float]], source: ReadingSource = TEXT_LAYER, height: float = 14,
               skew_deg: float = 0.0, **kw) -> Page:
    """Boxes at (x, y); `skew_deg` tilts the page about its origin as a photo would be."""
    import math

    slope = math.tan(math.radians(skew_deg))
    lines = []
    for text, x, y in items:
        ln = line(text, x, y + x * slope, height)
        lines.append(ln)
    return page(lines, source=source, **kw)
