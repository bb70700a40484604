"""What every field extractor shares: a page context and claims built with their evidence."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

from core.models import Box, Claim, Document, Evidence, EvidenceKind, Flag, Page, ValueType
from extract.layout import GLYPH_DOUBT, Cell, Hit, Row, Value, doubted, find_labels, join_rows, norm, page_rows, union


@dataclass
class PageView:
    """A page with its rows computed once, and the document it belongs to."""

    doc: Document
    page: Page

    @cached_property
    def rows(self) -> list[Row]:
        return page_rows(self.page)

    @property
    def source(self) -> str:
        return self.page.source.label

    def labels(self, labels: list[str], min_score: float | None = None, repeated: bool = False) -> list[Hit]:
        return find_labels(self.rows, labels, min_score, repeated)

    def evidence(self, text: str, box: Box | None) -> Evidence:
        return Evidence(
            kind=EvidenceKind.document,
            document=self.doc.sha256,
            file_name=self.doc.original_name,
            page=self.page.number,
            box=box,
            text=text,
            source=self.source,
        )

    def cell_evidence(self, cells: list[Cell] | tuple[Cell, ...]) -> Evidence:
        return self.evidence(" ".join(c.text for c in cells), union(c.box for c in cells))


def views(doc: Document) -> list[PageView]:
    return [PageView(doc, p) for p in doc.pages]


def tag_evidence(doc: Document, page: Page, key: str, value: str) -> Evidence:
    """Evidence for a value a structured source gave directly (OFD tag, XML element, QR)."""
    source = "qr" if key.startswith("qr.") else page.source.kind if page.source.kind in ("ofd", "xml") else "tags"
    return Evidence(
        kind=EvidenceKind.document,
        document=doc.sha256,
        file_name=doc.original_name,
        page=page.number,
        text=f"{key}={value}",
        source=source,
    )


def first_tag(doc: Document, *keys: str) -> tuple[Page, str, str] | None:
    """The first value of the first of `keys` any page carries: (page, key, value)."""
    for key in keys:
        for page in doc.pages:
            values = page.tags.get(key)
            if values:
                return page, key, values[0]
    return None


# Said on a claim whose own letter or digit the recogniser doubted (under GLYPH_DOUBT): why it
# is low, and what keeps it low when another reading agrees (confirm).
GLYPH_DOUBT_FLAG = "glyph_doubt"


def claim(
    field_name: str,
    value_type: ValueType,
    value: Any,
    confidence: float,
    evidence: list[Evidence],
    glyphs: Sequence[float] = (),
) -> Claim:
    """A claim. `glyphs`: the probabilities of the value's own letters and digits, where OCR gave
    them (Value.glyphs, Row.glyphs): the one rule every value read off a page goes by. The
    weakest caps the confidence (layout.doubted: how it was found cannot make up for a glyph
    the recogniser was unsure of), and one under GLYPH_DOUBT is said on the claim, so no
    agreement of two readings raises it (confirm)."""
    got = Claim(
        field=field_name,
        value_type=value_type,
        value=value,
        confidence=max(0.0, min(1.0, round(doubted(confidence, glyphs), 4))),
        evidence=evidence,
    )
    if glyphs and min(glyphs) < GLYPH_DOUBT:
        got.flags.append(Flag(code=GLYPH_DOUBT_FLAG, severity="info",
                              message=f"{field_name}: a letter or digit of it was read at {min(glyphs):.0%}"))
    return got


def own_span(text: str, value: Any) -> tuple[int, int, bool] | None:
    """Where the value itself stands in the text it was read from, and whether only its digits
    tell it: a text value as read; an amount's or a date's figures (their digits: ￥, 元 and
    年月日 say nothing more of it, and 大写 words beside the figures are a second reading of it,
    confirm's); words where no figure gives it. None where it cannot be told."""
    from datetime import date
    from decimal import Decimal

    from extract.normalise import find_dates, find_money

    if isinstance(value, str):
        at = text.find(norm(value)) if value else -1
        return (at, at + len(norm(value)), False) if at >= 0 else None
    if not isinstance(value, (Decimal, date)):
        return None
    spans = [(a, b) for v, a, b in (find_money(text) if isinstance(value, Decimal) else find_dates(text)) if v == value]
    figures = [(a, b, True) for a, b in spans if any(ch.isdigit() for ch in text[a:b])]
    return (figures or [(a, b, False) for a, b in spans] or [None])[0]


def value_claim(view: PageView, field_name: str, value_type: ValueType, value: Any, found: Value, match: float = 1.0,
                part: str | None = None) -> Claim:
    """A claim read off the page: confidence = OCR confidence × how the value was found × how
    well its label matched, under the cap of the value's own glyphs: `part`, the text a parser
    kept (else the value where own_span finds it in what was read; else all that was read)."""
    own = own_span(found.text, value) if part is None else None
    glyphs = found.glyphs(found.text[own[0]:own[1]], own[2], start=own[0]) if own else found.glyphs(part)
    return claim(field_name, value_type, value, found.read * found.quality * match, [view.cell_evidence(found.cells)], glyphs)


def span_claim(view: PageView, row: Row, start: int, end: int, field_name: str, value_type: ValueType, value: Any,
               quality: float = 1.0) -> Claim:
    """A claim of row.string[start:end] (a pattern's match, a figure in a row): its cells'
    confidence × `quality`, under the cap of the glyphs of the value itself in it (own_span)."""
    cells = row.span(start, end) or row.cells
    return claim(field_name, value_type, value, min(c.confidence for c in cells) * quality, [view.cell_evidence(cells)],
                 own_glyphs(row, start, end, value))


def own_glyphs(row: Row, start: int, end: int, value: Any) -> list[float]:
    """The telling glyphs of the value itself (own_span) in row.string[start:end]."""
    a, b, figures = own_span(row.string[start:end], value) or (0, end - start, False)
    return row.glyphs(start + a, start + b, figures)


# --------------------------------------------------------------------------- shared finders

DATE_TEXT = re.compile(r"(?:19|20)\d{2}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?")


def same_party(a: str | None, b: str | None) -> bool:
    """Equal once full-width forms, spaces and bracket styles are set aside."""
    if not a or not b:
        return False
    return norm(a).replace("（", "(").replace("）", ")") == norm(b).replace("（", "(").replace("）", ")")


def similar_name(a: str, b: str) -> bool:
    """Company names as read vs as declared: equal once normalised, or one OCR slip apart."""
    from extract.layout import edit_distance

    if same_party(a, b):
        return True
    a, b = norm(a), norm(b)
    return min(len(a), len(b)) >= 6 and edit_distance(a, b) <= max(1, min(len(a), len(b)) // 10)


# Greedy, so "…汽车零部件股份有限公司" is not cut at "部"; government bodies are ORG.
COMPANY = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,40}(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|研究院|研究所|"
    r"委员会|协会|学会|联盟|中心|大学|学院|事务所|工作室|合伙企业(?:[（(]有限合伙[)）])?)"
)
ORG = re.compile(COMPANY.pattern[:-1] + r"|总局|管理局|工业和信息化部|部|厅|局|促进会|联合会|组织)(?:[（(][A-Za-z]{2,10}[)）])?")


def labelled(pages: list[PageView], field_name: str, labels: list[str], parse, value_type: ValueType,
             stop_labels: tuple[str, ...] = (), min_score: float | None = None, wraps: bool = False,
             heads_cell: bool = False) -> Claim | None:
    """The first labelled value `parse` accepts (parse returns None to refuse a candidate);
    `wraps`: the value may go on in the cell right under it; `heads_cell`: the label must
    start its box (a form's label, not the same words inside a sentence)."""
    from extract.layout import continuation, value_after

    for view in pages:
        for hit in view.labels(labels, min_score):
            if heads_cell and hit.start != hit.row.cell_start(hit.row.owner[hit.start]):
                continue
            found = value_after(hit, view.rows, lambda t: parse(t) is not None, stop_labels)
            if found is not None and wraps:
                longer = continuation(found, view.rows, stop_labels)
                found = longer if parse(longer.text) is not None else found
            if found is not None:
                return value_claim(view, field_name, value_type, parse(found.text), found, hit.score)
    return None


def first_match(pages: list[PageView], field_name: str, pattern: re.Pattern[str], parse, value_type: ValueType,
                group: int | str = 0, quality: float = 0.9, last: bool = False) -> Claim | None:
    """A value found by pattern on the page rows (first, or last when signatures matter);
    failing that, on two consecutive rows read as one (prose wraps mid-phrase)."""
    got = _first_match(pages, field_name, pattern, parse, value_type, group, quality, last, paired=False)
    return got or _first_match(pages, field_name, pattern, parse, value_type, group, quality * 0.95, last, paired=True)


def _first_match(pages, field_name, pattern, parse, value_type, group, quality, last, paired) -> Claim | None:
    hits = []
    for view in pages:
        rows = [join_rows(a, b) for a, b in zip(view.rows, view.rows[1:])] if paired else view.rows
        for m, row in ((m, row) for row in rows for m in pattern.finditer(row.string)):
            value = parse(m.group(group))
            if value is not None:
                hits.append((view, row, m, value))
                if not last:
                    break
        if hits and not last:
            break
    if not hits:
        return None
    view, row, m, value = hits[-1] if last else hits[0]
    return span_claim(view, row, m.start(group), m.end(group), field_name, value_type, value, quality)


_FIGURE_RUN = re.compile(r"\d[\d,，.]*\d")


def money(text: str):
    """An amount stated in figures and often in words too (人民币叁佰万圆整（¥3,000,000.00）).
    When OCR has broken the figure ("3，000.000.00": two points) the words are read instead."""
    from extract.normalise import parse_money, parse_money_words

    figure, words = parse_money(text), parse_money_words(text)
    if figure is None or words is None or figure == words:
        return figure if figure is not None else words
    broken = any(run.count(".") > 1 or re.search(r"\.\d*[,，]", run) for run in _FIGURE_RUN.findall(text))
    return words if broken else figure


# A value two independent readings agree on (figures and 大写 words, 金额 + 税额 = 价税合计, the
# page and the QR code): a misread would have had to make the same mistake twice.
CONFIRMED = 0.95


def confirm(*claims: Claim) -> None:
    """Raise each claim (not its own reading twice: a total taken from its words) to CONFIRMED,
    but for one with a flag: a failed check, or a glyph of its own the recogniser doubted
    (GLYPH_DOUBT_FLAG; the other reading may agree by chance, or have been taken from it)."""
    if len({tuple(e.text for e in c.evidence) for c in claims}) < len(claims):
        return
    for c in claims:
        if not c.flags:
            c.confidence = max(c.confidence, CONFIRMED)


def flag_words_figures(c: Claim | None) -> Claim | None:
    """Figures and words in the claim's own source text that disagree: say so on the claim;
    that agree with the value: it is confirmed."""
    from extract.normalise import parse_money, parse_money_words

    if c is None or not c.evidence:
        return c
    text = c.evidence[0].text
    figure, words = parse_money(text), parse_money_words(text)
    if figure is not None and words is not None and figure != words:
        c.flags.append(Flag(code="words_figures", message=f"{c.field}: the words read {words}, the figures {figure}; kept {c.value}"))
    elif figure is not None and figure == words == c.value:
        confirm(c)
    return c


def company(text: str) -> str | None:
    """A party name at the start of `text` (cut at the first clause punctuation)."""
    text = re.split(r"[，,。；;、\s]|（盖章）|\(盖章\)|盖章|签字|法定代表人", text.strip(":：" + " "))[0]
    text = text.strip(":：")
    if len(text) < 4 or not re.search(r"[\u4e00-\u9fff]", text):
        return None
    return text
