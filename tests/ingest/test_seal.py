"""Red seals over the values a reviewer needs: found, lifted off, and read through (real OCR)."""
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.models import Box, Line
from fixtures.generator.fonts import pil_font
from fixtures.generator.stamp import seal as stamp
from ingest.archive import LocalArchive
from ingest.cache import OcrCache
from ingest.ocr.rapid import RapidOcrEngine
from ingest.read import read_document
from ingest.seal import crops, has_seal, merge_passes, red_mask, seal_regions, suppress_red, to_page

DATE = "签订日期：2021年3月15日"


def contract_page(seal_at: int | None) -> np.ndarray:
    """A contract's signing block; the seal, when given, is stamped with its left edge at
    `seal_at` px, over the date's last characters as a hurried signatory does."""
    img = Image.new("RGB", (900, 600), "white")
    d = ImageDraw.Draw(img)
    font = pil_font(30)
    d.text((40, 40), "合同编号：HT-2021-0458", font=font, fill="black")
    d.text((40, 140), "甲方（盖章）：广州示例科技有限公司", font=font, fill="black")
    d.text((40, 240), DATE, font=font, fill="black")
    if seal_at is not None:
        mark = stamp("广州示例科技有限公司", random.Random(0), size=240, bottom="合同专用章")
        img.paste(mark, (seal_at, 135), mark)
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


class CountingEngine(RapidOcrEngine):
    """The real engine, counting its whole-page passes (an upright page's first pass is
    read_oriented alone; any further pass goes through read)."""

    def __init__(self):
        super().__init__()
        self.passes = 0

    def read(self, image):
        self.passes += 1
        return super().read(image)

    def read_oriented(self, image):
        self.passes += 1
        return super().read_oriented(image)


def read_jpeg(image: np.ndarray, tmp_path: Path, engine) -> "object":
    path = tmp_path / "page.jpg"
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    sha = LocalArchive(tmp_path / "archive").put(path, path.name, "d").sha256
    return read_document(path, sha, path.name, engine=engine, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "pages")


@pytest.fixture(scope="module")
def engine():
    return RapidOcrEngine()


def test_red_mask_takes_seal_ink_not_black_blue_or_brown():
    img = np.full((200, 400, 3), 255, np.uint8)
    cv2.circle(img, (100, 100), 60, (38, 32, 214), 6)          # seal red (BGR)
    cv2.putText(img, "AB", (220, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 5)
    cv2.putText(img, "CD", (220, 180), cv2.FONT_HERSHEY_SIMPLEX, 2, (115, 26, 13), 5)  # data blue
    cv2.line(img, (0, 195), (400, 195), (31, 69, 140), 3)       # a paper invoice's brown frame
    ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 70])
    mask = red_mask(cv2.imdecode(jpeg, cv2.IMREAD_COLOR))
    assert mask[100, 40] == 255 and mask[40, 100] == 255       # on the ring
    assert not mask[:, 200:].any() and not mask[190:, :].any()
    assert not mask[90:110, 90:110].any()                      # the paper inside it


def test_has_seal_wants_a_compact_blob_of_seal_size():
    page = np.full((1000, 800, 3), 255, np.uint8)
    assert not has_seal(page)
    title = page.copy()
    cv2.rectangle(title, (100, 50), (700, 90), (38, 32, 214), -1)   # a red title bar: too flat
    cv2.circle(title, (5, 500), 2, (38, 32, 214), -1)               # a red speck: too small
    assert not has_seal(title)
    sealed = page.copy()
    cv2.circle(sealed, (400, 600), 90, (38, 32, 214), 8)
    [(x0, y0, x1, y1)] = seal_regions(sealed)
    assert abs(x0 - 306) < 8 and abs(y1 - 694) < 8
    assert has_seal(contract_page(seal_at=250)) and not has_seal(contract_page(seal_at=None))


RED = (200, 30, 40)


def page(draw, turn: float = 0.0) -> np.ndarray:
    img = Image.new("RGB", (1000, 760), "white")
    draw(ImageDraw.Draw(img))
    return cv2.cvtColor(np.array(img.rotate(turn, fillcolor="white", resample=Image.BICUBIC)), cv2.COLOR_RGB2BGR)


