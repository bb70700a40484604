"""Money amounts: figures (¥1,234.50, 50万元, CNY661.00) and capital-letter words (壹佰零肆圆壹角贰分).

All results are Decimal quantised to 0.01 yuan; anything that is not a clean amount gives None.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from extract.normalise.text import normalise_chars

CENT = Decimal("0.01")
_WAN = Decimal(10000)
# Larger "amounts" are runs of digits (ids, serials), not money.
MAX_AMOUNT = Decimal(10) ** 15

# ---------------------------------------------------------------- figures

# "羊", "丫" and "Y" are how OCR commonly reads "¥"; "Y" counts only right before a figure.
_CURRENCY = r"(?:[¥￥羊丫]|(?<![A-Za-z0-9])(?:RMB|CNY|Y(?=\s?\d))|人民币)"
_NEGATIVE = r"(?:[-−]|负)"
# Comma-cents first: OCR often reads the decimal point of "104.12" as a comma.
_FIGURE = r"(?:\d{1,3}(?:,\d{3})*,\d{2}(?![\d,.])|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!,?\d)"
# A bare 万 followed by another word counts things ("3万台"), not yuan.
_UNIT = r"(?:万元|万圆|万(?![\u4e00-\u9fff])|元|圆)"

_MARKED = re.compile(
    rf"(?P<neg>{_NEGATIVE}\s?)?(?P<cur>{_CURRENCY})\s?:?\s?(?P<neg2>{_NEGATIVE}\s?)?"
    rf"(?P<fig>{_FIGURE})(?!\d)(?:\s?(?P<unit>{_UNIT}))?"
    r"|"
    rf"(?<![\d.,])(?P<neg3>{_NEGATIVE}\s?)?(?P<fig2>{_FIGURE})(?![\d%])\s?(?P<unit2>{_UNIT})"
)
# A bare figure with exactly two decimals, not part of a longer number, date or percentage.
_BARE_CENTS = re.compile(r"(?<![\d.,\-/:A-Za-z])(?P<neg>-)?(?P<fig>\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?![\d.%A-Za-z])")
# Figures that count words, dates or shares are not amounts.
_ANY_FIGURE = re.compile(
    rf"(?<![\d.,A-Za-z])(?P<neg>-\s?)?(?P<fig>{_FIGURE})(?![\d.A-Za-z])(?!\s?[年月日号%份个页张条项台件套人次户])(?:\s?(?P<unit>{_UNIT}))?(?!\s?万)"
)
_NEGATIVE_NOTE = re.compile(r"[（(]\s*负数?\s*[)）]|^\s*负")


def _figure_value(fig: str) -> Decimal | None:
    """'1,234.56' → 1234.56; '104,12' (OCR read the point as a comma) → 104.12."""
    if "." not in fig and re.fullmatch(r"\d{1,3}(?:,\d{3})*,\d{2}", fig):
        head, _, cents = fig.rpartition(",")
        fig = head.replace(",", "") + "." + cents
    try:
        return Decimal(fig.replace(",", ""))
    except InvalidOperation:
        return None


def _quantise(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def _amount(fig: str, unit: str | None, negative: bool) -> Decimal | None:
    value = _figure_value(fig)
    if value is None or value >= MAX_AMOUNT:
        return None
    if unit and unit.startswith("万"):
        value *= _WAN
    return _quantise(-value if negative else value)


def _marked_match_value(m: re.Match[str]) -> Decimal | None:
    if m.group("fig") is not None:
        neg = bool(m.group("neg") or m.group("neg2"))
        return _amount(m.group("fig"), m.group("unit"), neg)
    return _amount(m.group("fig2"), m.group("unit2"), bool(m.group("neg3")))


def parse_money(text: str) -> Decimal | None:
    """The amount a field's text states, or None.

    Prefers a figure marked by a currency sign or unit; a bare figure counts only when it is
    the only figure in the text. Falls back to capital-letter words (人民币伍拾万元整)."""
    if not text or not isinstance(text, str):
        return None
    s = normalise_chars(text)
    negative_note = bool(_NEGATIVE_NOTE.search(s))
    m = _MARKED.search(s)
    if m:
        value = _marked_match_value(m)
    elif any(c in _YUAN + _JIAO + _FEN for r in _word_runs(s) for c in r.group(0)):
        value = parse_money_words(s)
    else:
        figures = list(_ANY_FIGURE.finditer(s))
        if len(figures) != 1:
            return None
        f = figures[0]
        value = _amount(f.group("fig"), f.group("unit"), bool(f.group("neg")))
    if value is None:
        return None
    if negative_note and value > 0:
        value = -value
    return value


def format_yuan(d: Decimal) -> str:
    """Decimal('1234567.8') → '1,234,567.80'."""
    return f"{_quantise(Decimal(d)):,.2f}"


# ---------------------------------------------------------------- capital-letter words

_DIGITS = {
    **dict.fromkeys("零〇○Ｏ", 0),
    **dict.fromkeys("壹一幺弌", 1),
    **dict.fromkeys("贰貳二两兩弍", 2),
    **dict.fromkeys("叁參参三弎", 3),
    **dict.fromkeys("肆四", 4),
    **dict.fromkeys("伍五", 5),
    **dict.fromkeys("陆陸六", 6),
    **dict.fromkeys("柒七", 7),
    **dict.fromkeys("捌八", 8),
    **dict.fromkeys("玖九", 9),
}
# 抬/伯/什 are how OCR commonly misreads 拾/佰/仟 in printed 大写.
_SMALL_UNITS = {**dict.fromkeys("拾十抬", 10), **dict.fromkeys("佰百伯", 100), **dict.fromkeys("仟千什", 1000)}
_BIG_UNITS = {**dict.fromkeys("万萬", 10000), **dict.fromkeys("亿億", 100000000)}
_YUAN = "圆元园圓"
_JIAO, _FEN = "角", "分"
_WHOLE = "整正"
_WORD_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + _YUAN + _JIAO + _FEN + _WHOLE
_WORD_RUN = re.compile(rf"[负負]?[{_WORD_CHARS}]+")


def _parse_integer(chars: str) -> int | None:
    """Chinese integer with units; None when units are out of order or digits collide."""
    total = section = 0
    number: int | None = None  # digit waiting for its unit; 0 after 零
    last_small = 10000  # small units inside one 万/亿 section must fall
    last_big = 10**17
    for ch in chars:
        if ch in _DIGITS:
            if number:
                return None  # "壹贰", "伍零": two digits with no unit between
            number = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small or number == 0:
                return None
            if number is None:
                if unit != 10:
                    return None
                number = 1  # a bare 拾 means 壹拾 ("拾万元", "十二")
            section += number * unit
            last_small = unit
            number = None
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            value = section + (number or 0)
            if unit == _BIG_UNITS["亿"]:
                if last_big == unit or (value == 0 and total == 0):
                    return None
                total = (total + value) * unit
            else:
                if value == 0 or last_big <= unit:
                    return None
                total += value * unit
            last_big = unit
            section = 0
            number = None
            last_small = 10000
        else:
            return None
    return total + section + (number or 0)


def _fraction(chars: str) -> Decimal | None:
    """The part after 圆: '壹角贰分', '零伍分', '柒角', '' → jiao/fen as a Decimal."""
    chars = chars.rstrip(_WHOLE)
    m = re.fullmatch(rf"零?(?:([{''.join(_DIGITS)}])角)?零?(?:([{''.join(_DIGITS)}])分)?", chars)
    if not m:
        return None
    jiao = _DIGITS[m.group(1)] if m.group(1) else 0
    fen = _DIGITS[m.group(2)] if m.group(2) else 0
    return Decimal(jiao) / 10 + Decimal(fen) / 100


def _parse_words_run(run: str) -> Decimal | None:
    negative = run[:1] in ("负", "負")
    run = run.lstrip("负負")
    if not run or not (set(run) & (set(_DIGITS) | set(_SMALL_UNITS))):
        return None
    yuan_at = next((i for i, c in enumerate(run) if c in _YUAN), None)
    if yuan_at is not None:
        integer_part, rest = run[:yuan_at], run[yuan_at + 1 :]
    elif _JIAO in run or _FEN in run:
        first = min(i for i, c in enumerate(run) if c in (_JIAO + _FEN))
        # the digit before 角/分 belongs to the fraction
        integer_part, rest = run[: first - 1], run[first - 1 :]
        integer_part = integer_part.rstrip("零")
    else:
        integer_part, rest = run.rstrip(_WHOLE), ""
    integer = _parse_integer(integer_part) if integer_part else 0
    fraction = _fraction(rest)
    if integer is None or fraction is None or integer >= MAX_AMOUNT:
        return None
    value = _quantise(Decimal(integer) + fraction)
    return -value if negative else value


def _word_runs(text: str) -> list[re.Match[str]]:
    """Runs of numeral characters that hold at least one numeral (拾 alone counts)."""
    numerals = set(_DIGITS) | set(_SMALL_UNITS)
    return [m for m in _WORD_RUN.finditer(text) if numerals & set(m.group(0))]


def parse_money_words(text: str) -> Decimal | None:
    """大写 amount → Decimal: 壹佰零肆圆壹角贰分 → 104.12; tolerates 人民币/(大写) labels,
    a missing 整, simplified numerals (一二三十百千), 两 and 〇."""
    if not text or not isinstance(text, str):
        return None
    compact = re.sub(r"\s", "", text)
    runs = _word_runs(compact)
    if not runs:
        return None
    with_unit = [m for m in runs if set(m.group(0)) & set(_YUAN + _JIAO + _FEN)]
    if with_unit:
        return _parse_words_run(max(with_unit, key=lambda m: len(m.group(0))).group(0))
    # Without 圆/角/分 the numerals must be all the text says ("壹拾万"), not prose ("第三十七条").
    if len(runs) == 1 and _AMOUNT_LABELS.sub("", compact) == runs[0].group(0):
        return _parse_words_run(runs[0].group(0))
    return None


_AMOUNT_LABELS = re.compile(r"人民币|大写|金额|合计|[:：()（）⊗ⓧ⊕×*]")


_CN_DIGIT_WORDS = "零壹贰叁肆伍陆柒捌玖"


def _four_digits(n: int) -> str:
    """0 < n < 10000 in 大写, zeros collapsed, trailing zeros dropped."""
    out = []
    zero_pending = False
    for unit_value, unit_char in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_CN_DIGIT_WORDS[digit] + unit_char)
    return "".join(out)


def to_words(d: Decimal) -> str:
    """Decimal → 大写 as printed on invoices: 104.12 → 壹佰零肆圆壹角贰分, 100000 → 壹拾万圆整."""
    value = _quantise(Decimal(d))
    prefix = "负" if value < 0 else ""
    value = abs(value)
    integer = int(value)
    cents = int((value - integer) * 100)
    jiao, fen = divmod(cents, 10)
    groups = []  # (group value, unit) from high to low
    rest = integer
    for unit_value, unit_char in ((10**16, "亿亿"), (10**8, "亿"), (10**4, "万"), (1, "")):
        groups.append((rest // unit_value, unit_char))
        rest %= unit_value
    words = []
    started = False
    zero_pending = False
    for group, unit_char in groups:
        if group == 0:
            zero_pending = started
            continue
        if started and (zero_pending or group < 1000):
            words.append("零")
        words.append(_four_digits(group) + unit_char)
        started = True
        zero_pending = False
    integer_words = "".join(words)
    if not integer_words and cents:
        out = ""
    else:
        out = (integer_words or "零") + "圆"
    if cents == 0:
        return prefix + out + "整"
    if jiao:
        out += _CN_DIGIT_WORDS[jiao] + "角"
    elif integer:
        out += "零"
    if fen:
        out += _CN_DIGIT_WORDS[fen] + "分"
    return prefix + out


# ---------------------------------------------------------------- scanning free text


def find_money(text: str) -> list[tuple[Decimal, int, int]]:
    """Every amount in free text with its character span: figures marked by ¥/RMB/元/万元,
    bare figures with exactly two decimals, and capital-letter words. Sorted, non-overlapping."""
    if not text or not isinstance(text, str):
        return []
    s = normalise_chars(text)
    found: list[tuple[Decimal, int, int]] = []
    taken: list[tuple[int, int]] = []

    def add(value: Decimal | None, start: int, end: int) -> None:
        if value is None or any(start < e and s_ < end for s_, e in taken):
            return
        found.append((value, start, end))
        taken.append((start, end))

    for m in _MARKED.finditer(s):
        add(_marked_match_value(m), m.start(), m.end())
    for m in _BARE_CENTS.finditer(s):
        add(_amount(m.group("fig"), None, bool(m.group("neg"))), m.start(), m.end())
    for m in _word_runs(s):
        run = m.group(0)
        # a lone numeral (一, 十) in prose is not an amount: require a unit of money or magnitude
        if not any(c in _YUAN + _JIAO + _FEN + "".join(_BIG_UNITS) for c in run):
            continue
        add(_parse_words_run(run), m.start(), m.end())
    return sorted(found, key=lambda t: t[1])
