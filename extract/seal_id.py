"""A seller's tax id against the one its own 发票专用章 prints across its middle.

The page's OCR reads a seal's straight text with the rest of the page (ingest.seal keeps it as
first read): the 统一社会信用代码 across a 发票专用章's middle is the seller's tax id printed a
second time, read off other pixels. A seal is known by its ring's readings (Page.seal_rings,
which share their seal's box), and is the seller's 发票专用章 only when 发票专用章 is read inside
it: an applicant's 公章 pressed anywhere on the page (its middle a star, over whatever print lies
beneath: the buyer's id) and the tax office's 代开发票专用章 are not. Only a code whose check
character holds is taken off a seal, so a centre misread, or not read at all, says nothing.
"""
from __future__ import annotations

from pydantic import BaseModel

from core.models import Box, Line, Page
from extract.normalise import find_credit_codes

# A seal's centre line: its middle lies within this share of the seal's width and height of the
# seal's middle (the ring's glyphs and 发票专用章 below stand further out).
MIDDLE = 0.2


class SealId(BaseModel):
    code: str  # the valid credit code read across the seal's middle
    page: int
    seal: Box
    line: Line  # the page's line that holds it


def _inside(line: Line, seal: Box) -> bool:
    return seal.x0 <= line.box.cx <= seal.x1 and seal.y0 <= line.box.cy <= seal.y1


def _invoice_seal(page: Page, seal: Box) -> bool:
    # 代开 anywhere inside: OCR may read the tax office's 代开发票专用章 as two boxes, 代开 and 发票专用章
    inside = [line.text for line in page.lines if _inside(line, seal)]
    return any("发票专用章" in t for t in inside) and not any("代开" in t for t in inside)


def centre_ids(pages: list[Page]) -> list[SealId]:
    """The credit codes printed across the middle of each 发票专用章 whose ring was read."""
    found: list[SealId] = []
    for page in pages:
        seals = {(r.box.x0, r.box.y0, r.box.x1, r.box.y1): r.box for r in page.seal_rings}
        for seal in (box for box in seals.values() if _invoice_seal(page, box)):
            for line in page.lines:
                if (abs(line.box.cx - seal.cx) <= MIDDLE * seal.width
                        and abs(line.box.cy - seal.cy) <= MIDDLE * seal.height):
                    found += [SealId(code=code, page=page.number, seal=seal, line=line)
                              for code, _start, _end in find_credit_codes(line.text)]
    return found
