"""A glyph the recogniser skips leaves no doubtful glyph behind it, only a hole in the CTC
columns: the glyph before the hole is made doubtful (ingest.ocr.rapid.skipped_glyph_doubt)."""
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr.rapid import GAP_DOUBT, skipped_glyph_doubt

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NAME = "名称：广州天翱信息科技有限公司"


def test_the_glyph_before_a_hole_in_the_han_columns_is_doubtful():
    # the columns a real 数电票 photo's buyer line was decoded at, 翱 skipped between 天 and 信
    text = "名称：广州天信息科技有限公司"
    columns = [2, 5, 9, 13, 17, 20, 28, 31, 35, 39, 42, 46, 50, 53]
    glyphs = [1.0, 1.0, 0.99, 1.0, 1.0, 1.0, 0.99, 0.97, 0.99, 1.0, 1.0, 1.0, 1.0, 1.0]
    doubted = skipped_glyph_doubt(text, columns, glyphs)
    assert doubted[text.index("天")] == GAP_DOUBT
    assert [p for i, p in enumerate(doubted) if i != text.index("天")] == [p for i, p in enumerate(glyphs) if i != text.index("天")]
    # the same line read off the page rendered at 200 dpi: Han glyphs 4 or 5 apart (median 5), 天 and 信 9
    columns = [2, 6, 11, 15, 20, 25, 34, 38, 43, 48, 52, 57, 61, 66]
    assert skipped_glyph_doubt(text, columns, glyphs)[text.index("天")] == GAP_DOUBT


def test_evenly_spaced_or_unmeasurable_lines_are_left_as_read():
    glyphs = [0.99] * 6
    assert skipped_glyph_doubt("科技有限公司", [2, 6, 10, 14, 18, 22], glyphs) == glyphs
    # a wide gap that decoded as a space is print, not a skipped glyph: the space breaks the Han pair
    assert skipped_glyph_doubt("名称 广州天", [2, 6, 12, 20, 24, 28], glyphs) == glyphs
    # two Han neighbours say nothing of their spacing
    assert skipped_glyph_doubt("A1天翱", [2, 4, 6, 20], [0.99] * 4) == [0.99] * 4
    # a letter-spaced label's hole before its value (a licence's 名  称东莞市…) leaves the value alone
    doubted = skipped_glyph_doubt("称东莞市固盘五金", [2, 13, 18, 23, 28, 33, 38, 43], [0.99] * 8)
    assert doubted == [GAP_DOUBT] + [0.99] * 7
    # columns that do not match the text (an engine's placeholder) are not guessed at
    assert skipped_glyph_doubt("科技有限公司", [0], glyphs) == glyphs


def rendered(text: str, dotted: int | None = None) -> np.ndarray:
    """One printed line; `dotted`: that glyph worn to a grid of specks, as a photo's smudge leaves
    it, which the recogniser passes over without a word."""
    font = ImageFont.truetype(FONT, 28)
    img = Image.new("RGB", (40 + 28 * len(text), 48), "white")
    draw = ImageDraw.Draw(img)
    draw.text((10, 8), text, fill=(20, 20, 20), font=font)
    page = np.array(img)
    if dotted is not None:
        x0 = int(10 + draw.textlength(text[:dotted], font=font))
        glyph = page[8:40, x0:x0 + int(draw.textlength(text[dotted], font=font))]
        glyph[glyph < 128] = 235
        glyph[::6, ::6] = 30
    return page[:, :, ::-1].copy()


@pytest.mark.slow
def test_a_skipped_glyph_leaves_the_one_before_doubtful_in_a_real_reading():
    from ingest.ocr.rapid import RapidOcrEngine

    engine = RapidOcrEngine()
    [clean] = engine.read(rendered(NAME))
    assert clean.text == NAME and min(clean.glyphs) > GAP_DOUBT

    [worn] = engine.read(rendered(NAME, dotted=NAME.index("翱")))
    assert worn.text == NAME.replace("翱", "")  # skipped, and every glyph read surely
    assert worn.glyphs[worn.text.index("天")] <= GAP_DOUBT
    assert min(g for i, g in enumerate(worn.glyphs) if i != worn.text.index("天")) > 0.9
    assert engine.settings["glyph_gap"] == [1.8, 0.25, 3, "mean"]  # in the OCR cache key
