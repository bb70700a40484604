"""Character-level clean-up shared by every normaliser.

Every function here maps one character to one character (except ``clean``), so the
offsets a finder reports on the normalised text are offsets into the original text.
"""
from __future__ import annotations

import re

_IDEOGRAPHIC_SPACE = "\u3000"
# Dash-like characters OCR and typesetting put where an ASCII hyphen is meant.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TABLE = {ord(c): "-" for c in DASHES}
_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def to_halfwidth(s: str) -> str:
    """Full-width ASCII forms (Ｕ+FF01..FF5E) and the ideographic space to plain ASCII."""
    if not s:
        return ""
    out = []
    for ch in s:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif ch == _IDEOGRAPHIC_SPACE:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def dashes_to_hyphen(s: str) -> str:
    """Em/en dashes, minus signs and full-width hyphens to '-' (length-preserving)."""
    return (s or "").translate(_DASH_TABLE)


def clean(s: str) -> str:
    """Collapse every run of whitespace (incl. ideographic and no-break spaces) to one space."""
    if not s:
        return ""
    return _WS.sub(" ", s).strip()


# A run of digits and digit look-alikes. It is only corrected when it holds a real digit and
# is not glued to an ASCII letter, so words like "ISO9001" or "No" are left alone.
_DIGITISH_RUN = re.compile(r"[0-9OoIl|]+")
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_S_BETWEEN_DIGITS = re.compile(r"(?<=\d)S(?=\d)")
_CJK_COMMA_BETWEEN_DIGITS = re.compile(r"(?<=\d)，(?=\d)")
_CJK_STOP_BETWEEN_DIGITS = re.compile(r"(?<=\d)。(?=\d)")


def _fix_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if not any(c.isdigit() for c in run):
        return run
    text = m.string
    before = text[m.start() - 1] if m.start() > 0 else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
        return run
    return run.translate(_LOOKALIKE)


def fix_ocr_digits(s: str) -> str:
    """Undo common OCR confusions inside numbers: O/o→0, l/I/|→1, S→5 between digits,
    full-width comma/stop between digits → ',' / '.'. Length-preserving."""
    if not s:
        return ""
    s = _DIGITISH_RUN.sub(_fix_run, s)
    s = _S_BETWEEN_DIGITS.sub("5", s)
    s = _CJK_COMMA_BETWEEN_DIGITS.sub(",", s)
    s = _CJK_STOP_BETWEEN_DIGITS.sub(".", s)
    # A run fixed only after S→5 joined it to digits ("1O S 2" stays; "1OS2" → "1052").
    return _DIGITISH_RUN.sub(_fix_run, s)


def normalise_chars(s: str) -> str:
    """The length-preserving pipeline every finder runs before matching."""
    return fix_ocr_digits(dashes_to_hyphen(to_halfwidth(s)))
