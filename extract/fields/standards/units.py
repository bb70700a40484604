"""Drafting units as notices list them: labelled ("主要起草单位：A、B、C"), in a table's row,
or after a standard's code in an annex line ("（YD/T 3876-2021）：A、B"); the first is the
lead. The label vocabulary of notices lives here too: a list stops at the next label."""
from __future__ import annotations

import re

from core.models import Claim, ValueType
from extract.fields.base import PageView, claim
from extract.layout import Row, find_labels, norm

LABELS = (
    "标准编号", "标准号", "标准名称", "发布日期", "实施日期", "发布单位", "起草单位", "主要起草单位", "牵头单位",
    "主要起草人", "起草人", "代替标准号", "归口单位", "提出单位", "序号", "出版日期",
    # the sections of a standard's page on the national platform (std.samr.gov.cn)
    "标准状态", "基础信息", "主管部门", "归口部门", "技术归口", "发布于", "实施于",
)
DRAFTING_LABELS = ["主要起草单位", "起草单位", "参与起草单位", "编制单位", "牵头单位"]
_SPLIT = re.compile(r"[、，,;；/]+")
_UNIT_END = re.compile(r"(有限公司|有限责任公司|研究院|研究所|大学|学院|协会|联盟)一?(?=[\u4e00-\u9fff])(?!有限|股份|分院|分公司|分所)")


def labelled_units(pages: list[PageView], within: list[Row] | None = None) -> Claim | None:
    for view in pages:
        for hit in find_labels(within, DRAFTING_LABELS) if within is not None else view.labels(DRAFTING_LABELS):
            got = list_from(view, within if within is not None else view.rows, hit.row, hit.end, hit.score)
            if got:
                return got
    return None


def list_from(view: PageView, rows: list[Row], row: Row, start: int, score: float) -> Claim | None:
    """A 、-separated list of units from row.string[start:], going on over the rows under it
    up to the next label or paragraph (a name cut by the margin joins up)."""
    text = row.string[start:].lstrip(":：")
    cells = list(row.span(start, len(row.string))) or list(row.cells)
    first = row
    for nxt in rows[rows.index(row) + 1 :]:
        if "。" in text or _ends_list(first, row, nxt):
            break
        text += nxt.string
        cells.extend(nxt.cells)
        row = nxt
    text = text.split("。")[0]  # the list's sentence ends there, whatever the row goes on with
    # OCR drops a 、 now and then, or reads it as 一: a unit's legal suffix still ends it
    text = _UNIT_END.sub(r"\1、", text)
    units = [u.strip("。. ") for u in _SPLIT.split(text) if len(u.strip("。. ")) >= 4]
    if not units:
        return None
    conf = min(c.confidence for c in cells) * score
    return claim("drafting_units", ValueType.list, units, conf, [view.cell_evidence(cells)])


def _ends_list(first, row, nxt) -> bool:
    """The list goes on in the rows just below that start where its first row starts (a
    column of a table, or the page's margin), up to a label, a date or a closing line."""
    if any(nxt.string.startswith(norm(lab)) for lab in LABELS) or re.search(r"特此|附件|\d{4}年|\d{4}-\d{1,2}-\d{1,2}|:|：", nxt.string):
        return True
    height = max(row.box.height, 1)
    return nxt.box.y0 - row.box.y1 > 1.5 * height or abs(nxt.box.x0 - first.box.x0) > 2 * height
