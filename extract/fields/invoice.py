"""VAT invoice fields (专票 / 普票 / 电子普通发票 / 数电票) from tags first, then the layout.

Old layouts put the 购买方 block above the 销售方 block; the 数电票 layout puts them side by
side (left = buyer). Labels and values may share a box ("纳税人识别号：410305…") or not
("纳税人识别号：" then "410305012345678" to the right), which layout.value_after handles.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Callable

from core.models import Box, Claim, Document, Flag, LineItem, ValueType
from extract.fields.base import PageView, claim, first_tag, labelled, span_claim, tag_evidence, value_claim, views
from extract.layout import COLON, Cell, Hit, Row, Value, header_columns, join_rows, nearest_column, norm, same_row, value_after
from extract.normalise import (
    fix_ocr_digits,
    normalise_invoice_code,
    normalise_invoice_number,
    normalise_tax_id,
    parse_date,
    parse_money,
    parse_money_words,
)

# Every label an invoice prints; a candidate value starting with one of these is not a value.
LABELS = (
    "发票代码", "发票号码", "开票日期", "机器编号", "校验码", "名称", "纳税人识别号", "统一社会信用代码",
    "地址、电话", "地址", "开户行及账号", "开户行及帐号", "密码区", "价税合计", "合计", "备注", "收款人",
    "复核", "开票人", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额", "购买方", "销售方",
)
NAME_LABELS = ["名称", "称:"]
TAX_ID_LABELS = ["统一社会信用代码/纳税人识别号", "纳税人识别号", "统一社会信用代码", "识别号"]
HEADER = {
    "name": ["货物或应税劳务、服务名称", "货物或应税劳务名称", "项目名称", "服务名称"],
    "spec": ["规格型号"],
    "unit": ["单位"],
    "quantity": ["数量"],
    "unit_price": ["单价"],
    "amount": ["金额"],
    "tax_rate": ["税率/征收率", "税率", "征收率"],
    "tax": ["税额"],
}
TAG_FIELDS: list[tuple[str, ValueType, tuple[str, ...]]] = [
    ("invoice_code", ValueType.text, ("InvoiceCode", "发票代码")),
    ("invoice_number", ValueType.text, ("InvoiceNo", "发票号码")),
    ("issue_date", ValueType.date, ("IssueDate", "开票日期")),
    ("buyer_name", ValueType.text, ("BuyerName", "购买方名称")),
    ("buyer_tax_id", ValueType.text, ("BuyerTaxID", "购买方纳税人识别号")),
    ("seller_name", ValueType.text, ("SellerName", "销售方名称")),
    ("seller_tax_id", ValueType.text, ("SellerTaxID", "销售方纳税人识别号")),
    ("amount_excl_tax", ValueType.money, ("TaxExclusiveTotalAmount", "合计金额")),
    ("tax_amount", ValueType.money, ("TaxTotalAmount", "合计税额")),
    ("total_amount", ValueType.money, ("TaxInclusiveTotalAmount", "价税合计")),
    ("total_amount_words", ValueType.money, ("TaxInclusiveTotalAmountInWords",)),
]
# Values printed QR codes carry; used only when neither tags nor the page give the field.
QR_FIELDS = {
    "invoice_code": "qr.invoice_code",
    "invoice_number": "qr.invoice_number",
    "issue_date": "qr.issue_date",
    "amount_excl_tax": "qr.amount_excl_tax",
    "total_amount": "qr.total_amount",
}
TAG_CONFIDENCE = 0.99
_RATE = re.compile(r"^(?:\d{1,2}(?:\.\d+)?%|免税|不征税|零税率|出口退税)$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_STARS = re.compile(r"^[*＊]{2,}$")
_AMOUNT_RATE = re.compile(r"^(-?\d+\.\d{2})(\d{1,2}%|免税|不征税)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PRINTED_TOTAL = re.compile(r"[¥￥羊Y]\s*\d|\d[.,，]\d\d(?!\d)")  # a 价税合计（小写） figure: its ¥, or its fen
# Units of measure a 单位 column holds; a token among these is the unit wherever OCR put it.
UNITS = frozenset("年 月 日 天 台 个 次 套 项 件 份 批 米 吨 张 本 箱 组 式 只 把 根 块 条 瓶 包 盒 辆 人 部 户 页 宗 千克 公斤 小时 人天 人月 平方米 立方米 kg KG GB TB".split())
_NAME_JUNK = re.compile(r"[<>*+=]")


# --------------------------------------------------------------------------- value parsers


def _parse(value_type: ValueType, text: str, words: bool = False):
    if value_type == ValueType.money:
        return parse_money_words(text) if words else parse_money(text)
    if value_type == ValueType.date:
        return parse_date(text) or _compact_date(text)
    return text.strip()


def _compact_date(text: str) -> date | None:
    """"20190508" — 开票日期 as some e-invoice renderers print it."""
    m = re.search(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)", fix_ocr_digits(norm(text)))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _tax_id(text: str) -> str | None:
    """The tax id at the start of `text`; a text-layer row may run it into the cipher block,
    so the longest valid-looking prefix wins (18-char credit code, else 15/17/20)."""
    text = fix_ocr_digits(norm(text)).upper()
    m = re.match(r"[0-9A-Z]{15,20}", text)
    if not m:
        return None
    run = m.group()
    for n in (18, 20, 17, 15):
        if len(run) >= n:
            got = normalise_tax_id(run[:n])
            if got and (len(run) == n or n == 18):
                return got
    return normalise_tax_id(run)


def _party_name(text: str) -> str | None:
    text = _NAME_JUNK.split(text)[0].strip(COLON + " ")
    if len(text) < 2 or not (_CJK.search(text) or re.search(r"[A-Za-z]{3}", text)):
        return None
    if any(text.startswith(norm(lab)) for lab in LABELS):
        return None
    return text


# --------------------------------------------------------------------------- the page


class InvoicePage:
    """One invoice page read through its layout."""

    def __init__(self, view: PageView):
        self.view = view
        self.rows = view.rows
        self.header = self._header_row()

    def _header_row(self) -> Row | None:
        best, best_n = None, 2
        for row in self.rows:
            n = len(header_columns(row, HEADER))
            if n > best_n:
                best, best_n = row, n
        return best

    def _total_row(self) -> Row | None:
        """The 合计 row under the items, its label and its ¥ figures as one row. The label is
        letter-spaced: OCR reads it as one tall box or as single glyphs, on a photo at heights of
        their own, or drops one, so it may make a row apart from the figures'; the row of ¥
        figures just above 价税合计 is then the total row, with the label's pieces joined to it."""
        below = [r for r in self.rows if not (self.header and r.box.cy <= self.header.box.y1)]
        for row in below:
            if _is_total_label(row) and _figures(row.string):
                return row
        pieces, figures = [], None
        for row in below:
            if "价税合计" in row.string or "大写" in row.string:
                break
            if _is_total_label(row):
                pieces.append(row)
            else:
                figures = row
        if figures is not None and re.match(r"^[合计]?[¥￥羊Y]", figures.string) and "小写" not in figures.string:
            return reduce(join_rows, sorted([*pieces, figures], key=lambda r: r.box.x0))
        return pieces[0] if pieces else None  # the label alone: no figures, but the items end there

    def labelled(self, field: str, labels: list[str], accept: Callable[[str], object], value_type: ValueType) -> Claim | None:
        return labelled([self.view], field, labels, accept, value_type, LABELS)

    # ---------------------------------------------------------------- codes and date

    def code(self) -> Claim | None:
        # a run of 18/20 digits is split only after the exact label: "发票号码" is one
        # character from "发票代码", and a 数电票's 20-digit number is no code and number
        got = labelled([self.view], "invoice_code", ["发票代码"], lambda t: _code_number(t, split=True)[0], ValueType.text, LABELS, 1.0)
        got = got or self.labelled("invoice_code", ["发票代码"], lambda t: _code_number(t)[0], ValueType.text)
        return got or self._unlabelled_digits("invoice_code", (10, 12))

    def number(self) -> Claim | None:
        def number(t: str) -> str | None:
            return _code_number(t, number_label=True)[1]

        got = (labelled([self.view], "invoice_number", ["发票号码"], number, ValueType.text, LABELS, 1.0)
               # "发票代码 发票号码" printed as one line: both values follow the code's label
               or labelled([self.view], "invoice_number", ["发票代码"], lambda t: _code_number(t, split=True)[1], ValueType.text, LABELS, 1.0)
               or self.labelled("invoice_number", ["发票号码"], number, ValueType.text))
        if got:
            return got
        for row in self._top_rows():
            for cell in row.cells:
                m = re.search(r"N[oO0º°]\.?:?(\d{8}|\d{20})(?!\d)", fix_ocr_digits(cell.key))
                if m:  # fix_ocr_digits keeps the length: the number's own glyphs are where it matched
                    return value_claim(self.view, "invoice_number", ValueType.text, m.group(1), Value.of([cell], 0.95),
                                       part=cell.key[m.start(1):m.end(1)])
        return self._unlabelled_digits("invoice_number", (8, 20))

    def _top_rows(self) -> list[Row]:
        limit = self.header.box.y0 if self.header else self.view.page.height * 0.3
        return [r for r in self.rows if r.box.y1 <= limit]

    def _unlabelled_digits(self, field: str, lengths: tuple[int, ...]) -> Claim | None:
        """Old 专票 print the code and number without labels near the top: a box that is
        nothing but 10/12 (code) or 8 (number) digits. Printed twice → more confident, but not
        past a doubtful glyph in either copy."""
        seen: dict[str, list[Cell]] = {}
        for row in self._top_rows():
            for c in row.cells:
                digits = fix_ocr_digits(c.key)
                if digits.isdigit() and len(digits) in lengths:
                    seen.setdefault(digits, []).append(c)
        if not seen:
            return None
        value, cells = max(seen.items(), key=lambda kv: (len(kv[1]), -kv[1][0].box.y0))
        conf = min(c.confidence for c in cells) * (0.9 if len(cells) > 1 else 0.75)
        return claim(field, ValueType.text, value, conf, [self.view.cell_evidence(cells[:1])], Value.of(cells).glyphs())

    def issue_date(self) -> Claim | None:
        return self.labelled("issue_date", ["开票日期"], lambda t: parse_date(t) or _compact_date(t), ValueType.date)

    # ---------------------------------------------------------------- parties

    def parties(self) -> list[Claim]:
        out: list[Claim] = []
        for labels, accept, fields in (
            (NAME_LABELS, _party_name, ("buyer_name", "seller_name")),
            (TAX_ID_LABELS, _tax_id, ("buyer_tax_id", "seller_tax_id")),
        ):
            found = self._party_values(labels, accept)
            buyer, seller = self._split(found)
            for (hit, value), name in ((buyer, fields[0]), (seller, fields[1])):
                if value is not None:
                    out.append(value_claim(self.view, name, ValueType.text, accept(value.text), value, hit.score))
        return out

    def _party_values(self, labels: list[str], accept) -> list[tuple[Hit, Value | None]]:
        """Each label occurrence with its value (None when printed empty, e.g. a buyer who is
        a private person has no tax id): the position still tells buyer from seller."""
        out = []
        header_y = self.header.box if self.header else None
        remark = self._remark_box()
        for hit in self.view.labels(labels, repeated=True):  # buyer's and seller's, side by side on a 数电票
            if header_y and same_row(hit.box, header_y):
                continue  # 货物或应税劳务、服务名称 is a column, not a party
            if remark is not None and _inside_remark(hit.box, remark, header_y):
                continue  # a name or tax id written in 备注 (an agent's, a 代开 taxpayer's)
            before = hit.row.string[max(0, hit.start - 2) : hit.start]
            if before in ("服务", "项目", "劳务", "货物"):
                continue
            found = value_after(hit, self.rows, lambda t: accept(t) is not None, LABELS)
            out.append((hit, found))
        return out

    def _remark_box(self) -> Box | None:
        """The 备注 label (printed across, or 备 over 注 down the box's left edge)."""
        from extract.families import families

        labels = list(dict.fromkeys(w for fam in families("invoice") for w in fam.label("remark"))) or ["备注"]
        for hit in self.view.labels(labels):
            return hit.box
        for row in self.rows:
            for c in row.cells:
                if c.key.rstrip(":：") == "备":
                    return c.box
        return None

    def _side_by_side_x(self) -> float | None:
        """数电票 print 购买方信息 and 销售方信息 side by side; the seller block starts at the
        销售方 anchor (or mid-page when only the buyer's is read)."""
        for row in self.rows:
            if "购买方" in row.string and "销售方" in row.string:
                i = row.string.index("销售方")
                return row.span(i, i + 3)[0].box.x0
            if "购买方信息" in row.string or "销售方信息" in row.string:
                return self.view.page.width / 2
        return None

    def _split(self, found: list[tuple[Hit, Value | None]]):
        none = (None, None)
        if not found:
            return none, none
        split_x = self._side_by_side_x()
        if split_x is not None:
            left = [f for f in found if f[0].box.cx < split_x]
            right = [f for f in found if f[0].box.cx >= split_x]
            return (left[0] if left else none), (right[0] if right else none)
        # 数电票: both blocks on one row, buyer on the left.
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                side_by_side = a[0].row is b[0].row or same_row(a[0].box, b[0].box, 0.8)
                if side_by_side and abs(a[0].box.cx - b[0].box.cx) > self.view.page.width * 0.2:
                    left, right = sorted((a, b), key=lambda h: h[0].box.cx)
                    return left, right
        # Older layouts: buyer block above the item table, seller block below it.
        if self.header:
            above = [f for f in found if f[0].box.cy < self.header.box.cy]
            below = [f for f in found if f[0].box.cy > self.header.box.cy]
            return (above[0] if above else none), (below[0] if below else none)
        ordered = sorted(found, key=lambda f: f[0].box.cy)
        return ordered[0], (ordered[1] if len(ordered) > 1 else none)

    # ---------------------------------------------------------------- amounts

    def totals(self) -> list[Claim]:
        out: list[Claim] = []
        total_row = self._total_row()
        if total_row is not None:
            out.extend(self._total_row_claims(total_row))
        # figures only: "(小写)" is one character from "(大写)", whose words are no 小写 total (and
        # whose row a photo's tilt may give the 合计 figures: the label as printed comes first); and
        # printed as a total is (its ¥ or its fen): a seal's glyphs read between the label and its
        # figure send the search below it, where a piece of the seal's credit code is no total
        def figures(t: str):
            return parse_money(t) if _PRINTED_TOTAL.search(t) else None

        small = (labelled([self.view], "total_amount", ["(小写)", "小写"], figures, ValueType.money, LABELS, 1.0)
                 or self.labelled("total_amount", ["(小写)", "小写"], figures, ValueType.money))
        if small is None:
            small = self._money_in_row("价税合计", "total_amount", last=True)
            if small is not None and not re.search(r"\d", small.evidence[0].text):
                small = None  # only the 大写 words were read: extract_invoice says so
        if small:
            out.append(small)
        words = self._words()
        if words:
            out.append(words)
        return out

    def _total_row_claims(self, row: Row) -> list[Claim]:
        s = row.string
        moneys = _figures(s)
        stars = re.search(r"[*＊]{3,}", s)
        out = []
        if moneys:
            v, a, b = moneys[0]
            out.append(self._span_claim(row, a, b, "amount_excl_tax", v))
        if len(moneys) >= 2:
            v, a, b = moneys[-1]
            out.append(self._span_claim(row, a, b, "tax_amount", v))
        elif moneys and stars:
            # 免税: the tax column is printed as *** and the tax is nil
            out.append(self._span_claim(row, stars.start(), stars.end(), "tax_amount", Decimal("0.00"), 0.9))
        return out

    def _span_claim(self, row: Row, a: int, b: int, field: str, value, quality: float = 1.0) -> Claim:
        return span_claim(self.view, row, a, b, field, ValueType.money, value, quality)

    def _money_in_row(self, anchor: str, field: str, last: bool) -> Claim | None:
        from extract.normalise import find_money

        for row in self.rows:
            if anchor in row.string:
                moneys = [(v, a, b) for v, a, b in find_money(row.string) if not _in_words(row.string[a:b])]
                if moneys:
                    v, a, b = moneys[-1] if last else moneys[0]
                    return self._span_claim(row, a, b, field, v, 0.9)
        return None

    def _words(self) -> Claim | None:
        anchors = [row for row in self.rows if "大写" in row.string or "价税合计" in row.string]
        for row in anchors:
            for cell in row.cells:
                text = re.sub(r"价税合计|[(（]?大写[)）]?", "", cell.key)
                text = re.split(r"[(（]?小写|[¥￥]", text)[0]  # the figures OCR ran into the words' box
                if not _in_words(text):
                    continue
                value = parse_money_words(text)
                if value is not None:  # judged by the words' glyphs, not the label's or the figures'
                    return value_claim(self.view, "total_amount_words", ValueType.money, value, Value.of([cell]), part=text)
        return self._words_apart(anchors)

    def _words_apart(self, anchors: list[Row]) -> Claim | None:
        """The 大写 words OCR read as a line of their own (a photo's tilt, a line the label's row
        did not take in): a box of nothing but an amount in words, the nearest to the 价税合计
        label's row within three of its heights; without the label, the only such box under the
        items."""
        def apart(c: Cell) -> float:
            return min((abs(c.box.cy - a.box.cy) / max(a.box.height, 1.0) for a in anchors), default=0.0)

        top = self.header.box.y1 if self.header else 0.0
        boxes = [c for row in self.rows if row.box.cy > top for c in row.cells if _WORDS_ONLY.fullmatch(_WORD_MARKS.sub("", c.key))]
        found = [(c, v) for c in boxes if apart(c) <= 3 and (v := parse_money_words(c.key)) is not None]
        if not found or (not anchors and len({v for _, v in found}) > 1):
            return None
        cell, value = min(found, key=lambda cv: apart(cv[0]))
        return value_claim(self.view, "total_amount_words", ValueType.money, value, Value.of([cell], 0.95))

    # ---------------------------------------------------------------- items

    def items(self) -> Claim | None:
        if self.header is None:
            return None
        columns = header_columns(self.header, HEADER)
        end = self._total_row()
        end_y = end.box.y0 if end else self.view.page.height
        items: list[LineItem] = []
        cells_used: list[Cell] = []
        rows = [r for r in self.rows if self.header.box.y1 < r.box.cy < end_y]
        spec_x = _spec_edge(rows, columns)
        for row in rows:
            item = _parse_item_row(_split_name_spec(row, spec_x), columns)
            if item is not None:
                items.append(item)
                cells_used.extend(row.cells)
            elif items and row.cells and all(not _NUMBER.match(t) for c in row.cells for t in c.text.split()):
                # a wrapped item name continues on the next row
                items[-1].name += "".join(c.key for c in row.cells if nearest_column(c, columns) is None or nearest_column(c, columns).name == "name")
        if not items:
            return None
        conf = min(c.confidence for c in cells_used)
        return claim("items", ValueType.items, items, conf, [self.view.cell_evidence(cells_used)])


