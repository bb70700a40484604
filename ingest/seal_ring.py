"""The text round a seal's ring (a 发票专用章 prints its owner's name there), read by unrolling it.

OCR reads a seal's straight text (the tax id across its middle, 发票专用章 below) but not its
arc: the name runs round the rim, each glyph turned to face the centre. Seen in polar
coordinates about the seal's centre, with the radius running down and the angle clockwise
across, that arc is one straight upright line, which the recogniser reads as a line.

The seal's geometry chooses the band: an ellipse fitted to the ink's outline (invoice seals are
40×30 mm ovals, a photo tilts them), and the text ring lies at a fraction of its radii (~0.6 to
0.9; the border is outside it, the tax id and 发票专用章 inside). Several bands are read and every
reading kept (extract weighs them). The strip starts in the widest gap of the ring's ink, so a name is read
whole wherever on the rim it begins (clockwise from ~210° on a real seal).

What is read is not the page's text: it comes back as lines of their own (Page.seal_rings),
kept in a cache entry of its own, so the OCR cache's key is untouched by it.
The tax id across the middle stays the page's OCR's; the ring's box tells extract where the
seal's middle is (extract.seal_id checks that code against the seller's tax id).
"""
from __future__ import annotations

import hashlib
import math
from typing import Callable

import cv2
import numpy as np

from core.models import Box, Line, Word
from ingest import seal

# Part of the ring cache's key: bump when what is read off a ring can change.
# 2: each glyph's probability comes with a reading (Line.words).
# 3: the glyph before one the recogniser skipped is doubted (ingest.ocr.rapid.skipped_glyph_doubt).
# 4: a seal another overlaps (ingest.seal split their blob) is read within its own outline.
VERSION = 4

# How far in from the seal's outline its name runs, from its glyphs' tops to their feet, in
# the shorter radius (a 40×30 mm 发票专用章: 1 mm border, ~4 mm glyphs, 15 mm radius). Each
# band is read: where the ring lies varies with the seal's maker and the photo, and one
# band's slip is outvoted by the others.
BANDS = ((0.12, 0.42), (0.08, 0.38), (0.16, 0.46), (0.1, 0.45))
# Bounds: seals read per page, the seal crop's side (larger crops are shrunk first) and the
# strip's size as the recogniser gets it (its height is the recogniser's own 48 px).
MAX_SEALS = 4
MAX_SEAL_SIDE = 600
STRIP_HEIGHT = 48
MAX_STRIP_WIDTH = 1600
MIN_GLYPHS = 4           # a reading of fewer CJK glyphs is no name
OWN_MARGIN = 1.06        # of a seal's half-box: its outline, where another seal overlaps it
CROP_PAD = 0.1           # of the seal's longer side: a box the dilation cut short still holds the rim

ReadLine = Callable[[np.ndarray], tuple[str, float, list[float]]]  # text, confidence, each glyph's
Ellipse = tuple[float, float, float, float, float]  # centre x, y, semi-axis along, across, angle°


def image_key(image: np.ndarray) -> str:
    """The page image's own hash (pixels and shape): the same picture, however it was reached."""
    h = hashlib.sha256(repr(image.shape).encode())
    h.update(np.ascontiguousarray(image).data)
    return h.hexdigest()


def redness(crop: np.ndarray) -> np.ndarray:
    """uint8 ink strength: how far red stands above green and blue, stretched to the crop's own
    strongest ink. Worn, pink ink keeps its strokes here (the binary red mask drops them), and
    black print under the seal, dark in every channel, has none."""
    c = crop.astype(np.int16)
    red = np.clip(c[:, :, 2] - np.maximum(c[:, :, 0], c[:, :, 1]), 0, None).astype(np.float32)
    top = max(float(np.percentile(red, 99)), 20.0)
    return np.clip(red * (255.0 / top), 0, 255).astype(np.uint8)


