"""Standard-publication notice (标准发布公告) fields: which standard, its level, who issued it,
when it was published and takes effect, and who drafted it (in order: the first is the lead).

Notices come either labelled ("标准编号：…", "主要起草单位：…") or as a table under a header
row (标准编号 | 标准名称 | 实施日期), read by extract.fields.standards.table; this module reads
what the notice says once for all its standards (title, issuer, dates) and puts it together.
The other forms — a standard's own cover and 前言, an ISO/IEC/ITU page — have their modules
under extract.fields.standards/, chosen by the document's family.
"""
from __future__ import annotations

import re

from core.models import Claim, Document, Flag, ValueType
from extract.families import Family
from extract.fields.base import DATE_TEXT, ORG, PageView, claim, first_match, labelled, similar_name, span_claim, views
from extract.fields.standards.cover import cover_claims
from extract.fields.standards.family import family_of, kind
from extract.fields.standards.foreword import drafting_units
from extract.fields.standards.listing import entry, listing, out_of_order, year_disagrees
from extract.fields.standards.publication import publication_claims
from extract.fields.standards.table import (Block, _same_title, blocks, choose, clean_title, code_claims, group_units,
                                            row_title_and_date, standards)
from extract.fields.standards.units import LABELS, labelled_units
from extract.layout import Row, Value
from extract.normalise import parse_date, parse_standard_code

_PUBLISHED = re.compile(r"(?:于|在)?([^，。,]{6,16}?)(?:正式)?(?:发布|公布)")
_IN_FORCE = re.compile(r"(?:自|从|于)?([^，。,自从于]{6,16}?)起?(?:正式)?(?:实施|施行|执行)")
_TITLE_BOOK = re.compile(r"《([^》]{2,80})》")
# the notice's own standard: the 《》 its approval sentence names (批准《…》等N项, 关于发布《…》的公告)
_APPROVED = re.compile(r"(?:批准|发布)[^《》的，。,；;]{0,4}《([^》]{2,80})》")
# what a notice acts under (根据《中华人民共和国标准化法》和《地方标准管理办法》…): never its standard
_LAW = re.compile(r"^中华人民共和国\S*法$|标准化法$|(?:条例|管理办法|实施办法|管理规定|实施细则)$")
_ISSUER_TAIL = re.compile(r"(?:总局|管理局|委员会|工业和信息化部|部|厅|局|协会|学会|联盟|促进会|联合会|研究院|组织)(?:[（(][^)）]{2,20}[)）])?$")


def _title(pages: list[PageView], labels: list[str] | None = None) -> Claim | None:
    got = labelled(pages, "standard_title", labels or ["标准名称"], clean_title, ValueType.text, LABELS)
    return got or _named(pages, quality=0.85)


def _named(pages: list[PageView], quality: float = 0.9) -> Claim | None:
    """The standard the notice's body names: the one it approves (whatever its title reads
    like: a standard may be a …管理规定), else the first 《》 no law's."""
    return first_match(pages, "standard_title", _APPROVED, clean_title, ValueType.text, group=1, quality=quality) or first_match(
        pages, "standard_title", _TITLE_BOOK, _unless_law, ValueType.text, group=1, quality=quality)


def _unless_law(text: str) -> str | None:
    return None if _LAW.search(text.strip()) else clean_title(text)


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
    return claim("issuing_body", ValueType.text, " ".join(c.key for c in signed), conf, [view.cell_evidence(signed)], Value.of(signed).glyphs())


def _org(text: str) -> str | None:
    text = text.strip(":：")
    m = ORG.fullmatch(text) or ORG.match(text)
    return m.group() if m else None


def _date_claim(pages, field, labels, pattern) -> Claim | None:
    got = labelled(pages, field, labels, parse_date, ValueType.date, LABELS)
    return got or first_match(pages, field, pattern, parse_date, ValueType.date, group=1, quality=0.85)


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
    groups = standards(blocks(pages, fam.label("replaces") if fam else None))
    content = fam.label("content") if fam else []
    named = _named(pages)
    group = choose(groups, applicant, named.value if named else None, content)
    found: dict[str, Claim] = {}
    notice_level = fam.option("level") if fam is not None else None
    in_force = _in_force_by_body(pages, fam)
    published = _publish_date(pages)
    defaults = {"publish_date": published.value if published else None, "implement_date": in_force.value if in_force else None}
    if group is not None:
        for c in code_claims(group[0]):
            found[c.field] = c
        _check_repeated(found.get("standard_code"), group, content)
        _check_applicant_listed(found.get("standard_code"), groups, group, applicant)
        for block in group:
            for c in row_title_and_date(block, content):
                found.setdefault(c.field, c)
        units = group_units(group)
        if units:
            found["drafting_units"] = units
    for c in (
        _title(pages, fam.label("title") if fam else None),
        _issuer(pages),
        in_force,
        _date_claim(pages, "implement_date", (fam.label("implement_date") if fam else []) or ["实施日期", "实施时间", "施行日期"], _IN_FORCE),
        published,
        labelled_units(pages),
        _level_by_heading(pages, fam),
    ):
        if c is not None:
            found.setdefault(c.field, c)
    # a notice of one standard: its labelled fields are that row's too
    rows = _rows(groups, notice_level, defaults, found if len(groups) == 1 else {}, content)
    if rows:
        found["standards"] = listing(rows)
        _check_count(found["standards"], pages, fam)
    _check_level(found.get("level"), notice_level)
    _check_dates(found.get("standard_code"), found.get("publish_date"), found.get("implement_date"))
    return list(found.values())