def _spec_edge(rows: list[Row], columns) -> float | None:
    """Where the 规格型号 column starts: the leftmost spec value that OCR read as a box of its
    own, else an estimate from the header (values start left of the centred header)."""
    edges = [c.box.x0 for r in rows for c in r.cells[1:] if (col := nearest_column(c, columns)) and col.name == "spec" and not _NUMBER.match(c.key)]
    if edges:
        return min(edges)
    spec = next((c for c in columns if c.name == "spec"), None)
    return spec.x0 - 0.3 * (spec.x1 - spec.x0) if spec else None


def _split_name_spec(row: Row, spec_x: float | None) -> Row:
    """OCR reads a name and the spec beside it as one box ("…订阅服务专业版V3.0"): cut the box
    where the spec column starts, placing characters by their width (CJK counts double)."""
    if spec_x is None or not row.cells or row.cells[0].words:
        return row
    first = row.cells[0]
    text = first.key
    widths = [2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text]
    total = sum(widths)
    per_unit = first.box.width / max(total, 1)
    if first.box.x1 - spec_x < 2 * per_unit:
        return row
    target = (spec_x - first.box.x0) / per_unit
    cuts, acc = [], 0
    for i, w in enumerate(widths):
        acc += w
        cuts.append((abs(acc - target), i + 1))
    _, at = min(cuts)
    if at < 4 or at >= len(text):
        return row
    x = first.box.x0 + sum(widths[:at]) * per_unit
    name = Cell(text[:at], Box(x0=first.box.x0, y0=first.box.y0, x1=x, y1=first.box.y1), first.confidence, first.page)
    spec = Cell(text[at:], Box(x0=x, y0=first.box.y0, x1=first.box.x1, y1=first.box.y1), first.confidence, first.page)
    return Row([name, spec, *row.cells[1:]])