def ellipse(mask: np.ndarray) -> Ellipse | None:
    """The seal's outer outline: an ellipse fitted to the hull of its ink, its longer axis
    first and its angle within ±90°."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    points = [c for c in contours if len(c) >= 3]
    if not points:
        return None
    hull = cv2.convexHull(np.vstack(points))
    if len(hull) < 5:
        return None
    (cx, cy), (w, h), angle = cv2.fitEllipse(hull)
    if w < h:
        w, h, angle = h, w, angle - 90
    angle = (angle + 90) % 180 - 90
    if min(w, h) < 20:
        return None
    return cx, cy, w / 2, h / 2, angle


def unroll(ink: np.ndarray, el: Ellipse, lo: float, hi: float) -> np.ndarray:
    """The ring from lo to hi in from the seal's outline (in its shorter radius) as a strip:
    outer edge on top, running clockwise (as seal text reads) from the bottom of the seal
    round. A seal's name follows its border at a fixed distance, each glyph standing on the
    line to the centre, so the ring is walked along the ellipse `d` in from the outline
    (semi-axes a−d, b−d) and across it along that line; columns are spaced evenly along the
    ring, so glyphs keep their shape on an oval's flat sides as on its ends. The strip is
    STRIP_HEIGHT high."""
    cx, cy, a, b, angle = el
    d_out, d_in = lo * b, hi * b
    scale = STRIP_HEIGHT / max(d_in - d_out, 1.0)
    mid = (d_out + d_in) / 2
    fine = np.radians(90.0 + np.arange(3601) / 10.0)
    steps = np.hypot(np.diff((a - mid) * np.cos(fine)), np.diff((b - mid) * np.sin(fine)))
    along = np.concatenate([[0.0], np.cumsum(steps)])
    cols = int(min(along[-1] * scale, MAX_STRIP_WIDTH * 2))
    theta = np.interp(np.linspace(0, along[-1], cols, endpoint=False), along, fine)
    d = d_out + (np.arange(STRIP_HEIGHT) + 0.5) / STRIP_HEIGHT * (d_in - d_out)
    t, dd = np.meshgrid(theta, d)
    ex, ey = (a - dd) * np.cos(t), (b - dd) * np.sin(t)
    phi = math.radians(angle)
    map_x = (cx + ex * math.cos(phi) - ey * math.sin(phi)).astype(np.float32)
    map_y = (cy + ex * math.sin(phi) + ey * math.cos(phi)).astype(np.float32)
    return cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def text_arc(strip: np.ndarray) -> np.ndarray | None:
    """The strip turned to start at its widest gap of ink and cut to the ink (with half a
    glyph's worth of ring either side, where a glyph's faint strokes run): the name read from
    its first glyph to its last, wherever on the rim it starts. None without ink."""
    inked = (strip > 64).any(axis=0)
    if not inked.any():
        return None
    n = len(inked)
    # the widest run of empty columns, the strip taken as the circle it is
    doubled = np.concatenate([inked, inked])
    best, best_end, run = 0, 0, 0
    for i, on in enumerate(doubled):
        run = 0 if on else run + 1
        if run > best:
            best, best_end = run, i
    pad = min(STRIP_HEIGHT // 2, best // 2)
    start = (best_end + 1 - pad) % n
    return np.roll(strip, -start, axis=1)[:, : n - best + 2 * pad]


def _glyphs(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def read_ring(crop: np.ndarray, mask: np.ndarray, read_line: ReadLine) -> list[tuple[str, float, list[float]]]:
    """What each band of a seal's ring reads as a name (MIN_GLYPHS or more): one band's
    reading may slip a glyph the others read right, so all are kept for the reader to weigh."""
    el = ellipse(cv2.dilate(mask, np.ones((3, 3), np.uint8)))
    if el is None:
        return []
    ink = redness(crop)
    out = []
    for lo, hi in BANDS:
        arc = text_arc(unroll(ink, el, lo, hi))
        if arc is None:
            continue
        if arc.shape[1] > MAX_STRIP_WIDTH:
            arc = cv2.resize(arc, (MAX_STRIP_WIDTH, arc.shape[0]), interpolation=cv2.INTER_AREA)
        text, score, glyphs = read_line(cv2.cvtColor(255 - arc, cv2.COLOR_GRAY2BGR))
        if _glyphs(text) >= MIN_GLYPHS:
            out.append((text, score, glyphs))
    return out


def _overlaps(other: seal.Rect, box: seal.Rect) -> bool:
    """Another seal stamped over this one's rim: their boxes cross, neither inside the other (a
    seal's inner text can be a blob of its own, inside it)."""
    def inside(a: seal.Rect, b: seal.Rect) -> bool:
        return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]

    return seal._touch(other, box) and not inside(other, box) and not inside(box, other)


def _own(crop: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A seal's crop with the ink of a seal stamped over it (ingest.seal split their blob) cleared
    beyond its own outline, the ellipse its box holds (OWN_MARGIN wider): the other seal's rim
    would take the ring's fitted outline, and the name's start, off this one's."""
    x0, y0, x1, y1 = box
    keep = np.zeros(mask.shape, np.uint8)
    axes = (int((x1 - x0) / 2 * OWN_MARGIN), int((y1 - y0) / 2 * OWN_MARGIN))
    cv2.ellipse(keep, ((x0 + x1) // 2, (y0 + y1) // 2), axes, 0, 0, 360, 255, -1)
    crop = crop.copy()
    crop[keep == 0] = 255
    return crop, cv2.bitwise_and(mask, keep)


def read_rings(image: np.ndarray, read_line: ReadLine) -> list[Line]:
    """A line per reading of a seal's ring (a band's), boxed by the seal in the page's pixels
    (the readings of one seal share its box), a word per glyph with its probability. One
    seal's crop at a time; at most MAX_SEALS seals and len(BANDS) readings each."""
    mask = seal.red_mask(image)
    regions = seal.seal_regions(image, mask, flat=False)  # a flat stamp has no ring
    regions = sorted(regions, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]), reverse=True)[:MAX_SEALS]
    h, w = image.shape[:2]
    out: list[Line] = []
    for x0, y0, x1, y1 in regions:
        pad = int(CROP_PAD * max(x1 - x0, y1 - y0))
        cx0, cy0, cx1, cy1 = max(x0 - pad, 0), max(y0 - pad, 0), min(x1 + pad, w), min(y1 + pad, h)
        crop, crop_mask = image[cy0:cy1, cx0:cx1], mask[cy0:cy1, cx0:cx1]
        if any(_overlaps(other, (x0, y0, x1, y1)) for other in regions):
            crop, crop_mask = _own(crop, crop_mask, (x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0))
        shrink = MAX_SEAL_SIDE / max(crop.shape[:2])
        if shrink < 1:
            crop = cv2.resize(crop, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
            crop_mask = cv2.resize(crop_mask, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_NEAREST)
        box = Box(x0=float(x0), y0=float(y0), x1=float(x1), y1=float(y1))
        for text, score, glyphs in read_ring(crop, crop_mask, read_line):
            # a word per glyph, with its own probability (where on the ring it stands is not kept)
            words = [Word(text=ch, confidence=round(p, 4), box=box) for ch, p in zip(text, glyphs)]
            out.append(Line(text=text, confidence=round(score, 4), box=box, words=words))
    return out
