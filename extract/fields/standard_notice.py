"""Standard-publication notice (标准发布公告) fields: which standard, its level, who issued it,
when it was published and takes effect, and who drafted it (in order: the first is the lead).

Notices come either labelled ("标准编号：…", "主要起草单位：…") or as a table under a header
row (标准编号 | 标准名称 | 实施日期); value_after reads both (right of, or below, the label).
"""
from __future__ import annotations

import re

from core.models import Claim, Document, ValueType
from extract.fields.base import COMPANY, PageView, claim, first_match, labelled, views
from extract.layout import norm
from extract.normalise import find_standard_code_spans, parse_date

LABELS = (
    "标准编号", "标准号", "标准名称", "发布日期", "实施日期", "发布单位", "起草单位", "主要起草单位", "牵头单位",
    "主要起草人", "起草人", "代替标准号", "归口单位", "提出单位", "序号",
)
DRAFTING_LABELS = ["主要起草单位", "起草单位", "参与起草单位", "编制单位", "牵头单位"]
_SPLIT = re.compile(r"[、，,;；/]+")
_PUBLISHED = re.compile(r"(?:于|在)?([^，。,]{6,16}?)(?:正式)?(?:发布|公布)")
_IN_FORCE = re.compile(r"(?:自|从|于)?([^，。,自从于]{6,16}?)起?(?:正式)?(?:实施|施行|执行)")
_TITLE_BOOK = re.compile(r"《([^》]{2,80})》")
_ISSUER_TAIL = re.compile(r"(?:总局|管理局|委员会|工业和信息化部|部|厅|局|协会|学会|联盟|促进会|联合会|研究院)(?:[（(][^)）]{2,20}[)）])?$")


def _code(pages: list[PageView]) -> tuple[Claim, Claim] | None:
    """The first standard code, preferring one labelled as 标准编号 (a notice may also cite
    the standards it replaces)."""
    candidates = []
    for view in pages:
        for row in view.rows:
            for sc, a, b in find_standard_code_spans(row.string):
                labelled_row = any(k in row.string[:a] for k in ("标准编号", "标准号"))
                candidates.append((not labelled_row, "代替" in row.string[max(0, a - 8) : a], view, row, sc, a, b))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[1], c[0]))
    _, _, view, row, sc, a, b = candidates[0]
    cells = row.span(a, b) or row.cells
    ev = view.cell_evidence(cells)
    conf = min(c.confidence for c in cells)
    return (
        claim("standard_code", ValueType.text, sc.code, conf, [ev]),
        claim("level", ValueType.text, sc.level, conf, [ev]),
    )


def _title(pages: list[PageView], code: str | None) -> Claim | None:
    got = labelled(pages, "standard_title", ["标准名称"], _clean_title, ValueType.text, LABELS)
    if got:
        return got
    pattern = _TITLE_BOOK
    return first_match(pages, "standard_title", pattern, _clean_title, ValueType.text, group=1, quality=0.85)


def _clean_title(text: str) -> str | None:
    text = text.strip("《》:：")
    text = re.sub(r"(?:团体|国家|行业|地方)?标准$", "", text) if not text.endswith("标准》") else text
    return text or None


def _issuer(pages: list[PageView]) -> Claim | None:
    got = labelled(pages, "issuing_body", ["发布单位", "发布机构", "发布部门", "批准部门"], _org, ValueType.text, LABELS)
    if got:
        return got
    # The signature block at the end: a row that is nothing but an organisation's name.
    for view in reversed(pages):
        for row in reversed(view.rows):
            for cell in row.cells:
                if _org(cell.key) == cell.key and _ISSUER_TAIL.search(cell.key):
                    return claim("issuing_body", ValueType.text, cell.key, cell.confidence * 0.85, [view.cell_evidence([cell])])
    # Else the title: "XX协会关于发布…的公告".
    return first_match(pages, "issuing_body", re.compile(r"^(.{4,40}?)关于(?:批准)?发布"), _org, ValueType.text, group=1, quality=0.8)


def _org(text: str) -> str | None:
    text = text.strip(":：")
    m = COMPANY.match(text)
    return m.group() if m else None


def _date_claim(pages, field, labels, pattern) -> Claim | None:
    got = labelled(pages, field, labels, parse_date, ValueType.date, LABELS)
    return got or first_match(pages, field, pattern, parse_date, ValueType.date, group=1, quality=0.85)


def _drafting_units(pages: list[PageView]) -> Claim | None:
    for view in pages:
        for hit in view.labels(DRAFTING_LABELS):
            row = hit.row
            text = row.string[hit.end :].lstrip(":：")
            cells = list(row.span(hit.start, len(row.string)))
            # the list may wrap onto following rows, up to the next label or paragraph
            i = view.rows.index(row)
            right_margin = max(r.box.x1 for r in view.rows)
            for nxt in view.rows[i + 1 :]:
                if _ends_list(row, nxt, right_margin):
                    break
                text += nxt.string  # a name cut by the margin joins up; a list goes on after its 、
                cells.extend(nxt.cells)
                row = nxt
            units = [u.strip("。. ") for u in _SPLIT.split(text) if len(u.strip("。. ")) >= 4]
            if units:
                conf = min(c.confidence for c in cells) * hit.score
                return claim("drafting_units", ValueType.list, units, conf, [view.cell_evidence(cells)])
    return None


def _ends_list(row, nxt, right_margin: float) -> bool:
    """The list goes on when its row ends in a separator or runs to the right margin (the
    line was full), and the next row is close below and is not a label, date or paragraph."""
    if any(nxt.string.startswith(norm(lab)) for lab in LABELS) or re.search(r"特此|附件|\d{4}年|:|：", nxt.string):
        return True
    if nxt.box.y0 - row.box.y1 > 1.5 * max(row.box.height, 1):
        return True
    return not (row.string.endswith(("、", "，", ",", ";", "；")) or row.box.x1 >= 0.95 * right_margin)


def extract_standard_notice(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    code = _code(pages)
    found: list[Claim | None] = [
        *(code or ()),
        _title(pages, code[0].value if code else None),
        _issuer(pages),
        _date_claim(pages, "publish_date", ["发布日期", "发布时间"], _PUBLISHED),
        _date_claim(pages, "implement_date", ["实施日期", "实施时间", "施行日期"], _IN_FORCE),
        _drafting_units(pages),
    ]
    return [c for c in found if c is not None]
