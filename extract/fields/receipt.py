"""Receipts (收款收据, 电子货票收款凭证): read so a reviewer sees what was paid, never counted as
an invoice. Fields: receipt_number, date, payer_name, payee_name, purpose, amount."""
from __future__ import annotations

import re

from core.models import Claim, Document, ValueType
from extract.fields.base import DATE_TEXT, PageView, company, first_match, flag_words_figures, labelled, money, views
from extract.normalise import parse_date

LABELS = (
    "今收到", "交来", "人民币", "收款单位", "收款人", "经手人", "交款单位", "付款单位", "托运人名称", "托运人纳税人识别号",
    "费用合计", "申请日期", "用车时间", "订单编号", "服务类型", "电子报销凭证序号", "收款事由", "事由",
)
_NUMBER = re.compile(r"N[oO0º]\.?\s*[:：]?\s*(\d{4,20})")


def _digits(text: str) -> str | None:
    m = re.match(r"\d{4,20}", text)
    return m.group() if m else None


def _purpose(text: str) -> str | None:
    text = text.strip(":：。")
    return text if len(text) >= 2 and re.search(r"[\u4e00-\u9fff]", text) else None


def extract_receipt(doc: Document) -> list[Claim]:
    pages: list[PageView] = [v for v in views(doc) if v.page.lines]
    found = [
        labelled(pages, "receipt_number", ["电子报销凭证序号", "收据编号", "凭证号", "编号"], _digits, ValueType.text, LABELS)
        or first_match(pages, "receipt_number", _NUMBER, _digits, ValueType.text, group=1),
        labelled(pages, "date", ["申请日期", "收款日期", "开具日期", "日期"], parse_date, ValueType.date, LABELS)
        or first_match(pages, "date", DATE_TEXT, parse_date, ValueType.date, quality=0.85),
        labelled(pages, "payer_name", ["今收到", "交款单位", "付款单位", "付款人", "托运人名称"], company, ValueType.text, LABELS, heads_cell=True),
        labelled(pages, "payee_name", ["收款单位(盖章)", "收款单位", "收款方"], company, ValueType.text, LABELS, heads_cell=True),
        labelled(pages, "purpose", ["交来", "收款事由", "事由", "款项内容", "服务类型"], _purpose, ValueType.text, LABELS, heads_cell=True),
        flag_words_figures(
            labelled(pages, "amount", ["人民币(小写)", "小写", "费用合计", "金额", "合计"], money, ValueType.money, LABELS)
            or labelled(pages, "amount", ["人民币(大写)", "大写"], money, ValueType.money, LABELS)
        ),
    ]
    return [c for c in found if c is not None]