def test_a_flat_stamp_is_lifted_and_a_line_of_red_print_is_not():
    """An applicant's framed 仅供存档 box and a filled red block, upright or turned as a photo
    takes them, are stamps; a red title, an old invoice's red 发票号码 and an underlined title are
    flat red print, and buy no second pass."""
    red = RED

    def framed(d):
        d.rectangle((360, 240, 660, 310), outline=red, width=4)
        d.text((380, 248), "仅供存档", font=pil_font(44), fill=red)

    def filled(d):
        d.rectangle((360, 240, 660, 310), fill=red)
        d.text((380, 248), "复印无效", font=pil_font(44), fill="white")

    def underlined(d):
        d.text((300, 40), "营业执照副本", font=pil_font(60), fill=red)
        d.line((300, 110, 660, 110), fill=red, width=4)

    for turn in (0.0, 4.0):
        for stamp_ in (framed, filled):
            [(x0, y0, x1, y1)] = seal_regions(page(stamp_, turn))
            assert abs(x0 - 360) < 15 and abs(x1 - 660) < 15 and y0 < 250 and y1 > 300
        for print_ in (lambda d: d.text((300, 40), "营业执照", font=pil_font(70), fill=red),
                       lambda d: d.text((300, 40), "增值税专用发票", font=pil_font(50), fill=red),
                       lambda d: d.text((600, 20), "No 01234567", font=pil_font(40), fill=red), underlined):
            assert not has_seal(page(print_, turn))
    # a seal ring is read round seals only
    assert seal_regions(page(framed), flat=False) == []


@pytest.mark.parametrize(("width", "height"), [(282, 60), (282, 96), (283, 72), (300, 66)])
def test_a_stamp_framed_2px_wide_is_lifted_whatever_its_size(width, height):
    """Turned upright on a canvas of minAreaRect's size (measured between pixel centres, one
    short and often 281.99998 → 281), a 2 px frame lost its bottom and right lines: every box
    282 px wide was missed."""
    def framed(d):
        d.rectangle((360, 240, 360 + width, 240 + height), outline=RED, width=2)
        d.text((380, 248), "仅供存档", font=pil_font(40), fill=RED)

    [(x0, y0, x1, y1)] = seal_regions(page(framed))
    assert abs(x0 - 360) < 5 and abs(x1 - 360 - width) < 5 and abs(y0 - 240) < 5 and abs(y1 - 240 - height) < 5


def test_a_red_ruled_table_with_black_entries_is_no_stamp():
    """A small form ruled in red (a bank slip's, a receipt's) is framed on four sides too, but its
    words are black: a stamp carries red words inside its frame."""
    def table(d):
        for y in (200, 240, 280, 320):
            d.line((200, y, 560, y), fill=RED, width=3)
        for x in (200, 320, 560):
            d.line((x, 200, x, 320), fill=RED, width=3)
        for i, y in enumerate((205, 245, 285)):
            d.text((210, y), "项目", font=pil_font(26), fill="black")
            d.text((330, y), f"金额 {i + 1}00.00", font=pil_font(26), fill="black")

    for turn in (0.0, 4.0):
        assert seal_regions(page(table, turn)) == []


def test_two_seals_over_each_other_are_found_apart():
    """Two round seals (or a round one and an oval) overlapping by up to 40% of their width are
    one blob; each is found in its own box. One seal mostly over another stays one box round
    both (lifted all the same); one seal alone is never split."""
    def page(*ovals) -> np.ndarray:
        img = np.full((900, 1200, 3), 255, np.uint8)
        for centre, axes in ovals:
            cv2.ellipse(img, centre, axes, 0, 0, 360, (38, 32, 214), 7)
        return img

    for second in (((560, 560), (100, 100)), ((640, 400), (100, 100)), ((520, 510), (100, 100)), ((620, 470), (135, 95))):
        found = sorted(seal_regions(page(((400, 400), (100, 100)), second)))
        assert len(found) == 2, (second, found)
        for (x0, y0, x1, y1), ((cx, cy), (a, b)) in zip(found, sorted([((400, 400), (100, 100)), second])):
            assert max(abs(x0 - (cx - a)), abs(x1 - (cx + a)), abs(y0 - (cy - b)), abs(y1 - (cy + b))) < 12, (second, found)
    for alone in (((400, 400), (100, 100)), ((400, 400), (140, 96))):
        assert len(seal_regions(page(alone))) == 1
    [(x0, y0, x1, y1)] = seal_regions(page(((400, 400), (100, 100)), ((480, 490), (100, 100))))
    assert x0 < 310 and y0 < 310 and x1 > 570 and y1 > 580


