"""数电票 (全面数字化电子发票) XML → one Page of "label: value" lines plus tags.

The tax bureau's XML (EInvoice/Header, TaxSupervisionInfo, SellerInformation,
BuyerInformation, BasicInformation, IssuItemInformation, ...) has been issued in several
variants; elements are matched by local name, case-insensitively, wherever they sit, so
a missing wrapper or a renamed parent does not lose a field. Tags use ingest.tags keys.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from core.models import Box, Line, Page, ReadingSource
from ingest import tags as T
from ingest.safexml import UnsafeXml, parse_xml

LINE_HEIGHT = 18.0  # pt: the page is synthetic, one field a line
PAGE_WIDTH = 595.0

# element local names (lower-case) → (tag key, label shown on the line)
HEADER_FIELDS: dict[str, tuple[str, str]] = {
    "invoicenumber": (T.INVOICE_NO, "发票号码"),
    "invoiceno": (T.INVOICE_NO, "发票号码"),
    "eiid": (T.INVOICE_NO, "发票号码"),
    "invoicecode": (T.INVOICE_CODE, "发票代码"),
    "issuetime": (T.ISSUE_DATE, "开票日期"),
    "issuedate": (T.ISSUE_DATE, "开票日期"),
    "invoicetype": (T.INVOICE_TYPE, "发票种类"),
    "labelname": (T.INVOICE_TYPE, "发票种类"),
    "selleridnum": (T.SELLER_TAX_ID, "销售方纳税人识别号"),
    "sellertaxid": (T.SELLER_TAX_ID, "销售方纳税人识别号"),
    "sellertaxno": (T.SELLER_TAX_ID, "销售方纳税人识别号"),
    "sellername": (T.SELLER_NAME, "销售方名称"),
    "buyeridnum": (T.BUYER_TAX_ID, "购买方纳税人识别号"),
    "buyertaxid": (T.BUYER_TAX_ID, "购买方纳税人识别号"),
    "buyertaxno": (T.BUYER_TAX_ID, "购买方纳税人识别号"),
    "buyername": (T.BUYER_NAME, "购买方名称"),
    "totalamwithouttax": (T.AMOUNT_EXCL_TAX, "合计金额"),
    "totalamount": (T.AMOUNT_EXCL_TAX, "合计金额"),
    "totaltaxam": (T.TAX_AMOUNT, "合计税额"),
    "totaltaxamount": (T.TAX_AMOUNT, "合计税额"),
    "totaltax-includedamount": (T.TOTAL_AMOUNT, "价税合计"),
    "totaltaxincludedamount": (T.TOTAL_AMOUNT, "价税合计"),
    # the older e-invoices' original_invoice.xml (attached to their OFD) names the totals so
    "taxexclusivetotalamount": (T.AMOUNT_EXCL_TAX, "合计金额"),
    "taxtotalamount": (T.TAX_AMOUNT, "合计税额"),
    "taxinclusivetotalamount": (T.TOTAL_AMOUNT, "价税合计"),
    "totaltax-includedamountinchinese": (T.TOTAL_AMOUNT_WORDS, "价税合计（大写）"),
    "totaltaxincludedamountinchinese": (T.TOTAL_AMOUNT_WORDS, "价税合计（大写）"),
    "drawer": (T.CLERK, "开票人"),
    "invoiceclerk": (T.CLERK, "开票人"),
    "remark": (T.NOTE, "备注"),
    "note": (T.NOTE, "备注"),
}
ITEM_FIELDS: dict[str, tuple[str, str]] = {
    "itemname": (T.ITEM, "项目名称"),
    "item": (T.ITEM, "项目名称"),
    "specmod": (T.SPEC, "规格型号"),
    "specification": (T.SPEC, "规格型号"),
    "meaunits": (T.UNIT, "单位"),
    "measurementdimension": (T.UNIT, "单位"),
    "unit": (T.UNIT, "单位"),
    "quantity": (T.QUANTITY, "数量"),
    "unprice": (T.PRICE, "单价"),
    "unitprice": (T.PRICE, "单价"),
    "price": (T.PRICE, "单价"),
    "amount": (T.AMOUNT, "金额"),
    "taxrate": (T.TAX_RATE, "税率"),
    "taxscheme": (T.TAX_RATE, "税率"),
    "comtaxam": (T.ITEM_TAX, "税额"),
    "taxamount": (T.ITEM_TAX, "税额"),
}
ITEM_CONTAINERS = {"issuiteminformation", "itemlist", "item", "invoiceitem", "goodsinfo"}


class XmlInvoiceError(ValueError):
    pass


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _leaf_text(el: ET.Element) -> str | None:
    if len(el) == 0 and el.text and el.text.strip():
        return el.text.strip()
    return None


def parse(data: bytes, name: str = "invoice.xml") -> ET.Element:
    try:
        return parse_xml(data)
    except UnsafeXml as exc:
        raise XmlInvoiceError(f"{name}: {exc}") from exc
    except ET.ParseError as exc:
        raise XmlInvoiceError(f"{name}: not well-formed XML ({exc})") from exc


def _fields(root: ET.Element) -> list[tuple[str, str, str]]:
    """(tag key, label, value) in document order: the header fields, then the items."""
    fields: list[tuple[str, str, str]] = []
    seen_header: set[str] = set()
    item_parents = [el for el in root.iter() if _local(el.tag) in ITEM_CONTAINERS and len(el)]
    in_items = {id(child) for parent in item_parents for child in parent.iter()}

    for parent in item_parents:
        for el in parent.iter():
            if el is parent:
                continue
            spec = ITEM_FIELDS.get(_local(el.tag))
            value = _leaf_text(el)
            if spec and value:
                fields.append((spec[0], spec[1], value))
    header: list[tuple[str, str, str]] = []
    for el in root.iter():
        if id(el) in in_items:
            continue
        spec = HEADER_FIELDS.get(_local(el.tag))
        value = _leaf_text(el)
        if spec and value and spec[0] not in seen_header:
            # First occurrence wins: EIid duplicates InvoiceNumber, and <Amount> inside
            # a summary must not shadow the real total.
            seen_header.add(spec[0])
            header.append((spec[0], spec[1], value))
    return header + fields


def attachment_tags(root: ET.Element) -> dict[str, list[str]]:
    """The invoice fields of an XML attached to an OFD (original_invoice.xml, a 数电票
    XML), as tags; {} when it names no invoice number (an XBRL 回单, a stray file)."""
    fields = _fields(root)
    if not any(key == T.INVOICE_NO for key, _, _ in fields):
        return {}
    tags: dict[str, list[str]] = {}
    for key, _, value in fields:
        T.add(tags, key, value)
    return tags


# the 财政部 XBRL of a bank's electronic 回单 (bker taxonomy), local names lower-cased
RECEIPT_FIELDS: dict[str, str] = {
    "accountnameofpayer": T.PAYER_NAME,
    "accountnameofpayee": T.PAYEE_NAME,
    "transactionamountinfigures": T.RECEIPT_AMOUNT,
    "dateofbookkeeping": T.RECEIPT_DATE,
    "numberofbankelectronicreceipt": T.RECEIPT_NO,
}


def receipt_tags(root: ET.Element) -> dict[str, list[str]]:
    """A bank 回单's fields from its XBRL attachment; {} for anything else."""
    tags: dict[str, list[str]] = {}
    for el in root.iter():
        key = RECEIPT_FIELDS.get(_local(el.tag))
        value = _leaf_text(el)
        if key and value and key not in tags:
            T.add(tags, key, value)
    return tags


def read_xml(data: bytes, name: str = "invoice.xml") -> Page:
    root = parse(data, name)
    fields = _fields(root)
    if not any(key == T.INVOICE_NO for key, _, _ in fields):
        raise XmlInvoiceError(f"{name}: XML holds no invoice number; not a 数电票 XML this reader knows")

    tags: dict[str, list[str]] = {}
    lines = []
    for i, (key, label, value) in enumerate(fields):
        T.add(tags, key, value)
        text = f"{label}: {value}"
        y = 20 + i * LINE_HEIGHT
        lines.append(Line(text=text, box=Box(x0=20, y0=y, x1=min(20 + 12 * len(text), PAGE_WIDTH - 20), y1=y + 14)))
    return Page(
        number=1, width=PAGE_WIDTH, height=40 + len(lines) * LINE_HEIGHT, unit="pt",
        source=ReadingSource(kind="xml", engine="ingest.xml_invoice", version="1"),
        lines=lines, tags=tags,
    )
