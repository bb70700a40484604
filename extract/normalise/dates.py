"""Calendar dates as Chinese documents write them: 2019年03月19日, 2019-3-19, 20190319,
二〇一九年三月十九日 — validated against the real calendar."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from extract.normalise.text import normalise_chars

MIN_YEAR, MAX_YEAR = 1900, 2100

_CN_DIGIT = {**dict.fromkeys("〇○零OoΟ0", 0), "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
             "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
             "九": 9, "玖": 9}
_CN_CHARS = "".join(_CN_DIGIT) + "十拾廿卅"
_CN = f"[{_CN_CHARS}]"
_SP = r"\s*"

_YMD_CN = re.compile(
    rf"(?P<y>\d{{4}}|{_CN}{{4}}){_SP}年{_SP}(?P<m>\d{{1,2}}|{_CN}{{1,3}}){_SP}月{_SP}"
    rf"(?P<d>\d{{1,2}}|{_CN}{{1,3}})(?:{_SP}[日曰号])?"
)
_YMD_SEP = re.compile(r"(?<![\d.])(?P<y>\d{4})\s?(?P<s>[-./])\s?(?P<m>\d{1,2})\s?(?P=s)\s?(?P<d>\d{1,2})(?!\d|(?P=s)\d)")
_YMD_COMPACT = re.compile(r"(?<![\d.\-/])(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?![\d.\-/])")
# In free text an 8-digit run is only a date when a date label stands just before it.
_DATE_LABEL = re.compile(r"(?:日期|时间|日|date|Date|DATE)\s*[:：]?\s*$")


def _cn_number(s: str) -> int | None:
    """'十九' → 19, '二十一' → 21, '三十' → 30, '九' → 9, '〇三' → 3, '19' → 19."""
    if s.isdigit():
        return int(s)
    s = s.replace("拾", "十").replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, units = s.partition("十")
        if "十" in units or len(tens) > 1 or len(units) > 1:
            return None
        t = _CN_DIGIT.get(tens, None) if tens else 1
        u = _CN_DIGIT.get(units, None) if units else 0
        if t is None or u is None:
            return None
        return t * 10 + u
    if not s or any(c not in _CN_DIGIT for c in s):
        return None
    return int("".join(str(_CN_DIGIT[c]) for c in s))


def _make(y: str, m: str, d: str) -> dt.date | None:
    year, month, day = _cn_number(y), _cn_number(m), _cn_number(d)
    if year is None or month is None or day is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _matches(s: str, *, compact: Literal["never", "labelled"]) -> list[tuple[dt.date, int, int]]:
    found: list[tuple[dt.date, int, int]] = []
    patterns = [_YMD_CN, _YMD_SEP] + ([_YMD_COMPACT] if compact == "labelled" else [])
    for pattern in patterns:
        for m in pattern.finditer(s):
            if any(m.start() < e and s_ < m.end() for _, s_, e in found):
                continue
            if pattern is _YMD_COMPACT and not _DATE_LABEL.search(s[max(0, m.start() - 12) : m.start()]):
                continue
            date = _make(m.group("y"), m.group("m"), m.group("d"))
            if date is not None:
                found.append((date, m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])


def parse_date(text: str) -> dt.date | None:
    """The first valid date the text states, or None. A bare 8-digit run (20190319) counts
    only when it is the whole text apart from a label."""
    if not text or not isinstance(text, str):
        return None
    s = normalise_chars(text)
    found = _matches(s, compact="never")
    if found:
        return found[0][0]
    m = _YMD_COMPACT.search(s)
    if m and not re.search(r"\d", s[: m.start()] + s[m.end() :]):
        return _make(m.group("y"), m.group("m"), m.group("d"))
    return None


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every valid date in free text with its character span, sorted by position."""
    if not text or not isinstance(text, str):
        return []
    return _matches(normalise_chars(text), compact="labelled")