def test_suppress_red_lifts_the_ink_and_keeps_black_beneath():
    page = contract_page(seal_at=250)
    out = suppress_red(page)
    assert out.shape == page.shape
    assert not has_seal(out)
    red = red_mask(page) > 0
    assert out[red].mean() > 225                          # the ink is paper now
    black = (page.max(axis=2) < 60)
    assert out[black].mean() < 60                         # print stays print


def test_merge_keeps_lines_away_from_the_seal():
    seal = [(300, 200, 500, 400)]
    red_number = Line(text="No 01234567", box=Box(x0=600, y0=20, x1=800, y1=50), confidence=0.70)
    cut = Line(text="日期：2021年3月", box=Box(x0=40, y0=240, x1=300, y1=270), confidence=0.99)
    seal_text = Line(text="合同专用章", box=Box(x0=350, y0=330, x1=450, y1=350), confidence=1.0)
    second = [
        Line(text="No 0I234567", box=Box(x0=600, y0=20, x1=800, y1=50), confidence=0.99),  # away: ignored
        Line(text="日期：2021年3月15日", box=Box(x0=40, y0=240, x1=380, y1=270), confidence=0.995),
        Line(text="乙方代表：王五", box=Box(x0=320, y0=290, x1=480, y1=315), confidence=0.97),
        Line(text="页脚", box=Box(x0=40, y0=700, x1=100, y1=720), confidence=0.99),  # away: not added
    ]
    merged, added, replaced = merge_passes([red_number, cut, seal_text], second, seal)
    assert [line.text for line in merged] == ["No 01234567", "日期：2021年3月15日", "乙方代表：王五", "合同专用章"]
    assert (added, replaced) == (1, 1)
    unsure = [Line(text="日期：2021年3月1S日", box=second[1].box, confidence=0.6)]
    assert merge_passes([cut], unsure, seal)[0] == [cut]


@pytest.mark.parametrize("label", ["单位名称：", "名称："])
def test_a_label_the_second_pass_read_apart_clear_of_the_seal_is_not_lost(label):
    """The seal's rim over a name's last glyph: the first pass read label and name as one line
    (…有限公), the second reads the label clear of the seal apart and the name under it whole.
    The label's print was counted as covered by its own (never merged) reading, so the name
    alone replaced the line and the label was gone; a 3-glyph label went within the shortfall
    of 2 a seal's glyphs read into a line are allowed."""
    def line(text, x0, x1, conf):
        return Line(text=text, box=Box(x0=x0, y0=50, x1=x1, y1=80), confidence=conf)

    printed = np.zeros((200, 600), bool)
    printed[52:78, 12:68] = True      # the label
    printed[52:78, 92:398] = True     # the name
    first = [line(label + "南京文化艺术产权交易所有限公", 10, 400, 0.90)]
    second = [line(label, 10, 70, 0.99), line("南京文化艺术产权交易所有限公司", 90, 400, 0.99)]
    merged, _, replaced = merge_passes(first, second, [(300, 10, 450, 130)], printed=printed)
    assert [m.text for m in merged] == [first[0].text] and replaced == 0


def test_a_sure_reading_replaces_the_piece_the_first_pass_saw_clear_of_the_seal():
    # generated contract scan: the seal over 第五条's sentence, the first pass read only 第五条
    # (at 1.00) and nothing of the rest; the seal pass reads the line whole (at 0.99)
    seal = [(275, 1209, 658, 1592)]
    piece = Line(text="第五条", box=Box(x0=250, y0=1245, x1=342, y1=1287), confidence=1.0)
    whole = Line(text="第五条甲方应按以下方式支付研究开发经费和报酬：1.研究开发经费和报酬总额为人民币",
                 box=Box(x0=252, y0=1252, x1=1440, y1=1290), confidence=0.99)
    merged, added, replaced = merge_passes([piece], [whole], seal)
    assert [line.text for line in merged] == [whole.text] and (added, replaced) == (0, 1)
    unsure = whole.model_copy(update={"confidence": 0.9})
    assert merge_passes([piece], [unsure], seal)[0] == [piece]