def _inside_remark(box: Box, remark: Box, header: Box | None) -> bool:
    """备注 takes the form's width right of its label, from the label's height down (the
    数电票), or the seller block's height when it sits beside it, below the items (the old form)."""
    top = remark.y0 - 0.5 * remark.height
    if header is not None and header.cy < remark.y0:
        top = min(top, header.y1)
    return box.x0 >= remark.x0 - 0.5 * remark.height and box.cy >= top


def _is_total_label(row: Row) -> bool:
    """The 合计 label, or a piece of it read as a box of its own (合, 计)."""
    return ("合计" in row.string and "价税合计" not in row.string) or re.fullmatch(r"[合计]+", row.string) is not None


def _figures(text: str) -> list[tuple[Decimal, int, int]]:
    """The amounts in a row's text, not those written in words."""
    from extract.normalise import find_money

    return [(v, a, b) for v, a, b in find_money(text) if not _in_words(text[a:b])]


# a box that is an amount in words and nothing else (its ⊗ and 人民币 aside), with its 圆 or 角/分
_WORDS_ONLY = re.compile(r"[零〇壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[圆元][零〇壹贰叁肆伍陆柒捌玖拾佰仟万亿角分整正]*|"
                         r"[零〇壹贰叁肆伍陆柒捌玖]+[角分][零〇壹贰叁肆伍陆柒捌玖分整正]*")
