"""Page images for a reviewer: rasterise lines of a page that has no image of its own (OFD, XML)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.models import Page

FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@lru_cache(maxsize=64)
def _font(size: int):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def draw_page(page: Page, scale: float = 2.0) -> np.ndarray:
    """BGR image of the page's words at `scale` pixels per page unit, boxes where the page says."""
    w, h = max(int(page.width * scale), 1), max(int(page.height * scale), 1)
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    for line in page.lines:
        for word in line.words or [line]:
            b = word.box
            size = max(int(b.height * scale * 0.9), 6)
            draw.text((b.x0 * scale, b.y0 * scale), word.text, font=_font(size), fill="black")
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])
