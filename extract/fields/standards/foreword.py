"""Drafting units from a standard's 前言, in order: "本文件起草单位：A、B、C。" (GB/T 1.1—2020),
"本标准主要起草单位：…", or "本标准负责起草单位：A。本标准参加起草单位：B、C。" (the lead
first, then the participants). The sentence runs over wrapped lines, cut anywhere — even
inside a unit's name — so the page is read as one stream of text."""
from __future__ import annotations

import re
from functools import reduce

from core.models import Claim, Flag, ValueType
from extract.families import Family
from extract.fields.base import PageView, claim
from extract.fields.standards.unitnames import ends_a_unit, goes_on
from extract.layout import Row, fuzzy_find, join_rows, norm

_SPLIT = re.compile(r"[、，,;；]+")
# what may stand between the lead's sentence and the participants' one
_NEXT_SENTENCE = re.compile(r"。?(?:本(?:文件|标准|部分))?")


# running headers (the code) and footers (the page number) are no part of a sentence
_FURNITURE = re.compile(r"[IVXⅠ-Ⅻivx\d]{1,4}|(?:GB|[A-Z]{2}|DB\d+|T)/?[TZ]?[A-Z]*\d[\d.]*[—\-–]\d{4}")


def _stream(*views: PageView) -> Row | None:
    """The pages' body text as one row: a sentence may run on from one page to the next."""
    rows = [r for v in views for r in v.rows if not _FURNITURE.fullmatch(r.string)]
    return reduce(join_rows, rows) if rows else None


# the list runs to its 。 — or, when OCR dropped the 。 at a line's end, to the next sentence
# of the 前言 (本文件主要起草人：…), whose names are no units
_UNITS = r"(?:(?!本(?:文件|标准|部分))[^。])+"


def _alternation(labels: list[str]) -> str:
    return "|".join(re.escape(norm(lab)) for lab in sorted(labels, key=len, reverse=True))


def _sentence(row: Row, labels: list[str], start: int = 0) -> tuple[list[str], int, int, float] | None:
    """The units listed after the first of `labels` at or after `start`: (units, span, how
    well the label matched). A label OCR misread by a character (起革单位, 木文件) still counts,
    at its lower score."""
    m = re.compile(rf"(?:{_alternation(labels)})[:：]?(?P<units>{_UNITS})").search(row.string, start)
    if m:
        return _units_of(row, m.start("units"), m.end("units"), m.start(), 1.0)
    hits = [h for lab in labels for h in fuzzy_find(row.string[start:], norm(lab)) if "人" not in row.string[start + h[0] : start + h[1]]]
    if not hits:
        return None
    # the drafters' sentence (本文件主要起草人) is an edit or two from a label: never taken
    first, end, score = min(hits, key=lambda h: (h[0], -h[2], -h[1]))
    # a window one short of the label leaves its last character (单立 → 立：) before the colon
    rest = re.compile(rf"(?:[^:：。]?[:：])?(?P<units>{_UNITS})").match(row.string, start + end)
    return _units_of(row, rest.start("units"), rest.end("units"), start + first, score) if rest else None


def _units_of(row: Row, a: int, b: int, start: int, score: float) -> tuple[list[str], int, int, float] | None:
    """The units of row.string[a:b], up to the printed line that is no more of the list (the
    next clause's heading, 主要起草人 when OCR lost the 。 between)."""
    b = _list_end(row, a, b)
    units = [u.strip(" .") for u in _SPLIT.split(row.string[a:b]) if len(u.strip(" .")) >= 2]
    return (units, start, b, score) if units else None


def _list_end(row: Row, a: int, b: int) -> int:
    """A list that ends a unit's name at a line's end ends there when a wide gap follows (a
    stamp or a note under the paragraph)."""
    starts = [(s, apart) for s, apart in _line_starts(row) if a < s < b]
    for (s, apart), e in zip(starts, [s for s, _ in starts[1:]] + [b]):
        if (apart and ends_a_unit(row.string[a:s])) or not goes_on(row.string[a:s], row.string[s:e]):
            return s
    return b


def _line_starts(row: Row) -> list[tuple[int, bool]]:
    """Where the printed lines begin in a stream of rows joined into one, each with whether a
    gap wider than one and a half lines stands above it on the same page."""
    cells, out = row.cells, []
    for i in range(1, len(cells)):
        above, cell = cells[i - 1], cells[i]
        if cell.page != above.page or cell.box.cy > above.box.y1:
            gap = cell.box.y0 - above.box.y1
            out.append((row.cell_start(i), cell.page == above.page and gap > 1.5 * max(above.box.height, cell.box.height)))
    return out


# a "unit" that is only a legal form: the rest of its name was read elsewhere (a tilted piece
# of the line grouped with another line) or not at all
_SUFFIX_ONLY = re.compile(r"(?:股份|有限|责任|集团)*(?:公司|集团)|(?:研究|设计)?[院所]")


def _hole(cells) -> tuple[str, str] | None:
    """Two pieces of one printed line far apart, with nothing read between them."""
    for a, b in zip(cells, cells[1:]):
        same_line = abs(a.box.cy - b.box.cy) < 0.5 * a.box.height
        if same_line and b.box.x0 - a.box.x1 > 2 * max(a.box.height, b.box.height):
            return a.text[-6:], b.text[:6]
    return None


def drafting_units(pages: list[PageView], fam: Family) -> Claim | None:
    """The 前言's drafting units with the cells they were read from; None when no page says."""
    lead_labels, more_labels = fam.label("drafting_units"), fam.label("participating_units")
    for view, after in zip(pages, [*pages[1:], None]):
        row = _stream(view, after) if after is not None else _stream(view)
        if row is None:
            continue
        lead = _sentence(row, lead_labels)
        if lead is None:
            continue
        units, start, end, score = lead
        more = _sentence(row, more_labels, end) if more_labels else None
        if more is not None and _NEXT_SENTENCE.fullmatch(row.string[end : more[1]]):
            units = units + [u for u in more[0] if u not in units]
            end = more[2]
        cells = row.span(start, end)
        by_page = {v.page.number: v for v in (view, after) if v is not None}
        evidence = [by_page[n].cell_evidence([c for c in cells if c.page == n]) for n in sorted({c.page for c in cells})]
        got = claim("drafting_units", ValueType.list, units, min(c.confidence for c in cells) * score, evidence, row.glyphs(start, end))
        cut = [u for u in units if _SUFFIX_ONLY.fullmatch(u)]
        if cut:
            got.confidence = round(got.confidence * 0.5, 4)
            got.flags.append(Flag(code="unit_cut", message=f"drafting_units: «{cut[0]}» is only the end of a name: the line "
                                  "was read in pieces (a photo's tilt?) and a unit may be missing or cut"))
        hole = _hole(cells)
        if hole:
            got.confidence = round(got.confidence * 0.5, 4)
            got.flags.append(Flag(code="text_gap", message=f"drafting_units: the line is not read between «{hole[0]}» and «{hole[1]}» "
                                  "(a seal or a blot over it?): a unit may be missing or cut"))
        return got
    return None