_WORD_MARKS = re.compile(r"人民币|[⊗ⓧ⊕×:：()（）\s]")


def _in_words(text: str) -> bool:
    return bool(re.search(r"[壹贰叁肆伍陆柒捌玖拾佰仟万亿圆角分整]", text)) and not re.search(r"\d", text)


def _code_number(text: str, number_label: bool = False, split: bool = False) -> tuple[str | None, str | None]:
    """(发票代码, 发票号码) at the head of a value. On one line they come as
    "044031900211发票号码:37820761", "044031900211 37820761", or run together as 20 (12 + 8)
    or 18 (10 + 8) digits — which a 20-digit 数电票 number must not be taken for: only
    after a 发票代码 label (or before a 发票号码 one) is a run split."""
    t = fix_ocr_digits(norm(text))
    runs = re.findall(r"\d+", t)
    if not runs or not t.startswith(runs[0]):
        # no digits at the head: the first run of the right length, as printed elsewhere in the box
        return (None, normalise_invoice_number(t)) if number_label else (normalise_invoice_code(t), None)
    head = runs[0]
    if number_label:
        return None, normalise_invoice_number(head) if len(head) in (8, 20) else None
    if len(head) in (10, 12):
        rest = t[len(head):]
        m = re.match(r"(?:发票号码|号码|No)?[:：.]?(\d{8})(?!\d)", rest)
        return head, m.group(1) if m else None
    if split and len(head) in (18, 20):
        code, number = head[:-8], head[-8:]
        if normalise_invoice_code(code):
            return code, number
    return None, None


