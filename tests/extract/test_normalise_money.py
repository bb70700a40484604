from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalise.money import find_money, format_yuan, parse_money, parse_money_words, to_words

D = Decimal


@pytest.mark.parametrize(
    "text, expected",
    [
        ("¥104.12", "104.12"),
        ("￥7,018.83", "7018.83"),
        ("¥ 5999.00", "5999.00"),
        ("(小写)￥7018.83", "7018.83"),
        ("价税合计（小写） ¥104.12", "104.12"),
        ("羊661.00", "661.00"),  # OCR reads ¥ as 羊
        ("Y661.00", "661.00"),
        ("CNY661.00", "661.00"),
        ("RMB 1,000", "1000.00"),
        ("RMB1,234,567.8", "1234567.80"),
        ("1,234,567.80元", "1234567.80"),
        ("500元", "500.00"),
        ("50万元", "500000.00"),
        ("5.5万元", "55000.00"),
        ("3万", "30000.00"),
        ("人民币500,000.00元整", "500000.00"),
        ("人民币 500000 元", "500000.00"),
        ("１２３.４５元", "123.45"),
        ("￥１，２３４．５０", "1234.50"),
        ("104,12", "104.12"),  # decimal point read as a comma
        ("¥1O4.l2", "104.12"),  # O/l read for 0/1
        ("5999.000000", "5999.00"),
        ("0.125", "0.13"),  # half-up to the cent
        ("金额 5999.00", "5999.00"),
        ("-12.50", "-12.50"),
        ("¥-12.50", "-12.50"),
        ("-¥12.50", "-12.50"),
        ("¥—12.50", "-12.50"),
        ("（负数）12.50", "-12.50"),
        ("(负数) ¥12.50", "-12.50"),
        ("人民币伍拾万元整", "500000.00"),  # no figure: falls back to the words
        ("人民币伍拾万元整（¥500,000.00）", "500000.00"),
        ("共3份，伍拾元", "50.00"),
        ("丫52.70", "52.70"),
        ("投资3万，", "30000.00"),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == D(expected)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "¥", "元", "2019年", "共3份", "13%", "1 和 2", "***", "免税", None, 12, "万元", "3万台设备", "5台",
     "91320211MAJER5XY3H", "KEY5"],  # a Y inside a code or word is not ¥
)
def test_parse_money_invalid(text):
    assert parse_money(text) is None


def test_parse_money_is_quantised_to_cents():
    assert parse_money("¥104.1").as_tuple().exponent == -2
    assert str(parse_money("50万元")) == "500000.00"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("壹佰零肆圆壹角贰分", "104.12"),
        ("柒仟零壹拾捌圆捌角叁分", "7018.83"),
        ("伍拾贰圆柒角", "52.70"),
        ("伍拾贰圆柒角整", "52.70"),
        ("壹拾万元整", "100000.00"),
        ("贰亿零伍拾万圆整", "200500000.00"),
        ("壹仟零壹万零壹圆整", "10010001.00"),
        ("壹拾亿圆零壹分", "1000000000.01"),
        ("陆佰陆拾壹圆整", "661.00"),
        ("陆佰陆拾壹圆", "661.00"),  # 整 missing
        ("陆佰陆拾壹元正", "661.00"),
        ("陆佰陆拾壹园整", "661.00"),  # OCR: 园 for 圆
        ("壹佰圆零伍分", "100.05"),
        ("壹角贰分", "0.12"),
        ("零圆壹角", "0.10"),
        ("零圆整", "0.00"),
        ("拾元整", "10.00"),
        ("拾万元", "100000.00"),
        ("两万元", "20000.00"),
        ("贰万零伍佰元", "20500.00"),
        ("一千二百三十四元五角", "1234.50"),
        ("十二元", "12.00"),
        ("二十万元整", "200000.00"),
        ("三千〇五元", "3005.00"),
        ("人民币伍拾万元整", "500000.00"),
        ("人民币（大写）：伍拾万元整", "500000.00"),
        ("(大写)壹佰零肆圆壹角贰分", "104.12"),
        ("价税合计(大写) ⊗ 壹佰零肆圆壹角贰分 (小写) ¥104.12", "104.12"),
        ("壹 佰 零 肆 圆 壹 角 贰 分", "104.12"),  # OCR spaces
        ("負伍圆", "-5.00"),  # traditional 負
        ("负伍圆", "-5.00"),
        ("壹万亿元", "1000000000000.00"),
        ("壹拾万", "100000.00"),  # no 圆: the numerals are the whole text
        ("柒什零壹抬捌圓捌角叁分", "7018.83"),  # OCR: 什/抬 for 仟/拾, traditional 圓
        ("壹伯零肆圆壹角贰分", "104.12"),  # OCR: 伯 for 佰
        ("人民币（大写）：壹拾万", "100000.00"),
    ],
)
def test_parse_money_words(text, expected):
    assert parse_money_words(text) == (D(expected) if expected else None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "¥104.12",
        "壹贰圆",  # two digits, no unit between
        "伍零元",
        "佰元",  # 佰 needs a digit
        "壹拾佰元",  # units out of order
        "壹万贰万元",  # 万 twice
        "万元",
        "零拾元",
        "壹佰圆壹贰分",
        "圆整",
        "第三十七条",  # prose numerals without 圆/角/分 are not an amount
        "一、二、三",
        None,
    ],
)
def test_parse_money_words_invalid(text):
    assert parse_money_words(text) is None


