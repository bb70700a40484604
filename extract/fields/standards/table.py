"""A notice's standards as it lays them out: a code on a row (a table's, or an annex line)
and the rows under it up to the next code make a Block; the blocks of one code make a group.
The annex table's header names its columns: 实施日期/发布日期 say what a date is, 代替标准号
which codes are replaced rather than published."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.models import Claim, ValueType
from extract.fields.base import PageView, claim, similar_name, span_claim, value_claim
from extract.fields.standards.unitnames import is_heading
from extract.fields.standards.units import DRAFTING_LABELS, LABELS, labelled_units, list_from
from extract.layout import Row, Value, continuation, find_labels, norm
from extract.normalise import (StandardCode, clean, find_standard_code_spans, find_standard_codes, parse_date,
                               parse_standard_code, to_halfwidth)

# What a table's date column means, by its header.
DATE_COLUMNS = (("实施日期", "implement_date"), ("施行日期", "implement_date"), ("出版日期", "publish_date"), ("发布日期", "publish_date"))
# a standard's page lists other standards beside its own (相似标准, 相关标准, 引用标准): not what it publishes
_ASIDE = re.compile(r"^(?:相似|相近|相关|引用|参考)标准")


@dataclass
class Block:
    """A standard's code on a row and the rows under it up to the next code. A notice may
    publish several standards, and may name each twice (a table row, then an annex line
    "《title》（code）：drafting units")."""

    view: PageView
    row: Row
    code: StandardCode | None  # None: the rows before the first code read (OCR lost it)
    span: tuple[int, int]
    rows: list[Row] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)  # codes the standard replaces (代替标准号)

    @property
    def units(self) -> Claim | None:
        found = labelled_units([self.view], self.rows)
        if found:
            return found
        # "（YD/T 3876-2021）：中国电子技术标准化研究院、…" – the list right after the code
        m = re.match(r"[)）]?[:：]", self.row.string[self.span[1] :]) if self.code else None
        if m:
            return list_from(self.view, self.rows, self.row, self.span[1] + m.end(), 0.95)
        return None


def blocks(pages: list[PageView], replaces_labels: list[str] | None = None) -> list[Block]:
    blocks: list[Block] = []
    for view in pages:
        before: list[Row] = []
        columns = _columns(view, replaces_labels or ["代替标准号", "代替"])
        first = len(blocks)
        aside = False
        for row in view.rows:
            aside = bool(_ASIDE.match(row.string)) or (aside and not is_heading(row.string))
            own = [] if aside else [(sc, a, b) for sc, a, b in _row_codes(row) if not _is_replaced(row, a, b, columns)]
            if own:
                sc, a, b = own[0]
                blocks.append(Block(view, row, _spaced(sc, row.span(a, b)), (a, b), [row]))
            elif blocks and blocks[-1].view is view:
                blocks[-1].rows.append(row)
            else:
                before.append(row)
        for block in blocks[first:]:
            block.replaces = _replaced_codes(block, columns)
        orphan = _orphan(view, before)
        if orphan:
            blocks.append(orphan)
    return blocks


def _replaced_codes(block: Block, columns: list[tuple[bool, float]]) -> list[str]:
    """Codes after 代替 in the block's rows, and the text of its 代替标准号 column read down
    the rows, where a code may wrap ("GB/T" over "23660-2016")."""
    found = [sc.code for row in block.rows for sc, a, b in _row_codes(row) if "代替" in row.string[max(0, a - 8) : a]]
    if columns:
        column = " ".join(c.text for row in block.rows for c in row.cells if _under_replaces(c, columns))
        found += [sc.code for sc in find_standard_codes(column)]
    return list(dict.fromkeys(code for code in found if block.code is None or code != block.code.code))


def _columns(view: PageView, labels: list[str]) -> list[tuple[bool, float]]:
    """The annex table's header cells as (is the 代替标准号 column, x centre), when its header
    row names both the 标准编号 and a 代替 column; else []."""
    for row in view.rows:
        if "标准编号" in row.string and "、" not in row.string and find_labels([row], labels):
            return [(any(norm(lab) in c.key for lab in labels), c.box.cx) for c in row.cells]
    return []


def _under_replaces(cell, columns: list[tuple[bool, float]]) -> bool:
    return bool(columns) and min(columns, key=lambda col: abs(col[1] - cell.box.cx))[0]


def _row_codes(row: Row) -> list[tuple[StandardCode, int, int]]:
    """Codes cell by cell first – the row string runs a code's year into the next cell's date
    ("DB44/T 1877—2016" + "2025-06-01") – then any a cell boundary split (OCR's "GB/T" | "1-2020")."""
    found = []
    for i, cell in enumerate(row.cells):
        start = row.cell_start(i)
        found += [(sc, start + a, start + b) for sc, a, b in find_standard_code_spans(cell.key)]
    for sc, a, b in find_standard_code_spans(row.string):
        if not any(a < e and s < b for _, s, e in found):
            found.append((sc, a, b))
    return sorted(found, key=lambda t: t[1])


def _is_replaced(row: Row, a: int, b: int, columns: list[tuple[bool, float]]) -> bool:
    """A code the row says is replaced: after 代替 ("代替GB/T 1-2010"), or in the table's
    代替标准号 column."""
    return "代替" in row.string[max(0, a - 8) : a] or any(_under_replaces(c, columns) for c in row.span(a, b))


def _spaced(sc: StandardCode, cells) -> StandardCode:
    """Row strings drop spaces; the cell's own text keeps the one between prefix and number
    ("T/CCSA 335-2021", not "T/CCSA33 5-2021")."""
    again = parse_standard_code(" ".join(clean(c.text) for c in cells))
    return again if again is not None and norm(again.code) == norm(sc.code) else sc


def _orphan(view: PageView, rows: list[Row]) -> Block | None:
    """A table row whose code OCR lost (under a seal, say) still has its drafting units: the
    row above the 起草单位 line, when it looks like a table row."""
    for hit in find_labels(rows, DRAFTING_LABELS):
        i = rows.index(hit.row)
        if i > 0 and len(rows[i - 1].cells) >= 2:
            return Block(view, rows[i - 1], None, (0, 0), rows[i - 1 :])
    return None


def standards(blocks: list[Block]) -> list[list[Block]]:
    """Blocks grouped by standard code, in the order the codes first appear."""
    groups: dict[str, list[Block]] = {}
    for b in blocks:
        groups.setdefault(b.code.code if b.code else "", []).append(b)
    return list(groups.values())


def group_units(group: list[Block]) -> Claim | None:
    return next((u for u in (b.units for b in group) if u is not None), None)


def choose(groups: list[list[Block]], applicant: str | None, named: str | None = None, content: list[str] = ()) -> list[Block] | None:
    """The standard the document's own fields speak of: the applicant's (leading it, else among
    its drafters); else the one the notice's body names (批准《title》等16项…: an annex sorted by
    code need not list it first); else the first row read."""
    if not groups:
        return None
    if applicant:
        for wanted in (lambda units: units[:1], lambda units: units):
            for group in groups:
                units = group_units(group)
                if units and any(similar_name(u, applicant) for u in wanted(units.value)):
                    return group
    if named:
        for group in groups:
            titles = [c.value for b in group for c in row_title_and_date(b, content) if c.field == "standard_title"]
            if group[0].code and any(_same_title(t, named) for t in titles):
                return group
    return next((g for g in groups if g[0].code), groups[0])  # an orphan only if it is the applicant's


def _same_title(a: str, b: str) -> bool:
    """Titles as a table and a sentence print them: equal but for spaces, punctuation and widths."""
    def bare(t: str) -> str:
        return re.sub(r"[\W_]", "", norm(t))
    return bool(bare(a)) and bare(a) == bare(b)


def code_claims(block: Block) -> tuple[Claim, ...]:
    if block.code is None:
        return ()
    return (
        span_claim(block.view, block.row, *block.span, "standard_code", ValueType.text, block.code.code),
        span_claim(block.view, block.row, *block.span, "level", ValueType.text, block.code.level),
    )


def _date_columns(block: Block) -> list[tuple[float, str | None]]:
    """The table's date columns as (x centre, field) from the nearest header row: 实施日期 →
    implement_date, 发布日期/出版日期 → publish_date, a bare 日期 (its first word lost) → None."""
    above = [r for r in block.view.rows if r.box.y0 < block.row.box.y0]
    for row in reversed(above):  # the nearest header row, not a sentence that names the columns
        if "序号" in row.string or ("标准编号" in row.string and "标准名称" in row.string and "、" not in row.string):
            cols = []
            for m in re.finditer(r"(实施|施行|发布|出版)?日期", row.string):
                field_name = {"实施": "implement_date", "施行": "implement_date", "发布": "publish_date", "出版": "publish_date"}.get(m.group(1) or "")
                cells = row.span(m.start(), m.end())
                cols.append((sum(c.box.cx for c in cells) / len(cells), field_name))
            if cols:
                return cols
    return []


def row_title_and_date(block: Block, content: list[str] = ()) -> list[Claim]:
    """In a table row (序号 | 标准编号 | 标准名称 | 实施日期) the title and dates follow the code,
    each date under its header; a long title wraps onto the rows under its cell. `content`:
    how the family's 主要内容 column opens (本标准规定了…); OCR may read the title's cell and
    that column's as one box, and the title stops where the content begins."""
    out: dict[str, Claim] = {}
    row, view = block.row, block.view
    first_cell = row.owner[block.span[1] - 1] + 1 if block.code else 0
    columns = _date_columns(block)
    unplaced = iter(["implement_date"])  # no header: a lone date is the implementation date
    for cell in row.cells[first_cell:]:
        d = parse_date(cell.text)
        if d:
            name = min(columns, key=lambda col: abs(col[0] - cell.box.cx))[1] if columns else next(unplaced, None)
            if name and name not in out:
                out[name] = value_claim(view, name, ValueType.date, d, Value.of([cell], 0.95))
        elif "standard_title" not in out and clean_title(_before(cell.text, content)):
            wrapped = continuation(Value(cell.key, (cell,), 1.0), block.rows, tuple(LABELS) + tuple(DRAFTING_LABELS))
            text = _join_lines([_before(c.text, content) for c in wrapped.cells])
            out["standard_title"] = claim("standard_title", ValueType.text, clean_title(text), cell.confidence * 0.95,
                                          [view.cell_evidence(list(wrapped.cells))], wrapped.glyphs())
    return list(out.values())


def _before(text: str, openings) -> str:
    """The text up to the first of `openings` it holds (the next column's first words)."""
    cut = min((i for i in (text.find(o) for o in openings) if i > 0), default=len(text))
    return text[:cut]


def _join_lines(parts: list[str]) -> str:
    text = ""
    for p in parts:
        p = clean(to_halfwidth(p))
        text += (" " if text and text[-1].isascii() and text[-1].isalpha() and p[:1].isascii() and p[:1].isalpha() else "") + p
    return text


def clean_title(text: str) -> str | None:
    text = clean(to_halfwidth(text)).strip("《》:： ")
    if not re.search(r"[\u4e00-\u9fff]{2}|[A-Za-z]{3}", text) or any(text.startswith(lab) for lab in LABELS):
        return None
    text = re.sub(r"(?:团体|国家|行业|地方)?标准$", "", text) if not text.endswith("标准》") else text
    # a title's part separator is printed full-width ("第2部分：数据链路层")
    text = re.sub(r"(?<=[\u4e00-\u9fff]):(?=[\u4e00-\u9fff])", "：", text)
    return text or None