def _money_token(t: str) -> Decimal | None:
    t = t.lstrip("¥￥")
    if _STARS.match(t):
        return Decimal("0.00")
    return Decimal(t) if _NUMBER.match(t) else None


def _parse_item_row(row: Row, columns) -> LineItem | None:
    """An item row read from the right: … amount, rate, tax; before them price and quantity;
    the text before that is name, spec, unit (placed by header columns when they exist)."""
    tokens: list[tuple[str, Cell]] = []
    for c in row.cells:
        for t, box in c.tokens:
            piece = Cell(t, box, c.confidence, c.page)
            t = fix_ocr_digits(norm(t)) if re.search(r"\d", t) else norm(t)
            # OCR joins close columns: "113207.556%" is an amount and a rate
            joined = _AMOUNT_RATE.match(t)
            parts = [joined.group(1), joined.group(2)] if joined else [t]
            tokens.extend((p, piece) for p in parts)
    rate_at = next((i for i in range(len(tokens) - 1, -1, -1) if _RATE.match(tokens[i][0])), None)
    if rate_at is None or rate_at == 0:
        return None
    item = LineItem(tax_rate=tokens[rate_at][0])
    if rate_at + 1 < len(tokens):
        item.tax = _money_token(tokens[rate_at + 1][0])
    item.amount = _money_token(tokens[rate_at - 1][0])
    if item.amount is None:
        return None
    numbers: list[tuple[str, Cell]] = []
    i = rate_at - 2
    while i >= 0 and _NUMBER.match(tokens[i][0]) and len(numbers) < 2:
        numbers.insert(0, tokens[i])
        i -= 1
    text_tokens = tokens[: i + 1]
    if len(numbers) == 2:
        item.quantity, item.unit_price = Decimal(numbers[0][0]), Decimal(numbers[1][0])
    elif len(numbers) == 1:
        col = nearest_column(numbers[0][1], columns)
        if col is not None and col.name == "unit_price":
            item.unit_price = Decimal(numbers[0][0])
        else:
            item.quantity = Decimal(numbers[0][0])
    if not text_tokens:
        return None
    item.name = text_tokens[0][0]
    rest = text_tokens[1:]
    for t, c in rest:
        col = nearest_column(c, columns)
        name = col.name if col else None
        if t in UNITS or name == "unit" or (name not in ("spec", "name") and len(t) <= 2 and _CJK.search(t)):
            item.unit = t
        elif name == "name":
            item.name += t
        else:
            item.spec = t if item.spec is None else item.spec + t
    if item.spec is None and item.unit is None and len(rest) == 2:
        item.spec, item.unit = rest[0][0], rest[1][0]
    if item.quantity is None and item.unit_price and item.amount is not None:
        # OCR often drops a lone digit in the 数量 column; amount / price restores a whole count
        ratio = item.amount / item.unit_price
        if ratio == ratio.to_integral_value() and ratio > 0:
            item.quantity = ratio.quantize(Decimal(1))
    return item


