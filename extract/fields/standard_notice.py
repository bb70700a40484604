"""Standard-publication notice (标准发布公告) fields: which standard, its level, who issued it,
when it was published and takes effect, and who drafted it (in order: the first is the lead).

Notices come either labelled ("标准编号：…", "主要起草单位：…") or as a table under a header
row (标准编号 | 标准名称 | 实施日期); value_after reads both (right of, or below, the label).
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from core.models import Claim, Document, Flag, ValueType
from extract.families import Family
from extract.fields.base import DATE_TEXT, ORG, PageView, claim, first_match, labelled, similar_name, views
from extract.layout import Row, Value, continuation, find_labels, norm
from extract.fields.standards.cover import cover_claims
from extract.fields.standards.family import family_of, kind
from extract.fields.standards.foreword import drafting_units
from extract.fields.standards.listing import entry, listing, out_of_order, year_disagrees
from extract.fields.standards.publication import publication_claims
from extract.normalise import (StandardCode, clean, find_standard_code_spans, find_standard_codes, parse_date,
                               parse_standard_code, to_halfwidth)

LABELS = (
    "标准编号", "标准号", "标准名称", "发布日期", "实施日期", "发布单位", "起草单位", "主要起草单位", "牵头单位",
    "主要起草人", "起草人", "代替标准号", "归口单位", "提出单位", "序号", "出版日期",
)
# What a table's date column means, by its header.
DATE_COLUMNS = (("实施日期", "implement_date"), ("施行日期", "implement_date"), ("出版日期", "publish_date"), ("发布日期", "publish_date"))
DRAFTING_LABELS = ["主要起草单位", "起草单位", "参与起草单位", "编制单位", "牵头单位"]
_SPLIT = re.compile(r"[、，,;；/]+")
_UNIT_END = re.compile(r"(有限公司|有限责任公司|研究院|研究所|大学|学院|协会|联盟)一?(?=[\u4e00-\u9fff])(?!有限|股份|分院|分公司|分所)")
_PUBLISHED = re.compile(r"(?:于|在)?([^，。,]{6,16}?)(?:正式)?(?:发布|公布)")
_IN_FORCE = re.compile(r"(?:自|从|于)?([^，。,自从于]{6,16}?)起?(?:正式)?(?:实施|施行|执行)")
_TITLE_BOOK = re.compile(r"《([^》]{2,80})》")
_ISSUER_TAIL = re.compile(r"(?:总局|管理局|委员会|工业和信息化部|部|厅|局|协会|学会|联盟|促进会|联合会|研究院|组织)(?:[（(][^)）]{2,20}[)）])?$")


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
        labelled_units = _drafting_units([self.view], self.rows)
        if labelled_units:
            return labelled_units
        # "（YD/T 3876-2021）：中国电子技术标准化研究院、…" – the list right after the code
        m = re.match(r"[)）]?[:：]", self.row.string[self.span[1] :]) if self.code else None
        if m:
            return _list_from(self.view, self.rows, self.row, self.span[1] + m.end(), 0.95)
        return None


def _blocks(pages: list[PageView], replaces_labels: list[str] | None = None) -> list[Block]:
    blocks: list[Block] = []
    for view in pages:
        before: list[Row] = []
        columns = _columns(view, replaces_labels or ["代替标准号", "代替"])
        first = len(blocks)
        for row in view.rows:
            own = [(sc, a, b) for sc, a, b in _row_codes(row) if not _is_replaced(row, a, b, columns)]
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


def _standards(blocks: list[Block]) -> list[list[Block]]:
    """Blocks grouped by standard code, in the order the codes first appear."""
    groups: dict[str, list[Block]] = {}
    for b in blocks:
        groups.setdefault(b.code.code if b.code else "", []).append(b)
    return list(groups.values())


def _units(group: list[Block]) -> Claim | None:
    return next((u for u in (b.units for b in group) if u is not None), None)


def _choose(groups: list[list[Block]], applicant: str | None) -> list[Block] | None:
    if not groups:
        return None
    if applicant:
        for wanted in (lambda units: units[:1], lambda units: units):
            for group in groups:
                units = _units(group)
                if units and any(similar_name(u, applicant) for u in wanted(units.value)):
                    return group
    return next((g for g in groups if g[0].code), groups[0])  # an orphan only if it is the applicant's


def _code_claims(block: Block) -> tuple[Claim, ...]:
    if block.code is None:
        return ()
    cells = block.row.span(*block.span) or block.row.cells
    ev = block.view.cell_evidence(cells)
    conf = min(c.confidence for c in cells)
    return (
        claim("standard_code", ValueType.text, block.code.code, conf, [ev]),
        claim("level", ValueType.text, block.code.level, conf, [ev]),
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


def _row_title_and_date(block: Block) -> list[Claim]:
    """In a table row (序号 | 标准编号 | 标准名称 | 实施日期) the title and dates follow the code,
    each date under its header; a long title wraps onto the rows under its cell."""
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
                out[name] = claim(name, ValueType.date, d, cell.confidence * 0.95, [view.cell_evidence([cell])])
        elif "standard_title" not in out and _clean_title(cell.text):
            wrapped = continuation(Value(cell.key, (cell,), 1.0), block.rows, tuple(LABELS) + tuple(DRAFTING_LABELS))
            text = _join_lines([c.text for c in wrapped.cells])
            out["standard_title"] = claim("standard_title", ValueType.text, _clean_title(text), cell.confidence * 0.95, [view.cell_evidence(list(wrapped.cells))])
    return list(out.values())


def _join_lines(parts: list[str]) -> str:
    text = ""
    for p in parts:
        p = clean(to_halfwidth(p))
        text += (" " if text and text[-1].isascii() and text[-1].isalpha() and p[:1].isascii() and p[:1].isalpha() else "") + p
    return text


def _title(pages: list[PageView], labels: list[str] | None = None) -> Claim | None:
    got = labelled(pages, "standard_title", labels or ["标准名称"], _clean_title, ValueType.text, LABELS)
    return got or first_match(pages, "standard_title", _TITLE_BOOK, _clean_title, ValueType.text, group=1, quality=0.85)


def _clean_title(text: str) -> str | None:
    text = clean(to_halfwidth(text)).strip("《》:： ")
    if not re.search(r"[\u4e00-\u9fff]{2}|[A-Za-z]{3}", text) or any(text.startswith(lab) for lab in LABELS):
        return None
    text = re.sub(r"(?:团体|国家|行业|地方)?标准$", "", text) if not text.endswith("标准》") else text
    # a title's part separator is printed full-width ("第2部分：数据链路层")
    text = re.sub(r"(?<=[\u4e00-\u9fff]):(?=[\u4e00-\u9fff])", "：", text)
    return text or None


def _issuer(pages: list[PageView]) -> Claim | None:
    got = labelled(pages, "issuing_body", ["发布单位", "发布机构", "发布部门", "批准部门"], _org, ValueType.text, LABELS)
    if got or not pages:
        return got
    # else the names signed above the notice's date, else the last page's closing block, else
    # the title: "XX协会关于发布…的公告"
    return _signed_by(pages) or _signature_block(pages[-1]) or first_match(
        pages, "issuing_body", re.compile(r"^(.{4,40}?)关于(?:批准)?发布"), _org, ValueType.text, group=1, quality=0.8)


def _signature_block(view: PageView) -> Claim | None:
    """Rows that are nothing but organisations' names, under the closing line (特此公告) —
    two bodies that issue jointly sign one above the other; else the letterhead on top."""
    rows = view.rows
    closing = max((i for i, r in enumerate(rows) if "特此" in r.string or r.string.endswith("公告。")), default=len(rows) - 5)
    signed: list = []
    for row in reversed(rows[max(closing + 1, 0) :]):  # from the bottom: the date, then the names
        if all(_org(c.key) == c.key and _ISSUER_TAIL.search(c.key) for c in row.cells):
            signed[:0] = row.cells
        elif signed or not parse_date(row.string):
            break
    quality = 0.85
    if not signed:
        head = rows[0] if rows else None
        if head is not None and all(_org(c.key) == c.key and _ISSUER_TAIL.search(c.key) for c in head.cells):
            signed, quality = list(head.cells), 0.75
    if not signed:
        return None
    conf = min(c.confidence for c in signed) * quality
    return claim("issuing_body", ValueType.text, " ".join(c.key for c in signed), conf, [view.cell_evidence(signed)])


def _org(text: str) -> str | None:
    text = text.strip(":：")
    m = ORG.fullmatch(text) or ORG.match(text)
    return m.group() if m else None


def _date_claim(pages, field, labels, pattern) -> Claim | None:
    got = labelled(pages, field, labels, parse_date, ValueType.date, LABELS)
    return got or first_match(pages, field, pattern, parse_date, ValueType.date, group=1, quality=0.85)


def _drafting_units(pages: list[PageView], within: list[Row] | None = None) -> Claim | None:
    for view in pages:
        for hit in find_labels(within, DRAFTING_LABELS) if within is not None else view.labels(DRAFTING_LABELS):
            got = _list_from(view, within if within is not None else view.rows, hit.row, hit.end, hit.score)
            if got:
                return got
    return None


def _list_from(view: PageView, rows: list[Row], row: Row, start: int, score: float) -> Claim | None:
    """A 、-separated list of units from row.string[start:], going on over the rows under it
    up to the next label or paragraph (a name cut by the margin joins up)."""
    text = row.string[start:].lstrip(":：")
    cells = list(row.span(start, len(row.string))) or list(row.cells)
    first = row
    for nxt in rows[rows.index(row) + 1 :]:
        if _ends_list(first, row, nxt):
            break
        text += nxt.string
        cells.extend(nxt.cells)
        row = nxt
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
    if any(nxt.string.startswith(norm(lab)) for lab in LABELS) or re.search(r"特此|附件|\d{4}年|:|：", nxt.string):
        return True
    height = max(row.box.height, 1)
    return nxt.box.y0 - row.box.y1 > 1.5 * height or abs(nxt.box.x0 - first.box.x0) > 2 * height


def extract_standard_notice(doc: Document, applicant: str | None = None) -> list[Claim]:
    """Fields of the standard: the applicant's when a notice lists several. Which form the
    document is (a notice of a family under extract/families/standard_notice/, a standard's
    own text, an ISO/IEC/ITU page) decides how it is read."""
    pages = [v for v in views(doc) if v.page.lines]
    fam = family_of(doc)
    if kind(fam) == "text":
        return _standard_text(pages, fam)
    if kind(fam) == "publication":
        return publication_claims(pages, fam)
    return _notice(pages, fam, applicant)


def _standard_text(pages: list[PageView], fam: Family) -> list[Claim]:
    found = {c.field: c for c in cover_claims(pages, fam)}
    units = drafting_units(pages, fam)
    if units is not None:
        found["drafting_units"] = units
    code = found.get("standard_code")
    if code is not None:
        row = entry(parse_standard_code(code.value), found, units, [], None, {})
        found["standards"] = listing([(row, code.evidence[0], code.confidence)])
    return list(found.values())


def _notice(pages: list[PageView], fam: Family | None, applicant: str | None) -> list[Claim]:
    groups = _standards(_blocks(pages, fam.label("replaces") if fam else None))
    group = _choose(groups, applicant)
    found: dict[str, Claim] = {}
    notice_level = fam.option("level") if fam is not None else None
    in_force = _in_force_by_body(pages, fam)
    published = _publish_date(pages)
    defaults = {"publish_date": published.value if published else None, "implement_date": in_force.value if in_force else None}
    if group is not None:
        for c in _code_claims(group[0]):
            found[c.field] = c
        for block in group:
            for c in _row_title_and_date(block):
                found.setdefault(c.field, c)
        units = _units(group)
        if units:
            found["drafting_units"] = units
    for c in (
        _title(pages, fam.label("title") if fam else None),
        _issuer(pages),
        in_force,
        _date_claim(pages, "implement_date", (fam.label("implement_date") if fam else []) or ["实施日期", "实施时间", "施行日期"], _IN_FORCE),
        published,
        _drafting_units(pages),
    ):
        if c is not None:
            found.setdefault(c.field, c)
    # a notice of one standard: its labelled fields are that row's too
    rows = _rows(groups, notice_level, defaults, found if len(groups) == 1 else {})
    if rows:
        found["standards"] = listing(rows)
    _check_level(found.get("level"), notice_level)
    _check_dates(found.get("standard_code"), found.get("publish_date"), found.get("implement_date"))
    return list(found.values())


def _rows(groups: list[list[Block]], level, defaults, found: dict[str, Claim]) -> list:
    out = []
    for group in groups:
        head = group[0]
        fields: dict[str, Claim] = {}
        for block in group:
            for c in _row_title_and_date(block):
                fields.setdefault(c.field, c)
        for name, c in found.items():
            fields.setdefault(name, c)
        replaces = [code for b in group for code in b.replaces]
        row = entry(head.code, fields, _units(group), replaces, level, defaults)
        conf = min(c.confidence for c in head.row.cells)
        out.append((row, head.view.cell_evidence(head.row.cells), conf))
    return out


def _in_force_by_body(pages: list[PageView], fam: Family | None) -> Claim | None:
    """"以上行业标准自2022年7月1日起实施": one date for every standard of the notice."""
    pattern = fam.regex.get("implement_in_body") if fam is not None else None
    return first_match(pages, "implement_date", pattern, parse_date, ValueType.date, group="date", quality=0.9) if pattern else None


def _check_dates(code: Claim | None, publish: Claim | None, implement: Claim | None) -> None:
    """A standard in force before its notice, or a code whose year is not the notice's, is a
    misread (a row's date taken from another row, a year OCR got wrong): kept, flagged."""
    if publish is not None and implement is not None and out_of_order(publish.value, implement.value):
        implement.flags.append(Flag(code="date_order", message=f"in force {implement.value}, before the notice's date {publish.value}"))
    if code is not None and publish is not None and year_disagrees(code.value, publish.value):
        code.flags.append(Flag(code="code_year", message=f"{code.value}: its year is not the year of the notice ({publish.value})"))


def _check_level(level: Claim | None, notice_level: str | None) -> None:
    """A code whose prefix says one level in a notice of another (a 团体标准 notice listing a
    GB/T code): the code's level stands, flagged for the reviewer."""
    if level is None or not notice_level or level.value in ("unknown", notice_level):
        return
    level.flags.append(Flag(code="level_mismatch", message=f"the code reads {level.value}, the notice publishes {notice_level} standards"))


def _publish_date(pages: list[PageView]) -> Claim | None:
    """发布日期 by label or "于…发布"; else the date under the issuer's name at the end,
    which is the day the notice was issued."""
    got = _date_claim(pages, "publish_date", ["发布日期", "发布时间"], _PUBLISHED)
    return got or _signed_on(pages) or first_match(pages[-1:], "publish_date", DATE_TEXT, parse_date, ValueType.date, quality=0.8, last=True)


def _signature(pages: list[PageView]) -> tuple[PageView, list, Row] | None:
    """The notice's signature: the first row that is a date alone (an annex table's dates sit
    in rows with other cells) under up to three rows of nothing but issuers' names — two
    bodies that issue jointly sign one above the other. (view, name cells, date row)."""
    for view in pages:
        rows = view.rows
        for i, row in enumerate(rows):
            if len(row.cells) != 1 or not DATE_TEXT.fullmatch(row.string):
                continue
            names: list = []
            for above in reversed(rows[max(0, i - 3) : i]):
                if not all(_org(c.key) == c.key and _ISSUER_TAIL.search(c.key) for c in above.cells):
                    break
                names[:0] = above.cells
            if names:
                return view, names, row
    return None


def _signed_on(pages: list[PageView]) -> Claim | None:
    signed = _signature(pages)
    if signed is None:
        return None
    view, _, row = signed
    day = parse_date(row.string)
    return claim("publish_date", ValueType.date, day, row.cells[0].confidence * 0.9, [view.cell_evidence(row.cells)]) if day else None


def _signed_by(pages: list[PageView]) -> Claim | None:
    signed = _signature(pages)
    if signed is None:
        return None
    view, names, _ = signed
    # signed "工业和信息化部" under the letterhead "中华人民共和国工业和信息化部": the full name
    head = pages[0].rows[0].string if pages[0].rows else ""
    text = " ".join(head if head.endswith(c.key) and _org(head) == head else c.key for c in names)
    return claim("issuing_body", ValueType.text, text, min(c.confidence for c in names) * 0.85, [view.cell_evidence(names)])