"""Red seals (公章 / 发票专用章 / 合同专用章) on scanned pages: finding them and lifting them off.

A seal is stamped over the very values a reviewer needs (the signing date under 甲方（盖章）, a
company name), and its red strokes break the OCR of the black text beneath. Seal ink is red
with low green and blue; black print is dark in every channel. Seen through the red channel
alone, seal ink turns as light as paper while black strokes (even under the ink) stay dark.
"""
from __future__ import annotations

import cv2
import numpy as np

from core.models import Box, Line

# Part of the OCR cache key: bump when what the seal pass reads can change.
# 3: the second pass reads crops around the seals, not the whole page.
# 4: a sure second reading replaces a first one that read only a piece of it.
# 5: a shorter second reading replaces a first one that read seal ink into a line; a line
#    running out of a crop's side is read to its end.
# 6: flat stamps (framed or filled) are lifted too.
# 7: two seals over each other, one blob, are split at their waist.
# 8: only when each seal's arc runs round half of it and neither holds the other's middle
#    (7 split three single real seals).
# 9: a shorter second reading replaces a line only on the print of readings under the seals
#    (a label read apart, clear of the seal, was lost); a 2 px frame's last row is on the
#    upright canvas; a frame with no red words inside (a red-ruled table) is no stamp.
VERSION = 9

# HSV on OpenCV's 0-180 hue scale: red wraps around 0. Seal ink sits at 170-180/0-4; the brown
# frames and labels of paper VAT invoices sit at ~10 and must stay out.
RED_HUE = 7
MIN_SATURATION = 70
MIN_VALUE = 90
# Seals span roughly 2-6 cm; at 150-300 dpi that is ~100-700 px. Blobs are judged on the
# page's scale so a thumbnail and a 300 dpi scan agree.
# Real seals measure 0.1-0.3 of the shorter side; a licence's red 营业执照 glyphs (~0.045)
# are not seals and buy no second pass.
MIN_SEAL_FRACTION = 0.08    # of the page's shorter side
MAX_SEAL_FRACTION = 0.5
MIN_FILL = 0.04             # ink pixels within the blob's bounding box (a ring is sparse)
MIN_ASPECT = 0.4
# Flat stamps (an applicant's 仅供存档 / 复印无效 box, a rectangular 发票专用章, a filled red
# block) are lifted too: flatter than a seal, but framed on all four sides or filled, which a
# line of red print (a title, an old invoice's 发票号码) is not.
MIN_FLAT_ASPECT = 0.15
FRAME_BAND = 0.15           # of the stamp's height: where its frame runs along each side
MIN_FRAME = 0.85            # of each side's length inked
RULE = 0.6                  # of the stamp's height: a straight red run this long is a rule, not a glyph's stroke
MIN_WORDS = 0.03            # red within the frame once its rules are off (a 仅供存档 box's words: ~0.14, a red-ruled table's: 0)
MIN_ARC = 0.5               # of the seal's outline: how much of it each seal's arc of the blob runs
WAIST = 0.08                # of the blob's shorter half-side: how deep the dents where two seals meet are
MIN_SOLID = 0.6             # ink within the stamp's rectangle (bold red print: ~0.3)
FRAGMENT = 6                # characters: a piece of a line split by a seal, not a line
# The second pass reads a crop around each seal: the seal, this much of its size around it
# (the detector needs some paper round a line to find it), and every first-pass line the seal
# touches, whole, so a line the seal cut short is read to its end and not cut at the crop.
CROP_MARGIN = 0.15          # of the seal's longer side
LINE_PAD = 0.6              # of a line's height, beyond its ends
# Print is what stays darker than this share of the paper through the red channel (seal ink
# keeps ~85 % there); a first reading's box holding less print than STRAY_PRINT of a glyph's
# square beyond the second pass's lines lost nothing but seal ink.
PRINT_DARK = 0.5
STRAY_PRINT = 0.05


