"""Text detection in bands (DOSSIER_MAX_DETECT_PIXELS): the same lines as the whole page, with
lines lying across the cuts between bands, on the real detector."""
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr import get_engine
from ingest.ocr.rapid import band_plan
from tests.ingest.makers import FONT, INVOICE_LINES

pytestmark = pytest.mark.slow

SIZE = (800, 960)  # the detector reads it as it is: 800 × 960 (short side over 736, sides on the grid)
BUDGET = 300_000  # forces bands of 480 rows: 4 cores of 256 (the last 192)


def test_band_plan_covers_every_row_once_with_margins():
    for height, width, budget in [(1984, 1408, 1_000_000), (960, 800, BUDGET), (4000, 640, 500_000), (96, 64, 1)]:
        plan = band_plan(height, width, budget)
        assert [c0 for _, _, c0, _ in plan] == [0] + [c1 for _, _, _, c1 in plan[:-1]]  # cores tile the input
        assert plan[-1][3] == height
        assert len({stop - start for start, stop, _, _ in plan}) == 1  # one input shape for onnxruntime
        for start, stop, c0, c1 in plan:
            assert 0 <= start <= c0 < c1 <= stop <= height and start % 32 == 0 and c0 % 32 == 0
            assert c0 - start >= min(c0, 128) and stop - c1 >= min(height - c1, 128)  # margins, but at the page's edges
        if height * width <= budget:
            assert plan == [(0, height, 0, height)]
    assert band_plan(1984, 1408, 3_000_000) == [(0, 1984, 0, 1984)]  # an A4 page under a generous budget: whole


def _page_across_cuts(cuts: list[int]) -> tuple[np.ndarray, list[str]]:
    """A big title centred on the first cut, a line centred on each other cut, and plain lines
    in the gaps between them."""
    img = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(img)
    texts, taken = [], []
    for i, cut in enumerate(cuts):
        size, text = (56, "关于申报扶持资金的通知") if i == 0 else (30, f"跨越切口的一行文字第{i}行")
        draw.text((40, cut - size // 2 - 6), text, font=ImageFont.truetype(FONT, size), fill="black")
        texts.append(text)
        taken.append((cut - size // 2 - 6, cut + size // 2 + 6))
    font, y = ImageFont.truetype(FONT, 30), 20
    for text in INVOICE_LINES * 3:
        while any(top - 16 < y + 38 and y < bottom + 16 for top, bottom in taken):
            y += 8
        if y + 38 > SIZE[1] - 10:
            break
        draw.text((40, y), text, font=font, fill="black")
        texts.append(text)
        taken.append((y, y + 38))
        y += 50
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1]), texts


def _sorted(boxes: np.ndarray) -> np.ndarray:
    return boxes[np.lexsort((boxes[:, 0, 0], boxes[:, 0, 1]))]


def test_banded_detection_finds_the_same_lines_as_the_whole_page(monkeypatch):
    engine = get_engine("rapidocr")
    plan = band_plan(SIZE[1], SIZE[0], BUDGET)
    assert len(plan) == 4
    cuts = [c1 for _, _, _, c1 in plan[:-1]]
    page, texts = _page_across_cuts(cuts)
    img, _, _ = engine._prepare(page)
    assert img.shape[:2] == (SIZE[1], SIZE[0])

    whole, whole_weak = engine._detect_with_weak(img)
    whole_lines = engine.read(page)
    monkeypatch.setenv("DOSSIER_MAX_DETECT_PIXELS", str(BUDGET))
    banded, banded_weak = engine._detect_with_weak(img)
    banded_lines = engine.read(page)

    # the lines across the cuts are whole in both: one box each, spanning the cut
    for cut in cuts:
        across = [b for b in banded if b[:, 1].min() < cut < b[:, 1].max()]
        assert len(across) == 1, cut
    assert len(banded) == len(whole) and not banded_weak.any() and not whole_weak.any()
    # box for box within 3 px: the detector's global pooling sees a band, not the page, so edges move a little
    assert np.abs(_sorted(banded) - _sorted(whole)).max() <= 3
    # every line read once, none lost, none doubled
    assert sorted(l.text for l in banded_lines) == sorted(l.text for l in whole_lines)
    def squash(text):
        return text.replace(" ", "").replace("￥", "¥")

    assert len(banded_lines) == len(texts)
    assert sorted(squash(l.text) for l in banded_lines) == sorted(squash(t) for t in texts)
