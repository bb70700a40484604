"""Contract (合同 / 协议) fields: number, title, parties, signing date, amount, term, subject.

Which label names which party depends on the template (extract/families/contract/*.yaml):
甲方/乙方 decide the side wherever they are printed (甲（供）方, 委托方（甲方）, "…（以下简称甲方）");
a template that names only roles (供方/需方, 买方/卖方) lists its parties in the page's order."""
from __future__ import annotations

import re

from core.models import Claim, Document, Flag, ValueType
from extract.families import Family, detect, family
from extract.fields.base import (
    COMPANY, DATE_TEXT, PageView, claim, company, first_match, flag_words_figures, labelled, money, own_glyphs, span_claim,
    value_claim, views,
)
from extract.layout import Value, norm, value_after
from extract.normalise import find_dates, find_money, parse_date

NUMBER_LABELS = ("合同编号", "合同编码", "合同号", "协议编号", "编号")
LABELS = (
    "合同编号", "合同编码", "合同号", "项目名称", "服务内容", "合同标的", "甲方", "乙方", "签订日期", "签订地点", "合同金额",
    "合同总金额", "服务期限", "合同期限", "有效期", "法定代表人", "地址", "联系人", "电话", "开户行", "账号",
)
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/〔〕\[\]()（）]{3,39}")
_TITLE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9（）()《》\-]{2,40}(?:合同书|合同|协议书|协议)$")
_TERM = re.compile(r"(?:服务期限?|合同期限?|有效期限?|履行期限?|租赁期限?|期限)[^。；;]{0,60}")
_HEADING = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+条|\d+[、.．])?[\u4e00-\u9fff]{0,4}期限[:：]?")
# A seal printed over a date: OCR reads the seal's words right after it ("2021年3月2日专用章").
_SEALED = re.compile(r"(?:专用章|合同章|公章|印章)")
_SIGNED = re.compile(r"(?:签订|签署|签约)(?:日期|时间)[:：]?(.{6,16})")
# the head of many templates (技术秘密转让合同 among them): 本合同于2023年5月10日在广州市签订; the place
# may be left out (本协议于2025年5月21日签署). No punctuation between the date and the verb: "本合同于…
# 起生效，在…另行签订补充协议" is no signing. The document's own head only: a 补充协议 recalls
# "原合同于…在…签订", another contract's signing.
_SIGNED_IN = re.compile(r"(?<![原主前旧该])(?:合同|协议)书?于(?P<date>" + DATE_TEXT.pattern + r")(?:在(?P<place>[^，,。；;]{1,20}?))?(?:签订|签署|签约)")
# what a signature block's date row may hold besides its dates
_SIGNATURE_LABEL = re.compile(r"(?:签[字章署订约]|盖章)?(?:日期|时间)|[:：()（）]")
# a seal over the date, its words read after a date that is whole to its 日 ("2020年3月13日合同专用章")
_SEAL_AFTER_DAY = re.compile(r"(?<=日)(?:合同|业务|财务)?(?:专用章|公章|印章)$")
_AMOUNT = re.compile(r"(?:合同总金额|合同总价|合同金额|总金额|合同价款|总价款|总价|(?:服务|咨询|开发|转让|使用|技术)费用?总额|报酬总额)[为是:：]?[^。；;]{0,60}")
# The 技术合同示范文本's payment article: "第四条 甲方向乙方支付技术服务报酬及支付方式为：",
# "第六条 甲方应按以下方式支付研究开发经费和报酬：", "第四条 合同价款"
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百\d]+条")
_PAYMENT_ARTICLE = re.compile(r"^第[一二三四五六七八九十百\d]+条.{0,30}?(?:报酬|价款|经费|服务费|咨询费|使用费|转让费|总价|总金额)")
_SUBJECT = re.compile(r"(?:委托乙方|乙方向甲方|乙方为甲方|向甲方)(?:提供|开发|实施|建设|交付)(.{4,40}?)(?:事宜|[，。,;；])")