def red_mask(image: np.ndarray) -> np.ndarray:
    """uint8 mask (255 = seal ink) of red-dominant pixels; a small opening drops JPEG speckle."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    h, s, v = cv2.split(hsv)
    red = ((h <= RED_HUE) | (h >= 180 - RED_HUE)) & (s >= MIN_SATURATION) & (v >= MIN_VALUE)
    mask = red.astype(np.uint8) * 255
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def _sized(mask: np.ndarray, side: int, x: int, y: int, w: int, h: int, aspect: float = MIN_ASPECT) -> bool:
    """A box of a seal's size, no flatter than `aspect`, with a seal's share of ink in it."""
    return (w > 0 and h > 0 and MIN_SEAL_FRACTION * side <= max(w, h) <= MAX_SEAL_FRACTION * side
            and min(w, h) / max(w, h) >= aspect and np.count_nonzero(mask[y:y + h, x:x + w]) >= MIN_FILL * w * h)


def _flat_stamp(ink: np.ndarray) -> bool:
    """Whether a flat blob's ink (its own pixels, 255) is a stamp: turned upright by its least
    rectangle, inked along all four sides (a frame) or over half its area (a filled block)."""
    points = cv2.findNonZero(ink)
    if points is None:
        return False
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(points)
    if rw < rh:
        rw, rh, angle = rh, rw, angle + 90
    # minAreaRect measures between pixel centres (a 283 px frame is 282 wide, often 281.99998):
    # the canvas holds one pixel more, centred, or a 2 px frame's last row or column is cut
    w, h = int(np.ceil(rw)) + 1, int(np.ceil(rh)) + 1
    turn = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    turn[:, 2] += ((w - 1) / 2 - cx, (h - 1) / 2 - cy)
    upright = cv2.warpAffine(ink, turn, (w, h))
    if np.mean(upright > 127) >= MIN_SOLID:
        return True
    band = max(int(FRAME_BAND * h), 2)
    # a stamp carries red words inside its frame; a red-ruled table's words are black: what
    # is left inside once the long straight rules are taken off must hold some red
    inked = (upright > 127).astype(np.uint8)
    k = int(RULE * h) | 1
    rules = cv2.morphologyEx(inked, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | cv2.morphologyEx(inked, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    if np.mean((inked > rules)[band:-band, band:-band]) < MIN_WORDS:
        return False
    upright = cv2.dilate(upright, np.ones((3, 3), np.uint8)) > 0  # a worn frame's breaks closed
    # a frame is a line along each side, near it: one row (column) of the band inked along
    # nearly all its length, where a line of red print's glyphs leave gaps in every row
    rows, cols = upright.mean(axis=1), upright.mean(axis=0)
    return min(rows[:band].max(), rows[-band:].max(), cols[:band].max(), cols[-band:].max()) >= MIN_FRAME


def _two_seals(blob: np.ndarray) -> list[Rect]:
    """Two seals stamped over each other (a company's 公章 over its 合同专用章, two parties'
    seals side by side) are one blob: its outline is two arcs meeting at a waist, the two
    deepest dents of the outline. An ellipse fitted to each arc is a seal; their boxes, in the
    blob's pixels, or [] when the outline has no such waist."""
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    outline = max(contours, key=cv2.contourArea)
    if len(outline) < 20:
        return []
    try:
        defects = cv2.convexityDefects(outline, cv2.convexHull(outline, returnPoints=False))
    except cv2.error:  # an outline that crosses itself
        return []
    if defects is None or len(defects) < 2:
        return []
    _, _, w, h = cv2.boundingRect(outline)
    deep = sorted(defects.reshape(-1, 4).tolist(), key=lambda d: -d[3])[:2]
    if min(d[3] for d in deep) / 256 < WAIST * min(w, h) / 2:
        return []
    i, j = sorted(int(d[2]) for d in deep)
    boxes, centres = [], []
    for arc in (outline[i:j + 1], np.vstack([outline[j:], outline[:i + 1]])):
        if len(arc) < 5:
            return []
        (cx, cy), (ew, eh), angle = cv2.fitEllipse(arc)
        ring = cv2.ellipse2Poly((int(cx), int(cy)), (int(ew / 2), int(eh / 2)), int(angle), 0, 360, 5)
        # a seal's own arc runs round most of it: a worn seal's dent cuts a short arc, and an
        # ellipse fitted to that is no seal
        if not 0 < min(ew, eh) or len(arc) < MIN_ARC * cv2.arcLength(ring, True):
            return []
        x, y, bw, bh = cv2.boundingRect(ring)
        boxes.append((x, y, x + bw, y + bh))
        centres.append((cx, cy))
    # two seals, not one seal and a piece of it: neither holds the other's middle
    if any(b[0] < cx < b[2] and b[1] < cy < b[3] for b, (cx, cy) in zip(boxes, centres[::-1])):
        return []
    return boxes


