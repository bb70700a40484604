"""A standard's own text: its code, title, level, 发布/实施 dates and issuing bodies from the
cover page; the code from the running header when the cover is missing. An approval draft
(报批稿) prints "XXXX-XX-XX 发布": that is no date, and none is made up (no fallback to other
dates in the text: a draft's 完成时间 or a cited standard's year is not its publication)."""
from __future__ import annotations

import re
from collections import Counter

from core.models import Claim, Flag, ValueType
from extract.families import Family
from extract.fields.base import ORG, PageView, claim, span_claim
from extract.layout import Row, Value
from extract.normalise import StandardCode, find_standard_code_spans, parse_date

_REPLACED = re.compile(r"代替|替代|被代替")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# the cover's title block ends at the English title, the draft stage, a note or the dates
_TITLE_END = re.compile(r"[（(](?:报批稿|征求意见稿|送审稿|草案|本草案|点击)|发布|实施|在提交|[A-Za-z]{4}")


def _own_codes(row: Row) -> list[tuple[StandardCode, int, int]]:
    return [(sc, a, b) for sc, a, b in find_standard_code_spans(row.string) if not _REPLACED.search(row.string[max(0, a - 4) : a])]


def _code(pages: list[PageView]) -> tuple[PageView, Row, StandardCode, int, int] | None:
    """The cover's code (a row that is the code alone, in the top half of page 1), else the
    code the running headers repeat on most pages."""
    first = pages[0]
    for row in first.rows:
        if row.box.y1 > first.page.height / 2:
            break
        codes = _own_codes(row)
        if codes and len(row.string) - (codes[0][2] - codes[0][1]) <= 2:
            return (first, row, *codes[0])
    seen: Counter[str] = Counter()
    where: dict[str, tuple] = {}
    for view in pages[:12]:
        for row in view.rows[:2]:  # a running header
            codes = _own_codes(row)
            if codes and len(row.string) - (codes[0][2] - codes[0][1]) <= 2:
                seen[codes[0][0].code] += 1
                where.setdefault(codes[0][0].code, (view, row, *codes[0]))
    if seen:
        code, n = seen.most_common(1)[0]
        if n >= 2:
            return where[code]
    return None


def _title(view: PageView, after: Row) -> Claim | None:
    """The Chinese title under the code (and its 代替 line), over one or two rows."""
    rows = view.rows
    parts: list[Row] = []
    for row in rows[rows.index(after) + 1 :]:
        if _REPLACED.match(row.string) or (not parts and not _CJK.search(row.string)):
            continue
        if _TITLE_END.search(row.string) or len(_LATIN.findall(row.string)) > len(_CJK.findall(row.string)):
            break
        parts.append(row)
        if len(parts) == 3:
            break
    if not parts:
        return None
    cells = [c for r in parts for c in r.cells]
    text = "".join(r.string for r in parts)
    return claim("standard_title", ValueType.text, text, min(c.confidence for c in cells) * 0.9, [view.cell_evidence(cells)],
                 [p for r in parts for p in r.glyphs(0, len(r.string))])


def _dates(view: PageView, fam: Family) -> list[Claim]:
    """发布 and 实施 dates from the cover's last rows. A placeholder ("XXXX-XX-XX 发布", a
    draft) gives a claim with no value, flagged, so the reviewer sees why it is missing."""
    out = []
    for field_name, key in (("publish_date", "publish"), ("implement_date", "implement")):
        pattern = fam.regex.get(key)
        for row in view.rows if pattern else ():
            m = pattern.search(row.string)
            if not m:
                continue
            day = parse_date(m.group("date").replace(" ", ""))
            got = span_claim(view, row, m.start("date"), m.end("date"), field_name, ValueType.date, day, 0.95 if day else 0.0)
            if day is None:
                got.flags.append(Flag(code="date_placeholder", message=f"{field_name}: the cover reads «{m.group('date')}» "
                                      "(a draft, not yet published): no date taken"))
            out.append(got)
            break
    return out


def _issuer(view: PageView) -> Claim | None:
    """The issuing bodies under the cover's dates: "中华人民共和国交通运输部 发布", or two
    bodies one above the other with 发布 between or beside them."""
    rows = view.rows
    dated = max((i for i, r in enumerate(rows) if re.search(r"发布|实施", r.string) and re.search(r"\d|[X×x]{4}", r.string)), default=len(rows) - 4)
    names, cells = [], []
    for row in rows[dated + 1 :]:
        text = row.string.replace("发布", "")
        found = ORG.findall(text) if text and not re.search(r"\d", text) else []
        if found and "".join(found) == text:
            names += found
            cells += [c for c in row.cells if c.key != "发布"]
    if not names:
        return None
    return claim("issuing_body", ValueType.text, " ".join(names), min(c.confidence for c in cells) * 0.9, [view.cell_evidence(cells)],
                 Value.of(cells).glyphs())


def cover_claims(pages: list[PageView], fam: Family) -> list[Claim]:
    """Claims read off the cover, or only the code from the running header."""
    found = _code(pages) if pages else None
    if found is None:
        return []
    view, row, code, a, b = found
    claims = [span_claim(view, row, a, b, "standard_code", ValueType.text, code.code),
              span_claim(view, row, a, b, "level", ValueType.text, code.level)]
    if view is pages[0]:
        claims += [c for c in (_title(view, row), _issuer(view)) if c is not None]
        claims += _dates(view, fam)
    return claims

