"""Business licence (营业执照) fields."""
from __future__ import annotations

import re

from core.models import Claim, Document, ValueType
from extract.fields.base import PageView, company, first_match, flag_words_figures, labelled, money, views
from extract.normalise import normalise_credit_code, parse_date

LABELS = (
    "统一社会信用代码", "名称", "类型", "住所", "法定代表人", "注册资本", "成立日期", "营业期限", "经营范围",
    "登记机关", "经营场所", "营业场所", "负责人", "执行事务合伙人",
)
_CREDIT = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def credit_code(pages: list[PageView], field: str = "credit_code") -> Claim | None:
    """统一社会信用代码 by its label, else any 18-character code whose check digit holds."""
    got = labelled(pages, field, ["统一社会信用代码", "社会信用代码", "信用代码"], normalise_credit_code, ValueType.text, LABELS)
    return got or first_match(pages, field, _CREDIT, normalise_credit_code, ValueType.text, quality=0.85)


def address(text: str) -> str | None:
    text = text.strip(":：")
    return text if len(text) >= 5 and re.search(r"[省市区县路街道号楼室镇村]", text) else None


def _lone_name_label(pages: list[PageView]) -> Claim | None:
    """OCR often loses the 名 of a widely spaced "名    称": a box that is just 称 still labels."""
    from extract.fields.base import value_claim
    from extract.layout import Hit, value_after

    for view in pages:
        for row in view.rows:
            for i, cell in enumerate(row.cells):
                if cell.key.rstrip(":：") == "称":
                    start = row.cell_start(i)
                    found = value_after(Hit(row, start, start + 1, 0.8, "称"), view.rows, lambda t: company(t) is not None, LABELS)
                    if found:
                        return value_claim(view, "company_name", ValueType.text, company(found.text), found, 0.8)
    return None


def extract_licence(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    found = [
        labelled(pages, "company_name", ["名称", "企业名称", "公司名称"], company, ValueType.text, LABELS) or _lone_name_label(pages),
        credit_code(pages),
        labelled(pages, "address", ["住所", "经营场所", "营业场所", "地址"], address, ValueType.text, LABELS, wraps=True),
        flag_words_figures(labelled(pages, "registered_capital", ["注册资本"], money, ValueType.money, LABELS)),
        labelled(pages, "established_date", ["成立日期", "注册日期"], parse_date, ValueType.date, LABELS),
    ]
    return [c for c in found if c is not None]
