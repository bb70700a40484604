"""Each glyph's own probability comes with an OCR'd line (Line.glyphs), so one doubtful glyph
is not hidden by the line's mean: a real reading of a rendered line with one glyph damaged."""
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from core.models import Box, Line

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NAME = "名称：宁波长峙岛海洋科技有限公司"


def rendered(text: str, damaged: int | None = None) -> np.ndarray:
    """One line of print; `damaged`: the right half of that glyph rubbed out."""
    font = ImageFont.truetype(FONT, 28)
    img = Image.new("RGB", (40 + 28 * len(text), 48), "white")
    draw = ImageDraw.Draw(img)
    draw.text((10, 8), text, fill=(20, 20, 20), font=font)
    if damaged is not None:
        x0 = 10 + draw.textlength(text[:damaged], font=font)
        w = draw.textlength(text[damaged], font=font)
        draw.rectangle([x0 + w / 2, 6, x0 + w, 42], fill="white")
    return np.array(img)[:, :, ::-1].copy()


@pytest.mark.slow
def test_a_damaged_glyph_reads_doubtful_in_a_line_read_surely():
    from ingest.ocr.rapid import RapidOcrEngine

    engine = RapidOcrEngine()
    [clean] = engine.read(rendered(NAME))
    assert clean.text == NAME and len(clean.glyphs) == len(clean.text)
    assert min(clean.glyphs) > 0.8
    assert sum(clean.glyphs) / len(clean.glyphs) == pytest.approx(clean.confidence, abs=1e-3)

    [hurt] = engine.read(rendered(NAME, damaged=NAME.index("岛")))
    assert len(hurt.glyphs) == len(hurt.text)
    # the line's mean still looks sure; the glyph read in place of 岛 does not
    assert hurt.confidence > 0.9 and min(hurt.glyphs) < 0.5
    assert hurt.text.index("海") - 1 == hurt.glyphs.index(min(hurt.glyphs))
    # a setting, so pages cached before the glyphs were kept are read again
    assert engine.settings["glyph_digits"] == 4


def test_glyphs_are_aligned_with_the_text_or_absent():
    box = Box(x0=0, y0=0, x1=10, y1=10)
    assert Line(text="长峙岛", box=box).glyphs == []
    assert Line(text="长峙岛", box=box, glyphs=[0.99, 0.6, 0.98]).glyphs[1] == 0.6
    with pytest.raises(ValueError, match="2 glyph probabilities for a line of 3"):
        Line(text="长峙岛", box=box, glyphs=[0.99, 0.6])
