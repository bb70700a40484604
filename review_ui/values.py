"""What a reviewer types, read into a typed claim value, and a claim value shown back.

Claim's own coercion is lenient (any string is a boolean, a string is a list of its
characters); a reviewer's typo must instead be refused with a message, so form input is
parsed strictly here before it reaches core.corrections.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from core.models import LineItem, ValueType
from core.standards import StandardEntry

TRUE = {"true", "1", "yes", "y", "是", "有", "对", "√"}
FALSE = {"false", "0", "no", "n", "否", "无", "不是", "×"}
_MONEY_NOISE = re.compile(r"[,，\s¥￥元]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_LIST_SEP = re.compile(r"[\n;；、,，]")


class InvalidValue(ValueError):
    """The reviewer's input does not read as the field's type; nothing may be saved."""


def parse_input(value_type: ValueType, raw: str) -> Any:
    """Form text → typed value. Empty input clears the value (None)."""
    text = (raw or "").strip()
    if not text:
        return None
    match value_type:
        case ValueType.money | ValueType.number:
            try:
                number = Decimal(_MONEY_NOISE.sub("", text))
            except InvalidOperation:
                raise InvalidValue(f"«{text}» 不是金额/数字 — not a number (e.g. 120000.00)") from None
            if not number.is_finite():
                raise InvalidValue(f"«{text}» 不是有限数 — not a finite number")
            # Yuan are kept to the fen, as printed on the documents, unless typed finer.
            if value_type == ValueType.money and number.as_tuple().exponent >= -2:
                number = number.quantize(Decimal("0.01"))
            return number
        case ValueType.integer:
            try:
                return int(_MONEY_NOISE.sub("", text))
            except ValueError:
                raise InvalidValue(f"«{text}» 不是整数 — not a whole number") from None
        case ValueType.date:
            return _parse_date(text)
        case ValueType.boolean:
            low = text.lower()
            if low in TRUE:
                return True
            if low in FALSE:
                return False
            raise InvalidValue(f"«{text}» 不是 是/否 — expected yes/no (是/否, true/false)")
        case ValueType.list:
            return [part.strip() for part in _LIST_SEP.split(text) if part.strip()]
        case ValueType.items:
            return _parse_items(text)
        case ValueType.standards:
            return _parse_json_list(text, StandardEntry, "标准列表")
        case _:
            return text


def _parse_date(text: str) -> dt.date:
    m = _DATE.match(text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"«{text}» 不是日期 — not a date (e.g. 2024-03-05 or 2024年3月5日)") from None


def _parse_items(text: str) -> list[LineItem]:
    return _parse_json_list(text, LineItem, "明细")


def _parse_json_list(text: str, model, what: str) -> list:
    """Line items, or a notice's standards, typed as a JSON array of their fields."""
    try:
        data = json.loads(text)
        if not isinstance(data, list):
            raise InvalidValue(f"{what}须为 JSON 数组 — must be a JSON array")
        return [model.model_validate(item) for item in data]
    except (json.JSONDecodeError, ValidationError) as exc:
        raise InvalidValue(f"{what}格式错误 — not valid: {exc}") from None


def coerce_api_value(value_type: ValueType, value: Any) -> Any:
    """A JSON API value: strings are read like form input, native JSON is taken as typed."""
    if value_type in (ValueType.money, ValueType.number, ValueType.integer) and isinstance(value, bool):
        raise InvalidValue(f"{value!r} 不是数字 — not a number")
    if isinstance(value, str) or (isinstance(value, (int, float)) and value_type != ValueType.boolean):
        return parse_input(value_type, str(value))
    return value


def money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def show(value_type: ValueType, value: Any) -> str:
    """A value as a reviewer reads it."""
    if value is None:
        return "—"
    match value_type:
        case ValueType.money:
            return money(value)
        case ValueType.boolean:
            return "是 yes" if value else "否 no"
        case ValueType.list:
            return "、".join(value) or "—"
        case ValueType.items:
            return "; ".join(_item_line(i) for i in value) or "—"
        case ValueType.standards:
            return "; ".join(" ".join(filter(None, (e.code or "?", e.title, str(e.implement_date or "")))) for e in value) or "—"
        case _:
            return str(value)


def _item_line(item: LineItem) -> str:
    parts = [item.name or "?"]
    if item.quantity is not None:
        parts.append(f"× {item.quantity}")
    if item.amount is not None:
        parts.append(f"= {money(item.amount)}")
    return " ".join(parts)


def editable(value_type: ValueType, value: Any) -> str:
    """A value as it is put back into an input box, so saving unchanged text round-trips."""
    if value is None:
        return ""
    match value_type:
        case ValueType.boolean:
            return "是" if value else "否"
        case ValueType.list:
            return "\n".join(value)
        case ValueType.items | ValueType.standards:
            return json.dumps([i.model_dump(mode="json", exclude_none=True) for i in value], ensure_ascii=False)
        case _:
            return str(value)
