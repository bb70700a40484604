"""Receipts (收款收据, 电子货票收款凭证, a bank's 电子回单): read so a reviewer sees what was paid,
never counted as an invoice. Fields: receipt_number, date, payer_name, payee_name, purpose,
amount. A bank 回单's XBRL attachment (ingest.ofd tags) outranks its page."""
from __future__ import annotations

import re

from core.models import Claim, Document, ValueType
from extract.fields.base import DATE_TEXT, PageView, claim, company, first_match, first_tag, flag_words_figures, labelled, money, tag_evidence, views
from extract.normalise import parse_date, parse_money

LABELS = (
    "今收到", "交来", "人民币", "收款单位", "收款人", "经手人", "交款单位", "付款单位", "托运人名称", "托运人纳税人识别号",
    "费用合计", "申请日期", "用车时间", "订单编号", "服务类型", "电子报销凭证序号", "收款事由", "事由",
    "付款人户名", "付款人账号", "付款人开户行", "收款人户名", "收款人账号", "收款人开户行", "附言", "用途", "摘要", "记账柜员",
)
# the bank 回单's XBRL tags (ingest.tags)
TAGS = {
    "payer_name": ("PayerName", ValueType.text, str.strip),
    "payee_name": ("PayeeName", ValueType.text, str.strip),
    "amount": ("ReceiptAmount", ValueType.money, parse_money),
    "date": ("ReceiptDate", ValueType.date, parse_date),
    "receipt_number": ("ReceiptNo", ValueType.text, str.strip),
}
_NUMBER = re.compile(r"N[oO0º]\.?\s*[:：]?\s*(\d{4,20})")


def _digits(text: str) -> str | None:
    m = re.match(r"\d{4,20}", text)
    return m.group() if m else None


def _purpose(text: str) -> str | None:
    text = text.strip(":：。")
    return text if len(text) >= 2 and re.search(r"[\u4e00-\u9fff]", text) else None


def _first_of(pages: list[PageView], field: str, labels: list[str], parse) -> Claim | None:
    """Labels in priority order: a 回单's 附言 says what was paid for, its 用途 box is often
    empty and runs into the next label."""
    for label in labels:
        got = labelled(pages, field, [label], parse, ValueType.text, LABELS, heads_cell=True)
        if got is not None:
            return got
    return None


def _tags(doc: Document) -> dict[str, Claim]:
    out = {}
    for field, (key, value_type, parse) in TAGS.items():
        got = first_tag(doc, key)
        value = parse(got[2]) if got else None
        if value:
            out[field] = claim(field, value_type, value, 0.99, [tag_evidence(doc, got[0], key, got[2])])
    return out


def extract_receipt(doc: Document) -> list[Claim]:
    pages: list[PageView] = [v for v in views(doc) if v.page.lines]
    tagged = _tags(doc)
    found = [
        labelled(pages, "receipt_number", ["电子报销凭证序号", "收据编号", "凭证号", "编号"], _digits, ValueType.text, LABELS)
        or first_match(pages, "receipt_number", _NUMBER, _digits, ValueType.text, group=1),
        labelled(pages, "date", ["申请日期", "收款日期", "开具日期", "日期"], parse_date, ValueType.date, LABELS)
        or first_match(pages, "date", DATE_TEXT, parse_date, ValueType.date, quality=0.85),
        labelled(pages, "payer_name", ["今收到", "交款单位", "付款单位", "付款人户名", "付款人", "托运人名称"], company, ValueType.text, LABELS, heads_cell=True),
        labelled(pages, "payee_name", ["收款单位(盖章)", "收款单位", "收款人户名", "收款方"], company, ValueType.text, LABELS, heads_cell=True),
        _first_of(pages, "purpose", ["交来", "收款事由", "附言", "事由", "款项内容", "服务类型", "用途"], _purpose),
        flag_words_figures(
            labelled(pages, "amount", ["人民币(小写)", "小写", "费用合计", "金额", "合计"], money, ValueType.money, LABELS)
            or labelled(pages, "amount", ["人民币(大写)", "大写"], money, ValueType.money, LABELS)
        ),
    ]
    read = {c.field: c for c in found if c is not None}
    return list({**read, **tagged}.values())