@pytest.mark.parametrize(
    "value, words",
    [
        ("104.12", "壹佰零肆圆壹角贰分"),
        ("7018.83", "柒仟零壹拾捌圆捌角叁分"),
        ("52.70", "伍拾贰圆柒角"),
        ("100000", "壹拾万圆整"),
        ("200500000", "贰亿零伍拾万圆整"),
        ("100.05", "壹佰圆零伍分"),
        ("0.12", "壹角贰分"),
        ("0", "零圆整"),
        ("10010001", "壹仟零壹万零壹圆整"),
        ("1000000000.01", "壹拾亿圆零壹分"),
        ("-5", "负伍圆整"),
    ],
)
def test_to_words(value, words):
    assert to_words(D(value)) == words


amounts = st.decimals(min_value=0, max_value=D(10) ** 10, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_words_round_trip(value):
    assert parse_money_words(to_words(value)) == value


@given(amounts)
def test_figures_round_trip(value):
    assert parse_money(format_yuan(value)) == value
    assert parse_money(f"¥{value}") == value
    assert parse_money(f"{format_yuan(value)}元") == value


@given(st.text(max_size=40))
def test_parsers_never_raise(text):
    for parse in (parse_money, parse_money_words):
        result = parse(text)
        assert result is None or isinstance(result, Decimal)
    for value, start, end in find_money(text):
        assert 0 <= start < end <= len(text)


@pytest.mark.parametrize(
    "value, text",
    [("1234567.8", "1,234,567.80"), ("0", "0.00"), ("12", "12.00"), ("-1000.5", "-1,000.50")],
)
def test_format_yuan(value, text):
    assert format_yuan(D(value)) == text


def test_find_money_in_contract_text():
    text = "合同总金额为人民币伍拾万元整（¥500,000.00），首付30%即15万元，税率13%，价税合计 7018.83，签订于2019.03.19。"
    found = find_money(text)
    assert [(v, text[s:e]) for v, s, e in found] == [
        (D("500000.00"), "伍拾万元整"),
        (D("500000.00"), "¥500,000.00"),
        (D("150000.00"), "15万元"),
        (D("7018.83"), "7018.83"),
    ]


def test_find_money_keeps_offsets_with_full_width_text():
    text = "金额：￥１，２３４．５０元；大写：壹仟贰佰叁拾肆圆伍角"
    found = find_money(text)
    assert [text[s:e] for _, s, e in found] == ["￥１，２３４．５０元", "壹仟贰佰叁拾肆圆伍角"]
    assert [v for v, _, _ in found] == [D("1234.50"), D("1234.50")]


@pytest.mark.parametrize("text", ["", "第一条 一、二、三", "2019.03.19", "税率13%", "版本号2", "接入3万台设备", "第三十七条"])
def test_find_money_nothing(text):
    assert find_money(text) == []


@given(amounts, st.sampled_from(["¥{}", "￥{} ", "{}元 ", "人民币{}元整", " RMB {} "]))
def test_found_spans_are_tight(value, template):
    text = "合计 " + template.format(format_yuan(value)) + " 其他"
    [(found, start, end)] = find_money(text)
    assert found == value
    assert text[start:end] == text[start:end].strip()


_OCR_SLIPS = {"佰": "伯", "仟": "什", "拾": "抬", "圆": "园", "贰": "貳", "叁": "參", "陆": "陸"}


@given(amounts, st.data())
def test_words_survive_common_ocr_slips(value, data):
    words = to_words(value)
    slipped = "".join(
        (_OCR_SLIPS.get(c, c) if data.draw(st.booleans()) else c) + (" " if data.draw(st.booleans()) else "")
        for c in words
    )
    assert parse_money_words("价税合计（大写）⊗ " + slipped) == value
