"""Cross-checks that flag claims a reviewer should look at. They never change a value.

Per document: figures add up, words match figures, ids carry valid check digits, the printed
QR code agrees with what was read. Per dossier: the buyer is the applicant, dates fall in the
policy window, and the same invoice is not claimed in two dossiers.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from core.models import Applicant, Box, Claim, DocType, Document, DocumentClaims, Evidence, Flag
from extract.fields.base import confirm, same_party, similar_name
from extract.fields.standards.unitnames import is_unit
from extract.seal_id import centre_ids
from extract.seal_name import verdict
from extract.normalise import (credit_code_valid, normalise_invoice_code, normalise_invoice_number, parse_date, parse_money,
                               parse_standard_code, standard_code_doubt)

CENT = Decimal("0.01")
DATE_FIELDS = ("issue_date", "signing_date", "publish_date", "implement_date", "verification_date", "established_date")
# Dates of what the subsidy pays for; a company founded before the policy is no concern.
WINDOW_FIELDS = ("issue_date", "signing_date", "publish_date", "implement_date", "verification_date")
ID_FIELDS = ("buyer_tax_id", "seller_tax_id", "credit_code")


def _flag(dc: DocumentClaims, claims: list[Claim | None], code: str, message: str, severity: str = "warning",
          *, document: bool = True) -> Flag:
    """The flag on each claim (once a code), and on the document too unless `document` is False:
    a doubt about one value that says nothing of the document as a whole (its kind, its sums)."""
    flag = Flag(code=code, severity=severity, message=message)
    for c in claims:
        if c is not None and all(f.code != code for f in c.flags):
            c.flags.append(flag)
    if document and all(f.message != message for f in dc.flags):
        dc.flags.append(flag)
    return flag


# --------------------------------------------------------------------------- one document


def check_sum(dc: DocumentClaims) -> None:
    excl, tax, total = dc.get("amount_excl_tax"), dc.get("tax_amount"), dc.get("total_amount")
    if excl is None or tax is None or total is None:
        return
    if abs(excl.value + tax.value - total.value) > CENT:
        _flag(dc, [excl, tax, total], "sum_mismatch",
              f"金额 {excl.value} + 税额 {tax.value} = {excl.value + tax.value}, but 价税合计 reads {total.value}")
    else:
        confirm(excl, tax, total)


def check_words(dc: DocumentClaims) -> None:
    words, total = dc.get("total_amount_words"), dc.get("total_amount")
    if words is None or total is None:
        return
    if words.value != total.value:
        _flag(dc, [words, total], "words_figures", f"价税合计 in words reads {words.value}, in figures {total.value}")
    else:
        confirm(words, total)


def check_ids(dc: DocumentClaims) -> None:
    for field in ID_FIELDS:
        c = dc.get(field)
        if c is None or not isinstance(c.value, str):
            continue
        code = c.value.upper()
        # 18 characters is a 统一社会信用代码, which carries a check character; older
        # 15/17/20-character tax ids carry none.
        if len(code) == 18 and not credit_code_valid(code):
            _flag(dc, [c], "check_digit", f"{field} {code}: the check character does not match (misread, or not a real code)")


def check_standard_codes(dc: DocumentClaims) -> None:
    """A standard's code that no published standard could have (no year, a number too long, a
    prefix no level knows) was misread: the code, and the list that holds it, go to a reviewer."""
    code = dc.get("standard_code")
    if code is not None and isinstance(code.value, str):
        sc = parse_standard_code(code.value)
        doubt = standard_code_doubt(sc) if sc else f"{code.value}: not a standard code"
        if doubt:
            _flag(dc, [code], "code_pattern", doubt)
    listed = dc.get("standards")
    if listed is not None and isinstance(listed.value, list):
        doubts = [d for e in listed.value if e.code and (sc := parse_standard_code(e.code)) and (d := standard_code_doubt(sc))]
        if doubts:
            _flag(dc, [listed], "code_pattern", "; ".join(doubts))


def check_one_box_two_dates(dc: DocumentClaims) -> None:
    """Two dates of different meaning (发布 and 实施) read off the same box: the box holds one
    date, so one of them was taken from the wrong column or row."""
    seen: dict[tuple, Claim] = {}
    for field in DATE_FIELDS:
        c = dc.get(field)
        ev = c.evidence[0] if c is not None and c.evidence else None
        if ev is None or ev.box is None:
            continue
        where = (ev.page, ev.box.x0, ev.box.y0, ev.box.x1, ev.box.y1)
        other = seen.setdefault(where, c)
        if other is not c:
            _flag(dc, [other, c], "one_box_two_dates", f"{other.field} and {field} were both read from '{ev.text}'")


_QR = {
    "invoice_number": ("qr.invoice_number", normalise_invoice_number),
    "invoice_code": ("qr.invoice_code", normalise_invoice_code),
    "amount_excl_tax": ("qr.amount_excl_tax", parse_money),
    "total_amount": ("qr.total_amount", parse_money),  # a 数电票's QR states 价税合计 (ingest.qr)
    "issue_date": ("qr.issue_date", parse_date),
}
# QR kinds of the 数电纸质发票 (ingest.qr): two numbers on one invoice, the paper's 8 digits and
# the 20-digit 数电发票号码
_PAPER_SHUDIAN_KINDS = frozenset({"85", "86"})


def check_qr(dc: DocumentClaims, doc: Document) -> None:
    """The QR code printed on an invoice states number, code, amount and date; a page read
    that disagrees is either misread or the QR belongs to another invoice."""
    for field, (key, parse) in _QR.items():
        c = dc.get(field)
        if c is None:
            continue
        for page in doc.pages:
            for raw in page.tags.get(key, []):
                qr_value = parse(raw)
                if qr_value is not None and qr_value != c.value and not _other_number(field, qr_value, c.value, page):
                    _flag(dc, [c], "qr_mismatch", f"{field}: page reads {c.value}, QR code says {qr_value}")
                elif qr_value == c.value and c.evidence and c.evidence[0].source != "qr":
                    confirm(c)


def _other_number(field: str, qr_value, read, page) -> bool:
    """A 数电纸质发票 prints two numbers, the paper's and its 数电发票号码; its QR may carry the one
    not read as invoice_number: it agrees when the page prints that number too. Only the other
    number (8 digits against 20): the paper's number is printed twice, and one copy misread
    must still disagree with the QR code."""
    if field != "invoice_number" or not _PAPER_SHUDIAN_KINDS & set(page.tags.get("qr.invoice_kind", [])):
        return False
    if len(str(qr_value)) == len(str(read)):
        return False
    return any(re.search(rf"(?<!\d){qr_value}(?!\d)", re.sub(r"\s", "", ln.text)) for ln in page.lines)


def check_parts(dc: DocumentClaims, doc: Document) -> None:
    """Optional parts of the file (an OFD's tags, templates, attachments, signatures) that
    were broken or missing: the pages were read, but the reviewer should know what was not."""
    for page in doc.pages:
        for problem in page.tags.get("ofd.problem", []):  # ingest.ofd.PROBLEM_TAG
            # a part read after a repair is told, one skipped is to be looked at
            _flag(dc, [], "part_unreadable", f"OFD part skipped or repaired: {problem}", "info" if "repaired" in problem else "warning")


# A seller's name its own seal's ring reads a glyph or two otherwise, or a tax id its seal's
# middle prints otherwise, is as likely misread as right: it is given at most this confidence.
SEAL_DISAGREES_CONFIDENCE = 0.5
# A licence's name whose line goes on, past a stamp or seal, with what reads as the rest of a
# name: what was read is a piece of the name, given at most this confidence.
NAME_GOES_ON_CONFIDENCE = 0.5


def check_seal_name(dc: DocumentClaims, doc: Document) -> None:
    """The seller's name against the ring of its 发票专用章 (extract.seal_name): a name the
    ring's readings outvote is flagged, its confidence capped and the ring's reading put in its
    evidence. A ring that reads the name alike raises nothing: the same recogniser read both,
    and its slips between look-alike glyphs (峙 → 崎) fall the same way on the seal as on the
    line. Idempotent (re-run after a correction); a reviewer's value keeps its confidence."""
    name = dc.get("seller_name")
    if name is None or not isinstance(name.value, str) or not _read_off_a_picture(name):
        return  # an OFD's or XML's own SellerName is what the issuer wrote, not a reading to doubt
    said = verdict(name.value, doc.pages)
    if said is None or said.agrees:
        return
    _doubted_by_seal(dc, doc, name, said.page, said.seal.box, said.ring, "ring", "seal_name_disagrees",
                     f"seller_name reads «{name.value}», its 发票专用章's ring «{said.ring}» ({said.confidence:.2f}): a glyph is misread, on the page or on the seal")


def check_seal_tax_id(dc: DocumentClaims, doc: Document) -> None:
    """The seller's tax id against the credit code across its 发票专用章's middle
    (extract.seal_id): when a seal's code, its check character right, differs and no seal's
    agrees, the id is flagged, its confidence capped and the seal's line put in its evidence.
    A seal's code unread or misread says nothing, nor does a seal that is no 发票专用章 (an
    applicant's 公章 over the buyer's block, a tax office's 代开 seal). Idempotent; a reviewer's
    value keeps its confidence."""
    tax_id = dc.get("seller_tax_id")
    if tax_id is None or not isinstance(tax_id.value, str) or not _read_off_a_picture(tax_id):
        return
    seals = centre_ids(doc.pages)
    if not seals or any(s.code == tax_id.value.upper() for s in seals):
        return
    said = seals[0]
    _doubted_by_seal(dc, doc, tax_id, said.page, said.line.box, said.line.text, "centre", "seal_tax_id_disagrees",
                     f"seller_tax_id reads {tax_id.value}, its 发票专用章's middle {said.code}: one is misread, or the seal is another's")


def _doubted_by_seal(dc: DocumentClaims, doc: Document, c: Claim, page_number: int, box: Box, text: str, part: str,
                     code: str, message: str) -> None:
    """A value its own seal reads otherwise: flagged, its confidence capped (unless a reviewer
    gave it) and the seal's reading put in its evidence, once however often the check runs."""
    if not c.corrected:
        c.confidence = min(c.confidence, SEAL_DISAGREES_CONFIDENCE)
    page = next(p for p in doc.pages if p.number == page_number)
    seal = Evidence(document=doc.sha256, file_name=doc.original_name, page=page_number, box=box, text=text,
                    source=f"{page.source.label} seal {part}")
    if all(e.text != seal.text or e.box != seal.box for e in c.evidence):
        c.evidence.append(seal)
    _flag(dc, [c], code, message)


def _read_off_a_picture(c: Claim) -> bool:
    return bool(c.evidence) and (c.evidence[0].source or "").startswith("ocr:")


# The parties a document names: whoever buys, sells, contracts or is licensed.
PARTY_FIELDS = ("buyer_name", "seller_name", "party_a", "party_b", "company_name")
# Where a name cannot end: inside its legal form (…有限, …股份有限公, …有限责任), on the trade
# words the legal form follows (…工业科技, …信息技术: the line or box ended before 有限公司), on
# a 、 or a dash.
_CUT_END = re.compile(r"(?:有限|股份|责任|有限公|责任公|科技|技术|信息|实业|贸易|发展|网络|电子|软件|智能|数据|工程|建设|咨询|"
                      r"控股|投资|文化|传媒|物流|制造|设备|材料|医药|生物|能源|环保|通信|通讯|系统|[、，,\-—])$")


def cut_short(name: str) -> str | None:
    """Why a party's name as read ends before the name does (its last characters, or an
    unclosed bracket: 鲸数科技（北京), or None when it may be whole."""
    name = name.strip()
    opened = name.count("（") + name.count("(") - name.count("）") - name.count(")")
    if opened > 0:
        return "a bracket left open"
    end = _CUT_END.search(name)
    return f"«…{end.group()}»" if end else None


def _goes_on_beside(c: Claim, doc: Document) -> str | None:
    """On a licence: what reads beside a name that does not end as an organisation's, when that
    does (a stamp or a seal over the middle of the name split OCR's line there, and the name goes
    on past what was read). Not on an invoice, whose seller stands beside its buyer."""
    if not c.evidence or c.evidence[0].box is None or is_unit(c.value):
        return None
    ev = c.evidence[0]
    beside = [line.text for page in doc.pages if page.number == ev.page for line in page.lines
              if line.box != ev.box and line.box.x0 > ev.box.x0 and line.box.y0 < ev.box.cy < line.box.y1]
    return " ".join(beside) if any(is_unit(text) for text in beside) else None


def check_party_names(dc: DocumentClaims, doc: Document | None = None) -> None:
    """A party's name read off the page that stops where no name can (广州云栖工业科技, cut at the
    line's end before 有限公司) is a part of the name: a reviewer reads the rest. What an OFD's or
    XML's own tags say is what the issuer wrote, and a reviewer's value is theirs."""
    for field in PARTY_FIELDS:
        c = dc.get(field)
        if c is None or not isinstance(c.value, str) or c.corrected or not _read_off_a_page(c):
            continue
        if any(f.code == "name_cut" for f in c.flags):
            continue  # flagged already: the checks run again on a claim set after a correction
        beside = _goes_on_beside(c, doc) if doc is not None and dc.doc_type == DocType.business_licence else None
        if beside:
            # on the claim alone: a stamp over a licence's name doubts the name, not the document's kind
            c.confidence = min(c.confidence, NAME_GOES_ON_CONFIDENCE)
            _flag(dc, [c], "name_cut", f"{field}: {c.value!r} does not end as a name does; its line goes on with {beside!r}",
                  document=False)
            continue
        why = cut_short(c.value)
        if why:
            _flag(dc, [c], "name_cut", f"{field} «{c.value}» ends where a name cannot ({why}): the rest of the name was not read")


def _read_off_a_page(c: Claim) -> bool:
    source = (c.evidence[0].source or "") if c.evidence else ""
    return source.startswith("ocr:") or source == "text_layer"


def document_checks(dc: DocumentClaims, doc: Document | None = None) -> DocumentClaims:
    if doc is not None:
        check_parts(dc, doc)
    if dc.doc_type == DocType.invoice:
        check_sum(dc)
        check_words(dc)
        if doc is not None:
            check_qr(dc, doc)
            check_seal_name(dc, doc)
            check_seal_tax_id(dc, doc)
    check_ids(dc)
    check_party_names(dc, doc)
    check_standard_codes(dc)
    check_one_box_two_dates(dc)
    return dc


# --------------------------------------------------------------------------- the dossier


def check_buyer(dc: DocumentClaims, applicant: Applicant) -> None:
    if dc.doc_type != DocType.invoice or (not applicant.name and not applicant.credit_code):
        return
    name, tax_id = dc.get("buyer_name"), dc.get("buyer_tax_id")
    if name is None and tax_id is None:
        return
    if tax_id is not None and applicant.credit_code and tax_id.value.upper() == applicant.credit_code.upper():
        return
    if name is not None and same_party(name.value, applicant.name):
        return
    shown = " / ".join(str(c.value) for c in (name, tax_id) if c is not None)
    _flag(dc, [name, tax_id], "buyer_not_applicant", f"the invoice's buyer ({shown}) is not the applicant ({applicant.name or applicant.credit_code})")


def check_window(dc: DocumentClaims, window: tuple[date, date] | None) -> None:
    if window is None:
        return
    start, end = window
    for field in WINDOW_FIELDS:
        c = dc.get(field)
        if c is not None and isinstance(c.value, date) and not start <= c.value <= end:
            _flag(dc, [c], "outside_window", f"{field} {c.value} is outside the policy window {start} – {end}")


def invoice_key(dc: DocumentClaims) -> str | None:
    number = dc.value("invoice_number")
    if dc.doc_type != DocType.invoice or not number:
        return None
    return f"{dc.value('invoice_code') or ''}:{number}"


def check_duplicates(docs: list[DocumentClaims], dossier_id: str, seen_invoices: dict[str, str] | None) -> None:
    """The same invoice (code + number) twice in this dossier, or already in another one."""
    here: dict[str, DocumentClaims] = {}
    for dc in docs:
        key = invoice_key(dc)
        if key is None:
            continue
        claims = [dc.get("invoice_code"), dc.get("invoice_number")]
        if key in here and here[key].document != dc.document:
            _flag(dc, claims, "duplicate_invoice", f"invoice {key} is also {here[key].file_name} in this dossier", "error")
        here.setdefault(key, dc)
        other = (seen_invoices or {}).get(key)
        if other and other != dossier_id:
            _flag(dc, claims, "duplicate_invoice", f"invoice {key} was already claimed in dossier {other}", "error")


# Which id names which party on each kind of document.
_NAMED_BY = (("buyer_tax_id", "buyer_name"), ("seller_tax_id", "seller_name"), ("credit_code", "company_name"))


def check_names(docs: list[DocumentClaims], applicant: Applicant | None = None) -> None:
    """One taxpayer id is one registered name: two documents (or the applicant's declaration)
    that read the same id with names apart ("…长峙…" / "…长崎…", a photo's look-alike glyph) hold
    a misreading, and which one the page cannot tell — each such name is flagged, none changed."""
    readings: dict[str, list[tuple[DocumentClaims, Claim]]] = {}
    for dc in docs:
        for id_field, name_field in _NAMED_BY:
            tax_id, name = dc.get(id_field), dc.get(name_field)
            if tax_id is not None and name is not None and isinstance(tax_id.value, str) and isinstance(name.value, str):
                readings.setdefault(tax_id.value.upper(), []).append((dc, name))
    for tax_id, named in readings.items():
        said = [(n.value, dc.file_name) for dc, n in named]
        if applicant is not None and applicant.name and applicant.credit_code and applicant.credit_code.upper() == tax_id:
            said.append((applicant.name, "the applicant's declaration"))
        for dc, name in named:
            # a slip or two apart: the same name misread (names wholly apart are another matter)
            others = [f"«{v}» ({where})" for v, where in said if not same_party(v, name.value) and similar_name(v, name.value)]
            if others:
                _flag(dc, [name], "name_disagrees", f"«{name.value}» and {', '.join(others)} are read for one id {tax_id}: a name is misread")