# "（甲方）" before the name (the 1990s 技术开发合同书: "委托方：（甲方）…"; a lease's "出租方：
# （以下简称甲方）…"), and what follows a name: "（以下简称甲方）", "（盖章）", a seal's words read into it.
_CALLED = r"(?:以下简称|以下称为|以下称|简称|下称|称为)"  # 以下称甲方 / 以下称为甲方 in the 技术服务 forms
_SIDE_FIRST = re.compile(rf"^[(（](?:{_CALLED}[“\"']?)?(?:甲方|乙方|甲|乙)[”\"']?[)）]")
_AFTER_NAME = re.compile(rf"[(（](?:{_CALLED}|甲方|乙方|盖章|签章|公章|签字|全称)")
_SEAL_WORDS = re.compile(r"(?:合同专用章|业务专用章|专用章|公章)+$")
_SHORT_FOR = re.compile(rf"[(（]{_CALLED}[“\"']?(甲|乙)方")


def _party(text: str) -> str | None:
    text = _SIDE_FIRST.sub("", text.strip(":："))
    m = _AFTER_NAME.search(text)
    return company(_SEAL_WORDS.sub("", text[: m.start()] if m else text))


def _number(text: str) -> str | None:
    m = _NUMBER.match(text)
    return m.group() if m else None


def _title(pages: list[PageView]) -> Claim | None:
    for view in pages[:1]:
        for row in view.rows[:8]:
            for cell in row.cells:
                if _TITLE.match(cell.key):
                    return value_claim(view, "title", ValueType.text, cell.key, Value.of([cell], 0.95))
    return None


def _amount(pages: list[PageView], fam: Family, stops: tuple[str, ...]) -> Claim | None:
    labels = fam.label("total_amount") or ["合同总金额", "合同总价", "合同金额", "总金额", "合同价款"]
    got = labelled(pages, "total_amount", labels, money, ValueType.money, stops)
    return flag_words_figures(got or first_match(pages, "total_amount", _AMOUNT, money, ValueType.money) or _payment_article(pages))


def _payment_article(pages: list[PageView]) -> Claim | None:
    """No label names the total: the largest sum the payment article states ("报酬及其支付方式：
    甲方支付乙方￥113175元", the sum on the line under the heading) — its instalments are
    parts of it. Read up to the next article."""
    best, inside = None, False
    for view, row in ((v, r) for v in pages for r in v.rows):
        if _ARTICLE.match(row.string):
            if inside and best is not None:
                break
            inside = bool(_PAYMENT_ARTICLE.match(row.string))
        for value, a, b in find_money(row.string) if inside else ():
            if best is None or value > best[0]:
                best = (value, view, row, a, b)
    if best is None:
        return None
    value, view, row, a, b = best
    return span_claim(view, row, a, b, "total_amount", ValueType.money, value, 0.8)


def _heading_alone(row) -> bool:
    """A term heading on a row of its own ("二、履约期限"); stray glyphs beside it (a seal's
    characters read as print, one or two to a cell) do not make it a sentence."""
    cells = list(row.cells)
    while len(cells) > 1 and len(cells[-1].key) <= 2:
        cells.pop()
    return bool(_HEADING.fullmatch("".join(c.key for c in cells)))


def _term(pages: list[PageView]) -> list[Claim]:
    for view in pages:
        for i, row in enumerate(view.rows):
            for m in _TERM.finditer(row.string):
                read, dates, at, cells = row, find_dates(m.group()), m.start(), row.span(m.start(), m.end()) or row.cells
                if len(dates) < 2 and _heading_alone(row) and i + 1 < len(view.rows):
                    # a heading alone ("二、履约期限"): the term is the next row's first sentence
                    read = view.rows[i + 1]
                    dates, at, cells = find_dates(re.split(r"[。；;]", read.string)[0]), 0, read.cells
                if len(dates) >= 2:
                    # each date judged by its own glyphs (find_dates keeps the text's length)
                    ev, conf = view.cell_evidence(cells), min(c.confidence for c in cells) * 0.95
                    return [claim(name, ValueType.date, day, conf, [ev], own_glyphs(read, at + a, at + b, day))
                            for name, (day, a, b) in zip(("term_start", "term_end"), dates)]
    return []