# --------------------------------------------------------------------------- the document


def _tag_claims(doc: Document) -> dict[str, Claim]:
    out: dict[str, Claim] = {}
    for field, value_type, keys in TAG_FIELDS:
        got = first_tag(doc, *keys)
        if not got:
            continue
        page, key, raw = got
        value = _parse(value_type, raw, words=field == "total_amount_words")
        if field == "invoice_number":
            value = normalise_invoice_number(raw) or raw.strip()
        elif field == "invoice_code":
            value = normalise_invoice_code(raw) or raw.strip()
        elif field.endswith("tax_id"):
            value = normalise_tax_id(raw) or raw.strip()
        if value is None or value == "":
            continue
        out[field] = claim(field, value_type, value, TAG_CONFIDENCE, [tag_evidence(doc, page, key, raw)])
    items = _tag_items(doc)
    if items:
        out["items"] = items
    return out


def _tag_items(doc: Document) -> Claim | None:
    got = first_tag(doc, "Item")
    if not got:
        return None
    page, _, _ = got
    t = page.tags

    def col(key: str, i: int) -> str | None:
        values = t.get(key, [])
        return values[i] if i < len(values) else None

    def dec(key: str, i: int) -> Decimal | None:
        raw = col(key, i)
        if raw is None:
            return None
        raw = norm(raw).lstrip("¥￥")
        return Decimal(raw) if _NUMBER.match(raw) else None

    items = [
        LineItem(
            name=name,
            spec=col("Specification", i),
            unit=col("MeasurementDimension", i),
            quantity=dec("Quantity", i),
            unit_price=dec("Price", i),
            amount=dec("Amount", i),
            tax_rate=col("TaxScheme", i),
            tax=dec("TaxAmount", i),
        )
        for i, name in enumerate(t["Item"])
    ]
    return claim("items", ValueType.items, items, TAG_CONFIDENCE, [tag_evidence(doc, page, "Item", "; ".join(t["Item"]))])


