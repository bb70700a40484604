"""One key vocabulary for the fields structured sources hand us directly (Page.tags).

OFD invoices name their semantic tags (Doc_0/Tags/CustomTag.xml) with the keys below; the
数电票 XML reader maps its elements onto the same keys, so extract/ reads either the same way.
Values are always lists of strings, as printed (an OFD amount keeps its "¥").

| key | meaning |
|---|---|
| InvoiceNo | 发票号码 (20 digits for 数电票) |
| InvoiceCode | 发票代码 (older invoices only) |
| IssueDate | 开票日期, as printed ("2024年12月05日" or "2024-12-05") |
| BuyerName, BuyerTaxID | 购买方名称, 统一社会信用代码/纳税人识别号 |
| SellerName, SellerTaxID | 销售方名称, 统一社会信用代码/纳税人识别号 |
| TaxExclusiveTotalAmount | 合计金额 (不含税) |
| TaxTotalAmount | 合计税额 |
| TaxInclusiveTotalAmount | 价税合计 (小写) |
| TaxInclusiveTotalAmountInWords | 价税合计 (大写) |
| InvoiceClerk | 开票人 |
| Item, Specification, MeasurementDimension, Quantity, Price, Amount, TaxScheme, TaxAmount | one entry per line item, in order |
| Note | 备注 |
| InvoiceType | 发票种类 / 票种 as the source names it |

A bank's electronic 回单 (an OFD with the 财政部 XBRL attachment, `bker:` elements) is a
payment proof, not an invoice; its XBRL gives PayerName, PayeeName, ReceiptAmount,
ReceiptDate, ReceiptNo.

OFD `CustomData` entries (OFD.xml DocInfo) are kept under their own (often Chinese) names,
e.g. "发票号码", "合计金额". Printed QR codes add keys prefixed "qr." (see ingest.qr).
"""
from __future__ import annotations

INVOICE_NO = "InvoiceNo"
INVOICE_CODE = "InvoiceCode"
ISSUE_DATE = "IssueDate"
BUYER_NAME = "BuyerName"
BUYER_TAX_ID = "BuyerTaxID"
SELLER_NAME = "SellerName"
SELLER_TAX_ID = "SellerTaxID"
AMOUNT_EXCL_TAX = "TaxExclusiveTotalAmount"
TAX_AMOUNT = "TaxTotalAmount"
TOTAL_AMOUNT = "TaxInclusiveTotalAmount"
TOTAL_AMOUNT_WORDS = "TaxInclusiveTotalAmountInWords"
CLERK = "InvoiceClerk"
ITEM = "Item"
SPEC = "Specification"
UNIT = "MeasurementDimension"
QUANTITY = "Quantity"
PRICE = "Price"
AMOUNT = "Amount"
TAX_RATE = "TaxScheme"
ITEM_TAX = "TaxAmount"
NOTE = "Note"
INVOICE_TYPE = "InvoiceType"
# a bank 回单's XBRL (receipts, not invoices)
PAYER_NAME = "PayerName"
PAYEE_NAME = "PayeeName"
RECEIPT_AMOUNT = "ReceiptAmount"
RECEIPT_DATE = "ReceiptDate"
RECEIPT_NO = "ReceiptNo"

KEYS = (
    INVOICE_NO, INVOICE_CODE, ISSUE_DATE, BUYER_NAME, BUYER_TAX_ID, SELLER_NAME, SELLER_TAX_ID,
    AMOUNT_EXCL_TAX, TAX_AMOUNT, TOTAL_AMOUNT, TOTAL_AMOUNT_WORDS, CLERK, ITEM, SPEC, UNIT,
    QUANTITY, PRICE, AMOUNT, TAX_RATE, ITEM_TAX, NOTE, INVOICE_TYPE,
)


def add(tags: dict[str, list[str]], key: str, value: str | None) -> None:
    if value is None:
        return
    value = value.strip()
    if value:
        tags.setdefault(key, []).append(value)