def _signing_date(pages: list[PageView], fam: Family) -> Claim | None:
    got = first_match(pages, "signing_date", _SIGNED, parse_date, ValueType.date, group=1, quality=1.0)
    # the sentence that says where as well is as good as a label; one that says only when is a fallback
    got = got or first_match(pages, "signing_date", _SIGNED_IN, _placed_date, ValueType.date, quality=1.0)
    if got is None and fam.label("signing_date"):
        got = labelled(pages, "signing_date", _colon(fam.label("signing_date")), parse_date, ValueType.date)
    if got and _SEALED.search(got.evidence[0].text):
        # OCR reads the seal's words into the date ("2021年9月1含同专用章" for the 13th): the
        # day is not to be trusted, and a wrong date is worse than none
        got = None
    if got or any(view.labels(["签订日期", "签署日期", "签约日期"]) for view in pages):
        return got  # a 签订日期 under a seal is unreadable: better no value than a wrong one
    return first_match(pages, "signing_date", _SIGNED_IN, parse_date, ValueType.date, group="date", quality=0.9) or _signature_date(pages)


def _placed_date(sentence: str):
    """The date of a 本合同于…在…签订 sentence that names its place."""
    m = _SIGNED_IN.match(sentence)
    return parse_date(m["date"]) if m and m["place"] else None


def _signature_date(pages: list[PageView]) -> Claim | None:
    """The date of the signature block: on the last page, the lowest box that holds nothing but a
    date, bare or behind a 日期 label (beside each party's name and seal). A date inside a
    clause — a payment deadline (于…日前支付), a term (自…起至…止) — is no signing date: none is
    better than that."""
    view = pages[-1] if pages else None
    for row in reversed(view.rows if view else []):
        for cell in row.cells:
            text = _SEAL_AFTER_DAY.sub("", cell.key)
            m = DATE_TEXT.search(text)
            day = parse_date(m.group()) if m and not _SIGNATURE_LABEL.sub("", DATE_TEXT.sub("", text)) else None
            if day:
                return value_claim(view, "signing_date", ValueType.date, day, Value.of([cell], 0.7))
    return None


def _subject(pages: list[PageView], fam: Family, stops: tuple[str, ...]) -> Claim | None:
    # with the colon: "具体服务内容、配置清单…" in the clauses is prose
    got = labelled(pages, "subject", _colon(fam.label("subject")), lambda t: t.strip(":：。") or None, ValueType.text, stops, min_score=0.85)
    got = got or _subject_in_table(pages, fam.label("subject_column"))
    return got or first_match(pages, "subject", _SUBJECT, lambda t: t.strip() or None, ValueType.text, group=1)


def _subject_in_table(pages: list[PageView], headers: list[str]) -> Claim | None:
    """A 标的 table (序号 | 标的名称 | 数量 …): the first item under the name column's header."""
    wanted = {norm(h) for h in headers}
    for view in pages:
        for row, below in zip(view.rows, view.rows[1:]):
            head = next((c for c in row.cells if c.key in wanted), None)
            if head is None or len(row.cells) < 3:
                continue
            under = [c for c in below.cells if min(c.box.x1, head.box.x1) > max(c.box.x0, head.box.x0)]
            cell = min(under, key=lambda c: abs(c.box.cx - head.box.cx), default=None)
            if cell is not None and re.search(r"[\u4e00-\u9fffA-Za-z]", cell.key):
                return claim("subject", ValueType.text, cell.key, cell.confidence * 0.9, [view.cell_evidence([head, cell])],
                             Value.of([cell]).glyphs())
    return None


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
            c = span_claim(view, row, 0, len(row.string), "party_b", ValueType.text, row.string, 0.6)
            c.flags.append(Flag(code="label_unread", severity="info", message="乙方's label could not be read; taken as the second party named at the head"))
            return c
    return None


def _family(doc: Document) -> Family:
    return detect("contract", doc.text) or family("contract", "generic")


def _colon(labels: list[str]) -> list[str]:
    """With the colon: "甲方应于…" in the clauses is prose, "甲方：…" at the head names the party."""
    return [f"{label}:" for label in labels]


def _side(c: Claim | None) -> str | None:
    """The side a "（以下简称甲方）" after the name gives, read off the claim's own text."""
    m = _SHORT_FOR.search(norm(c.evidence[0].text)) if c is not None and c.evidence else None
    return m and {"甲": "party_a", "乙": "party_b"}[m.group(1)]