def _qr_claims(doc: Document) -> dict[str, Claim]:
    out = {}
    for field, key in QR_FIELDS.items():
        got = first_tag(doc, key)
        if not got:
            continue
        page, _, raw = got
        value_type = ValueType.money if field in ("amount_excl_tax", "total_amount") else ValueType.date if field == "issue_date" else ValueType.text
        value = _parse(value_type, raw)
        if value:
            out[field] = claim(field, value_type, value, 0.95, [tag_evidence(doc, page, key, raw)])
    return out


def _layout_claims(doc: Document) -> dict[str, Claim]:
    out: dict[str, Claim] = {}
    for view in views(doc):
        if not view.page.lines:
            continue
        page = InvoicePage(view)
        found: list[Claim | None] = [page.code(), page.number(), page.issue_date(), *page.parties(), *page.totals(), page.items()]
        for c in found:
            if c is not None and c.field not in out:
                out[c.field] = c
    return out


def _total_from_words(claims: dict[str, Claim]) -> None:
    """价税合计 (小写) unread (a seal, a fold): the 大写 words state it too; taken from them,
    with less confidence, and said so."""
    words = claims.get("total_amount_words")
    if "total_amount" in claims or words is None:
        return
    c = claim("total_amount", ValueType.money, words.value, words.confidence * 0.8, list(words.evidence))
    c.flags.append(Flag(code="total_from_words", severity="info", message=f"价税合计（小写） not read; {words.value} taken from the 大写 words"))
    claims["total_amount"] = c