def test_a_seal_over_the_date_is_read_through(tmp_path, engine):
    page = contract_page(seal_at=250)
    first, *_ = engine.read_oriented(page)
    assert DATE not in [line.text for line in first]    # the seal cuts the date short
    doc = read_jpeg(page, tmp_path, engine)
    [read] = doc.pages
    assert DATE in [line.text for line in read.lines]
    assert "合同编号：HT-2021-0458" in [line.text for line in read.lines]
    settings = read.source.settings
    assert settings["seal_pass"] is True and settings["seals"] >= 1 and settings["seal_lines_replaced"] >= 1


def test_a_page_without_red_is_read_once_and_unchanged(tmp_path):
    counting = CountingEngine()
    page = contract_page(seal_at=None)
    doc = read_jpeg(page, tmp_path, counting)
    assert counting.passes == 1
    [read] = doc.pages
    alone, *_ = RapidOcrEngine().read_oriented(cv2.imread(str(tmp_path / "page.jpg")))
    assert [(line.text, line.box) for line in read.lines] == [(line.text, line.box) for line in alone]
    assert "seals" not in read.source.settings


class CropCountingEngine(RapidOcrEngine):
    """The real engine, noting the size of every image it is handed, and what its whole-page
    pass read (the lines before the seal pass replaced any, and the image they were read on)."""

    def __init__(self):
        super().__init__()
        self.pages: list[tuple[int, int]] = []
        self.crops: list[tuple[int, int]] = []
        self.oriented: list[tuple] = []

    def read(self, image):
        self.pages.append(image.shape[:2])
        return super().read(image)

    def read_oriented(self, image):
        self.pages.append(image.shape[:2])
        self.oriented.append(super().read_oriented(image))
        return self.oriented[-1]

    def read_crop(self, crop, page_shape):
        self.crops.append(crop.shape[:2])
        return super().read_crop(crop, page_shape)


def test_the_seal_pass_reads_crops_around_the_seals_of_a_real_invoice(tmp_path, shared):
    """A real screenshot of an invoice with two seals: the page is read once whole, then only
    the parts round its seals; what a crop reads lands where the whole-page pass saw it."""
    path = shared / "realdocs" / "imethanlee_OCR__深圳增值税电子普通发票_截图_2020-07-06.png"
    counting = CropCountingEngine()
    doc = read_document(path, "5" * 64, path.name, engine=counting, cache=OcrCache(tmp_path / "cache"), render_dir=tmp_path / "p")
    [page] = doc.pages
    assert page.source.settings["seals"] == 2
    assert counting.pages == [(833, 1311)]                    # one whole-page pass
    assert len(counting.crops) == 2
    assert sum(h * w for h, w in counting.crops) < 0.3 * 833 * 1311

    # the whole-page pass read_document made (read again, it was a second real OCR of the page)
    [(first, image, _, _)] = counting.oriented
    regions = seal_regions(image)
    same = 0
    for crop in crops(image.shape, regions, first):
        x0, y0, x1, y1 = crop
        for line in to_page(counting.read_crop(image[y0:y1, x0:x1], image.shape), crop, image.shape):
            twin = [old for old in first if old.text == line.text]
            if twin:
                same += 1
                b, t = line.box, twin[0].box
                assert max(abs(b.x0 - t.x0), abs(b.y0 - t.y0), abs(b.x1 - t.x1), abs(b.y1 - t.y1)) <= 4, (line.text, b, t)
            assert x0 <= line.box.x0 and line.box.x1 <= x1 and y0 <= line.box.y0 and line.box.y1 <= y1
    assert same >= 3


def test_to_page_moves_boxes_and_drops_lines_cut_by_the_crop():
    crop = (100, 50, 300, 150)
    inside = Line(text="日期", box=Box(x0=10, y0=20, x1=60, y1=40))
    cut = Line(text="截断", box=Box(x0=150, y0=20, x1=199, y1=40))   # runs into the right edge
    [moved] = to_page([inside, cut], crop, (1000, 800))
    assert moved.box == Box(x0=110, y0=70, x1=160, y1=90)
    # A crop's edge that is the page's own edge cuts nothing.
    assert len(to_page([cut], (600, 50, 800, 150), (1000, 800))) == 1
