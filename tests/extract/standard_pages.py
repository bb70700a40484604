"""Pages built from the real wording in tests/extract/data/standards/ (see its README)."""
from __future__ import annotations

from pathlib import Path

from core.models import Document, Page
from tests.extract.builders import OCR, document, line, page, text_width

DATA = Path(__file__).parent / "data" / "standards"
COLUMNS = {"序号": 40, "标准编号": 80, "标准名称": 210, "代替标准号": 560, "实施日期": 700}


def text_page(name: str, table: str | None = None, number: int = 1, height: float = 14, ocr: bool = False) -> Page:
    """Each line of `name` a line of the page (a tab separates cells); then the table of
    `table` (a .tsv whose header names its columns) under it, at the columns' places."""
    lines, y = [], 60.0
    for text in (DATA / name).read_text(encoding="utf-8").splitlines():
        x = 60.0
        for cell in text.split("\t"):
            if cell:
                lines.append(line(cell, x, y, height))
            x += text_width(cell, height) + 6 * height
        y += height * 1.8
    if table:
        rows = [r.split("\t") for r in (DATA / table).read_text(encoding="utf-8").splitlines()]
        xs = [COLUMNS[h] for h in rows[0]]
        for row in rows:
            y += 12 * 2.2
            lines += [line(cell, x, y, 12) for cell, x in zip(row, xs) if cell]
    return page(lines, number=number, width=820, height=y + 80, source=OCR if ocr else page([]).source)


def doc_of(*pages: Page, name: str = "notice.pdf") -> Document:
    return document(*pages, name=name)