def _dai_kai(doc: Document, claims: dict[str, Claim]) -> None:
    """An invoice the tax office issued for a taxpayer (代开): the real seller is the one 备注
    names ("代开企业名称 …"), not the tax office printed in the 销售方 block or on the seal."""
    from extract.families import detect

    fam = detect("invoice", doc.text)
    if fam is None or fam.id != "dai_kai":
        return
    office = fam.regex["tax_office"]
    found: dict[str, Claim] = {}
    for view in views(doc):
        for row in view.rows:
            for field, key in (("seller_name", "remark_seller"), ("seller_tax_id", "remark_tax_id")):
                m = fam.regex[key].search(row.string)
                if m and field not in found:
                    value = normalise_tax_id(m.group(1)) if field == "seller_tax_id" else m.group(1)
                    if value:
                        found[field] = span_claim(view, row, m.start(1), m.end(1), field, ValueType.text, value, 0.9)
    seller = claims.get("seller_name")
    printed_office = seller is not None and office.fullmatch(seller.value or "") is not None
    for field, c in found.items():
        if field not in claims or printed_office:
            claims[field] = c
    message = ("代开: issued by the tax office; the seller is the taxpayer 备注 names" if found
               else "代开: issued by the tax office for the seller")
    for field in ("seller_name", "seller_tax_id"):
        if field in claims:
            claims[field].flags.append(Flag(code="dai_kai", severity="info", message=message))
    if printed_office and "seller_name" not in found:
        # only the tax office is named: that is not the seller, and no better name was read
        claims["seller_name"].flags.append(Flag(code="dai_kai_seller_unread", message="the seller block names the tax office, and 备注 names no taxpayer"))
        claims["seller_name"].confidence = round(claims["seller_name"].confidence * 0.5, 4)


def extract_invoice(doc: Document, subtype: str | None = None, kind_evidence: list | None = None) -> list[Claim]:
    claims = _layout_claims(doc)
    # Structured values outrank what was read off the picture of the same page.
    claims.update(_tag_claims(doc))
    for field, c in _qr_claims(doc).items():
        claims.setdefault(field, c)
    _total_from_words(claims)
    _dai_kai(doc, claims)
    if subtype:
        claims["invoice_kind"] = claim("invoice_kind", ValueType.text, subtype, 0.9, list(kind_evidence or [])[:2])
    order = ["invoice_kind"] + [f for f, _, _ in TAG_FIELDS] + ["items"]
    return sorted(claims.values(), key=lambda c: order.index(c.field) if c.field in order else len(order))
