"""Words with boxes → reading-order lines, for sources that give words (PDF text layer, OFD)."""
from __future__ import annotations

from core.models import Box, Line, Word


def _same_row(a: Box, b: Box) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * min(a.height, b.height)


def group_words(words: list[Word], gap: float = 2.0) -> list[Line]:
    """Join words that share a row and sit closer than `gap` × their height.

    Columns far apart on one row stay separate lines, as an OCR detector would see them,
    so "购买方名称" and "销售方名称" on the same row never fuse into one line.
    """
    words = sorted((w for w in words if w.text.strip()), key=lambda w: (w.box.cy, w.box.x0))
    rows: list[list[Word]] = []
    for w in words:
        for row in rows:
            if _same_row(row[-1].box, w.box) or _same_row(row[0].box, w.box):
                row.append(w)
                break
        else:
            rows.append([w])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.box.x0)
        segment: list[Word] = [row[0]]
        for w in row[1:]:
            prev = segment[-1]
            height = max(min(prev.box.height, w.box.height), 1e-6)
            if w.box.x0 - prev.box.x1 > gap * height:
                lines.append(_line(segment))
                segment = []
            segment.append(w)
        lines.append(_line(segment))
    lines.sort(key=lambda line: (round(line.box.y0), line.box.x0))
    return lines


def _line(words: list[Word]) -> Line:
    box = words[0].box
    text = words[0].text
    for prev, w in zip(words, words[1:]):
        box = box.union(w.box)
        # A visible gap (more than ~1/6 of a character height) was a space on the page.
        sep = " " if w.box.x0 - prev.box.x1 > 0.15 * max(prev.box.height, 1e-6) else ""
        text += sep + w.text
    conf = min(w.confidence for w in words)
    return Line(text=text, box=box, confidence=conf, words=words)
