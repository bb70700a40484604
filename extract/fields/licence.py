"""Business licence (营业执照) fields, in whichever family the licence comes: the paper 副本,
the 电子营业执照 print, a 个人独资企业's (投资人 / 出资额). Labels and layout quirks live in
extract/families/business_licence/*.yaml."""
from __future__ import annotations

import re

from core.models import Claim, Document, Flag, ValueType
from extract.families import Family, detect, family
from extract.fields.base import PageView, company, first_match, flag_words_figures, labelled, money, value_claim, views
from extract.layout import Hit, Value, continuation, norm, value_after
from extract.normalise import normalise_credit_code, parse_date

_CREDIT = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def _family(doc: Document) -> Family:
    return detect("business_licence", doc.text) or family("business_licence", "paper_copy")


def _stops(fam: Family) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for words in fam.labels.values() for w in words))


def credit_code(pages: list[PageView], field: str = "credit_code", labels: list[str] | None = None,
                stops: tuple[str, ...] = ()) -> Claim | None:
    """统一社会信用代码 by its label, else any 18-character code whose check digit holds."""
    labels = labels or ["统一社会信用代码", "社会信用代码", "信用代码"]
    got = labelled(pages, field, labels, normalise_credit_code, ValueType.text, stops)
    return got or first_match(pages, field, _CREDIT, normalise_credit_code, ValueType.text, quality=0.85)


def address(text: str) -> str | None:
    text = text.strip(":：")
    if len(text) < 5 or not re.search(r"[省市区县路街道号楼室镇村]", text):
        return None
    # an address never ends inside a bracket: OCR lost the closing one at the line's end
    # ("…首层之七（住所申报" for "…（住所申报）")
    for open_, close in (("（", "）"), ("(", ")")):
        if text.count(open_) > text.count(close) and text.rfind(open_) > text.rfind(close):
            text += close
    return text


def _spread(pages: list[PageView], field: str, label: str, parse, value_type: ValueType,
            stops: tuple[str, ...], wraps: bool = False) -> Claim | None:
    """A label printed with its characters far apart ("名    称", "住    所"): OCR glues the
    last character to the value ("称米创想科技…"), or keeps only the first one in a box of
    its own ("住" then the address to its right; or "称" alone, the 名 lost)."""
    first, last = label[0], label[-1]
    for view in pages:  # the last character heading the value's own box
        for row in view.rows:
            for cell in row.cells:
                rest = cell.key[1:].lstrip(":：")
                if cell.key.startswith(last) and rest and parse(rest) is not None:
                    found = _wrapped(Value(rest, (cell,), 0.9), view, stops, parse, wraps)
                    return value_claim(view, field, value_type, parse(found.text), found, 0.85)
    for view in pages:  # one of the characters alone
        for row in view.rows:
            for i, cell in enumerate(row.cells):
                if cell.key.rstrip(":：") not in (first, last):
                    continue
                start = row.cell_start(i)
                found = value_after(Hit(row, start, start + 1, 0.8, cell.key[0]), view.rows, lambda t: parse(t) is not None, stops)
                if found is not None:
                    text = found.text[1:] if found.text.startswith(last) else found.text
                    found = _wrapped(Value(text, found.cells, found.quality), view, stops, parse, wraps)
                    return value_claim(view, field, value_type, parse(found.text), found, 0.8)
    return None


def _wrapped(found: Value, view: PageView, stops: tuple[str, ...], parse, wraps: bool) -> Value:
    if not wraps:
        return found
    longer = continuation(found, view.rows, stops)
    return longer if parse(longer.text) is not None else found


def _without_overprints(c: Claim | None, fam: Family) -> Claim | None:
    """Words stamped across a copy (仅供存档, 复印无效) that OCR read into the value: cut out,
    and said so, with less confidence."""
    if c is None or not isinstance(c.value, str):
        return c
    value = c.value
    # an applicant's own stamp names its use ("仅供办理高新补贴申报使用"): cut whole before the
    # fixed words, or 仅供办理 alone goes and leaves "高新补贴申报使用" in the name
    for pattern in fam.option("overprint_patterns", []):
        value = re.sub(pattern, "", value)
    for word in sorted(fam.option("overprints", []), key=len, reverse=True):
        value = value.replace(norm(word), "")
    if value != c.value and value:
        c.flags.append(Flag(code="overprint", severity="info", message=f"{c.field}: overprinted words removed from {c.value!r}"))
        c.value, c.confidence = value, round(c.confidence * 0.8, 4)
    return c


def extract_licence(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    fam = _family(doc)
    stops = _stops(fam)
    spread = fam.option("spread", {})

    def field(name: str, parse, value_type: ValueType, wraps: bool = False) -> Claim | None:
        got = labelled(pages, name, fam.label(name), parse, value_type, stops, wraps=wraps)
        if got is None and name in spread:
            got = _spread(pages, name, spread[name], parse, value_type, stops, wraps)
        return _without_overprints(got, fam)

    found = [
        field("company_name", company, ValueType.text),
        credit_code(pages, labels=fam.label("credit_code"), stops=stops),
        field("address", address, ValueType.text, wraps=True),
        flag_words_figures(field("registered_capital", money, ValueType.money)),
        field("established_date", parse_date, ValueType.date),
    ]
    return [c for c in found if c is not None]