def seal_regions(image: np.ndarray, mask: np.ndarray | None = None, flat: bool = True) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of compact red blobs of a seal's size. A worn seal's
    strokes are joined by a dilation on the page's scale; a red title line is too flat to pass.
    A blob of two seals over each other is split (_two_seals) when both halves pass as seals.
    With `flat`, flat stamps (framed or filled, _flat_stamp) come too."""
    mask = red_mask(image) if mask is None else mask
    side = min(image.shape[:2])
    k = max(5, int(side * 0.025)) | 1
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    regions = []
    pad = k // 2
    for i, (x, y, w, h, _area) in enumerate(stats[1:count], start=1):
        blob = (labels[y:y + h, x:x + w] == i).astype(np.uint8) * 255
        halves = [(x + bx0 + pad, y + by0 + pad, bx1 - bx0 - 2 * pad, by1 - by0 - 2 * pad) for bx0, by0, bx1, by1 in _two_seals(blob)]
        halves = [(max(hx, 0), max(hy, 0), hw, hh) for hx, hy, hw, hh in halves]
        if halves and all(_sized(mask, side, *half) for half in halves):
            regions += [(int(hx), int(hy), int(min(hx + hw, image.shape[1])), int(min(hy + hh, image.shape[0]))) for hx, hy, hw, hh in halves]
            continue
        x, y, w, h = x + pad, y + pad, w - 2 * pad, h - 2 * pad
        if _sized(mask, side, x, y, w, h) or (flat and _sized(mask, side, x, y, w, h, MIN_FLAT_ASPECT) and _flat_stamp(
                np.where(labels[y:y + h, x:x + w] == i, mask[y:y + h, x:x + w], 0).astype(np.uint8))):
            regions.append((int(x), int(y), int(x + w), int(y + h)))
    return regions


def has_seal(image: np.ndarray) -> bool:
    return bool(seal_regions(image))


def paper_red(image: np.ndarray) -> float:
    """The paper's brightness in the red channel (a sample of every 4th pixel is plenty)."""
    return float(np.percentile(image[::4, ::4, 2], 90))


def suppress_red(image: np.ndarray, regions: list[tuple[int, int, int, int]] | None = None,
                 paper: float | None = None) -> np.ndarray:
    """Within each seal's box, the page seen through its red channel and stretched so seal ink
    (even its faint pink edges) turns paper-white while black strokes under it stay dark.
    Outside the seals every pixel is left as it was, so the brown labels of a paper invoice and
    blue print read as in the first pass. `paper` comes from the whole page when `image` is a
    crop of it."""
    regions = seal_regions(image) if regions is None else regions
    paper = paper_red(image) if paper is None else paper
    # Seal ink over paper keeps ~85 % of the paper's red; black under ink keeps much less.
    white = max(paper * 0.8, 1.0)
    out = image.copy()
    for x0, y0, x1, y1 in regions:
        red = image[y0:y1, x0:x1, 2].astype(np.float32)
        lifted = np.clip(red * (255.0 / white), 0, 255).astype(np.uint8)
        out[y0:y1, x0:x1] = lifted[:, :, None]
    return out


Rect = tuple[int, int, int, int]


