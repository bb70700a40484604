"""Turn a page upright (0/90/180/270) and straighten a small skew before OCR, cheaply.

One text-detection pass on a downscaled copy gives the text boxes (rotated rectangles):
  * tall boxes outnumbering wide ones → the page lies on its side (90 or 270);
  * the angle classifier (PP-OCR's 0/180 cls) on a dozen box crops says which way up;
  * the median angle of long boxes, modulo 90°, is the skew.
That costs a fraction of one full OCR pass (no recognition, no repeat passes per angle).

Conventions: `rotation` is the clockwise turn applied to the original to make it upright
(a page scanned lying 90° clockwise gets rotation 270); `skew` is how many degrees the
text leant clockwise (positive = lines descending to the right) before it was straightened.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

DETECT_SIDE = 1024  # downscale for the orientation pass
MAX_SKEW = 10.0
MIN_SKEW = 0.3  # below this, resampling the page costs more than it helps
MAX_CLS_CROPS = 12


def _downscale(image: np.ndarray, side: int = DETECT_SIDE) -> np.ndarray:
    h, w = image.shape[:2]
    scale = side / max(h, w)
    if scale >= 1:
        return image
    return cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)


def _box_geometry(quad: np.ndarray) -> tuple[float, float, float]:
    """(length along the top edge, length along the side edge, angle of the long edge)."""
    p0, p1, _, p3 = quad
    top = float(np.linalg.norm(p1 - p0))
    side = float(np.linalg.norm(p3 - p0))
    edge = (p1 - p0) if top >= side else (p3 - p0)
    angle = math.degrees(math.atan2(float(edge[1]), float(edge[0])))
    return top, side, angle


def _fold(angle: float) -> float:
    """Angle modulo 90 into (-45, 45]: rotating by quarter turns does not change skew."""
    a = (angle + 45.0) % 90.0 - 45.0
    return 45.0 if a == -45.0 else a


def decide(quads, cls_res) -> tuple[int, float]:
    """(rotation, skew) from detected text quads and the angle classifier's verdict on them.

    `cls_res[i]` is (label, score) for quads[i], or None where that box was not classified.
    """
    geo = [_box_geometry(np.asarray(q, dtype=np.float32)) for q in quads]
    wide = [i for i, (t, s, _) in enumerate(geo) if t >= 1.5 * s]
    tall = [i for i, (t, s, _) in enumerate(geo) if s >= 1.5 * t]
    # Turning a page is costly when wrong (the whole page reads as garbage), so a turn needs
    # a clear majority: two or more tall lines outnumbering wide ones, and for an upright-
    # looking page a 180° verdict half as strong again as the upright one.
    sideways = len(tall) >= 2 and len(tall) > len(wide)
    chosen = tall if sideways else wide
    if not chosen:
        return 0, 0.0
    votes = [cls_res[i] for i in chosen if cls_res[i] is not None]
    flipped = sum(score for label, score in votes if label == "180")
    upright_ = sum(score for label, score in votes if label == "0")
    upside_down = flipped > (upright_ if sideways else 1.5 * upright_)  # sideways: either way is a turn
    if sideways:
        # rapidocr turns tall crops a quarter turn counter-clockwise before classifying:
        # a crop that then reads upright came from a page lying 90° clockwise.
        rotation = 90 if upside_down else 270
    else:
        rotation = 180 if upside_down else 0
    long_angles = [_fold(geo[i][2]) for i in chosen if max(geo[i][0], geo[i][1]) >= 3 * min(geo[i][0], geo[i][1])]
    skew = float(np.median(long_angles)) if long_angles else 0.0
    if abs(skew) < MIN_SKEW or abs(skew) > MAX_SKEW:
        skew = 0.0
    return rotation, round(skew, 2)


def detect(image: np.ndarray) -> tuple[int, float]:
    """(rotation, skew) for a BGR page image, from one detection pass on a small copy.

    Engines that detect text themselves (rapidocr) decide from their own full-size pass
    instead (RapidOcrEngine.read_oriented) and never pay for this one.
    """
    from ingest.ocr.rapid import rapid_instance

    ocr = rapid_instance()
    small = _downscale(image)
    boxes, _ = ocr.text_det(small)
    if boxes is None or len(boxes) == 0:
        return 0, 0.0
    # Classify only the longest boxes: they carry the clearest orientation signal.
    order = sorted(range(len(boxes)), key=lambda i: -max(_box_geometry(boxes[i])[:2]))[:MAX_CLS_CROPS]
    crops = ocr.get_crop_img_list(small, [boxes[i] for i in order])
    _, res, _ = ocr.text_cls(crops)
    cls_res: list = [None] * len(boxes)
    for i, r in zip(order, res):
        cls_res[i] = r
    return decide(boxes, cls_res)


_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate(image: np.ndarray, rotation: int) -> np.ndarray:
    return image if rotation % 360 == 0 else cv2.rotate(image, _ROTATE[rotation % 360])


def deskew(image: np.ndarray, skew: float) -> np.ndarray:
    """Rotate back by `skew` degrees on an enlarged white canvas so no corner is cut off."""
    if not skew:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=border)


def upright(image: np.ndarray) -> tuple[np.ndarray, int, float]:
    """The page turned upright and straightened, with the rotation and skew applied."""
    rotation, skew = detect(image)
    return deskew(rotate(image, rotation), skew), rotation, skew
