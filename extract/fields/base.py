"""What every field extractor shares: a page context and claims built with their evidence."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from core.models import Box, Claim, Document, Evidence, EvidenceKind, Page, ValueType
from extract.layout import Cell, Hit, Row, Value, find_labels, norm, page_rows, union


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

    def labels(self, labels: list[str], min_score: float | None = None) -> list[Hit]:
        return find_labels(self.rows, labels, min_score)

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


def claim(
    field_name: str,
    value_type: ValueType,
    value: Any,
    confidence: float,
    evidence: list[Evidence],
) -> Claim:
    return Claim(
        field=field_name,
        value_type=value_type,
        value=value,
        confidence=max(0.0, min(1.0, round(confidence, 4))),
        evidence=evidence,
    )


def value_claim(view: PageView, field_name: str, value_type: ValueType, value: Any, found: Value, match: float = 1.0) -> Claim:
    """A claim read off the page: confidence = OCR confidence × how the value was found ×
    how well its label matched."""
    return claim(field_name, value_type, value, found.confidence * found.quality * match, [view.cell_evidence(found.cells)])


@dataclass
class Found:
    """A value located by pattern in the page text rather than by label."""

    text: str
    cells: list[Cell] = field(default_factory=list)
    confidence: float = 1.0


def search_rows(view: PageView, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], Row]]:
    out = []
    for row in view.rows:
        for m in pattern.finditer(row.string):
            out.append((m, row))
    return out


def match_evidence(view: PageView, row: Row, m: re.Match[str], group: int | str = 0) -> tuple[Evidence, float]:
    cells = row.span(m.start(group), m.end(group)) or row.cells
    return view.cell_evidence(cells), min(c.confidence for c in cells)


def full_text(doc: Document) -> str:
    """The whole document as rows of normalised text, one row per line."""
    return "\n".join(row.string for v in views(doc) for row in v.rows)


__all__ = ["PageView", "views", "claim", "value_claim", "tag_evidence", "first_tag", "search_rows", "match_evidence", "norm", "full_text"]
