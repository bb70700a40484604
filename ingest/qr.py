"""Printed invoice QR codes → tags.

The payload of a Chinese VAT invoice QR code is comma-separated:
  01,<kind>,<invoice code>,<invoice number>,<amount>,<YYYYMMDD>,<check code>,<crc>
Which amount it carries depends on the kind. The older invoices (01 专票, 04 普票, 08 电子专票,
10 电子普通发票, 11 卷票, 14 通行费) carry 合计金额, the amount before tax; the 数电票 (31 电子发票
（增值税专用发票）, 32 电子发票（普通发票）: no code, a 20-digit number) carries 价税合计, the
total with tax: "01,31,,25317000002228021821,35559.69,…" on the real 数电专票 in
shared/realdocs, whose 金额合计 is 31468.75. The 数电纸质发票 (85 （增值税专用发票）, 86 （普通发票）)
are issued by the same platform but printed on the paper stock: they keep its 发票代码 and 8-digit
号码 beside their 20-digit 数电发票号码, and are verified as paper 专票 are, with the amount before
tax (the 查验 services' field lists: 发票代码 required for 数电纸票, 不含税金额 for its kinds) — so
合计金额, whichever of the two numbers the code carries. Tags (ingest.tags vocabulary, "qr." keys):
qr.invoice_kind, qr.invoice_code, qr.invoice_number, qr.amount_excl_tax or qr.total_amount,
qr.issue_date (YYYY-MM-DD), qr.check_code, qr.raw (every payload found, invoice or not).
"""
from __future__ import annotations

import re

import cv2
import numpy as np


def _upscaled(detector, image: np.ndarray, scale: int) -> str:
    h, w = image.shape[:2]
    big = cv2.resize(image, (w * scale, h * scale), interpolation=cv2.INTER_CUBIC)
    try:
        payload, _, _ = detector.detectAndDecode(big)
    except cv2.error:
        payload = ""
    return payload or ""


def _quads(detector, image: np.ndarray) -> list[np.ndarray]:
    try:
        ok, points = detector.detectMulti(image)
        if not ok:  # the multi detector misses lone codes the single one finds
            ok, points = detector.detect(image)
    except cv2.error:
        return []
    if not ok or points is None:
        return []
    return [np.asarray(q, dtype=np.float32).reshape(-1, 2) for q in np.asarray(points).reshape(-1, 4, 2)]


def decode(image: np.ndarray) -> list[str]:
    """Every QR payload on the image. A code that is found but too coarse to decode (a 2 cm
    QR on a 144 dpi render) is cropped and upscaled; a small image is upscaled whole."""
    detector = cv2.QRCodeDetector()
    h, w = image.shape[:2]
    found = []
    for quad in _quads(detector, image):
        try:
            payload = detector.decode(image, quad)[0]
        except cv2.error:
            payload = ""
        if not payload:
            x0, y0 = quad.min(axis=0)
            x1, y1 = quad.max(axis=0)
            pad = 0.3 * max(x1 - x0, y1 - y0)
            crop = image[max(int(y0 - pad), 0):min(int(y1 + pad), h), max(int(x0 - pad), 0):min(int(x1 + pad), w)]
            payload = _upscaled(detector, crop, 3) if crop.size else ""
        if payload:
            found.append(payload)
    if found or max(h, w) > 1000:  # only small images (crops, low-res screenshots) get a second look
        return found
    retry = _upscaled(detector, image, 3 if max(h, w) <= 800 else 2)
    return [retry] if retry else []


# kinds whose QR amount is 价税合计 (the 数电票), and those whose is 合计金额
TOTAL_KINDS = frozenset({"31", "32"})
EXCL_TAX_KINDS = frozenset({"01", "04", "08", "10", "11", "14", "85", "86"})


def amount_key(kind: str, code: str, number: str) -> str:
    """The tag the QR's amount belongs under, by its kind; a kind this table does not know
    states the total with tax when it has a 数电票's shape (no code, a 20-digit number)."""
    if kind in TOTAL_KINDS or (kind not in EXCL_TAX_KINDS and not code and len(number) == 20):
        return "qr.total_amount"
    return "qr.amount_excl_tax"


def parse_invoice(payload: str) -> dict[str, str] | None:
    parts = [p.strip() for p in payload.strip().split(",")]
    if len(parts) < 7 or parts[0] != "01":
        return None
    kind, code, number, amount, date, check = parts[1:7]
    if not re.fullmatch(r"\d{8,20}", number) or not re.fullmatch(r"\d{8}", date):
        return None
    return {
        "qr.invoice_kind": kind,
        "qr.invoice_code": code,
        "qr.invoice_number": number,
        amount_key(kind, code, number): amount,
        "qr.issue_date": f"{date[:4]}-{date[4:6]}-{date[6:]}",
        "qr.check_code": check,
    }


def qr_tags(image: np.ndarray) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for payload in decode(image):
        tags.setdefault("qr.raw", []).append(payload)
        for key, value in (parse_invoice(payload) or {}).items():
            if value:
                tags.setdefault(key, []).append(value)
    return tags
