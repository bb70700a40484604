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
# Bounds on what one correction may hold: a value far past any real dossier is a typo or an
# attack, and each later correction would copy it into a new claim set.
MAX_TEXT = 2000
MAX_LIST = 200
MAX_MONEY = Decimal("1e11")  # 1000亿元: no subsidy base comes near
MAX_NUMBER = Decimal("1e12")
MAX_INTEGER = 10**9
YEARS = range(1949, 2101)


class InvalidValue(ValueError):
    """The reviewer's input does not read as the field's type; nothing may be saved."""


def parse_input(value_type: ValueType, raw: str) -> Any:
    """Form text → typed value. Empty input clears the value (None)."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > MAX_TEXT * (50 if value_type in (ValueType.items, ValueType.standards) else 1):
        raise InvalidValue(f"输入过长 — the value is longer than {MAX_TEXT} characters")
    match value_type:
        case ValueType.money | ValueType.number:
            try:
                number = Decimal(_MONEY_NOISE.sub("", text))
            except InvalidOperation:
                raise InvalidValue(f"«{text[:40]}» 不是金额/数字 — not a number (e.g. 120000.00)") from None
            if not number.is_finite():
                raise InvalidValue(f"«{text[:40]}» 不是有限数 — not a finite number")
            limit = MAX_MONEY if value_type == ValueType.money else MAX_NUMBER
            if abs(number) >= limit or (value_type == ValueType.money and number < 0):
                raise InvalidValue(f"«{text[:40]}» 超出范围 — out of range (0 to {limit:,.0f})"
                                   if value_type == ValueType.money else f"«{text[:40]}» 超出范围 — out of range (±{limit:,.0f})")
            # Yuan are kept to the fen, as printed on the documents, unless typed finer.
            if value_type == ValueType.money and number.as_tuple().exponent >= -2:
                number = number.quantize(Decimal("0.01"))
            return number
        case ValueType.integer:
            digits = _MONEY_NOISE.sub("", text)
            try:
                number = int(digits) if len(digits) <= 12 else None
            except ValueError:
                number = None
            if number is None or abs(number) > MAX_INTEGER:
                raise InvalidValue(f"«{text[:40]}» 不是整数或超出范围 — not a whole number up to {MAX_INTEGER:,}")
            return number
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
            # One item a line as the edit box shows it; typed on one line, the usual separators.
            parts = text.splitlines() if "\n" in text else _LIST_SEP.split(text)
            items = [part.strip() for part in parts if part.strip()]
            if len(items) > MAX_LIST:
                raise InvalidValue(f"条目过多 — more than {MAX_LIST} items")
            return items
        case ValueType.items:
            return _parse_items(text)
        case ValueType.standards:
            return _parse_json_list(_json(text, "标准列表"), StandardEntry, "标准列表")
        case _:
            return text


def _parse_date(text: str) -> dt.date:
    m = _DATE.match(text)
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3])) if m else dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"«{text[:40]}» 不是日期 — not a date (e.g. 2024-03-05 or 2024年3月5日)") from None
    if day.year not in YEARS:
        raise InvalidValue(f"«{text[:40]}» 年份超出范围 — the year must be {YEARS.start}–{YEARS.stop - 1}")
    return day


def _parse_items(text: str) -> list[LineItem]:
    return items_value(_json(text, "明细"))


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError) as exc:
        raise InvalidValue(f"{what}格式错误 — not valid JSON: {exc}") from None


def _parse_json_list(data: Any, model, what: str) -> list:
    """A notice's standards, typed as a JSON array of their fields."""
    if not isinstance(data, list) or len(data) > MAX_LIST:
        raise InvalidValue(f"{what}须为最多 {MAX_LIST} 项的 JSON 数组 — must be a JSON array of at most {MAX_LIST}")
    try:
        return [model.model_validate(item) for item in data]
    except ValidationError as exc:
        raise InvalidValue(f"{what}格式错误 — not valid: {exc}") from None


_ITEM_TEXT = ("name", "spec", "unit", "tax_rate")
_ITEM_NUMBERS = ("quantity", "unit_price", "amount", "tax")


def items_value(data: Any) -> list[LineItem]:
    """Line items from JSON-like data, each field checked like a typed value of its own."""
    if not isinstance(data, list) or len(data) > MAX_LIST:
        raise InvalidValue(f"明细须为最多 {MAX_LIST} 行的数组 — line items must be an array of at most {MAX_LIST} rows")
    rows = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or set(item) - {*_ITEM_TEXT, *_ITEM_NUMBERS}:
            raise InvalidValue(f"明细第 {n} 行格式错误 — row {n}: an object with {', '.join(_ITEM_TEXT + _ITEM_NUMBERS)}")
        row: dict[str, Any] = {}
        for key, raw in item.items():
            if raw is None or raw == "":
                continue
            if key in _ITEM_TEXT:
                if not isinstance(raw, str) or len(raw) > 500:
                    raise InvalidValue(f"明细第 {n} 行 {key} 须为文字 — row {n}: {key} must be text up to 500 characters")
                row[key] = raw.strip()
            else:
                if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
                    raise InvalidValue(f"明细第 {n} 行 {key} 须为数字 — row {n}: {key} must be a number")
                try:
                    row[key] = parse_input(ValueType.number, str(raw))
                except InvalidValue as exc:
                    raise InvalidValue(f"明细第 {n} 行 {key}: {exc}") from None
        try:
            rows.append(LineItem.model_validate(row))
        except ValidationError as exc:
            raise InvalidValue(f"明细第 {n} 行格式错误 — row {n} is not valid: {exc}") from None
    return rows


def coerce_api_value(value_type: ValueType, value: Any) -> Any:
    """A JSON API value: strings are read like form input, native JSON must have the field's type."""
    if value is None or isinstance(value, str):
        return parse_input(value_type, value or "")
    match value_type:
        case ValueType.money | ValueType.number | ValueType.integer:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidValue(f"须为数字 — {value_type.value} must be a number or a string")
            if isinstance(value, int) and abs(value) > 10**15:
                raise InvalidValue(f"超出范围 — {value_type.value} out of range")
            return parse_input(value_type, str(value))
        case ValueType.boolean:
            if not isinstance(value, bool):
                raise InvalidValue("须为 true/false — boolean must be true or false")
            return value
        case ValueType.list:
            if not isinstance(value, list) or len(value) > MAX_LIST or not all(
                isinstance(v, str) and len(v) <= MAX_TEXT for v in value
            ):
                raise InvalidValue(f"须为文字数组 — list must be an array of at most {MAX_LIST} strings")
            return [v.strip() for v in value if v.strip()]
        case ValueType.items:
            return items_value(value)
        case ValueType.standards:
            return _parse_json_list(value, StandardEntry, "标准列表")
        case _:
            raise InvalidValue(f"须为文字 — {value_type.value} must be a string")


ITEM_COLUMNS: dict[str, str] = {
    "name": "名称", "spec": "规格型号", "unit": "单位", "quantity": "数量", "unit_price": "单价",
    "amount": "金额", "tax_rate": "税率", "tax": "税额",
}


def item_rows(text: str) -> list[dict[str, str]]:
    """Line items as the edit table shows them, from the JSON in the edit box (typed or stored)."""
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return []
    rows = data if isinstance(data, list) else []
    return [{k: "" if v is None else str(v) for k, v in r.items() if k in ITEM_COLUMNS} for r in rows if isinstance(r, dict)]


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
