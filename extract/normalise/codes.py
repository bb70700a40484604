"""Identifiers: 统一社会信用代码 / taxpayer ids, invoice code and number, standard codes."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.standards import INDUSTRY_PREFIXES, INDUSTRY_SERIES3, INTERNATIONAL_PREFIXES, NATIONAL_PREFIXES, StandardLevel, level_of_prefix  # noqa: F401
from extract.normalise.text import fix_ocr_digits, normalise_chars, to_halfwidth

# ---------------------------------------------------------------- 统一社会信用代码 (GB 32100-2015)

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# Letters the standard never uses, read by OCR in place of the digit (or letter) they resemble.
_NOT_IN_ALPHABET = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})
_LOWER_LOOKALIKE = str.maketrans({"o": "0", "l": "1", "i": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·]+")


def credit_check_char(first17: str) -> str | None:
    """The 18th character GB 32100-2015 prescribes for the first 17, or None if they hold
    characters outside the alphabet."""
    if len(first17) != 17 or any(c not in _CREDIT_VALUE for c in first17):
        return None
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_valid(code: str) -> bool:
    """True for an 18-character code whose check character is right (exact, upper case)."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    # Region code (chars 3-8) is all digits in every issued code.
    if not code[2:8].isdigit():
        return False
    return credit_check_char(code[:17]) == code[17]


def _id_tokens(text: str) -> list[str]:
    """Candidate ids in a text after width and case clean-up: each run of alphanumerics
    joined over single spaces/hyphens ("9111 0108 MA01…"), then its pieces; first as
    written, then with lower-case look-alikes (o, l, i) read as digits."""
    s = to_halfwidth(text)
    candidates: list[str] = []
    for variant in (s.upper(), s.translate(_LOWER_LOOKALIKE).upper()):
        for run in re.findall(r"[0-9A-Z](?:[0-9A-Z]|[\s\-](?=[0-9A-Z]))*", variant):
            pieces = re.split(r"[\s\-]", run)
            candidates.append(_SEPARATORS.sub("", run))
            if len(pieces) > 1:
                candidates.extend(pieces)
    return list(dict.fromkeys(candidates))


def _fix_credit(token: str) -> str | None:
    if credit_code_valid(token):
        return token
    fixed = token.translate(_NOT_IN_ALPHABET)
    return fixed if credit_code_valid(fixed) else None


def normalise_credit_code(text: str) -> str | None:
    """The valid 18-character 统一社会信用代码 in the text, OCR look-alikes (O→0, I→1, Z→2,
    S→5, V→U) repaired where that makes the check character right; else None."""
    if not text or not isinstance(text, str):
        return None
    for token in _id_tokens(text):
        if len(token) == 18:
            code = _fix_credit(token)
            if code:
                return code
    return None


def normalise_tax_id(text: str) -> str | None:
    """A taxpayer id of 15, 17, 18 or 20 characters, cleaned (upper case, no spaces).
    An 18-character id that can be repaired into a valid credit code is returned repaired."""
    if not text or not isinstance(text, str):
        return None
    tokens = _id_tokens(text)
    for token in tokens:
        if len(token) == 18 and (code := _fix_credit(token)):
            return code
    for token in tokens:
        if len(token) in (15, 17, 18, 20) and sum(c.isdigit() for c in token) >= 8:
            return token
    return None


_ID_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{15,20}(?![0-9A-Za-z])")
_TAX_ID_LABEL = re.compile(r"(?:识别号|税号|纳税人识别号|信用代码|社会信用代码|Tax\s?ID)\s*[:：]?\s*$", re.IGNORECASE)


def find_credit_codes(text: str) -> list[tuple[str, int, int]]:
    """Valid 统一社会信用代码 in free text (repaired as normalise_credit_code does), with spans."""
    if not text or not isinstance(text, str):
        return []
    s = to_halfwidth(text)
    found = []
    for m in _ID_TOKEN.finditer(s):
        if len(m.group(0)) == 18:
            token = m.group(0)
            code = _fix_credit(token.upper()) or _fix_credit(token.translate(_LOWER_LOOKALIKE).upper())
            if code:
                found.append((code, m.start(), m.end()))
    return found


def find_tax_ids(text: str) -> list[tuple[str, int, int]]:
    """Taxpayer ids that are not credit codes (15/17/20 characters, or an 18-character id
    failing the check), counted only right after a 识别号/税号 label."""
    if not text or not isinstance(text, str):
        return []
    s = to_halfwidth(text)
    found = []
    for m in _ID_TOKEN.finditer(s):
        if not _TAX_ID_LABEL.search(s[max(0, m.start() - 12) : m.start()]):
            continue
        tax_id = normalise_tax_id(m.group(0))
        if tax_id and not credit_code_valid(tax_id):
            found.append((tax_id, m.start(), m.end()))
    return found