def _by_roles(pages: list[PageView], fam: Family, stops: tuple[str, ...]) -> list[Claim]:
    """Parties labelled by role only (供方/需方, 买方/卖方), in the page's order, one per role."""
    found: list[Claim] = []
    for view in pages[:2]:
        for hit in view.labels(_colon(fam.label("parties")), min_score=1.0):
            got = value_after(hit, view.rows, lambda t: _party(t) is not None, stops)
            if got is None or any(hit.label == role for role, _ in found) or any(_party(got.text) == c.value for _, c in found):
                continue
            found.append((hit.label, value_claim(view, "party", ValueType.text, _party(got.text), got, hit.score)))
    return [c for _, c in found]


def _sided(pages: list[PageView], field: str, labels: list[str], stops: tuple[str, ...]) -> tuple[Claim | None, bool]:
    """(the party, whether its label matched exactly). Labels match exactly first: the other
    side's labels differ by one character (甲方/乙方, 发包人/承包人). A label with an OCR slip
    ("委托方(甲方〕") still counts when its 甲/乙 was read as this side's."""
    exact = labelled(pages, field, _colon(labels), _party, ValueType.text, stops, min_score=1.0)
    if exact is not None:
        return exact, True
    mark, other = ("甲", "乙") if field == "party_a" else ("乙", "甲")
    for view in pages:
        for hit in view.labels(_colon(labels), 0.85):
            read = hit.row.string[hit.start:hit.end]
            if other in read or (mark in hit.label and mark not in read):
                continue
            found = value_after(hit, view.rows, lambda t: _party(t) is not None, stops)
            if found is not None:
                return value_claim(view, field, ValueType.text, _party(found.text), found, hit.score), False
    return None, False


def _side_labels(fam: Family, side: str) -> list[str]:
    """The family's own labels, then every 甲方/乙方 form: 甲 and 乙 decide in any template."""
    mark = "甲" if side == "party_a" else "乙"
    generic = [lab for lab in family("contract", "generic").label(side) if mark in lab]
    return list(dict.fromkeys([*fam.label(side), *generic]))


def _parties(pages: list[PageView], fam: Family, stops: tuple[str, ...]) -> tuple[Claim | None, Claim | None]:
    (a, a_exact), (b, b_exact) = (_sided(pages, side, _side_labels(fam, side), stops) for side in ("party_a", "party_b"))
    if a is not None and b is not None and a.value == b.value:
        # one name under both labels: the loose match read the other side's label
        a, b = (a, None) if a_exact and not b_exact else (None, b) if b_exact and not a_exact else (a, None)
    if fam.labels.get("parties") and (a is None or b is None):
        listed = _by_roles(pages, fam, stops)
        sided = {_side(c): c for c in listed if _side(c)}
        unsided = [c for c in listed if not _side(c)]
        a = a or sided.get("party_a") or (unsided.pop(0) if unsided and "party_a" not in sided else None)
        b = b or sided.get("party_b") or (unsided.pop(0) if unsided else None)
        for c, name in ((a, "party_a"), (b, "party_b")):
            if c is not None:
                c.field = name
    return a, b


def extract_contract(doc: Document) -> list[Claim]:
    pages = [v for v in views(doc) if v.page.lines]
    fam = _family(doc)
    stops = tuple(dict.fromkeys([*LABELS, *(w for words in fam.labels.values() for w in words)]))
    party_a, party_b = _parties(pages, fam, stops)
    found = [
        labelled(pages, "contract_number", [*fam.label("contract_number"), *NUMBER_LABELS], _number, ValueType.text, stops),
        _title(pages),
        party_a,
        party_b or _second_party(pages, party_a),
        _signing_date(pages, fam),
        _amount(pages, fam, stops),
        *_term(pages),
        _subject(pages, fam, stops),
        _signing_place(pages, fam, stops),
    ]
    return [c for c in found if c is not None]


def _signing_place(pages: list[PageView], fam: Family, stops: tuple[str, ...]) -> Claim | None:
    got = labelled(pages, "signing_place", _colon(fam.label("signing_place")), _place, ValueType.text, stops) if fam.label("signing_place") else None
    return got or first_match(pages, "signing_place", _SIGNED_IN, _place, ValueType.text, group="place")


def _place(text: str | None) -> str | None:
    if not text:
        return None
    text = re.split(r"[，,。；;\s]|签订|有效期", text.strip(":："))[0]
    return text if 2 <= len(text) <= 30 and re.search(r"[\u4e00-\u9fff]", text) else None
