"""Drafting units as notices list them: labelled ("主要起草单位：A、B、C"), in a table's row,
or after a standard's code in an annex line ("（YD/T 3876-2021）：A、B"); the first is the
lead. The label vocabulary of notices lives here too: a list stops at the next label."""
from __future__ import annotations

import re

from core.models import Claim, ValueType
from extract.fields.base import PageView, claim
from extract.fields.standards.unitnames import ends_before, goes_on, is_unit
from extract.layout import Row, find_labels, norm

LABELS = (
    "标准编号", "标准号", "标准名称", "发布日期", "实施日期", "发布单位", "起草单位", "主要起草单位", "牵头单位",
    "主要起草人", "起草人", "代替标准号", "归口单位", "提出单位", "序号", "出版日期",
    # the sections of a standard's page on the national platform (std.samr.gov.cn)
    "标准状态", "基础信息", "主管部门", "归口部门", "技术归口", "发布于", "实施于",
)
DRAFTING_LABELS = ["主要起草单位", "起草单位", "参与起草单位", "编制单位", "牵头单位"]
_SPLIT = re.compile(r"[、，,;；/]+")
# OCR drops a 、 now and then, or reads it as 一: a unit's legal suffix still ends it, unless the
# name goes on — with its legal form or group (…研究院有限公司, …研究院集团有限公司), or with a part of
# the unit before it (…有限公司广州分公司, …大学附属第一医院, …科学院高粱研究所, …有限公司通信信号研究所).
_UNIT_END = re.compile(r"(有限公司|有限责任公司|分公司|研究院|研究所|大学|学院|协会|联盟)一?(?=[\u4e00-\u9fff])")
_GOES_ON = re.compile(r"有限|股份|集团|分")
# where the next name ends, and whether that makes it a part of the one before: a branch always
# is; an institute, a hospital, a committee is unless its name opens as a unit's own does
# (中国…, 国家…, 广东省…, 广州市…)
_NEXT_END = re.compile(r"(分公司|分院|分所|分行|支行|分中心|分会|分部|事业部|办事处|研究生院)|"
                       r"(研究所|研究院|研究中心|研究室|实验室|医院|出版社|学院|委员会|中心)|"
                       r"有限责任公司|有限公司|公司|大学|协会|联盟|集团")
_OWN_NAME = re.compile(r"中国|中华|国家|全国|[\u4e00-\u9fff]{2,3}(?:省|市|自治区)")
# …or names a ministry, bureau or department of its own before its end (工业和信息化部电子第五研究所,
# 公安部第三研究所): a unit of a government body, not a part of the company before it
_OWN_IN = re.compile(r"[部局厅]|委(?!员会)")
# A list printed one unit a line, without 、 (a platform's 标准信息页): a line that ends as a unit's
# name does (unitnames.is_unit, the list's end asks the same) is a whole unit, unless it runs to
# the column's edge (a long name wrapped there) or the next line goes on with the name (有限公司,
# 分公司, （北京）).
_NAME_GOES_ON = re.compile(r"^(?:有限|股份|分|[（(])")
_INLINE_SEP = re.compile(r"[、，,;；]")


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
    end = _row_end(row, start)
    text = row.string[start:end].lstrip(":：")
    cells, glyphs = list(row.span(start, end)) or list(row.cells), row.glyphs(start, end)
    # the list goes on under its label's row, or under its first unit when a table sets that in
    # a cell beside the label (起草单位 | 国家信息中心 / 长安大学 …)
    lead = end - len(text)
    starts = {row.box.x0} | ({row.span(lead, lead + 1)[0].box.x0} if text else set())
    # a column's edge is measured on the page down to where the list must end (the next
    # section's lines in that column may be wider)
    rows = rows[: rows.index(_last_row(rows, row, text, starts)) + 1]
    for nxt in rows[rows.index(row) + 1 :]:
        if not goes_on(text, nxt.string, _at_edge(rows, nxt)):
            break
        end = _row_end(nxt, 0)
        text += ("、" if _line_is_unit(rows, row, nxt, text) else "") + nxt.string[:end]
        cells.extend(nxt.span(0, end))
        glyphs += nxt.glyphs(0, end)
        row = nxt
    text = text.split("。")[0]  # the list's sentence ends there, whatever the row goes on with
    text = _UNIT_END.sub(_unit_end, text)
    units = [u.strip("。. ") for u in _SPLIT.split(text) if len(u.strip("。. ")) >= 4]
    if not units:
        return None
    conf = min(c.confidence for c in cells) * score
    return claim("drafting_units", ValueType.list, units, conf, [view.cell_evidence(cells)], glyphs)