# ---------------------------------------------------------------- invoice code and number


def _digit_runs(text: str) -> list[str]:
    s = fix_ocr_digits(to_halfwidth(text))
    return [re.sub(r"\s", "", r) for r in re.findall(r"\d(?:\d|\s(?=\d))*", s)]


def normalise_invoice_code(text: str) -> str | None:
    """发票代码: 10 digits (special VAT invoices) or 12 digits (ordinary/electronic)."""
    if not text or not isinstance(text, str):
        return None
    return next((r for r in _digit_runs(text) if len(r) in (10, 12)), None)


def normalise_invoice_number(text: str) -> str | None:
    """发票号码: 8 digits on legacy invoices, 20 digits on 数电票."""
    if not text or not isinstance(text, str):
        return None
    return next((r for r in _digit_runs(text) if len(r) in (8, 20)), None)


_INVOICE_NUMBER_LABEL = re.compile(r"(?:号码|No\.?|NO\.?|№)\s*[:：]?\s*$")
_INVOICE_CODE_LABEL = re.compile(r"代码\s*[:：]?\s*$")
# Other long digit runs on invoices and their labels: a run after one of these is not an invoice id.
_OTHER_DIGITS_LABEL = re.compile(
    r"机器编号|机器码|校验码|账号|帐号|电话|手机|编号|序号|身份证|订单|银行|支行|分行|邮编|传真|密码|税号|识别号"
)
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
)


def invoice_code_plausible(code: str) -> bool:
    """Structure of a 发票代码: 10 digits opening with a province code, or 12 digits
    '0'/'1' + province code (region, year, batch and kind follow)."""
    if not code.isdigit():
        return False
    if len(code) == 10:
        return code[:2] in _PROVINCES
    if len(code) == 12:
        return code[0] in "01" and code[1:3] in _PROVINCES
    return False


def _digit_spans(text: str) -> tuple[str, list[re.Match[str]]]:
    s = fix_ocr_digits(to_halfwidth(text))
    return s, list(re.finditer(r"(?<![\d.])\d+(?![\d.])", s))


def _line_before(s: str, start: int, width: int = 24) -> str:
    head = s[max(0, start - width) : start]
    return head.rsplit("\n", 1)[-1]


def find_invoice_numbers(text: str) -> list[tuple[str, int, int]]:
    """发票号码 in free text: 8 digits only after 号码/No; 20 digits (数电票) after 号码 or
    with no other label (校验码, 账号, 机器编号…) before them on the line."""
    if not text or not isinstance(text, str):
        return []
    s, runs = _digit_spans(text)
    found = []
    for m in runs:
        before = _line_before(s, m.start())
        labelled = bool(_INVOICE_NUMBER_LABEL.search(before))
        n = len(m.group(0))
        if (n == 8 and labelled) or (n == 20 and (labelled or not _OTHER_DIGITS_LABEL.search(before))):
            found.append((m.group(0), m.start(), m.end()))
    return found


def find_invoice_codes(text: str) -> list[tuple[str, int, int]]:
    """发票代码 in free text: 10 or 12 digits right after a 代码 label, or – in a text that
    says 发票 – a structurally plausible code with no other label before it on the line."""
    if not text or not isinstance(text, str):
        return []
    s, runs = _digit_spans(text)
    is_invoice = "发票" in s or "發票" in s
    found = []
    for m in runs:
        if len(m.group(0)) not in (10, 12):
            continue
        before = _line_before(s, m.start())
        if _INVOICE_CODE_LABEL.search(before) or (
            is_invoice and invoice_code_plausible(m.group(0)) and not re.search(r"[\u4e00-\u9fffA-Za-z]", before)
        ):
            found.append((m.group(0), m.start(), m.end()))
    return found


def invoice_generation(code: str | None, number: str | None) -> Literal["数电票", "legacy"]:
    """数电票 carry a 20-digit number and no separate invoice code; all others are legacy."""
    if number and len(number) == 20 and number.isdigit():
        return "数电票"
    return "legacy"


# ---------------------------------------------------------------- standard codes


