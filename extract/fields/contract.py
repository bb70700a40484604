"""Contract (合同 / 协议) fields: number, title, parties, signing date, amount, term, subject."""
from __future__ import annotations

import re

from core.models import Claim, Document, Flag, ValueType
from extract.fields.base import COMPANY, DATE_TEXT, PageView, claim, company, first_match, flag_words_figures, labelled, money, views
from extract.normalise import find_dates, parse_date

LABELS = (
    "合同编号", "合同号", "项目名称", "服务内容", "合同标的", "甲方", "乙方", "签订日期", "签订地点", "合同金额",
    "合同总金额", "服务期限", "合同期限", "有效期", "法定代表人", "地址", "联系人", "电话", "开户行", "账号",
)
# With the colon: "甲方应于…" in the clauses is prose, "甲方：…" at the head names the party.
_A, _B = ("甲方", "委托方", "需方", "买方", "采购方", "发包方"), ("乙方", "受托方", "供方", "卖方", "服务方", "承接方", "承包方")


def _party_labels(names: tuple[str, ...]) -> list[str]:
    """甲方 / 甲方（委托方） / 委托方（甲方）, each with its colon: "甲方应于…" in the clauses is
    prose, "甲方：…" at the head names the party."""
    main, *roles = names
    return [f"{x}:" for x in (main, *roles, *(f"{main}({r})" for r in roles), *(f"{r}({main})" for r in roles))]


PARTY_A, PARTY_B = _party_labels(_A), _party_labels(_B)
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/〔〕\[\]()（）]{3,39}")
_TITLE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9（）()《》\-]{2,40}(?:合同书|合同|协议书|协议)$")
_TERM = re.compile(r"(?:服务期限?|合同期限?|有效期限?|履行期限?|租赁期限?|期限)[^。；;]{0,60}")
# A seal printed over a date: OCR reads the seal's words right after it ("2021年3月2日专用章").
_SEALED = re.compile(r"(?:专用章|合同章|公章|印章)")
_SIGNED = re.compile(r"(?:签订|签署|签约)(?:日期|时间)[:：]?(.{6,16})")
_AMOUNT = re.compile(r"(?:合同总金额|合同总价|合同金额|总金额|合同价款|总价款|总价)[为是:：]?[^。；;]{0,60}")
# With the colon: "具体服务内容、配置清单…" in the clauses is prose.
_SUBJECT_LABELS = [f"{x}:" for x in ("合同标的", "项目名称", "服务内容", "服务名称", "产品名称", "标的")]
_SUBJECT = re.compile(r"(?:委托乙方|乙方向甲方|乙方为甲方|向甲方)(?:提供|开发|实施|建设|交付)(.{4,40}?)(?:事宜|[，。,;；])")


def _party(text: str) -> str | None:
    return company(text)


def _number(text: str) -> str | None:
    m = _NUMBER.match(text)
    return m.group() if m else None


def _title(pages: list[PageView]) -> Claim | None:
    for view in pages[:1]:
        for row in view.rows[:8]:
            for cell in row.cells:
                if _TITLE.match(cell.key):
                    return claim("title", ValueType.text, cell.key, cell.confidence * 0.95, [view.cell_evidence([cell])])
    return None


def _amount(pages: list[PageView]) -> Claim | None:
    got = labelled(pages, "total_amount", ["合同总金额", "合同总价", "合同金额", "总金额", "合同价款"], money, ValueType.money, LABELS)
    return flag_words_figures(got or first_match(pages, "total_amount", _AMOUNT, money, ValueType.money))


def _term(pages: list[PageView]) -> list[Claim]:
    for view in pages:
        for row in view.rows:
            for m in _TERM.finditer(row.string):
                dates = find_dates(m.group())
                if len(dates) >= 2:
                    cells = row.span(m.start(), m.end()) or row.cells
                    ev = view.cell_evidence(cells)
                    conf = min(c.confidence for c in cells) * 0.95
                    return [
                        claim("term_start", ValueType.date, dates[0][0], conf, [ev]),
                        claim("term_end", ValueType.date, dates[1][0], conf, [ev]),
                    ]
    return []


def _signing_date(pages: list[PageView]) -> Claim | None:
    got = first_match(pages, "signing_date", _SIGNED, parse_date, ValueType.date, group=1, quality=1.0)
    if got and _SEALED.search(got.evidence[0].text):
        # OCR reads the seal's words into the date ("2021年9月1含同专用章" for the 13th): the
        # day is not to be trusted, and a wrong date is worse than none
        got = None
    if got or any(view.labels(["签订日期", "签署日期", "签约日期"]) for view in pages):
        return got  # a 签订日期 under a seal is unreadable: better no value than a wrong one
    # Otherwise the date beside the signatures: the last date on the last pages.
    return first_match(pages[-1:], "signing_date", DATE_TEXT, parse_date, ValueType.date, quality=0.7, last=True)


def _subject(pages: list[PageView]) -> Claim | None:
    got = labelled(pages, "subject", _SUBJECT_LABELS, lambda t: t.strip(":：。") or None, ValueType.text, LABELS, min_score=0.85)
    return got or first_match(pages, "subject", _SUBJECT, lambda t: t.strip() or None, ValueType.text, group=1)


def _second_party(pages: list[PageView], first: Claim | None) -> Claim | None:
    """乙方's label lost under a seal: the head of the contract lists both parties, so a row
    below 甲方's that is nothing but a company name is 乙方 — said so on the claim."""
    if first is None or not pages:
        return None
    view = pages[0]
    below = [r for r in view.rows if first.evidence[0].box and r.box.y0 > first.evidence[0].box.y1]
    for row in below:
        if row.string.startswith(("根据", "鉴于", "第一条", "一、")):
            break
        if len(row.cells) == 1 and COMPANY.fullmatch(row.string) and row.string != first.value:
            c = claim("party_b", ValueType.text, row.string, row.cells[0].confidence * 0.6, [view.cell_evidence(row.cells)])
            c.flags.append(Flag(code="label_unread", severity="info", message="乙方's label could not be read; taken as the second party named at the head"))
            return c
    return None


def extract_contract(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    party_a = labelled(pages, "party_a", PARTY_A, _party, ValueType.text, LABELS, min_score=0.85)
    found = [
        labelled(pages, "contract_number", ["合同编号", "合同号", "编号"], _number, ValueType.text, LABELS),
        _title(pages),
        party_a,
        labelled(pages, "party_b", PARTY_B, _party, ValueType.text, LABELS, min_score=0.85) or _second_party(pages, party_a),
        _signing_date(pages),
        _amount(pages),
        *_term(pages),
        _subject(pages),
    ]
    return [c for c in found if c is not None]