def _touch(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _join(a: Rect, b: Rect) -> Rect:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def crops(shape: tuple[int, ...], regions: list[Rect], lines: list[Line]) -> list[Rect]:
    """The parts of the page the second pass reads: each seal with a margin, widened to hold
    whole every first-pass line the seal touches; crops that overlap become one, so no line
    is read twice."""
    h, w = shape[:2]
    out: list[Rect] = []
    for x0, y0, x1, y1 in regions:
        m = int(CROP_MARGIN * max(x1 - x0, y1 - y0))
        crop = (x0 - m, y0 - m, x1 + m, y1 + m)
        for line in lines:
            b = line.box
            if _touch((int(b.x0), int(b.y0), int(b.x1) + 1, int(b.y1) + 1), (x0, y0, x1, y1)):
                pad = int(LINE_PAD * b.height) + 2
                crop = _join(crop, (int(b.x0) - pad, int(b.y0) - pad, int(b.x1) + pad, int(b.y1) + pad))
        out.append((max(crop[0], 0), max(crop[1], 0), min(crop[2], w), min(crop[3], h)))
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                if _touch(out[i], out[j]):
                    out[i] = _join(out[i], out.pop(j))
                    merged = True
                    break
            if merged:
                break
    return out


def within(regions: list[Rect], crop: Rect) -> list[Rect]:
    """Seal boxes in a crop's own coordinates."""
    cx, cy = crop[0], crop[1]
    return [(max(x0 - cx, 0), max(y0 - cy, 0), min(x1, crop[2]) - cx, min(y1, crop[3]) - cy)
            for x0, y0, x1, y1 in regions if _touch((x0, y0, x1, y1), crop)]


def _moved(box: Box, dx: int, dy: int) -> Box:
    return Box(x0=box.x0 + dx, y0=box.y0 + dy, x1=box.x1 + dx, y1=box.y1 + dy)


def _cut(b: Box, crop: Rect, shape: tuple[int, ...]) -> tuple[bool, bool, bool, bool]:
    """Which of its edges (left, top, right, bottom) the crop cut a line it read (its box in the
    crop's pixels) at: one it touches where the crop shares that edge with the rest of the page."""
    x0, y0, x1, y1 = crop
    h, w = shape[:2]
    return (x0 > 0 and b.x0 <= 1, y0 > 0 and b.y0 <= 1, x1 < w and b.x1 >= x1 - x0 - 2, y1 < h and b.y1 >= y1 - y0 - 2)


def to_page(lines: list[Line], crop: Rect, shape: tuple[int, ...]) -> list[Line]:
    """Lines read off a crop, moved back into the page's pixels. A line touching an edge the
    crop shares with the rest of the page was cut there, and is dropped."""
    x0, y0 = crop[:2]
    out = []
    for line in lines:
        b = line.box
        if any(_cut(b, crop, shape)):
            continue
        out.append(line.model_copy(update={
            "box": _moved(b, x0, y0),
            "words": [word.model_copy(update={"box": _moved(word.box, x0, y0)}) for word in line.words],
        }))
    return out


def cut_rows(lines: list[Line], crop: Rect, shape: tuple[int, ...]) -> list[Rect]:
    """Rows to read again, for lines read off a crop (in its pixels) that run out of its left or
    right side into the page: a line the first pass never saw (the seal's ink drowned it), so
    the crop was not widened for it. Each row is the line's height (and LINE_PAD) from the
    crop's side to the page's edge it runs towards; rows that overlap become one."""
    x0, y0, x1, y1 = crop
    h, w = shape[:2]
    rows: list[Rect] = []
    for line in lines:
        b = line.box
        left, top, right, bottom = _cut(b, crop, shape)
        if not (left or right) or top or bottom:
            continue
        pad = int(LINE_PAD * b.height) + 2
        row = (0 if left else x0, max(int(b.y0) + y0 - pad, 0), w if right else x1, min(int(b.y1) + y0 + pad, h))
        for i, other in enumerate(rows):
            if _touch(row, other):
                row = _join(row, rows.pop(i))
                break
        rows.append(row)
    return rows


# ---------------------------------------------------------------- merging two passes
def _area(b: Box) -> float:
    return max(b.x1 - b.x0, 0) * max(b.y1 - b.y0, 0)


def _intersection(a: Box, b: Box) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def overlaps(a: Box, b: Box, threshold: float = 0.3) -> bool:
    """Same text region: IoU, or one box mostly inside the other (a line split in two)."""
    inter = _intersection(a, b)
    if inter <= 0:
        return False
    smaller = min(_area(a), _area(b)) or 1.0
    union = _area(a) + _area(b) - inter
    return inter / union >= threshold or inter / smaller >= 0.6


def _under_seal(box: Box, regions: list[tuple[int, int, int, int]], chars: float = 0.5) -> bool:
    """A seal covering a line's last characters covers little of its box, and a first-pass
    reading cut short there ends where the seal begins: a seal over `chars` characters' worth
    of the line (a character is about as wide as the line is high) marks it stamped."""
    need = min(chars * box.height ** 2, 0.5 * _area(box)) or 1.0
    return any(_intersection(box, Box(x0=x0, y0=y0, x1=x1, y1=y1)) >= need for x0, y0, x1, y1 in regions)


def print_mask(image: np.ndarray, paper: float | None = None) -> np.ndarray:
    """bool, True on print: dark even through the red channel, where seal ink is as light as
    paper (black and blue print are dark there; a paper invoice's brown rules are not)."""
    paper = paper_red(image) if paper is None else paper
    return image[:, :, 2] < PRINT_DARK * paper


def _ink_only_beyond(old: Box, readings: list[Line], printed: np.ndarray) -> bool:
    """Whether all the print inside `old` lies in the boxes of `readings` (a few pixels round
    them allowed): what a longer first reading held beyond them was seal ink, not print."""
    h, w = printed.shape[:2]
    x0, y0, x1, y1 = max(int(old.x0), 0), max(int(old.y0), 0), min(int(old.x1) + 1, w), min(int(old.y1) + 1, h)
    if x1 <= x0 or y1 <= y0:
        return False
    left = printed[y0:y1, x0:x1].copy()
    for line in readings:
        b = line.box
        left[max(int(b.y0) - 2 - y0, 0):max(int(b.y1) + 3 - y0, 0), max(int(b.x0) - 2 - x0, 0):max(int(b.x1) + 3 - x0, 0)] = False
    glyph = min(line.box.height for line in readings) ** 2 if readings else 0.0
    return bool(np.count_nonzero(left) < STRAY_PRINT * glyph)


def merge_passes(first: list[Line], second: list[Line], regions: list[tuple[int, int, int, int]],
                 margin: float = 0.05, sure: float = 0.98, printed: np.ndarray | None = None) -> tuple[list[Line], int, int]:
    """(lines, added, replaced). Lines away from seals are never changed, so red print elsewhere
    (an old invoice's 发票号码, a red title) keeps its first reading. Near a seal, a second-pass
    line takes the place of the first-pass line(s) under it when it is read more surely than the
    line it mostly covers, and either surely in itself or clearly more surely (the seal's
    strokes cut first-pass lines short or mix into them at high confidence, so "clearly more
    confident" alone would keep the truncated reading); one where the first pass saw nothing
    is added. Seal text itself (gone from the second pass) stays as first read. `printed`
    (print_mask of the page) lets a shorter reading replace a first one that read the seal's
    glyphs into a line (￥113207.5殊软件服 for ￥113207.55): when every printed pixel of the old
    line's box lies in the second pass's lines, its extra glyphs were seal ink."""
    merged = list(first)
    added = replaced = 0
    # Only readings under a seal vouch for an old line's print: a label the second pass read
    # apart, clear of the seal, is never put back, so its print must keep the old line.
    stamped = [line for line in second if _under_seal(line.box, regions)]
    for line in second:
        hits = [i for i, old in enumerate(merged) if overlaps(old.box, line.box)]
        if not hits:
            if _under_seal(line.box, regions):
                _insert_in_order(merged, line)
                added += 1
            continue
        olds = [merged[i] for i in hits]
        # A line the seal split in two: the piece clear of the seal may go only if the new
        # reading holds its text.
        if not _under_seal(line.box, regions):
            continue
        if not all(_under_seal(old.box, regions, 0.1) or old.text in line.text for old in olds):
            continue
        main = max(olds, key=lambda old: _intersection(old.box, line.box))
        # Besides the line it mostly covers, a new reading may absorb only short pieces the seal
        # split off it or a second detection of it, never a whole neighbouring line (甲方 and
        # 乙方 side by side).
        if any(old is not main and not overlaps(old.box, main.box)
               and (len(old.text) > FRAGMENT or old.text not in line.text) for old in olds):
            continue
        if any(old.text == line.text for old in olds):
            continue
        # A reading shorter than the one it would replace has lost print, unless the first one's
        # extra glyphs were the seal's (nothing printed beyond the second pass's lines under the
        # seals): then the first reading is wrong however sure it was, and a surer one takes its
        # place. One whose print the second pass read apart, a piece clear of the seal (单位名称：
        # beside the name under it), is no seal ink however few its glyphs: the piece would be lost.
        shorter = len(line.text) < len(main.text) and printed is not None
        inked = shorter and _ink_only_beyond(main.box, stamped, printed)
        if (len(line.text) < len(main.text) - 2 and not inked) or (shorter and not inked and _ink_only_beyond(main.box, second, printed)):
            continue
        # The first pass may have seen only the piece of a line clear of the seal, and read that
        # piece surely (第五条 of "第五条 甲方应按…总额为人民币"): a sure reading holding every
        # first-pass piece whole is the line, however sure the pieces were.
        pieces = all(old.text in line.text for old in olds) and len(line.text) > sum(len(old.text) for old in olds)
        if (pieces and line.confidence >= sure) or (inked and line.confidence > main.confidence) or (
                line.confidence > main.confidence and (line.confidence >= sure or line.confidence >= main.confidence + margin)):
            merged[hits[0]] = line
            for i in reversed(hits[1:]):
                del merged[i]
            replaced += 1
    return merged, added, replaced


def _insert_in_order(lines: list[Line], line: Line) -> None:
    """Engines list lines top to bottom; a new line goes where its middle falls."""
    at = next((i for i, old in enumerate(lines) if old.box.cy > line.box.cy), len(lines))
    lines.insert(at, line)