# 行业标准代号 (industry standard prefixes as registered with SAC).
class StandardCode(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str  # normalised, e.g. "GB/T 39204-2022", "ISO/IEC 27001:2013", "ITU-T Y.2060"
    prefix: str  # e.g. "GB/T", "DB44/T", "T/CAICT", "ISO/IEC"
    number: str  # e.g. "39204", "62443-3-3", "Y.2060"
    year: int | None = None
    level: StandardLevel


# Chinese codes (GB, 行业, DB, T/, as published) always carry their year; their numbers run to
# five digits (GB/T 43697, SJ/T 11363; a province's DB to four). "DB44/T 239421" is
# DB44/T 2394-21 with the dash lost: a six-digit number with no year is a misread.
_DATED_LEVELS = ("national", "industry", "local", "group")
_MAX_NUMBER_DIGITS = 5


def standard_code_doubt(sc: StandardCode) -> str | None:
    """Why a code as read cannot be a published standard's code as printed, or None."""
    if sc.level == "unknown":
        return f"{sc.code}: {sc.prefix} is no standard prefix (nor in the 行业标准代号 table)"
    if sc.level in _DATED_LEVELS:
        if sc.year is None:
            return f"{sc.code}: no year (a {sc.level} standard's code ends in its year; a dash lost?)"
        main = re.match(r"[A-Z]?\d*", sc.number).group()
        if len(main.lstrip("ABCDEFGH")) > _MAX_NUMBER_DIGITS:
            return f"{sc.code}: a number of {len(main)} digits (a year or a part run into it?)"
    return None


def standard_level(prefix: str) -> StandardLevel:
    """The art7.2 level a code prefix stands for (see shared/policy/clauses.md)."""
    return level_of_prefix(prefix)


_S = r"[ \t]?"
# ISO and IEC publish jointly with each other and with IEEE, ASTM, SAE ("ISO/IEC/IEEE 12207"), and
# as technical specifications and reports ("ISO/TS 16949", "ISO/IEC TR 20000-11"); OCR reads
# ISO's O as a zero. An ITU-T photo loses the spaces of "Recommendation ITU-T Y.4553". An ITU-R
# recommendation's number carries its revision ("BT.709-6", "M.2083-0"): a different text from
# BT.709-5, so part of the code; the approval month after it "(06/2015)" is its date, not its code.
_ISO = r"IS[O0]"
_JOINT = rf"(?:{_ISO}|IEC)(?:{_S}/{_S}(?:IEC|IEEE|ASTM|SAE))*(?:{_S}/{_S}(?:TS|TR|PAS)|[ \t](?:TS|TR|PAS)(?=[ \t]?\d))?"
_INTL = re.compile(
    rf"(?:(?<![A-Za-z])|(?<=[Rr]ecommendation)|(?<=RECOMMENDATION))"
    rf"(?P<prefix>{_JOINT}|ITU{_S}[-一]{_S}[TR]|ITU)(?:(?![A-Za-z])|(?<=[-一][TR])(?=[A-Z]{{1,2}}\.?\d))[ \t]*"
    rf"(?:(?P<itu>[A-Z]{{1,2}}{_S}\.?{_S}\d+(?:\.\d+)*(?:{_S}[-一]{_S}\d{{1,2}}(?!\d))?)|(?P<num>\d+(?:-\d+)*)(?:{_S}:{_S}(?P<year>\d{{4}}))?)(?![\d.])"
)
# "© ISO/IEC 2022" is the copyright line, not ISO/IEC 2022
_COPYRIGHT = re.compile(r"(?:©|\([Cc]\))[ \t]*$")
# OCR drops or misreads the slash of "GB/T" ("GB T", "GBT", "GB|T", "GBlT").
_SLASHISH = rf"{_S}[/|\\lI]?{_S}"
# two letters, or three the 行业标准代号 table has ("JTG T 3382", "JTGT3382" are JTG/T 3382): the
# series a lost slash may follow
_SERIES = "|".join(sorted(INDUSTRY_SERIES3)) + "|[A-Z]{2}"
# 公路工程 standards number by class letter (A 基础 … H 养护): "JTG D60-2015", "JTG/T D65-06-2015"
_ENGINEERING = r"[A-H]\d{2}(?:-\d{2}(?=-\d{4}))?"
# A group's code may hold digits when a space ends it ("T/ABC1 23-2020"); run into its
# number ("T/CCPIA262-2025") it ends where its letters do.
_CN = re.compile(
    rf"(?<![A-Za-z/])(?P<prefix>GB{_SLASHISH}[TZ]|GB|DB{_S}\d{{2,6}}(?:{_SLASHISH}[TZ])?|[TQ]{_S}/{_S}(?:[A-Z][A-Z0-9]{{1,15}}(?=[ \t])|[A-Z]{{2,16}})"
    rf"|(?:{_SERIES}){_SLASHISH}[TZ]|[A-Z]{{2,4}}(?:{_S}/{_S}[TZ])?)(?![a-z])[ \t]*"
    rf"(?P<num>{_ENGINEERING}|\d+(?:\.\d+)*)(?:{_S}-{_S}(?P<year>\d{{4}}|\d{{2}}))?(?![\d.])"
)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    if len(text) == 2:
        y += 1900 if y >= 50 else 2000
    return y if 1946 <= y <= 2100 else None


def _prefix(raw: str) -> str:
    if re.match(_ISO + "|IEC", raw):
        return re.sub(r"[ \t]*/[ \t]*", "/", re.sub(r"^IS0", "ISO", raw))
    if raw.startswith("ITU"):
        return re.sub(r"[ \t]*[-一][ \t]*", "-", raw)
    p = re.sub(r"[ \t]", "", raw)
    if p.startswith(("T/", "Q/")):
        return p
    return re.sub(rf"^(GB|DB\d+|{_SERIES})[/|\\lI]?([TZ])$", r"\1/\2", p)


def _from_match(m: re.Match[str]) -> StandardCode | None:
    prefix = _prefix(m.group("prefix"))
    level = standard_level(prefix)
    year_text = m.group("year")
    num = m.groupdict().get("num")
    if m.re is _INTL and not year_text and num and (tail := re.search(r"-((?:19|20)\d\d)$", num)):
        # "ISO 9001-2015" is how Chinese documents often cite ISO 9001:2015
        year_text, num = tail.group(1), num[: tail.start()]
    year = _year(year_text)
    if year_text and year is None:
        return None
    if m.re is _INTL:
        # an ITU-T series letter and number with the point lost ("Y 2060"): Y.2060
        number = re.sub(r"^([A-Z]{1,2})(?=\d)", r"\1.", re.sub(r"[ \t]", "", m.group("itu") or num or "").replace("一", "-"))
        if m.group("itu") and not prefix.startswith("ITU"):
            return None
        code = f"{prefix} {number}" + (f":{year_text}" if year_text else "")
    else:
        number = m.group("num")
        is_family = level in ("national", "local", "group", "enterprise")
        # An unrecognised prefix, or an industry prefix without "/T", needs a year to count as a code.
        if not is_family and "/" not in prefix and not year_text:
            return None
        if level == "unknown" and not year_text:
            return None
        code = f"{prefix} {number}" + (f"-{year_text}" if year_text else "")
    return StandardCode(code=code, prefix=prefix, number=number, year=year, level=level)


def _standard_matches(s: str) -> list[tuple[StandardCode, int, int]]:
    found: list[tuple[StandardCode, int, int]] = []
    for pattern in (_INTL, _CN):
        for m in pattern.finditer(s):
            if any(m.start() < e and st < m.end() for _, st, e in found) or _COPYRIGHT.search(s[max(0, m.start() - 4) : m.start()]):
                continue
            sc = _from_match(m)
            if sc is not None:
                found.append((sc, m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])


# A table's rule read as a glyph ("｜GB/T 1-2020｜"): a separator, not the digit 1 OCR
# look-alikes would make of it; "GB|T" (the slash misread) keeps its bar.
_RULE = re.compile(r"(?<![A-Za-z])[|｜丨]|[|｜丨](?![TZtz])")


# OCR reads the em dash before a code's year as 一 ("JT/T 808一2019")
_YEAR_DASH = re.compile(r"(?<=\d)(\s?)一(?=\s?(?:19|20)\d\d(?!\d))")


# or as two dashes ("T/CAMET 04011.1-—2018", a photo's long dash read twice)
_DOUBLE_DASH = re.compile(r"(?<=\d)[-—–－‐]{2}(?=\s?(?:19|20)\d\d(?!\d))")


def _unruled(text: str) -> str:
    """Length-preserving, so spans found in it are spans of the text."""
    return normalise_chars(_DOUBLE_DASH.sub(" -", _YEAR_DASH.sub(r"\1-", _RULE.sub(" ", text))))


def parse_standard_code(text: str) -> StandardCode | None:
    """The first standard code in the text, normalised (GB/T39204—2022 → GB/T 39204-2022)."""
    if not text or not isinstance(text, str):
        return None
    # Upper-casing would turn the OCR slash "GBlT" into a letter: restore the slash first.
    s = re.sub(r"(?<=[A-Za-z]{2})l(?=[TZtz])", "/", _unruled(text))
    found = _standard_matches(s.upper())
    return found[0][0] if found else None


def find_standard_codes(text: str) -> list[StandardCode]:
    """Every standard code in free text, in order of appearance."""
    return [sc for sc, _, _ in find_standard_code_spans(text)]


def find_standard_code_spans(text: str) -> list[tuple[StandardCode, int, int]]:
    """As find_standard_codes, with each code's character span in the text."""
    if not text or not isinstance(text, str):
        return []
    return _standard_matches(_unruled(text))
