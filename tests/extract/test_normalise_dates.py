import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalise.dates import find_dates, parse_date

D = dt.date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019年03月19日", D(2019, 3, 19)),
        ("2019年3月9日", D(2019, 3, 9)),
        ("2019年3月9号", D(2019, 3, 9)),
        ("2019年3月9", D(2019, 3, 9)),
        ("2019 年 03 月 19 日", D(2019, 3, 19)),
        ("开票日期：2020年10月30日", D(2020, 10, 30)),
        ("２０１９年３月１９日", D(2019, 3, 19)),
        ("2O19年O3月l9日", D(2019, 3, 19)),
        ("2019-3-19", D(2019, 3, 19)),
        ("2019-03-19", D(2019, 3, 19)),
        ("2019.03.19", D(2019, 3, 19)),
        ("2019/03/19", D(2019, 3, 19)),
        ("2019/3/9", D(2019, 3, 9)),
        ("2019—03—19", D(2019, 3, 19)),
        ("2019－03－19", D(2019, 3, 19)),
        ("2019 - 03 - 19", D(2019, 3, 19)),
        ("20190319", D(2019, 3, 19)),
        ("开票日期：20190319", D(2019, 3, 19)),
        ("二〇一九年三月十九日", D(2019, 3, 19)),
        ("二零一九年三月十九日", D(2019, 3, 19)),
        ("二○一九年三月十九日", D(2019, 3, 19)),
        ("二O一九年十二月二十一日", D(2019, 12, 21)),
        ("二〇二〇年一月三十日", D(2020, 1, 30)),
        ("二〇二〇年一月三十一日", D(2020, 1, 31)),
        ("二〇二〇年十月十日", D(2020, 10, 10)),
        ("二〇二〇年二月二十九日", D(2020, 2, 29)),
        ("二〇二〇年二月廿九日", D(2020, 2, 29)),
        ("2019年三月十九日", D(2019, 3, 19)),
        ("有效期：2019-03-19至2020-03-18", D(2019, 3, 19)),
        ("2019年3月19曰", D(2019, 3, 19)),  # OCR: 曰 for 日
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2019年02月30日",  # not in the calendar
        "2019-13-01",
        "2019.00.10",
        "2019年2月29日",  # 2019 is not a leap year
        "二零二零年二月三十日",
        "二〇二〇年十三月一日",
        "1800年1月1日",  # out of range
        "2019.03",  # no day
        "2019年3月",
        "36523185",  # an invoice number, not a date
        "20191332",
        "发票号码 20190319 金额 12",  # 8 digits among other figures: not clearly a date
        "三十日",
        "v1.2019.03.19",
        None,
        20190319,
    ],
)
def test_parse_date_invalid(text):
    assert parse_date(text) is None


def test_find_dates_with_spans():
    text = "开票日期:20201030 发票号码 20190319 签订于2019年3月9日，有效期至2022-03-08，发布日期二〇二一年五月一日。"
    found = find_dates(text)
    assert [(d, text[s:e]) for d, s, e in found] == [
        (D(2020, 10, 30), "20201030"),
        (D(2019, 3, 9), "2019年3月9日"),
        (D(2022, 3, 8), "2022-03-08"),
        (D(2021, 5, 1), "二〇二一年五月一日"),
    ]


@pytest.mark.parametrize(
    "text, dates",
    [
        ("2019.3.1-2020.2.28", [D(2019, 3, 1), D(2020, 2, 28)]),
        ("2019/3/1~2020/2/28", [D(2019, 3, 1), D(2020, 2, 28)]),
        ("2019年3月1日至2020年2月28日", [D(2019, 3, 1), D(2020, 2, 28)]),
        ("服务期限：2020-12-06 至 2023-12-05", [D(2020, 12, 6), D(2023, 12, 5)]),
    ],
)
def test_find_date_ranges(text, dates):
    assert [d for d, _, _ in find_dates(text)] == dates


@pytest.mark.parametrize("text", ["", "第2019号", "GB/T 39204-2022", "电话 020-12345678", "2019年02月30日"])
def test_find_dates_nothing(text):
    assert find_dates(text) == []


_CN = "〇一二三四五六七八九"


def _cn_year(y: int) -> str:
    return "".join(_CN[int(c)] for c in str(y))


def _cn_small(n: int) -> str:
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")
    return head + (_CN[units] if units else "") if n >= 10 else _CN[n]


FORMATS = [
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year} 年 {d.month} 月 {d.day} 日",
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    lambda d: f"{d.year}—{d.month:02d}—{d.day:02d}",
    lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    lambda d: f"{_cn_year(d.year)}年{_cn_small(d.month)}月{_cn_small(d.day)}日",
]


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(range(len(FORMATS))))
def test_every_written_format_parses_back(date, fmt):
    text = FORMATS[fmt](date)
    assert parse_date(text) == date
    assert [d for d, _, _ in find_dates(f"日期：{text}。")] == [date]


@given(st.text(max_size=40))
def test_never_raises(text):
    assert parse_date(text) is None or isinstance(parse_date(text), dt.date)
    for _, start, end in find_dates(text):
        assert 0 <= start < end <= len(text)
