"""Reading what a reviewer types: strict, so a typo is refused rather than saved as junk."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.models import LineItem, ValueType
from review_ui.values import InvalidValue, coerce_api_value, editable, parse_input, show


@pytest.mark.parametrize(
    ("vt", "raw", "want"),
    [
        (ValueType.money, "¥120,000", Decimal("120000.00")),
        (ValueType.money, "1 234.5 元", Decimal("1234.50")),
        (ValueType.number, "-0.5", Decimal("-0.5")),
        (ValueType.number, "0.125", Decimal("0.125")),
        (ValueType.integer, "1,200", 1200),
        (ValueType.date, "2024年3月5日", dt.date(2024, 3, 5)),
        (ValueType.date, "2024/03/05", dt.date(2024, 3, 5)),
        (ValueType.date, "2024-03-05", dt.date(2024, 3, 5)),
        (ValueType.boolean, "是", True),
        (ValueType.boolean, "FALSE", False),
        (ValueType.list, "甲公司、乙公司；丙公司", ["甲公司", "乙公司", "丙公司"]),  # typed on one line
        (ValueType.list, "甲公司、乙公司\n丙公司", ["甲公司、乙公司", "丙公司"]),  # one item a line, as edited
        (ValueType.text, "  广州  ", "广州"),
        (ValueType.money, "   ", None),
    ],
)
def test_parse_input_reads_typed_values(vt, raw, want):
    assert parse_input(vt, raw) == want


@pytest.mark.parametrize(
    ("vt", "raw"),
    [
        (ValueType.money, "abc"),
        (ValueType.money, "NaN"),
        (ValueType.integer, "3.5"),
        (ValueType.date, "2024-02-30"),
        (ValueType.date, "next week"),
        (ValueType.boolean, "maybe"),
        (ValueType.items, "[{"),
        (ValueType.items, '{"name": "x"}'),
        # bounds: no negative or astronomical yuan, no 10 MB value, no year 9999
        (ValueType.money, "-500"),
        (ValueType.money, "1e25"),
        (ValueType.money, "1e30"),
        (ValueType.number, "-1e13"),
        (ValueType.integer, "1" * 30),
        (ValueType.date, "9999-01-01"),
        (ValueType.text, "长" * 2001),
        (ValueType.list, "\n".join(["x"] * 201)),
        (ValueType.items, '[{"name": "x", "amount": "1e30"}]'),
        (ValueType.items, '[{"name": {"a": 1}}]'),
    ],
)
def test_parse_input_refuses_what_does_not_fit(vt, raw):
    with pytest.raises(InvalidValue):
        parse_input(vt, raw)


def test_items_round_trip_through_the_edit_box():
    items = [LineItem(name="云MES订阅", quantity=Decimal("1"), amount=Decimal("100000.00"))]
    assert parse_input(ValueType.items, editable(ValueType.items, items)) == items
    assert show(ValueType.items, items) == "云MES订阅 × 1 = 100,000.00"


def test_api_values_are_typed_like_form_input():
    assert coerce_api_value(ValueType.money, 120000) == Decimal("120000.00")
    assert coerce_api_value(ValueType.list, ["a", "b"]) == ["a", "b"]
    for vt, value in [(ValueType.money, True), (ValueType.money, 1e30), (ValueType.money, 10**25),
                      (ValueType.text, {"a": 1}), (ValueType.boolean, ["yes"]),
                      (ValueType.list, [1, 2]), (ValueType.items, [["x"]])]:
        with pytest.raises(InvalidValue):
            coerce_api_value(vt, value)
