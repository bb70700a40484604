"""Capital verification (验资报告 / 实缴出资证明) fields: whose capital, how much paid in, when."""
from __future__ import annotations

import re

from core.models import Claim, Document, ValueType
from extract.fields.base import COMPANY, DATE_TEXT, PageView, company, first_match, flag_words_figures, labelled, money, views
from extract.normalise import parse_date

LABELS = ("被审验单位", "委托单位", "公司名称", "企业名称", "实收资本", "实缴资本", "注册资本", "验资日期", "报告日期")
_PAID = re.compile(r"(?:实收资本|实缴资本|实缴出资|实缴注册资本|实际缴纳)[^。；;]{0,80}")
_ADDRESSEE = re.compile(r"^(.{4,40}?(?:有限公司|有限责任公司|股份有限公司))(?:全体股东|董事会)?[:：]")
# The capital is verified as at a date: "截至2021年07月31日止" (the report is signed later).
_AS_AT = re.compile(r"截[至止](" + DATE_TEXT.pattern + ")")


def _paid(text: str):
    # "注册资本500万元，实收资本300万元": the figure after the paid-in wording
    text = re.sub(r"^(?:实收资本|实缴资本|实缴出资|实缴注册资本|实际缴纳)[)）]?[为是:：]?", "", text)
    return money(text)


def _company(pages: list[PageView]) -> Claim | None:
    got = labelled(pages, "company_name", ["被审验单位", "委托单位", "公司名称", "企业名称"], company, ValueType.text, LABELS)
    got = got or first_match(pages, "company_name", _ADDRESSEE, company, ValueType.text, group=1, quality=0.9)
    return got or first_match(pages, "company_name", COMPANY, company, ValueType.text, quality=0.7)


def extract_capital(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    found = [
        _company(pages),
        flag_words_figures(
            labelled(pages, "paid_in_capital", ["实收资本", "实缴资本", "实缴出资额"], money, ValueType.money, LABELS)
            or first_match(pages, "paid_in_capital", _PAID, _paid, ValueType.money)
        ),
        labelled(pages, "verification_date", ["验资日期", "审验日期"], parse_date, ValueType.date, LABELS)
        or first_match(pages, "verification_date", _AS_AT, parse_date, ValueType.date, group=1, quality=0.95)
        or first_match(pages, "verification_date", DATE_TEXT, parse_date, ValueType.date, quality=0.8, last=True),
    ]
    return [c for c in found if c is not None]
