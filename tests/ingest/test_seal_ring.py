"""The name round a seal's ring, unrolled and read (real OCR), kept in a cache entry of its own."""
import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from fixtures.generator.fonts import pil_font
from fixtures.generator.stamp import seal as stamp
from ingest import seal_ring
from ingest.archive import LocalArchive
from ingest.cache import OcrCache
from ingest.ocr.rapid import RapidOcrEngine
from ingest.read import may_be_invoice, read_document

NAME = "深圳数联软件服务有限公司"


def ringed(name: str = NAME, turn: float = 0.0) -> np.ndarray:
    """A 发票专用章 (oval, tax id across it) on an invoice's corner, turned by `turn` degrees."""
    mark = stamp(name, random.Random(2), size=300, bottom="发票专用章", code="91440300MA5FXT0X3B", oval=True)
    mark = mark.resize((mark.width * 2 // 3, mark.height * 2 // 3)).rotate(turn, expand=True)
    img = Image.new("RGB", (1000, 560), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 30), "电子发票（普通发票）", font=pil_font(34), fill="black")
    d.text((40, 300), "销售方信息 名称：深圳数联软件服务有限公司", font=pil_font(26), fill="black")
    d.text((40, 420), "价税合计（大写）壹仟元整", font=pil_font(26), fill="black")
    img.paste(mark, (560, 250), mark)
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


class Counting(RapidOcrEngine):
    def __init__(self):
        super().__init__()
        self.pages = self.lines = 0

    def read_oriented(self, image):
        self.pages += 1
        return super().read_oriented(image)

    def read_line(self, image):
        self.lines += 1
        return super().read_line(image)


@pytest.fixture(scope="module")
def engine():
    return Counting()


def holds(name: str, rings) -> bool:
    return any(name in line.text + line.text for line in rings)


@pytest.mark.parametrize("turn", [0.0, 50.0])
def test_the_ring_reads_the_name_wherever_its_text_starts(engine, turn):
    rings = seal_ring.read_rings(ringed(turn=turn), engine.read_line)
    assert holds(NAME, rings), [line.text for line in rings]
    assert len(rings) <= len(seal_ring.BANDS) and len({(r.box.x0, r.box.y0) for r in rings}) == 1


def test_two_seals_over_each_other_each_read_round_its_own_ring(engine):
    """The seller's 发票专用章 and a second seal pressed over its rim: once one blob, rejected,
    no ring read at all; split (ingest.seal), each ring is read within its own outline, so a long
    piece of each name comes off its own seal and nothing of the other's name."""
    other = "广州云栖工业科技有限公司"
    marks = [stamp(name, random.Random(i), size=195, bottom="发票专用章", code="91440300MA5FXT0X3B", oval=True)
             for i, name in enumerate((NAME, other))]
    img = Image.new("RGB", (1350, 780), "white")
    ImageDraw.Draw(img).text((40, 300), "价税合计（大写）壹仟元整", font=pil_font(26), fill="black")
    for mark, x in zip(marks, (450, 675)):
        img.paste(mark, (x, 460), mark)
    rings = seal_ring.read_rings(cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR), engine.read_line)
    for name, x in ((NAME, 450), (other, 675)):
        own = [line.text for line in rings if abs(line.box.x0 - x) < 20]
        assert any(name[i:i + 9] in text for text in own for i in range(len(name) - 8)), (name, own)
        unit = (other if name == NAME else NAME)[:8]  # the other's own words (both end in 有限公司)
        assert not any(unit[i:i + 3] in text for text in own for i in range(len(unit) - 2)), own


def test_a_page_without_a_seal_reads_no_ring(engine):
    page = np.full((560, 1000, 3), 255, np.uint8)
    cv2.putText(page, "INVOICE", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 4)
    before = engine.lines
    assert seal_ring.read_rings(page, engine.read_line) == [] and engine.lines == before


def test_rings_come_with_the_page_from_their_own_cache_entry(tmp_path, engine, monkeypatch):
    path = tmp_path / "invoice.png"
    cv2.imwrite(str(path), ringed())
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    cache = OcrCache(tmp_path / "cache")

    def read():
        return read_document(path, sha, path.name, engine=engine, cache=cache, render_dir=tmp_path / "pages").pages[0]

    pages, lines = engine.pages, engine.lines
    first = read()
    assert holds(NAME, first.seal_rings) and engine.pages == pages + 1 and engine.lines > lines
    # the page's OCR entry is where it always was, and holds the page's text alone
    entry = cache.get(sha, 1, engine)
    assert entry is not None and entry.seal_rings == [] and NAME in entry.text

    pages, lines = engine.pages, engine.lines
    again = read()
    assert again.seal_rings == first.seal_rings and (engine.pages, engine.lines) == (pages, lines)

    # a new ring reader reads the rings again; the page's OCR stays cached under its old key
    monkeypatch.setattr(seal_ring, "VERSION", seal_ring.VERSION + 1)
    assert not any("ring" in key for key in engine.settings)
    newer = read()
    assert engine.pages == pages and engine.lines > lines and newer.seal_rings == first.seal_rings


@pytest.mark.parametrize("text, invoice", [
    ("增值税专用发票 开票日期：2021年03月18日 价税合计（大写）壹拾贰万圆整", True),
    ("电子发票（普通发票） 项目名称 金额 税率/征收率 税额", True),          # the 税额 column alone
    ("技术开发（委托）合同 乙方向甲方开具增值税专用发票 甲方（盖章）", False),  # a contract that says 发票
    ("营业执照（副本） 统一社会信用代码 登记机关（盖章）", False),
    ("", False),
])
def test_only_an_invoices_page_may_be_an_invoice(text, invoice):
    assert may_be_invoice(text) is invoice


@pytest.mark.slow
def test_a_sealed_page_that_is_no_invoice_reads_no_ring(tmp_path, engine):
    image = ringed()
    cv2.rectangle(image, (30, 410), (550, 470), (255, 255, 255), -1)  # no 价税合计: a letter under a seal
    path = tmp_path / "letter.png"
    cv2.imwrite(str(path), image)
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    lines = engine.lines
    page = read_document(path, sha, path.name, engine=engine, cache=OcrCache(tmp_path / "cache"),
                         render_dir=tmp_path / "pages").pages[0]
    assert "销售方" in page.text and not may_be_invoice(page.text)
    assert page.seal_rings == [] and engine.lines == lines