def _unit_end(m: re.Match[str]) -> str:
    """A legal suffix with no 、 after it: the 、 OCR lost, unless the name goes on."""
    rest = _SPLIT.split(m.string[m.end():], 1)[0]
    if _GOES_ON.match(rest):
        return m.group(0)
    if m.group(0).endswith("一"):
        return m.group(1) + "、"  # the 、 itself, read as 一: no name runs on through it
    nxt = _NEXT_END.search(rest)
    own = nxt is not None and (_OWN_NAME.match(rest) or _OWN_IN.search(rest[: nxt.start()]))
    part = nxt is not None and (nxt.group(1) is not None or (nxt.group(2) is not None and not own))
    return m.group(0) if part else m.group(1) + "、"


def _row_end(row: Row, start: int) -> int:
    """Where a row's list stops being the list: at a cell beside it that opens another label
    (主要起草单位：A、B | 主要起草人：…) or the next section."""
    for i, cell in enumerate(row.cells):
        at = row.cell_start(i)
        if at > start and (cell.key.startswith(LABELS) or ends_before(cell.key)):
            return at
    return len(row.string)


def _last_row(rows: list[Row], row: Row, text: str, starts: set[float]) -> Row:
    """The furthest row the list can run to: up to its 。, a label, a date, a gap, another
    column, or the next section's heading, a sentence or a standard's code."""
    for nxt in rows[rows.index(row) + 1 :]:
        if "。" in text or _ends_list(starts, row, nxt) or ends_before(nxt.string):
            break
        row, text = nxt, nxt.string
    return row


def _ends_list(starts: set[float], row, nxt) -> bool:
    """The list goes on in the rows just below that start where its first row or first unit
    starts (a column of a table, or the page's margin), up to a label, a date or a closing line."""
    if any(nxt.string.startswith(norm(lab)) for lab in LABELS) or re.search(r"特此|附件|\d{4}年|\d{4}-\d{1,2}-\d{1,2}|:|：", nxt.string):
        return True
    height = max(row.box.height, 1)
    return nxt.box.y0 - row.box.y1 > 1.5 * height or min(abs(nxt.box.x0 - x) for x in starts) > 2 * height


def _line_is_unit(rows: list[Row], row: Row, nxt: Row, text: str) -> bool:
    """`row` ends a unit of a list printed one a line: it ends as a name does and stops short of
    its column's right edge (the furthest any other line starting where the list's lines start
    reaches)."""
    if _INLINE_SEP.search(row.string) or _INLINE_SEP.search(nxt.string):
        return False  # a 、 list: its line breaks are where the margin fell
    if not is_unit(text) or _NAME_GOES_ON.match(nxt.string):
        return False
    edge = _edge(rows, row, nxt)
    return edge is not None and row.box.x1 < edge - max(row.box.height, 1)


def _edge(rows: list[Row], row: Row, like: Row) -> float | None:
    """The right edge of the column `like` starts in: the furthest any line but `row` starting
    there reaches."""
    height = max(row.box.height, 1)
    return max((r.box.x1 for r in rows if r is not row and abs(r.box.x0 - like.box.x0) <= 2 * height), default=None)


def _at_edge(rows: list[Row], row: Row) -> bool:
    """`row` runs to its column's edge: a long name may go on under it."""
    edge = _edge(rows, row, row)
    return edge is not None and row.box.x1 >= edge - max(row.box.height, 1)
