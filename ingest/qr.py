"""Printed invoice QR codes → tags.

The payload of a Chinese VAT invoice QR code is comma-separated:
  01,<kind 01/04/10/32/...>,<invoice code>,<invoice number>,<amount excl. tax>,<YYYYMMDD>,<check code>,<crc>
A 数电票 leaves the code empty and has a 20-digit number. Tags (ingest.tags vocabulary, "qr." keys):
qr.invoice_kind, qr.invoice_code, qr.invoice_number, qr.amount_excl_tax, qr.issue_date (YYYY-MM-DD),
qr.check_code, qr.raw (every payload found, invoice or not).
"""
from __future__ import annotations

import re

import cv2
import numpy as np


def decode(image: np.ndarray) -> list[str]:
    """Every QR payload on the image; a small code gets a second, upscaled try."""
    detector = cv2.QRCodeDetector()
    try:
        ok, payloads, _, _ = detector.detectAndDecodeMulti(image)
    except cv2.error:
        ok, payloads = False, ()
    found = [p for p in payloads if p] if ok else []
    h, w = image.shape[:2]
    if found or max(h, w) > 1000:  # only small images (crops, low-res screenshots) get a second look
        return found
    scale = 3 if max(h, w) <= 800 else 2
    big = cv2.resize(image, (w * scale, h * scale), interpolation=cv2.INTER_CUBIC)
    try:
        payload, _, _ = detector.detectAndDecode(big)
    except cv2.error:
        payload = ""
    return [payload] if payload else []


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
        "qr.amount_excl_tax": amount,
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
