"""Commitment letter (承诺书) fields: who commits, for how many years, signed when."""
from __future__ import annotations

import re

from core.models import Claim, Document, Flag, ValueType
from extract.fields.base import COMPANY, DATE_TEXT, PageView, company, first_match, labelled, views
from extract.fields.licence import credit_code
from extract.normalise import parse_date

LABELS = ("承诺单位", "承诺人", "单位名称", "企业名称", "公司名称", "统一社会信用代码", "法定代表人", "日期", "签署日期")
_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_YEARS = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*年(?:内|以内|之内|期间|不|在|保持|持续|均|迁|不得)")
# The body names the company in clean print; the signature line often sits under a seal.
_BODY_NAME = re.compile(r"(?:本单位|本公司|我单位|我公司|本企业)[（(:：]?(" + COMPANY.pattern + ")")
_DATE = re.compile(DATE_TEXT.pattern + "|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日")


# The four promises 第二条 asks for, each by the words that make it (rules/ checks the list).
# A letter that names the tax or statistics relation at all names it to promise it unchanged.
PROMISES = {
    "no_move": re.compile(r"不\s*(?:迁\s*离|迁\s*出|搬\s*离)"),
    "tax": re.compile(r"纳\s*税\s*(?:义\s*务|关\s*系)|税\s*务\s*征\s*管"),
    "statistics": re.compile(r"统\s*计\s*关\s*系"),
    "capital": re.compile(r"不\s*减\s*少\s*注\s*册\s*资\s*本|注\s*册\s*资\s*本\s*不\s*(?:减\s*少|降\s*低)"),
}


def promises(pages: list[PageView]) -> Claim | None:
    """`commitments`: which of the four promises the letter makes, with where each is said;
    none found means the text was not read well enough to say, so no claim."""
    found = {k: first_match(pages, "commitments", pattern, lambda t: t, ValueType.text) for k, pattern in PROMISES.items()}
    found = {k: c for k, c in found.items() if c is not None}
    if not found:
        return None
    evidence = [e for c in found.values() for e in c.evidence]
    return Claim(field="commitments", value_type=ValueType.list, value=list(found),
                 confidence=min(c.confidence for c in found.values()), evidence=evidence)


def years(text: str) -> int | None:
    if text.isdigit():
        n = int(text)
    elif text == "十":
        n = 10
    elif text.startswith("十"):
        n = 10 + _CN_NUMBERS.get(text[1:], 0)
    elif text.endswith("十"):
        n = _CN_NUMBERS.get(text[0], 0) * 10
    elif len(text) == 1:
        n = _CN_NUMBERS.get(text, 0)
    else:
        return None
    return n if 0 < n <= 50 else None


def _company(pages: list[PageView]) -> Claim | None:
    body = first_match(pages, "company_name", _BODY_NAME, company, ValueType.text, group=1, quality=0.95)
    signed = labelled(pages, "company_name", ["承诺单位(盖章)", "承诺单位", "承诺人", "单位名称", "企业名称", "公司名称"], company, ValueType.text, LABELS)
    if body and signed and body.value != signed.value:
        body.evidence.extend(signed.evidence)
        body.flags.append(Flag(code="name_mismatch", severity="info", message=f"the letter names «{body.value}», the signature line reads «{signed.value}»"))
    return body or signed or first_match(pages, "company_name", COMPANY, company, ValueType.text, quality=0.75)


def extract_commitment(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    found = [
        _company(pages),
        credit_code(pages),
        first_match(pages, "commitment_years", _YEARS, years, ValueType.integer, group=1),
        promises(pages),
        labelled(pages, "signing_date", ["签署日期", "承诺日期", "日期"], parse_date, ValueType.date, LABELS)
        or first_match(pages, "signing_date", _DATE, parse_date, ValueType.date, quality=0.8, last=True),
    ]
    return [c for c in found if c is not None]