def _rows(groups: list[list[Block]], level, defaults, found: dict[str, Claim], content: list[str]) -> list:
    out = []
    for group in groups:
        head = group[0]
        fields: dict[str, Claim] = {}
        for block in group:
            for c in row_title_and_date(block, content):
                fields.setdefault(c.field, c)
        for name, c in found.items():
            fields.setdefault(name, c)
        replaces = [code for b in group for code in b.replaces]
        row = entry(head.code, fields, group_units(group), replaces, level, defaults)
        # the row's boxes, its code's glyphs as the code's claim weighs them
        conf = min(c.confidence for c in head.row.cells)
        out.append((row, head.view.cell_evidence(head.row.cells), min([conf, *(c.confidence for c in code_claims(head))])))
    return out


def _level_by_heading(pages: list[PageView], fam: Family | None) -> Claim | None:
    """A list whose heading names the level of all it lists (中华人民共和国地方标准 备案月报):
    that level, when no row's code told it."""
    pattern = fam.regex.get("level_heading") if fam is not None else None
    level = fam.option("level") if fam is not None else None
    return first_match(pages, "level", pattern, lambda _: level, ValueType.text) if pattern and level else None


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


def _check_repeated(code: Claim | None, group: list[Block], content: list[str]) -> None:
    """One code on two table rows of different titles: one of them is another standard's code
    misread (30147 read 30142), and which standard the fields are of is not known."""
    titles = [c.value for b in group for c in row_title_and_date(b, content) if c.field == "standard_title"]
    if code is not None and any(not _same_title(t, titles[0]) for t in titles[1:]):
        code.flags.append(Flag(code="code_repeated", message=f"{code.value} heads {len(titles)} rows with different titles: "
                               "a code misread on one of them"))


def _check_applicant_listed(code: Claim | None, groups: list[list[Block]], group: list[Block], applicant: str | None) -> None:
    """The notice names each standard's drafters and the applicant is among none of them as
    read: the standard taken is the one the notice names or lists first, not shown to be the
    applicant's (a name OCR or a wrapped line cut is the usual cause)."""
    if code is None or not applicant or not any(group_units(g) for g in groups):
        return
    units = group_units(group)
    if units is None or not any(similar_name(u, applicant) for u in units.value):
        code.flags.append(Flag(code="applicant_not_listed", message=f"{applicant} is read among no standard's drafting units: "
                               f"{code.value} is the notice's first or named standard, not shown to be the applicant's"))


def _check_count(listed: Claim, pages: list[PageView], fam: Family | None) -> None:
    """批准《…》等3项…标准 with fewer rows read: a row was not read, or the applicant handed in only
    the annex pages that list theirs (so: info, not a warning)."""
    pattern = fam.regex.get("count") if fam is not None else None
    got = first_match(pages, "count", pattern, int, ValueType.integer, group="n") if pattern else None
    if got is not None and got.value > len(listed.value):
        listed.flags.append(Flag(code="rows_missing", severity="info", message=f"the notice publishes {got.value} standards, {len(listed.value)} read: "
                                 "a row or the annex page is missing"))


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
    return span_claim(view, row, 0, len(row.string), "publish_date", ValueType.date, day, 0.9) if day else None


def _signed_by(pages: list[PageView]) -> Claim | None:
    signed = _signature(pages)
    if signed is None:
        return None
    view, names, _ = signed
    # signed "工业和信息化部" under the letterhead "中华人民共和国工业和信息化部": the full name
    head = pages[0].rows[0].string if pages[0].rows else ""
    text = " ".join(head if head.endswith(c.key) and _org(head) == head else c.key for c in names)
    return claim("issuing_body", ValueType.text, text, min(c.confidence for c in names) * 0.85, [view.cell_evidence(names)], Value.of(names).glyphs())